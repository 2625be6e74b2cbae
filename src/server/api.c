/*
 * api.c: the admin JSON API. handle() is a ladder of guard clauses (who is
 * asking, may they, is the request well-formed), then one call per route.
 */
#include "server/api.h"
#include "server/api_internal.h"

#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cycle.h"
#include "core/journal.h"
#include "core/render.h"
#include "core/settings.h"
#include "queue/queue.h"
#include "server/auth.h"
#include "util/parse.h"
#include "util/timeutil.h"

static void
reply(struct call *c, unsigned status, json_t *v)
{
	c->out->status = status;
	free(c->out->body);
	c->out->body = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	json_decref(v);
}

static void
fail(struct call *c, unsigned status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
fail(struct call *c, unsigned status, const char *fmt, ...)
{
	struct sbuf msg = SBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	reply(c, status, json_pack("{s:s}", "error", msg.buf));
	if (status == 401 || status == 403)
		journal(c->st, c->who.account_id, NULL, "api", LOG_ERROR, "refused %s /api%s for %s: %s",
			c->rq->method, c->rq->path, c->who.name[0] ? c->who.name : "an anonymous caller", msg.buf);
	sbuf_release(&msg);
}

static const char *
q(struct call *c, const char *name)
{
	const char *v = c->rq->query(c->rq->ctx, name);

	return v && *v ? v : NULL;
}

/* The account named by ?account= or the body's "account", checked against the caller. */
static int
account_arg(struct call *c, const char *name, int required, struct account *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (!name) {
		if (required) {
			fail(c, 400, "name the account");
			return -1;
		}
		if (!c->who.support)
			out->id = c->who.account_id;   /* a merchant sees its own account by default */
		return 0;
	}
	rc = store_account_find(c->st, name, out, &c->err);
	if (rc < 0) {
		fail(c, 503, "the store is unavailable; try again");
		return -1;
	}
	if (rc == STORE_NOTFOUND || !auth_may_act_on(&c->who, out->id)) {
		/* the same answer for "no such account" and "not yours": names do not leak */
		fail(c, rc == STORE_NOTFOUND && c->who.support ? 404 : 403, "no account '%s' for you", name);
		return -1;
	}
	return 0;
}

static int
id_arg(struct call *c, const char *text, int64_t *id)
{
	if (parse_int64(text, 1, INT64_MAX, id) < 0) {
		fail(c, 400, "'%s' is not an id", text);
		return -1;
	}
	return 0;
}

/* The item, if the caller may see its account. */
static int
item_arg(struct call *c, const char *text, struct queue_item *it)
{
	int64_t id;
	int rc;

	if (id_arg(c, text, &id) < 0)
		return -1;
	rc = store_queue_get(c->st, id, it, &c->err);
	if (rc == 0 && !auth_may_act_on(&c->who, it->account_id)) {
		free(it->comment);
		free(it->payload);
		rc = STORE_NOTFOUND;
	}
	if (rc == STORE_NOTFOUND)
		fail(c, 404, "no queue item %lld", (long long)id);
	else if (rc < 0)
		fail(c, 503, "the store is unavailable; try again");
	return rc == 0 ? 0 : -1;
}

static const char *
body_str(struct call *c, const char *key)
{
	const char *v = json_string_value(json_object_get(c->body, key));

	return v && *v ? v : NULL;
}

/* ---- for the route files (api_internal.h) ------------------------------- */

void
api_reply(struct call *c, unsigned status, json_t *v)
{
	reply(c, status, v);
}

void
api_fail(struct call *c, unsigned status, const char *fmt, ...)
{
	struct sbuf msg = SBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	fail(c, status, "%s", msg.buf);
	sbuf_release(&msg);
}

const char *
api_query(struct call *c, const char *name)
{
	return q(c, name);
}

const char *
api_body_str(struct call *c, const char *key)
{
	return body_str(c, key);
}

int
api_account(struct call *c, const char *name, int required, struct account *out)
{
	return account_arg(c, name, required, out);
}

/* ---- routes ------------------------------------------------------------- */

static void
get_me(struct call *c)
{
	reply(c, 200, json_pack("{s:s, s:s, s:s?, s:s?}", "name", c->who.name, "role",
				c->who.support ? "support" : "merchant", "csrf", c->who.via_token ? NULL : c->who.csrf,
				"account", NULL));
	if (!c->who.support) {
		struct account a;

		if (store_account_get(c->st, c->who.account_id, &a, &c->err) == 0) {
			json_t *v = json_loads(c->out->body, 0, NULL);

			json_object_set_new(v, "account", json_string(a.name));
			reply(c, 200, v);
		}
	}
}

static void
get_accounts(struct call *c)
{
	struct account *a;
	size_t n;
	json_t *arr = json_array();

	if (store_account_list(c->st, &a, &n, &c->err) < 0) {
		json_decref(arr);
		fail(c, 503, "the store is unavailable; try again");
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (auth_may_act_on(&c->who, a[i].id))
			json_array_append_new(arr, render_account(&a[i]));
	free(a);
	reply(c, 200, arr);
}

static void
get_account(struct call *c, const char *name)
{
	struct connection *conns = NULL;
	struct account a;
	size_t n = 0;
	json_t *o, *settings, *carr;

	if (account_arg(c, name, 1, &a) < 0)
		return;
	if (!(settings = render_settings(c->st, a.id, &c->err)) ||
	    store_connection_list(c->st, a.id, &conns, &n, &c->err) < 0) {
		json_decref(settings);
		fail(c, 503, "the store is unavailable; try again");
		return;
	}
	carr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(carr, render_connection(&conns[i], a.name));
	connections_free(conns, n);
	o = render_account(&a);
	json_object_set_new(o, "settings", settings);
	json_object_set_new(o, "connections", carr);
	reply(c, 200, o);
}

/* PUT /accounts/{name}/settings {"key": "value", ...}: all or nothing. */
static void
put_settings(struct call *c, const char *name)
{
	struct account a;
	const char *key;
	json_t *v;

	if (account_arg(c, name, 1, &a) < 0)
		return;
	if (!json_is_object(c->body) || !json_object_size(c->body)) {
		fail(c, 400, "send a JSON object of settings, e.g. {\"customer_sync\": \"on\"}");
		return;
	}
	json_object_foreach(c->body, key, v) {
		const struct setting_def *d = setting_def_find(key);
		char *stored = NULL;

		if (!d) {
			fail(c, 400, "unknown setting '%s'", key);
			return;
		}
		if (!json_is_string(v)) {
			fail(c, 400, "setting '%s' must be a string", key);
			return;
		}
		if (setting_normalize(d, json_string_value(v), &stored, &c->err) < 0) {
			fail(c, 400, "%s", c->err.buf);
			return;
		}
		free(stored);
	}
	if (store_tx_begin(c->st, &c->err) < 0) {
		fail(c, 503, "the store is busy; try again");
		return;
	}
	json_object_foreach(c->body, key, v) {
		char *stored = NULL;

		setting_normalize(setting_def_find(key), json_string_value(v), &stored, &c->err);
		if (store_setting_set(c->st, a.id, key, stored, time_now_ms(), &c->err) < 0) {
			free(stored);
			store_tx_rollback(c->st);
			fail(c, 503, "the store is busy; try again");
			return;
		}
		free(stored);
	}
	if (store_tx_commit(c->st, &c->err) < 0) {
		fail(c, 503, "the store is busy; try again");
		return;
	}
	journal(c->st, a.id, a.name, "api", LOG_INFO, "%s changed %zu setting%s", c->who.name,
		json_object_size(c->body), json_object_size(c->body) == 1 ? "" : "s");
	get_account(c, name);
}

static void
get_items(struct call *c)
{
	struct queue_filter f = { 0, NULL, -1, NULL, 0, 50 };
	struct queue_item *items;
	enum item_status status;
	struct account a;
	size_t n;
	int64_t v;
	json_t *arr;

	if (account_arg(c, q(c, "account"), 0, &a) < 0)
		return;
	f.account_id = a.id;
	if ((f.queue = q(c, "queue")) && !queue_def_find(f.queue)) {
		fail(c, 400, "unknown queue '%s'", f.queue);
		return;
	}
	if (q(c, "status")) {
		if (item_status_parse(q(c, "status"), &status) < 0) {
			fail(c, 400, "unknown status '%s'", q(c, "status"));
			return;
		}
		f.status = (int)status;
	}
	f.text = q(c, "text");
	if (q(c, "limit")) {
		if (parse_int64(q(c, "limit"), 1, 500, &v) < 0) {
			fail(c, 400, "limit must be 1 to 500");
			return;
		}
		f.limit = (size_t)v;
	}
	if (q(c, "before") && id_arg(c, q(c, "before"), &f.before_id) < 0)
		return;
	if (store_queue_list(c->st, &f, &items, &n, &c->err) < 0) {
		fail(c, 503, "the store is unavailable; try again");
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, render_item(&items[i]));
	reply(c, 200, json_pack("{s:o, s:o}", "items", arr, "next_before",
				n == f.limit && n ? json_integer(items[n - 1].id) : json_null()));
	queue_items_free(items, n);
}

static void
get_item(struct call *c, const char *id)
{
	struct queue_attempt *at;
	struct queue_item it;
	size_t n;
	json_t *o, *arr;

	if (item_arg(c, id, &it) < 0)
		return;
	if (store_queue_attempts(c->st, it.id, &at, &n, &c->err) < 0) {
		free(it.comment);
		free(it.payload);
		fail(c, 503, "the store is unavailable; try again");
		return;
	}
	o = render_item(&it);
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, render_attempt(&at[i]));
	json_object_set_new(o, "attempt_history", arr);
	queue_attempts_free(at, n);
	free(it.comment);
	free(it.payload);
	reply(c, 200, o);
}

static void
post_item_action(struct call *c, const char *id, int retry)
{
	struct retry_policy policy = RETRY_POLICY_DEFAULT;
	struct queue_item it;
	int64_t newer = 0;
	int rc;

	if (item_arg(c, id, &it) < 0)
		return;
	free(it.comment);
	free(it.payload);
	if (retry)
		rc = store_queue_retry(c->st, it.id, time_now_ms(), policy.max_attempts, &newer, &c->err);
	else
		rc = store_queue_cancel(c->st, it.id, time_now_ms(), "Cancelled by an operator", &c->err);
	if (rc < 0) {
		fail(c, 409, "%s", c->err.buf);
		return;
	}
	journal(c->st, it.account_id, NULL, "api", LOG_INFO, "%s %s item %lld", c->who.name,
		retry ? "retried" : "cancelled", (long long)it.id);
	if (rc == STORE_GONE) {
		reply(c, 200, json_pack("{s:s, s:I}", "result", "superseded", "by_item", (json_int_t)newer));
		return;
	}
	get_item(c, id);
}

/* POST /items/retry-failed | /items/cancel-failed {"account","queue","comment"?} */
static void
post_bulk(struct call *c, int retry)
{
	struct retry_policy policy = RETRY_POLICY_DEFAULT;
	const char *queue = body_str(c, "queue"), *comment = body_str(c, "comment");
	struct account a;
	size_t count = 0;
	int rc;

	if (account_arg(c, body_str(c, "account"), 1, &a) < 0)
		return;
	if (!queue || !queue_def_find(queue)) {
		fail(c, 400, "name a known queue");
		return;
	}
	if (retry)
		rc = store_queue_retry_failed(c->st, a.id, queue, comment, time_now_ms(), policy.max_attempts, &count,
					      &c->err);
	else
		rc = store_queue_cancel_failed(c->st, a.id, queue, comment, time_now_ms(), "Cancelled by an operator",
					       &count, &c->err);
	if (rc < 0) {
		fail(c, 503, "%s", c->err.buf);
		return;
	}
	journal(c->st, a.id, a.name, "api", LOG_INFO, "%s %s %zu failed items in %s", c->who.name,
		retry ? "retried" : "cancelled", count, queue);
	reply(c, 200, json_pack("{s:I}", retry ? "retried" : "cancelled", (json_int_t)count));
}

static void
links(struct call *c)
{
	struct account a;
	struct link *l;
	size_t n;
	json_t *arr;
	const char *entity = strcmp(c->rq->method, "GET") == 0 ? q(c, "entity") : body_str(c, "entity");
	const char *account = strcmp(c->rq->method, "GET") == 0 ? q(c, "account") : body_str(c, "account");
	int rc;

	if (account_arg(c, account, strcmp(c->rq->method, "GET") != 0, &a) < 0)
		return;
	if (strcmp(c->rq->method, "POST") == 0 || strcmp(c->rq->method, "DELETE") == 0) {
		const char *pos = body_str(c, "pos_id"), *shop = body_str(c, "shop_id");

		if (!entity || !pos || (strcmp(c->rq->method, "POST") == 0 && !shop)) {
			fail(c, 400, "send entity, pos_id%s", strcmp(c->rq->method, "POST") == 0 ? " and shop_id" : "");
			return;
		}
		rc = strcmp(c->rq->method, "POST") == 0 ?
			     store_link_set(c->st, a.id, entity, pos, shop, time_now_ms(), &c->err) :
			     store_link_delete(c->st, a.id, entity, pos, &c->err);
		if (rc == STORE_NOTFOUND) {
			fail(c, 404, "POS %s %s is not linked", entity, pos);
			return;
		}
		if (rc < 0) {
			fail(c, 409, "%s", c->err.buf);
			return;
		}
		journal(c->st, a.id, a.name, "api", LOG_INFO, "%s %s %s: POS %s%s%s", c->who.name,
			strcmp(c->rq->method, "POST") == 0 ? "linked" : "unlinked", entity, pos, shop ? " <-> shop " : "",
			shop ? shop : "");
	}
	if (store_link_list(c->st, a.id, entity, &l, &n, &c->err) < 0) {
		fail(c, 503, "the store is unavailable; try again");
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		if (auth_may_act_on(&c->who, l[i].account_id))
			json_array_append_new(arr, render_link(&l[i], a.id ? a.name : ""));
	free(l);
	reply(c, 200, arr);
}

static void
get_jobs(struct call *c)
{
	struct account a;
	struct job *j;
	size_t n;
	json_t *arr;

	if (account_arg(c, q(c, "account"), 0, &a) < 0)
		return;
	if (store_job_list(c->st, a.id, 50, &j, &n, &c->err) < 0) {
		fail(c, 503, "the store is unavailable; try again");
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, render_job(&j[i]));
	jobs_free(j, n);
	reply(c, 200, arr);
}

static void
get_inbound(struct call *c)
{
	struct inbound_filter f = { 0, NULL, NULL, 100 };
	struct inbound_event *ev;
	struct account a;
	size_t n;
	json_t *arr;

	if (account_arg(c, q(c, "account"), 0, &a) < 0)
		return;
	f.account_id = a.id;
	f.entity = q(c, "entity");
	f.remote_id = q(c, "id");
	if (store_inbound_list(c->st, &f, &ev, &n, &c->err) < 0) {
		fail(c, 503, "the store is unavailable; try again");
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, render_inbound(&ev[i]));
	free(ev);
	reply(c, 200, arr);
}

static void
get_logs(struct call *c)
{
	struct log_filter f = { 0, -1, NULL, 200 };
	struct log_entry *e;
	struct account a;
	enum log_type t;
	size_t n;
	json_t *arr;

	if (account_arg(c, q(c, "account"), 0, &a) < 0)
		return;
	f.account_id = a.id;
	if (q(c, "type")) {
		if (log_type_parse(q(c, "type"), &t) < 0) {
			fail(c, 400, "type must be info, error or notification");
			return;
		}
		f.type = (int)t;
	}
	f.service = q(c, "service");
	if (store_log_list(c->st, &f, &e, &n, &c->err) < 0) {
		fail(c, 503, "the store is unavailable; try again");
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		if (e[i].account_id || c->who.support)   /* system-wide lines are for support */
			json_array_append_new(arr, render_log(&e[i]));
	log_entries_free(e, n);
	reply(c, 200, arr);
}

/* The status page: per account, queue depths and the latest activity. */
static void
get_status(struct call *c)
{
	struct queue_count *qc;
	struct account a;
	struct job *j;
	size_t n, nj;
	json_t *o, *jobs;

	if (account_arg(c, q(c, "account"), 0, &a) < 0)
		return;
	if (!c->who.support && !a.id) {
		fail(c, 403, "no account for you");
		return;
	}
	if (store_queue_counts(c->st, a.id, &qc, &n, &c->err) < 0 ||
	    store_job_list(c->st, a.id, 10, &j, &nj, &c->err) < 0) {
		fail(c, 503, "the store is unavailable; try again");
		return;
	}
	jobs = json_array();
	for (size_t i = 0; i < nj; i++)
		json_array_append_new(jobs, render_job(&j[i]));
	o = json_pack("{s:o, s:o}", "queues", render_queue_counts(qc, n), "recent_jobs", jobs);
	free(qc);
	jobs_free(j, nj);
	reply(c, 200, o);
}

/* POST /accounts/{name}/sync-now {"feed": FEED}: one feed's cycle, now, answered
 * when it is done (the dashboard's Sync Now of every feed is POST /jobs). */
static void
post_sync_now(struct call *c, const char *name)
{
	const char *feed = body_str(c, "feed");
	struct cycle_result r;
	struct engine *e = NULL;
	struct account a;
	int known = 0;

	if (account_arg(c, name, 1, &a) < 0)
		return;
	for (int f = 0; feed && cycle_feeds[f]; f++)
		known |= strcmp(cycle_feeds[f], feed) == 0;
	if (!known) {
		fail(c, 400, "feed must be customers, customer_types, orders, products, inventory or stock_check");
		return;
	}
	if (engine_new(&e, c->find, &c->err) < 0 || cycle_run(e, c->st, &a, feed, &r, &c->err) < 0) {
		engine_free(e);
		fail(c, 502, "%s", c->err.buf);
		return;
	}
	engine_free(e);
	reply(c, 200, json_pack("{s:s, s:I, s:I, s:b}", "feed", feed, "read", (json_int_t)r.seen, "queued",
				(json_int_t)r.queued, "skipped", r.skipped));
}

/* POST /login {"name","password"}: a session cookie and the CSRF token. */
static void
post_login(struct call *c)
{
	const char *name = body_str(c, "name"), *password = body_str(c, "password");
	char token[AUTH_TOKEN_HEX + 1], csrf[AUTH_TOKEN_HEX + 1];
	int rc;

	if (!name || !password) {
		fail(c, 400, "send name and password");
		return;
	}
	rc = auth_login(c->st, name, password, token, csrf, &c->err);
	if (rc == STORE_NOTFOUND) {
		snprintf(c->who.name, sizeof(c->who.name), "%s", name);
		fail(c, 401, "wrong name or password");
		return;
	}
	if (rc < 0) {
		fail(c, 503, "the store is unavailable; try again");
		return;
	}
	snprintf(c->out->set_cookie, sizeof(c->out->set_cookie),
		 "ts_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", token,
		 (long long)(AUTH_SESSION_MS / 1000), c->rq->tls ? "; Secure" : "");
	OPENSSL_cleanse(token, sizeof(token));
	reply(c, 200, json_pack("{s:s, s:s}", "name", name, "csrf", csrf));
}

static void
post_logout(struct call *c)
{
	const char *token = c->rq->cookie(c->rq->ctx, "ts_session");
	char digest[AUTH_TOKEN_HEX + 1];

	if (token) {
		auth_token_digest(token, digest);
		store_session_delete(c->st, digest, &c->err);
	}
	snprintf(c->out->set_cookie, sizeof(c->out->set_cookie), "ts_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	reply(c, 200, json_pack("{s:s}", "result", "logged out"));
}

/* ---- the ladder --------------------------------------------------------- */

static int
authenticate(struct call *c)
{
	const char *auth = c->rq->header(c->rq->ctx, "Authorization");
	const char *cookie = c->rq->cookie(c->rq->ctx, "ts_session");
	int rc = STORE_NOTFOUND;

	if (auth && strncmp(auth, "Bearer ", 7) == 0)
		rc = auth_bearer(c->st, auth + 7, &c->who, &c->err);
	else if (cookie)
		rc = auth_session(c->st, cookie, &c->who, &c->err);
	if (rc < 0) {
		fail(c, 503, "the store is unavailable; try again");
		return -1;
	}
	if (rc != 0) {
		fail(c, 401, "log in first (POST /api/login) or send an API token");
		return -1;
	}
	return 0;
}

static int
csrf_ok(struct call *c)
{
	const char *sent = c->rq->header(c->rq->ctx, "X-CSRF-Token");
	size_t n = strlen(c->who.csrf);

	if (c->who.via_token || strcmp(c->rq->method, "GET") == 0)
		return 1;
	return sent && strlen(sent) == n && n && CRYPTO_memcmp(sent, c->who.csrf, n) == 0;
}

/* Split "/accounts/shop1/settings" into up to 4 segments. */
static size_t
segments(const char *path, char seg[4][128])
{
	size_t n = 0;

	while (*path == '/')
		path++;
	while (*path && n < 4) {
		const char *slash = strchr(path, '/');
		size_t len = slash ? (size_t)(slash - path) : strlen(path);

		snprintf(seg[n++], 128, "%.*s", (int)(len < 127 ? len : 127), path);
		path += len;
		while (*path == '/')
			path++;
	}
	return *path ? 5 : n;   /* 5: too deep, no route */
}

void
api_handle(struct store *st, connector_find_fn find, const struct api_request *rq, struct api_response *out)
{
	struct call c;
	char seg[4][128];
	size_t n = segments(rq->path, seg);
	int get, post;

	memset(&c, 0, sizeof(c));
	memset(out, 0, sizeof(*out));
	c.st = st;
	c.find = find;
	c.rq = rq;
	c.out = out;
	sbuf_init(&c.err, SBUF_CAP_ERROR);
	get = strcmp(rq->method, "GET") == 0;
	post = strcmp(rq->method, "POST") == 0;

	/* bodies are JSON objects or absent; a malformed one changes nothing */
	if (rq->body_len) {
		json_error_t jerr;

		c.body = json_loadb(rq->body, rq->body_len, 0, &jerr);
		if (!json_is_object(c.body)) {
			fail(&c, 400, "the body is not a JSON object (%s)", c.body ? "wrong type" : jerr.text);
			goto out;
		}
	}
	if (n == 1 && strcmp(seg[0], "login") == 0) {
		if (post)
			post_login(&c);
		else
			fail(&c, 405, "log in with POST");
		goto out;
	}
	if (authenticate(&c) < 0)
		goto out;
	if (!csrf_ok(&c)) {
		fail(&c, 403, "missing or wrong X-CSRF-Token header (take it from /api/me)");
		goto out;
	}

	if (n == 1 && strcmp(seg[0], "logout") == 0 && post)
		post_logout(&c);
	else if (n == 1 && strcmp(seg[0], "me") == 0 && get)
		get_me(&c);
	else if (n == 1 && strcmp(seg[0], "accounts") == 0 && get)
		get_accounts(&c);
	else if (n == 2 && strcmp(seg[0], "accounts") == 0 && get)
		get_account(&c, seg[1]);
	else if (n == 3 && strcmp(seg[0], "accounts") == 0 && strcmp(seg[2], "settings") == 0 &&
		 strcmp(rq->method, "PUT") == 0)
		put_settings(&c, seg[1]);
	else if (n == 3 && strcmp(seg[0], "accounts") == 0 && strcmp(seg[2], "sync-now") == 0 && post)
		post_sync_now(&c, seg[1]);
	else if (n == 1 && strcmp(seg[0], "items") == 0 && get)
		get_items(&c);
	else if (n == 2 && strcmp(seg[0], "items") == 0 && strcmp(seg[1], "retry-failed") == 0 && post)
		post_bulk(&c, 1);
	else if (n == 2 && strcmp(seg[0], "items") == 0 && strcmp(seg[1], "cancel-failed") == 0 && post)
		post_bulk(&c, 0);
	else if (n == 2 && strcmp(seg[0], "items") == 0 && get)
		get_item(&c, seg[1]);
	else if (n == 3 && strcmp(seg[0], "items") == 0 && strcmp(seg[2], "retry") == 0 && post)
		post_item_action(&c, seg[1], 1);
	else if (n == 3 && strcmp(seg[0], "items") == 0 && strcmp(seg[2], "cancel") == 0 && post)
		post_item_action(&c, seg[1], 0);
	else if (n == 1 && strcmp(seg[0], "links") == 0 && (get || post || strcmp(rq->method, "DELETE") == 0))
		links(&c);
	else if (n == 1 && strcmp(seg[0], "jobs") == 0 && get)
		get_jobs(&c);
	else if (n == 1 && strcmp(seg[0], "inbound") == 0 && get)
		get_inbound(&c);
	else if (n == 1 && strcmp(seg[0], "logs") == 0 && get)
		get_logs(&c);
	else if (n == 1 && strcmp(seg[0], "status") == 0 && get)
		get_status(&c);
	else if (!api_more_route(&c, seg, n))   /* the dashboard's screens: api_internal.h */
		fail(&c, 404, "no route %s /api%s", rq->method, rq->path);
out:
	if (!out->body)
		fail(&c, 500, "no answer was produced");
	json_decref(c.body);
	sbuf_release(&c.err);
}
