/*
 * cmd-health.c: the health monitor on the command line, per account and
 * feed: last successful sync, how many records it read, errors of the last
 * run, and the auto-correction switch with the corrections made.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/cycle.h"
#include "core/render.h"
#include "core/settings.h"

static const struct feed_health *
row_of(const struct feed_health *h, size_t n, const char *feed)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(h[i].feed, feed) == 0)
			return &h[i];
	return NULL;
}

static const char *
state_of(const struct feed_health *row)
{
	if (!row || !row->last_run_at)
		return "never run";
	return row->errors_last_run ? "error" : "ok";
}

static json_t *
account_json(struct cli *cli, const struct account *a, const struct feed_health *h, size_t n, int auto_correct)
{
	json_t *feeds = json_array();

	for (int f = 0; cycle_feeds[f]; f++) {
		const struct feed_health *row = row_of(h, n, cycle_feeds[f]);
		int off = cycle_feed_off(cli->st, a->id, cycle_feeds[f], NULL) == 1;
		json_array_append_new(feeds, render_feed_health(cycle_feeds[f], off ? "off" : state_of(row), row));
	}
	return json_pack("{s:s, s:b, s:o}", "account", a->name, "auto_correct", auto_correct, "feeds", feeds);
}

static void
print_account(json_t *acc)
{
	json_t *f;
	size_t i;

	printf("%s (auto-correction %s)\n", json_string_value(json_object_get(acc, "account")),
	       json_is_true(json_object_get(acc, "auto_correct")) ? "on" : "off");
	printf("  %-15s %-10s %-24s %8s %6s %11s  %s\n", "FEED", "STATE", "LAST SUCCESS", "SYNCED", "ERRORS",
	       "CORRECTIONS", "LAST ERROR");
	json_array_foreach(json_object_get(acc, "feeds"), i, f) {
		const char *when = json_string_value(json_object_get(f, "last_success_at"));

		printf("  %-15s %-10s %-24s %8lld %6lld %11lld  %s\n", json_string_value(json_object_get(f, "feed")),
		       json_string_value(json_object_get(f, "state")), when ? when : "never",
		       (long long)json_integer_value(json_object_get(f, "synced_count")),
		       (long long)json_integer_value(json_object_get(f, "errors_last_run")),
		       (long long)json_integer_value(json_object_get(f, "corrections")),
		       json_string_value(json_object_get(f, "last_error")));
	}
}

static int
run_health(struct cli *cli, int argc, char **argv)
{
	struct sbuf err = SBUF_INIT;
	struct account one = { 0 }, *acc = NULL;
	json_t *out = json_array();
	size_t nacc = 0;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			cli->json = 1;
		} else if (strcmp(argv[i], "--account") == 0 && i + 1 < argc) {
			if ((rc = cli_account(cli, argv[++i], &one)))
				goto out;
		} else {
			rc = cli_usage_error(&cmd_health, "unexpected argument '%s'", argv[i]);
			goto out;
		}
	}
	if (one.id) {
		acc = &one;
		nacc = 1;
	} else if (store_account_list(cli->st, &acc, &nacc, &err) < 0) {
		rc = cli_error("%s", err.buf);
		goto out;
	}
	for (size_t i = 0; i < nacc && rc == 0; i++) {
		struct feed_health *h = NULL;
		size_t n = 0;
		int auto_correct = 0;

		if (store_health_list(cli->st, acc[i].id, &h, &n, &err) < 0 ||
		    settings_get_bool(cli->st, acc[i].id, "auto_correct", &auto_correct, &err) < 0) {
			rc = cli_error("%s", err.buf);
			free(h);
			break;
		}
		json_array_append_new(out, account_json(cli, &acc[i], h, n, auto_correct));
		free(h);
	}
	if (rc == 0 && cli->json) {
		cli_print_json(one.id ? json_incref(json_array_get(out, 0)) : json_incref(out));
	} else if (rc == 0) {
		json_t *a;
		size_t i;

		json_array_foreach(out, i, a)
			print_account(a);
	}
out:
	if (acc != &one)
		free(acc);
	json_decref(out);
	sbuf_release(&err);
	return rc;
}

const struct cmd cmd_health = {
	"health", run_health, NEEDS_STORE, "the health monitor: each feed's last sync, counts, errors, corrections",
	"usage: tillsync health [--account NAME] [--json]\n"
	"\n"
	"Per account and feed: state (ok, error, never run, off), the last successful\n"
	"sync, records read by it, errors of the last run and why, and the stock\n"
	"corrections made (auto_correct on or off; webhooks re-enabled count too).\n",
};
