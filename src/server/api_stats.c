/*
 * api_stats.c: the health monitor, the chart of items per hour by outcome,
 * and the dashboard's vocabulary; and api_more_route(), the list of the
 * dashboard's routes that live outside api.c (see api_internal.h).
 *
 *	GET /api/meta                          queues, statuses, feeds, settings
 *	GET /api/health?account=A              last sync per feed, counts, errors, auto-correction
 *	GET /api/stats/hourly?account=A&hours=24[&queue=Q]
 *	                                       attempts per hour by outcome, every hour present
 */
#include <stdlib.h>
#include <string.h>

#include "core/cycle.h"
#include "core/render.h"
#include "core/settings.h"
#include "queue/queue.h"
#include "server/api_internal.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/timeutil.h"

#define HOUR_MS (60 * 60 * 1000LL)

const char *
api_feed_role(const char *feed)
{
	return strcmp(feed, "orders") == 0 ? "shop" : "pos";
}

/* GET /meta: what the dashboard names and offers, from the tables that define it. */
static void
get_meta(struct call *c)
{
	json_t *queues = json_array(), *statuses = json_array(), *feeds = json_array(), *settings = json_array();

	for (size_t i = 0; i < queue_def_count; i++)
		json_array_append_new(queues, json_pack("{s:s, s:s}", "name", queue_defs[i].name, "title",
							queue_defs[i].title));
	for (int s = 0; s < ITEM_STATUS_COUNT; s++)
		json_array_append_new(statuses, json_string(item_status_name((enum item_status)s)));
	for (int f = 0; cycle_feeds[f]; f++)
		json_array_append_new(feeds, json_pack("{s:s, s:s}", "feed", cycle_feeds[f], "role",
						       api_feed_role(cycle_feeds[f])));
	for (size_t i = 0; i < setting_def_count; i++) {
		const struct setting_def *d = &setting_defs[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b}", "key", d->key, "type",
				      d->type == SETTING_BOOL ? "bool" : d->type == SETTING_CHOICE ? "choice" :
				      d->type == SETTING_INT ? "int" : d->type == SETTING_DURATION ? "duration" : "text",
				      "default", d->secret ? "" : d->def, "help", d->help, "secret", d->secret);

		if (d->type == SETTING_CHOICE && d->choices) {
			json_t *ch = json_array();
			const char *p = d->choices;

			while (*p) {
				const char *bar = strchr(p, '|');
				size_t len = bar ? (size_t)(bar - p) : strlen(p);

				json_array_append_new(ch, json_stringn(p, len));
				p += len + (bar ? 1 : 0);
			}
			json_object_set_new(o, "choices", ch);
		}
		if (d->type == SETTING_INT || d->type == SETTING_DURATION || d->type == SETTING_STRING) {
			json_object_set_new(o, "min", json_integer(d->min));
			json_object_set_new(o, "max", json_integer(d->max));
		}
		json_array_append_new(settings, o);
	}
	api_reply(c, 200, json_pack("{s:o, s:o, s:o, s:[sss], s:o, s:s}", "queues", queues, "statuses", statuses,
				    "feeds", feeds, "log_types", "notification", "error", "info", "settings",
				    settings, "who", c->who.support ? "support" : "merchant"));
}

/* The account a screen is about: one account, never "all" (a support user names it). */
static int
one_account(struct call *c, struct account *a)
{
	if (api_account(c, api_query(c, "account"), 0, a) < 0)
		return -1;
	if (!a->id) {
		api_fail(c, 400, "name the account (?account=NAME)");
		return -1;
	}
	if (!a->name[0] && store_account_get(c->st, a->id, a, &c->err) < 0) {
		api_fail(c, 503, "the store is unavailable; try again");
		return -1;
	}
	return 0;
}

static int
has_role(const struct connection *conns, size_t n, const char *role)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(conns[i].role, role) == 0)
			return 1;
	return 0;
}

json_t *
api_render_feeds(struct store *st, int64_t account_id, const struct feed_health *h, size_t nh,
		 const struct connection *conns, size_t nc, const char *role)
{
	json_t *arr = json_array();

	for (int f = 0; cycle_feeds[f]; f++) {
		const char *feed_role = api_feed_role(cycle_feeds[f]);
		const struct feed_health *row = NULL;
		const char *state;
		json_t *o;

		if (role && strcmp(role, feed_role) != 0)
			continue;
		for (size_t i = 0; i < nh; i++)
			if (strcmp(h[i].feed, cycle_feeds[f]) == 0)
				row = &h[i];
		if (!has_role(conns, nc, feed_role))
			state = "not configured";
		else if (cycle_feed_off(st, account_id, cycle_feeds[f], NULL) == 1)
			state = "off";
		else if (!row || !row->last_run_at)
			state = "never run";
		else if (row->errors_last_run)
			state = "error";
		else
			state = "ok";
		o = render_feed_health(cycle_feeds[f], state, row);
		json_object_set_new(o, "role", json_string(feed_role));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *
recent_logs(struct call *c, int64_t account_id, enum log_type type, const char *service, size_t limit)
{
	struct log_filter f = { account_id, (int)type, service, limit };
	struct log_entry *e = NULL;
	size_t n = 0;
	json_t *arr = json_array();

	if (store_log_list(c->st, &f, &e, &n, &c->err) < 0)
		return arr;   /* the monitor still shows the rest */
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, render_log(&e[i]));
	log_entries_free(e, n);
	return arr;
}

/* GET /health?account=A */
static void
get_health(struct call *c)
{
	struct feed_health *h = NULL;
	struct connection *conns = NULL;
	struct queue_count *qc = NULL;
	struct job *jobs = NULL;
	size_t nh = 0, nc = 0, nq = 0, nj = 0;
	int64_t totals[ITEM_STATUS_COUNT] = { 0 }, corrections = 0;
	char *webhook_url = NULL;
	struct account a;
	json_t *o, *tot, *running;

	if (one_account(c, &a) < 0)
		return;
	if (store_health_list(c->st, a.id, &h, &nh, &c->err) < 0 ||
	    store_connection_list(c->st, a.id, &conns, &nc, &c->err) < 0 ||
	    store_queue_counts(c->st, a.id, &qc, &nq, &c->err) < 0 ||
	    store_job_list(c->st, a.id, 10, &jobs, &nj, &c->err) < 0 ||
	    settings_get_string(c->st, a.id, "webhook_url", &webhook_url, &c->err) < 0) {
		api_fail(c, 503, "the store is unavailable; try again");
		goto out;
	}
	for (size_t i = 0; i < nq; i++)
		totals[qc[i].status] += qc[i].count;
	tot = json_object();
	for (int s = 0; s < ITEM_STATUS_COUNT; s++)
		json_object_set_new(tot, item_status_name((enum item_status)s), json_integer(totals[s]));
	for (size_t i = 0; i < nh; i++)
		corrections += h[i].corrections;
	running = json_array();
	for (size_t i = 0; i < nj; i++)
		if (jobs[i].state == JOB_RUNNING)
			json_array_append_new(running, render_job(&jobs[i]));
	o = json_pack("{s:s, s:o, s:o, s:o}", "account", a.name, "feeds", api_render_feeds(c->st, a.id, h, nh, conns, nc, NULL),
		      "queues", render_queue_counts(qc, nq), "totals", tot);
	json_object_set_new(o, "recent_errors", recent_logs(c, a.id, LOG_ERROR, NULL, 5));
	/* what corrects itself today: the shop's webhooks, re-enabled when it disabled them */
	json_object_set_new(o, "auto_correction",
			    json_pack("{s:b, s:I, s:o}", "enabled", strcmp(webhook_url, "-") != 0, "corrections",
				      (json_int_t)corrections, "recent",
				      recent_logs(c, a.id, LOG_NOTIFICATION, "webhook", 3)));
	json_object_set_new(o, "running_jobs", running);
	api_reply(c, 200, o);
out:
	free(h);
	connections_free(conns, nc);
	free(qc);
	jobs_free(jobs, nj);
	free(webhook_url);
}

static const char *const outcomes[] = { "succeeded", "skipped", "retry", "failed", "abandoned" };

/* GET /stats/hourly?account=A&hours=24[&queue=Q]: oldest hour first, each with every outcome. */
static void
get_hourly(struct call *c)
{
	const char *queue = api_query(c, "queue");
	struct hour_count *hc = NULL;
	int64_t hours = 24, now = time_now_ms(), first;
	struct account a;
	size_t n = 0;
	json_t *buckets, *names;

	if (api_account(c, api_query(c, "account"), 0, &a) < 0)
		return;
	if (api_query(c, "hours") && parse_int64(api_query(c, "hours"), 1, 24 * 7, &hours) < 0) {
		api_fail(c, 400, "hours must be 1 to 168");
		return;
	}
	if (queue && !queue_def_find(queue)) {
		api_fail(c, 400, "unknown queue '%s'", queue);
		return;
	}
	first = (now / HOUR_MS - (hours - 1)) * HOUR_MS;
	if (store_queue_hourly(c->st, a.id, queue, first, &hc, &n, &c->err) < 0) {
		api_fail(c, 503, "the store is unavailable; try again");
		return;
	}
	buckets = json_array();
	for (int64_t h = 0; h < hours; h++) {
		json_t *b = json_pack("{s:o}", "hour", render_time(first + h * HOUR_MS));

		for (size_t k = 0; k < sizeof(outcomes) / sizeof(outcomes[0]); k++)
			json_object_set_new(b, outcomes[k], json_integer(0));
		json_array_append_new(buckets, b);
	}
	for (size_t i = 0; i < n; i++) {
		int64_t slot = (hc[i].hour - first) / HOUR_MS;
		json_t *b = json_array_get(buckets, (size_t)slot);

		if (slot >= 0 && slot < hours && json_object_get(b, hc[i].outcome))
			json_object_set_new(b, hc[i].outcome, json_integer(hc[i].count));
	}
	free(hc);
	names = json_array();
	for (size_t k = 0; k < sizeof(outcomes) / sizeof(outcomes[0]); k++)
		json_array_append_new(names, json_string(outcomes[k]));
	api_reply(c, 200, json_pack("{s:I, s:o, s:o}", "hours", (json_int_t)hours, "outcomes", names, "buckets",
				    buckets));
}

int
api_more_route(struct call *c, char seg[4][128], size_t n)
{
	int get = strcmp(c->rq->method, "GET") == 0, post = strcmp(c->rq->method, "POST") == 0;

	if (n == 1 && strcmp(seg[0], "meta") == 0 && get)
		get_meta(c);
	else if (n == 1 && strcmp(seg[0], "health") == 0 && get)
		get_health(c);
	else if (n == 2 && strcmp(seg[0], "stats") == 0 && strcmp(seg[1], "hourly") == 0 && get)
		get_hourly(c);
	else if (n == 1 && strcmp(seg[0], "activity") == 0 && get)
		api_get_activity(c);
	else if (n == 3 && strcmp(seg[0], "accounts") == 0 && strcmp(seg[2], "test-connection") == 0 && post)
		api_post_test_connection(c, seg[1]);
	else if (n == 1 && strcmp(seg[0], "customer-match") == 0 && get)
		api_get_customer_match(c);
	else if (n == 1 && strcmp(seg[0], "jobs") == 0 && post)
		api_post_job(c);
	else if (n == 2 && strcmp(seg[0], "jobs") == 0 && get)
		api_get_job(c, seg[1]);
	else
		return api_duplicates_route(c, seg, n);
	return 1;
}
