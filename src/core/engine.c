/*
 * engine.c: per-item dispatch. Guard clauses first (each with why), then one
 * call into the flow for the item's queue.
 *
 * NEEDSWORK: connectors are opened per item (a new HTTP connection each
 * time); a per-thread cache keyed by connection and its updated_at would
 * keep connections alive between items.
 */
#include "core/engine.h"

#include <openssl/sha.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/flow.h"
#include "core/journal.h"
#include "core/settings.h"
#include "core/sku_census.h"
#include "util/timeutil.h"

struct engine {
	connector_find_fn find;
	struct sku_census *census;   /* shared by this process's workers */
};

static const struct {
	const char *queue;
	int (*run)(struct flow *f);
	int needs_pos, needs_shop;
} flows[] = {
	{ "customers", flow_customers, 1, 1 },
	{ "customer_types", flow_customer_types, 1, 1 },
	{ "orders", flow_orders, 1, 1 },
};

int
engine_new(struct engine **out, connector_find_fn find, struct sbuf *err)
{
	*out = calloc(1, sizeof(**out));
	if (!*out || sku_census_new(&(*out)->census) < 0) {
		free(*out);
		*out = NULL;
		return error_set(err, "out of memory");
	}
	(*out)->find = find;
	return 0;
}

void
engine_free(struct engine *e)
{
	if (e)
		sku_census_free(e->census);
	free(e);
}

struct sku_census *
engine_sku_census(struct engine *e)
{
	return e->census;
}

int
engine_open_connector(struct engine *e, struct store *st, int64_t account_id, const char *role,
		      struct connector **out, struct remote_error *re, struct sbuf *err)
{
	const struct connector_ops *ops;
	struct connection c;
	int rc;

	*out = NULL;
	rc = store_connection_get(st, account_id, role, &c, err);
	if (rc != 0)
		return rc;
	ops = e->find ? e->find(c.kind) : NULL;
	if (!ops) {
		error_set(err, "no connector for '%s' in this build", c.kind);
		connection_free(&c);
		return -1;
	}
	if (ops->open(out, c.base_url, c.credentials, re) != REMOTE_OK) {
		error_set(err, "%s", re->message.buf);
		connection_free(&c);
		return -1;
	}
	connection_free(&c);
	return 0;
}

int
engine_test_connections(struct engine *e, struct store *st, int64_t account_id, struct connection_check out[2])
{
	struct sbuf err = SBUF_INIT;
	struct remote_error re;
	int failures = 0;

	remote_error_init(&re);
	for (int i = 0; i < 2; i++) {
		struct connection_check *ck = &out[i];
		struct connector *c = NULL;
		int rc;

		memset(ck, 0, sizeof(*ck));
		ck->role = i ? "shop" : "pos";
		remote_error_reset(&re);
		sbuf_reset(&err);
		rc = engine_open_connector(e, st, account_id, ck->role, &c, &re, &err);
		ck->configured = rc != STORE_NOTFOUND;
		if (rc != 0) {
			snprintf(ck->message, sizeof(ck->message), "%s", rc < 0 ? err.buf : "");
			failures++;
			continue;
		}
		ck->opened = 1;
		ck->kind = c->ops->kind;
		ck->display_name = c->ops->display_name;
		ck->ok = c->ops->test(c, &re) == REMOTE_OK;
		if (!ck->ok) {
			snprintf(ck->message, sizeof(ck->message), "%s", re.message.buf);
			failures++;
		}
		c->ops->close(c);
	}
	remote_error_release(&re);
	sbuf_release(&err);
	return failures;
}

void
engine_worker_config(struct engine *e, const char *db_path, struct worker_pool_config *cfg)
{
	cfg->db_path = db_path;
	cfg->handle = engine_handle;
	cfg->handle_batch = engine_handle_batch;
	cfg->handler_ctx = e;
}

int
engine_handle_batch(void *ctx, struct store *st, const struct queue_item *items, size_t n, struct work_result *res)
{
	struct retry_policy policy;
	int have_policy = 0;

	int rc;

	if (!n)
		return 0;
	if (strcmp(items[0].queue, "products") == 0)
		rc = flow_products_batch(ctx, st, items, n, res);
	else if (strcmp(items[0].queue, "inventory") == 0)
		rc = flow_inventory_batch(ctx, st, items, n, res);
	else
		return 0;   /* item by item */
	if (rc < 0)
		return -1;
	/* retries wait as the account says, as in engine_handle */
	for (size_t i = 0; i < n; i++) {
		if (res[i].status != ITEM_RETRY)
			continue;
		if (!have_policy && settings_retry_policy(st, items[0].account_id, &policy, NULL) < 0)
			break;
		have_policy = 1;
		res[i].policy = policy;
		res[i].has_policy = 1;
	}
	return 1;
}

int
flow_end(struct flow *f, enum item_status status, enum comment_id comment)
{
	f->res->status = status;
	sbuf_reset(&f->res->comment);
	comment_format(comment, &f->names, &f->res->comment);
	return 0;
}

int
flow_end_remote(struct flow *f, enum item_status status, enum comment_id comment)
{
	flow_end(f, status, comment);
	if (f->re.message.len)
		sbuf_addf(&f->res->detail, "%s", f->re.message.buf);
	if (f->re.body.len)
		sbuf_addf(&f->res->detail, "%sresponse: %s", f->res->detail.len ? "\n" : "", f->re.body.buf);
	if (status == ITEM_RETRY && f->re.retry_after_ms > f->res->retry_after_ms)
		f->res->retry_after_ms = f->re.retry_after_ms;
	return 0;
}

enum item_status
flow_status_for(struct flow *f, enum remote_status rs)
{
	(void)f;
	return rs == REMOTE_TEMPORARY || rs == REMOTE_BAD_ANSWER ? ITEM_RETRY : ITEM_FAILED;
}

int
flow_store_error(struct flow *f)
{
	f->res->status = ITEM_RETRY;
	sbuf_reset(&f->res->comment);
	sbuf_addstr(&f->res->comment, "Could not read or write tillsync's own state; will try again");
	sbuf_addstr(&f->res->detail, f->err.buf);
	return 0;
}

void
flow_fingerprint(const char *text, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256((const unsigned char *)text, strlen(text), md);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

int
flow_log(struct flow *f, int type, const char *fmt, ...)
{
	struct sbuf msg = SBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	journal(f->st, f->account.id, f->account.name, f->it->queue, (enum log_type)type, "%s", msg.buf);
	sbuf_release(&msg);
	return 0;
}

void
flow_set_names(struct flow *f)
{
	if (f->pos) {
		f->names.pos = f->pos->ops->display_name;
		f->names.pos_compact = f->pos->ops->compact_name;
		f->names.pos_upper = f->pos->ops->upper_name;
	}
	if (f->shop)
		f->names.shop = f->shop->ops->display_name;
}

int
flow_open_side(struct flow *f, const char *role, struct connector **out)
{
	int rc = engine_open_connector(f->engine, f->st, f->account.id, role, out, &f->re, &f->err);

	if (rc == 0)
		return 0;
	if (rc == STORE_NOTFOUND)
		flow_end(f, ITEM_FAILED, strcmp(role, "pos") == 0 ? COMMENT_NO_POS_CONNECTION : COMMENT_NO_SHOP_CONNECTION);
	else if (strstr(f->err.buf, "no connector"))
		flow_end(f, ITEM_FAILED, COMMENT_CONNECTOR_UNAVAILABLE);
	else
		flow_end_remote(f, ITEM_FAILED, COMMENT_CONNECTION_UNUSABLE);
	if (rc < 0 && f->err.len && !f->res->detail.len)
		sbuf_addstr(&f->res->detail, f->err.buf);
	return -1;
}

int
engine_handle(void *ctx, struct store *st, const struct queue_item *it, int is_retry, struct work_result *res)
{
	struct flow f;
	int rc = 0, found = -1;

	memset(&f, 0, sizeof(f));
	f.engine = ctx;
	f.st = st;
	f.it = it;
	f.is_retry = is_retry;
	f.res = res;
	remote_error_init(&f.re);
	sbuf_init(&f.err, SBUF_CAP_ERROR);

	for (size_t i = 0; i < sizeof(flows) / sizeof(flows[0]); i++)
		if (strcmp(flows[i].queue, it->queue) == 0)
			found = (int)i;
	if (found < 0) {
		flow_end(&f, ITEM_FAILED, COMMENT_UNKNOWN_QUEUE);
		goto out;
	}
	if (store_account_get(st, it->account_id, &f.account, &f.err) != 0) {
		flow_store_error(&f);
		goto out;
	}
	/* both sides must be configured before anything can be carried across */
	if ((flows[found].needs_pos && flow_open_side(&f, "pos", &f.pos) < 0) ||
	    (flows[found].needs_shop && flow_open_side(&f, "shop", &f.shop) < 0))
		goto out;
	flow_set_names(&f);
	rc = flows[found].run(&f);
	/* a retry waits as the account's retry_base / retry_cap say (read only
	 * then: most items succeed, and this is every item's path) */
	if (res->status == ITEM_RETRY && settings_retry_policy(st, it->account_id, &res->policy, &f.err) == 0)
		res->has_policy = 1;
out:
	if (f.pos)
		f.pos->ops->close(f.pos);
	if (f.shop)
		f.shop->ops->close(f.shop);
	remote_error_release(&f.re);
	sbuf_release(&f.err);
	return rc;
}
