#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/comments.h"
#include "core/render.h"
#include "core/settings.h"
#include "queue/queue.h"
#include "util/parse.h"
#include "util/timeutil.h"

static int
parse_id(const char *s, int64_t *id)
{
	if (parse_int64(s, 1, INT64_MAX, id) < 0)
		return cli_error("'%s' is not an item id (a positive whole number)", s);
	return 0;
}

static int
queue_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "account", required_argument, NULL, 'a' }, { "queue", required_argument, NULL, 'q' },
		{ "status", required_argument, NULL, 's' },  { "text", required_argument, NULL, 't' },
		{ "limit", required_argument, NULL, 'l' },   { "before", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	struct queue_filter f = { 0, NULL, -1, NULL, 0, 50 };
	struct sbuf err = SBUF_INIT;
	struct queue_item *items;
	enum item_status status;
	struct account a;
	size_t n;
	int64_t v;
	int c, rc;
	char ts[40];

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if ((rc = cli_account(cli, optarg, &a)))
				return rc;
			f.account_id = a.id;
			break;
		case 'q':
			if (!queue_def_find(optarg))
				return cli_usage_error(&cmd_queue, "unknown queue '%s'", optarg);
			f.queue = optarg;
			break;
		case 's':
			if (item_status_parse(optarg, &status) < 0)
				return cli_usage_error(&cmd_queue, "unknown status '%s' (pending, running, retry, "
						       "succeeded, skipped, failed, cancelled)", optarg);
			f.status = (int)status;
			break;
		case 't': f.text = optarg; break;
		case 'l':
			if (parse_int64(optarg, 1, 10000, &v) < 0)
				return cli_usage_error(&cmd_queue, "--limit must be 1 to 10000");
			f.limit = (size_t)v;
			break;
		case 'b':
			if (parse_int64(optarg, 1, INT64_MAX, &v) < 0)
				return cli_usage_error(&cmd_queue, "--before must be an item id");
			f.before_id = v;
			break;
		default: return cli_usage_error(&cmd_queue, "bad option");
		}
	}
	if (optind < argc)
		return cli_usage_error(&cmd_queue, "unexpected argument '%s'", argv[optind]);
	if (store_queue_list(cli->st, &f, &items, &n, &err) < 0) {
		rc = cli_error("%s", err.buf);
		sbuf_release(&err);
		return rc;
	}
	if (cli->json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, render_item(&items[i]));
		cli_print_json(arr);
	} else {
		printf("%-8s %-16s %-15s %-22s %-10s %-4s %-20s %s\n", "ID", "ACCOUNT", "QUEUE", "SUBJECT", "STATUS",
		       "TRY", "UPDATED", "COMMENT");
		for (size_t i = 0; i < n; i++) {
			char subject[140];

			snprintf(subject, sizeof(subject), "%s:%s", items[i].subject_type, items[i].subject_id);
			printf("%-8lld %-16s %-15s %-22s %-10s %-4d %-20s %s\n", (long long)items[i].id,
			       items[i].account, items[i].queue, subject, item_status_name(items[i].status),
			       items[i].attempts, cli_time(items[i].updated_at, ts, sizeof(ts)), items[i].comment);
		}
		if (n == f.limit)
			printf("(more: --before %lld)\n", (long long)items[n - 1].id);
	}
	queue_items_free(items, n);
	return 0;
}

static int
queue_show(struct cli *cli, int argc, char **argv)
{
	struct sbuf err = SBUF_INIT;
	struct queue_attempt *at = NULL;
	struct queue_item it;
	size_t n = 0;
	int64_t id;
	json_t *o, *arr;
	int rc;

	if (argc != 2)
		return cli_usage_error(&cmd_queue, "usage: queue show ID");
	if ((rc = parse_id(argv[1], &id)))
		return rc;
	rc = store_queue_get(cli->st, id, &it, &err);
	if (rc == STORE_NOTFOUND)
		return cli_error("no queue item %lld", (long long)id);
	if (rc < 0 || store_queue_attempts(cli->st, id, &at, &n, &err) < 0) {
		if (rc == 0) {
			free(it.comment);
			free(it.payload);
		}
		rc = cli_error("%s", err.buf);
		sbuf_release(&err);
		return rc;
	}
	o = render_item(&it);
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(arr, render_attempt(&at[i]));
	}
	json_object_set_new(o, "payload", it.payload ? json_string(it.payload) : json_null());
	json_object_set_new(o, "attempt_history", arr);
	if (cli->json) {
		cli_print_json(o);
	} else {
		const char *key;
		json_t *v;
		size_t idx;

		json_object_foreach(o, key, v) {
			if (json_is_string(v))
				printf("%-14s %s\n", key, json_string_value(v));
			else if (json_is_integer(v))
				printf("%-14s %lld\n", key, (long long)json_integer_value(v));
		}
		printf("\nattempt history:\n");
		if (!n)
			printf("  (no attempts yet)\n");
		json_array_foreach(arr, idx, v) {
			json_t *d = json_object_get(v, "detail");

			printf("  #%lld %-10s %s  %s\n", (long long)json_integer_value(json_object_get(v, "attempt")),
			       json_string_value(json_object_get(v, "outcome")),
			       json_string_value(json_object_get(v, "finished_at")),
			       json_string_value(json_object_get(v, "comment")));
			if (json_is_string(d))
				printf("      detail: %s\n", json_string_value(d));
		}
		json_decref(o);
	}
	free(it.comment);
	free(it.payload);
	queue_attempts_free(at, n);
	sbuf_release(&err);
	return 0;
}

static int
queue_add(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "account", required_argument, NULL, 'a' }, { "queue", required_argument, NULL, 'q' },
		{ "subject", required_argument, NULL, 's' }, { "direction", required_argument, NULL, 'd' },
		{ "payload", required_argument, NULL, 'p' }, { NULL, 0, NULL, 0 },
	};
	const char *account = NULL, *queue = NULL, *subject = NULL, *direction = DIRECTION_POS_TO_SHOP;
	const char *payload = NULL;
	struct sbuf err = SBUF_INIT;
	struct retry_policy policy;
	struct account a;
	char type[32];
	const char *colon;
	int64_t id;
	int c, rc, coalesced = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': account = optarg; break;
		case 'q': queue = optarg; break;
		case 's': subject = optarg; break;
		case 'd': direction = optarg; break;
		case 'p': payload = optarg; break;
		default: return cli_usage_error(&cmd_queue, "bad option");
		}
	}
	if (!queue || !subject)
		return cli_usage_error(&cmd_queue, "queue add needs --account, --queue and --subject TYPE:ID");
	colon = strchr(subject, ':');
	if (!colon || colon == subject || !colon[1] || (size_t)(colon - subject) >= sizeof(type))
		return cli_usage_error(&cmd_queue, "--subject must look like customer:1042");
	snprintf(type, sizeof(type), "%.*s", (int)(colon - subject), subject);
	if (payload) {
		json_error_t jerr;
		json_t *j = json_loads(payload, 0, &jerr);

		if (!j)
			return cli_error("--payload is not valid JSON: %s", jerr.text);
		json_decref(j);
	}
	if ((rc = cli_account(cli, account, &a)))
		return rc;
	if (settings_retry_policy(cli->st, a.id, &policy, &err) < 0 ||
	    queue_enqueue(cli->st, a.id, queue, type, colon + 1, direction, REASON_MANUAL, payload, &policy,
			  time_now_ms(), &id, &coalesced, &err) < 0) {
		rc = cli_error("%s", err.buf);
		sbuf_release(&err);
		return rc;
	}
	if (cli->json)
		cli_print_json(json_pack("{s:I, s:b}", "id", (json_int_t)id, "coalesced", coalesced));
	else if (coalesced)
		printf("folded into pending item %lld (same subject)\n", (long long)id);
	else
		printf("queued item %lld\n", (long long)id);
	return 0;
}

/* retry and cancel share their argument shape: ID | --all-failed --queue Q [--account A] [--comment C] */
static int
queue_act(struct cli *cli, int argc, char **argv, int retry)
{
	static const struct option opts[] = {
		{ "all-failed", no_argument, NULL, 'F' }, { "queue", required_argument, NULL, 'q' },
		{ "account", required_argument, NULL, 'a' }, { "comment", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *queue = NULL, *comment = NULL, *verb = retry ? "retry" : "cancel";
	struct sbuf err = SBUF_INIT;
	struct retry_policy policy = RETRY_POLICY_DEFAULT;
	struct account a = { 0 };
	int all = 0, c, rc;
	int64_t id, newer = 0;
	size_t count = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'F': all = 1; break;
		case 'q': queue = optarg; break;
		case 'c': comment = optarg; break;
		case 'a':
			if ((rc = cli_account(cli, optarg, &a)))
				return rc;
			break;
		default: return cli_usage_error(&cmd_queue, "bad option");
		}
	}
	if (all) {
		if (!queue || !queue_def_find(queue))
			return cli_usage_error(&cmd_queue, "--all-failed needs --queue with a known queue name");
		if (optind < argc)
			return cli_usage_error(&cmd_queue, "give either an item id or --all-failed, not both");
		if (retry)
			rc = store_queue_retry_failed(cli->st, a.id, queue, comment, time_now_ms(),
						      policy.max_attempts, &count, &err);
		else
			rc = store_queue_cancel_failed(cli->st, a.id, queue, comment, time_now_ms(),
						       comment_text(COMMENT_CANCELLED_BY_OPERATOR), &count, &err);
		if (rc < 0)
			goto fail;
		printf("%s: %zu failed item%s in %s\n", retry ? "queued again" : "cancelled", count,
		       count == 1 ? "" : "s", queue);
		sbuf_release(&err);
		return 0;
	}
	if (optind != argc - 1)
		return cli_usage_error(&cmd_queue, "usage: queue %s ID | --all-failed --queue Q", verb);
	if ((rc = parse_id(argv[optind], &id)))
		return rc;
	if (retry)
		rc = store_queue_retry(cli->st, id, time_now_ms(), policy.max_attempts, &newer, &err);
	else
		rc = store_queue_cancel(cli->st, id, time_now_ms(), comment_text(COMMENT_CANCELLED_BY_OPERATOR), &err);
	if (rc < 0)
		goto fail;
	if (rc == STORE_GONE)
		printf("item %lld was superseded: item %lld already carries the newest change\n", (long long)id,
		       (long long)newer);
	else
		printf("item %lld %s\n", (long long)id, retry ? "queued again" : "cancelled");
	sbuf_release(&err);
	return 0;
fail:
	rc = cli_error("%s", err.buf);
	sbuf_release(&err);
	return rc;
}

static int
run_queue(struct cli *cli, int argc, char **argv)
{
	int k = 0;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			cli->json = 1;
		else
			argv[k++] = argv[i];
	}
	argc = k;
	if (argc < 2)
		return cli_usage_error(&cmd_queue, "queue needs a verb: list, show, add, retry or cancel");
	if (strcmp(argv[1], "list") == 0)
		return queue_list(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return queue_show(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "add") == 0)
		return queue_add(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "retry") == 0)
		return queue_act(cli, argc - 1, argv + 1, 1);
	if (strcmp(argv[1], "cancel") == 0)
		return queue_act(cli, argc - 1, argv + 1, 0);
	return cli_usage_error(&cmd_queue, "unknown verb '%s'", argv[1]);
}

const struct cmd cmd_queue = {
	"queue", run_queue, NEEDS_STORE, "list, inspect, retry and cancel queue items",
	"usage: tillsync queue list [--account A] [--queue Q] [--status S] [--text T]\n"
	"                           [--limit N] [--before ID] [--json]\n"
	"       tillsync queue show ID [--json]\n"
	"       tillsync queue add --account A --queue Q --subject TYPE:ID\n"
	"                          [--direction pos_to_shop|shop_to_pos] [--payload JSON]\n"
	"       tillsync queue retry ID | --all-failed --queue Q [--account A] [--comment C]\n"
	"       tillsync queue cancel ID | --all-failed --queue Q [--account A] [--comment C]\n"
	"\n"
	"Queues: orders, customers, customer_types, inventory, promotions, categories,\n"
	"products. Statuses: pending, running, retry (failed, will retry), succeeded,\n"
	"skipped, failed (final: needs an operator), cancelled.\n"
	"\n"
	"'show' prints every attempt with its comment and the remote's answer.\n"
	"'--all-failed --comment C' acts on the failed items whose Comment is exactly C,\n"
	"e.g. --comment \"Customer is not linked\" once the links are fixed.\n",
};
