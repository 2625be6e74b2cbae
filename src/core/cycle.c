/*
 * cycle.c: one pass per account and feed asking a remote what changed.
 *
 *   customers       (POS) no change filter exists, so every page is read and
 *                   each customer's fingerprint compared with the last scan;
 *                   the first scan only records the baseline.
 *   customer_types  (POS) the same, on the (short) list of types.
 *   orders          (shop) modified_after the cursor minus an overlap (clocks
 *                   and slow saves), oldest first; an order whose status and
 *                   modification time were already seen is not queued again.
 *
 * Every change seen goes to the inbound log and its queue in the same store
 * transaction as its fingerprint, one transaction per page, and the cursor
 * moves only after the last page: a crash mid-cycle repeats work, never
 * loses it.
 */
#include "core/catalog_read.h"
#include "core/cycle_internal.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/flow.h"
#include "core/journal.h"
#include "core/product_codec.h"
#include "core/settings.h"
#include "core/webhook.h"
#include "util/hash.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/timeutil.h"

#define ORDER_OVERLAP_MS (10 * 60 * 1000)

const char *const cycle_feeds[] = { "customers", "customer_types", "orders", "products", "inventory", "stock_check",
				    NULL };

const char *
cycle_interval_setting(const char *feed)
{
	/* a full catalog scan reads every product: hourly, not every few minutes */
	return strcmp(feed, "products") == 0 || strcmp(feed, "stock_check") == 0 ? "catalog_interval"
										  : "cycle_interval";
}

/* Enqueue + inbound log + fingerprint for one changed record (inside the page's transaction). */
int
cycle_note_change(struct cycle *c, const char *side, const char *entity, const char *queue, const char *direction,
		 const char *id, const char *fp, const char *summary, const char *payload)
{
	int64_t item = 0, now = time_now_ms();
	int coalesced = 0;

	if (queue_enqueue(c->st, c->acc.id, queue, entity, id, direction, REASON_CYCLE, payload, &c->policy, now, &item,
			  &coalesced, c->err) < 0 ||
	    store_inbound_add(c->st, c->acc.id, "cycle", entity, id, summary, item, now, c->err) < 0 ||
	    store_fingerprint_set(c->st, c->acc.id, side, entity, id, fp, now, c->err) < 0)
		return -1;
	c->out->queued++;
	return 0;
}

static int
note_change(struct cycle *c, const char *side, const char *entity, const char *queue, const char *direction,
	    const char *id, const char *fp, const char *summary)
{
	return cycle_note_change(c, side, entity, queue, direction, id, fp, summary, NULL);
}

int
cycle_changed(struct cycle *c, const char *side, const char *entity, const char *id, const char *fp)
{
	char *old = NULL;
	int rc = store_fingerprint_get(c->st, c->acc.id, side, entity, id, &old, c->err);

	if (rc < 0)
		return -1;
	rc = rc == STORE_NOTFOUND || strcmp(old, fp) != 0;
	free(old);
	return rc;
}

static int
cycle_customers(struct cycle *c, struct connector *pos)
{
	struct change_page pg = { 1, 1, 0 };
	struct remote_error re;
	char *baseline = NULL;
	int first, rc = 0;

	if (!pos->ops->customers_page)
		return 0;
	rc = store_cursor_get(c->st, c->acc.id, "pos_customers", &baseline, c->err);
	if (rc < 0)
		return -1;
	first = rc == STORE_NOTFOUND;
	free(baseline);
	remote_error_init(&re);
	for (rc = 0; pg.more && rc == 0; pg.page++) {
		struct customer *cs = NULL;
		size_t n = 0;

		pg.more = 0;
		if (pos->ops->customers_page(pos, &pg, &cs, &n, &re) != REMOTE_OK) {
			rc = error_set(c->err, "%s", re.message.buf);
			break;
		}
		c->out->seen += n;
		if (store_tx_begin(c->st, c->err) < 0) {
			free(cs);
			rc = -1;
			break;
		}
		for (size_t i = 0; i < n && rc == 0; i++) {
			struct sbuf text = SBUF_INIT;
			char fp[65], summary[160];
			int ch;

			sbuf_addf(&text, "%d:%" PRId64 "|%s|%s|%s|%s|%s", cs[i].has_points, cs[i].points, cs[i].type_id,
				  cs[i].email, cs[i].first_name, cs[i].last_name, cs[i].phone);
			flow_fingerprint(text.buf, fp);
			sbuf_release(&text);
			ch = cycle_changed(c, "pos", "customer", cs[i].id, fp);
			if (ch < 0) {
				rc = -1;
			} else if (ch && first) {
				rc = store_fingerprint_set(c->st, c->acc.id, "pos", "customer", cs[i].id, fp,
							   time_now_ms(), c->err);
			} else if (ch) {
				snprintf(summary, sizeof(summary), "customer changed (points %" PRId64 ")", cs[i].points);
				rc = note_change(c, "pos", "customer", "customers", DIRECTION_POS_TO_SHOP, cs[i].id, fp,
						 summary);
			}
		}
		free(cs);
		if (rc == 0)
			rc = store_tx_commit(c->st, c->err);
		else
			store_tx_rollback(c->st);
	}
	remote_error_release(&re);
	if (rc == 0) {
		char when[32];

		snprintf(when, sizeof(when), "%" PRId64, time_now_ms());
		rc = store_cursor_set(c->st, c->acc.id, "pos_customers", when, time_now_ms(), c->err);
	}
	return rc;
}

/* A type seen before and missing from this full list was deleted in the POS. */
static int
note_deleted_types(struct cycle *c, const struct customer_type *ts, size_t n)
{
	char **known = NULL;
	size_t nknown = 0;
	int rc;

	rc = store_fingerprint_live_ids(c->st, c->acc.id, "pos", "customer_type", NULL, NULL, &known, &nknown, c->err);
	for (size_t k = 0; k < nknown; k++) {
		int present = 0;

		for (size_t i = 0; i < n && !present; i++)
			present = strcmp(ts[i].id, known[k]) == 0;
		if (!present && rc == 0)
			rc = note_change(c, "pos", "customer_type", "customer_types", DIRECTION_POS_TO_SHOP, known[k],
					 "deleted", "customer type deleted");
		free(known[k]);
	}
	free(known);
	return rc;
}

static int
cycle_customer_types(struct cycle *c, struct connector *pos)
{
	struct customer_type *ts = NULL;
	struct remote_error re;
	size_t n = 0;
	int rc = 0;

	if (!pos->ops->customer_types_list)
		return 0;
	remote_error_init(&re);
	if (pos->ops->customer_types_list(pos, &ts, &n, &re) != REMOTE_OK) {
		rc = error_set(c->err, "%s", re.message.buf);
		remote_error_release(&re);
		return rc;
	}
	remote_error_release(&re);
	c->out->seen += n;
	if (store_tx_begin(c->st, c->err) < 0) {
		free(ts);
		return -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		char fp[65], summary[160];
		int ch;

		flow_fingerprint(ts[i].name, fp);
		ch = cycle_changed(c, "pos", "customer_type", ts[i].id, fp);
		if (ch < 0) {
			rc = -1;
		} else if (ch) {
			snprintf(summary, sizeof(summary), "customer type \"%.100s\" added or renamed", ts[i].name);
			rc = note_change(c, "pos", "customer_type", "customer_types", DIRECTION_POS_TO_SHOP, ts[i].id,
					 fp, summary);
		}
	}
	if (rc == 0)
		rc = note_deleted_types(c, ts, n);
	free(ts);
	if (rc == 0)
		return store_tx_commit(c->st, c->err);
	store_tx_rollback(c->st);
	return -1;
}

int
cycle_feed_off(struct store *st, int64_t account_id, const char *feed, struct sbuf *err)
{
	int on = 1;

	const char *key = strcmp(feed, "products") == 0 ? "product_sync"
			  : strcmp(feed, "inventory") == 0 || strcmp(feed, "stock_check") == 0 ? "inventory_sync"
			  : NULL;

	if (key && settings_get_bool(st, account_id, key, &on, err) < 0)
		return -1;
	return !on;
}

/*
 * The product scan reads the catalog's master: the POS, or the shop when it
 * is the stock master (then products flow shop -> POS). Fingerprints are
 * kept per side; links are always (POS id, shop id).
 */
/*
 * What the scan saw is kept as 64-bit hashes of the ids (8 bytes each, not
 * a copy of every id), so its memory stays small for a large catalog; an
 * unseen id whose hash equals a seen one's would be missed as deleted until
 * a later scan, with a chance of about n^2 / 2^65 (1 in 2.5 billion at
 * 120,000 products).
 */
struct product_scan {
	struct cycle *c;
	const char *side;              /* "pos" or "shop": whose catalog this is */
	const char *direction;
	uint64_t *seen;
	size_t nseen, alloc;
};

static uint64_t
id_hash(const char *id)
{
	return text_hash64(TEXT_HASH_SEED, id);
}

static int
by_hash(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* store_id_filter_fn: the ids the scan did not see */
static int
not_seen(void *ctx, const char *id)
{
	const struct product_scan *sc = ctx;
	uint64_t h = id_hash(id);

	return !bsearch(&h, sc->seen, sc->nseen, sizeof(*sc->seen), by_hash);
}

static int
scan_link(struct product_scan *sc, const char *id, struct link *l)
{
	struct cycle *c = sc->c;

	return strcmp(sc->side, "pos") == 0 ? store_link_by_pos(c->st, c->acc.id, "product", id, l, c->err)
					    : store_link_by_shop(c->st, c->acc.id, "product", id, l, c->err);
}

/* Live products the scan did not see were deleted in the master: a linked
 * one is queued (it goes to draft on the other side), every one is marked
 * deleted. */
static int
note_deleted_products(struct product_scan *sc)
{
	struct cycle *c = sc->c;
	char **known = NULL;
	size_t nknown = 0;
	int rc;

	qsort(sc->seen, sc->nseen, sizeof(*sc->seen), by_hash);
	rc = store_fingerprint_live_ids(c->st, c->acc.id, sc->side, "product", not_seen, sc, &known, &nknown, c->err);
	if (rc == 0)
		rc = store_tx_begin(c->st, c->err);
	for (size_t k = 0; k < nknown; k++) {
		struct link l;

		if (rc == 0) {   /* live before, not seen now: deleted */
			int linked = scan_link(sc, known[k], &l);

			if (linked < 0)
				rc = -1;
			else if (linked == 0)
				rc = note_change(c, sc->side, "product", "products", sc->direction, known[k], "deleted",
						 "product deleted");
			else
				rc = store_fingerprint_set(c->st, c->acc.id, sc->side, "product", known[k], "deleted",
							   time_now_ms(), c->err);
		}
		free(known[k]);
	}
	free(known);
	if (rc == 0)
		return store_tx_commit(c->st, c->err);
	store_tx_rollback(c->st);
	return -1;
}

/* One product of the scan: queued with its content when it changed and
 * matters to the other side (marked for the web / published, or linked:
 * then it may have to be unmarked); otherwise only its fingerprint is kept. */
static int
scan_product(struct product_scan *sc, const struct product *p)
{
	struct cycle *c = sc->c;
	char *payload = product_to_payload(p), fp[65], summary[160];
	struct link l;
	int rc, ch;

	if (!payload)
		return error_set(c->err, "product %s has text that is not UTF-8", p->id);
	flow_fingerprint(payload, fp);
	ch = c->full ? 1 : cycle_changed(c, sc->side, "product", p->id, fp);
	rc = ch < 0 ? -1 : 0;
	if (ch > 0) {
		int matters = p->sync_to_shop && !p->archived ? 1 : scan_link(sc, p->id, &l) == 0;

		snprintf(summary, sizeof(summary), "product \"%.60s\" (SKU %.40s) changed", p->name, p->sku);
		if (matters)
			rc = cycle_note_change(c, sc->side, "product", "products", sc->direction, p->id, fp, summary,
					      payload);
		else
			rc = store_fingerprint_set(c->st, c->acc.id, sc->side, "product", p->id, fp, time_now_ms(),
						   c->err);
	}
	free(payload);
	return rc;
}

/* One page of the scan, in one store transaction. */
static int
scan_page(void *ctx, const struct product *ps, size_t n)
{
	struct product_scan *sc = ctx;
	struct cycle *c = sc->c;
	int rc = 0;

	c->out->seen += n;
	if (sc->nseen + n > sc->alloc) {
		size_t want = (sc->nseen + n) * 2;
		uint64_t *grown = realloc(sc->seen, want * sizeof(*grown));

		if (!grown)
			return error_set(c->err, "out of memory scanning products");
		sc->seen = grown;
		sc->alloc = want;
	}
	if (store_tx_begin(c->st, c->err) < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = scan_product(sc, &ps[i]);
		sc->seen[sc->nseen++] = id_hash(ps[i].id);
	}
	if (rc == 0)
		return store_tx_commit(c->st, c->err);
	store_tx_rollback(c->st);
	return -1;
}

/* master is the connector of the catalog's master, on side "pos" or "shop" */
static int
cycle_products(struct cycle *c, struct connector *master, const char *side)
{
	struct product_scan sc = { c, side,
				   strcmp(side, "pos") == 0 ? DIRECTION_POS_TO_SHOP : DIRECTION_SHOP_TO_POS, NULL, 0,
				   0 };
	int rc;

	if (!master->ops->products_page)
		return 0;
	rc = catalog_read_products(master, scan_page, &sc, c->err);
	if (rc == 0)
		rc = note_deleted_products(&sc);
	free(sc.seen);
	return rc;
}

/* The side whose catalog is the master: the stock_master setting. */
static int
catalog_master_side(struct store *st, int64_t account_id, const char **side, struct sbuf *err)
{
	char *master = NULL;

	if (settings_get_string(st, account_id, "stock_master", &master, err) < 0)
		return -1;
	*side = strcmp(master, "shop") == 0 ? "shop" : "pos";
	free(master);
	return 0;
}

/*
 * The shop disables a webhook after repeated failed deliveries and never
 * retries them, so every orders cycle checks ours and re-enables or
 * recreates them. The cycle itself stays the safety net.
 */
static void
ensure_webhooks(struct cycle *c, struct connector *shop)
{
	static const char *const topics[] = { "order.created", "order.updated" };
	struct remote_error re;
	struct sbuf err = SBUF_INIT;
	char *url, *secret = NULL;
	int repaired = 0;

	if (!shop->ops->webhooks_ensure || !(url = webhook_delivery_url(c->st, &c->acc, &err))) {
		sbuf_release(&err);
		return;
	}
	remote_error_init(&re);
	if (settings_webhook_secret(c->st, c->acc.id, &secret, &err) < 0)
		journal(c->st, c->acc.id, c->acc.name, "webhook", LOG_ERROR, "cannot read the webhook secret: %s",
			err.buf);
	else if (shop->ops->webhooks_ensure(shop, url, secret, topics, 2, &repaired, &re) != REMOTE_OK)
		journal(c->st, c->acc.id, c->acc.name, "webhook", LOG_ERROR, "cannot check the shop's webhooks: %s",
			re.message.buf);
	else if (repaired)
		journal(c->st, c->acc.id, c->acc.name, "webhook", LOG_NOTIFICATION,
			"%d webhook%s created or re-enabled in %s (deliveries to %s)", repaired,
			repaired == 1 ? "" : "s", shop->ops->display_name, url);
	c->out->webhooks_repaired = repaired;
	free(secret);
	free(url);
	remote_error_release(&re);
	sbuf_release(&err);
}

static int
cycle_orders(struct cycle *c, struct connector *shop)
{
	struct change_page pg = { 1, 1, 0 };
	struct remote_error re;
	char *cursor = NULL;
	int64_t since = 0, newest = 0;
	int rc;

	if (!shop->ops->orders_changed)
		return 0;
	ensure_webhooks(c, shop);
	rc = store_cursor_get(c->st, c->acc.id, "shop_orders", &cursor, c->err);
	if (rc < 0)
		return -1;
	if (rc == 0 && parse_int64(cursor, 0, INT64_MAX, &since) == 0)
		newest = since;
	free(cursor);
	since = since > ORDER_OVERLAP_MS ? since - ORDER_OVERLAP_MS : 0;
	remote_error_init(&re);
	for (rc = 0; pg.more && rc == 0; pg.page++) {
		struct order *os = NULL;
		size_t n = 0;

		pg.more = 0;
		if (shop->ops->orders_changed(shop, since, &pg, &os, &n, &re) != REMOTE_OK) {
			rc = error_set(c->err, "%s", re.message.buf);
			break;
		}
		c->out->seen += n;
		if (store_tx_begin(c->st, c->err) < 0) {
			orders_free(os, n);
			rc = -1;
			break;
		}
		for (size_t i = 0; i < n && rc == 0; i++) {
			char text[160], fp[65], summary[160];
			int ch;

			snprintf(text, sizeof(text), "%s|%" PRId64 "|%" PRId64, os[i].status, os[i].modified_at,
				 os[i].refunded.units);
			flow_fingerprint(text, fp);
			ch = cycle_changed(c, "shop", "order", os[i].id, fp);
			if (ch < 0) {
				rc = -1;
			} else if (ch) {
				char total[MONEY_TEXT_MAX];

				money_format(os[i].total, 2, total, sizeof(total));
				snprintf(summary, sizeof(summary), "order %.40s %.30s, total %s", os[i].number,
					 os[i].status, total);
				rc = note_change(c, "shop", "order", "orders", DIRECTION_SHOP_TO_POS, os[i].id, fp,
						 summary);
			}
			if (os[i].modified_at > newest)
				newest = os[i].modified_at;
		}
		orders_free(os, n);
		if (rc == 0)
			rc = store_tx_commit(c->st, c->err);
		else
			store_tx_rollback(c->st);
	}
	remote_error_release(&re);
	if (rc == 0 && newest) {
		char when[32];

		snprintf(when, sizeof(when), "%" PRId64, newest);
		rc = store_cursor_set(c->st, c->acc.id, "shop_orders", when, time_now_ms(), c->err);
	}
	return rc;
}

/*
 * The health monitor's row for this feed: last run, last success, what was
 * read, why it failed, corrections made. Best effort: a store too busy to
 * note the run must not turn a good cycle into a failed one.
 */
static void
record_health(struct store *st, const struct account *acc, const char *feed, int rc,
	      const struct cycle_result *r, const struct sbuf *why)
{
	struct sbuf err = SBUF_INIT;

	if (store_health_record(st, acc->id, feed, time_now_ms(), rc == 0, (int64_t)r->seen,
				rc < 0 ? why->buf : NULL, r->webhooks_repaired + r->corrections, &err) < 0)
		log_line(LOG_ERROR, acc->name, feed, "cannot record the feed's health: %s", err.buf);
	sbuf_release(&err);
}

static int
run_feed(struct engine *e, struct store *st, const struct account *acc, const char *feed, int full,
	 struct cycle_result *out, struct sbuf *err)
{
	struct cycle c = { e, st, *acc, out, err, RETRY_POLICY_DEFAULT, full };
	const char *role = strcmp(feed, "orders") == 0 ? "shop" : "pos";
	struct connector *conn = NULL;
	struct remote_error re;
	int rc, known = 0;

	memset(out, 0, sizeof(*out));
	for (int f = 0; cycle_feeds[f]; f++)
		known |= strcmp(cycle_feeds[f], feed) == 0;
	if (!known)
		return error_set(err, "unknown feed '%s' (customers, customer_types, orders, products, inventory or "
				 "stock_check)", feed);
	if (settings_retry_policy(st, acc->id, &c.policy, err) < 0 ||
	    (strcmp(feed, "products") == 0 && catalog_master_side(st, acc->id, &role, err) < 0))
		return -1;
	rc = cycle_feed_off(st, acc->id, feed, err);
	if (rc < 0)
		return -1;
	if (rc) {
		out->skipped = 1;   /* switched off: not a run to report */
		return 0;
	}
	remote_error_init(&re);
	rc = engine_open_connector(e, st, acc->id, role, &conn, &re, err);
	remote_error_release(&re);
	if (rc == STORE_NOTFOUND) {
		out->skipped = 1;
		return 0;   /* nothing to ask yet */
	}
	if (rc < 0) {
		record_health(st, acc, feed, -1, out, err);
		return -1;
	}
	if (strcmp(feed, "customers") == 0)
		rc = cycle_customers(&c, conn);
	else if (strcmp(feed, "customer_types") == 0)
		rc = cycle_customer_types(&c, conn);
	else if (strcmp(feed, "products") == 0)
		rc = cycle_products(&c, conn, role);
	else if (strcmp(feed, "inventory") == 0)
		rc = cycle_inventory(&c, conn);
	else if (strcmp(feed, "stock_check") == 0)
		rc = cycle_stock_check(&c, conn);
	else
		rc = cycle_orders(&c, conn);
	conn->ops->close(conn);
	record_health(st, acc, feed, rc, out, err);
	return rc;
}

int
cycle_run(struct engine *e, struct store *st, const struct account *acc, const char *feed,
	  struct cycle_result *out, struct sbuf *err)
{
	return run_feed(e, st, acc, feed, 0, out, err);
}

int
cycle_run_full(struct engine *e, struct store *st, const struct account *acc, const char *feed,
	       struct cycle_result *out, struct sbuf *err)
{
	return run_feed(e, st, acc, feed, 1, out, err);
}
