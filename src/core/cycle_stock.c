/*
 * cycle_stock.c: stock from the master (the POS) to the shop, and the check
 * that the shop still holds it (docs/catalog.md, "Inventory").
 *
 *   inventory    (every cycle_interval) reads the POS's stock and queues, for
 *                each linked product whose quantity changed, the quantity the
 *                shop should show: the POS's, less what paid shop orders not
 *                yet imported into the POS hold (the shop already took those
 *                off; the POS will when they are imported).
 *   stock_check  (every catalog_interval) the periodic full reconciliation:
 *                reads the shop's stock (only id, sku and quantity) and the
 *                POS's, and any linked product whose shop quantity differs
 *                from that target, with no push of ours in flight, was
 *                changed in the shop outside orders and tillsync: it goes
 *                into the change-detection log and, with auto_correct on,
 *                is set back (counted in the health monitor).
 *
 * A cursor cannot do this job: WooCommerce does not move a product's
 * modified date when a sale lowers its stock.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog_read.h"
#include "core/cycle_internal.h"
#include "core/journal.h"
#include "core/settings.h"
#include "util/log.h"
#include "util/timeutil.h"

/* paid shop orders this recent and not imported count as pending */
#define PENDING_WINDOW_MS (14LL * 24 * 60 * 60 * 1000)

/* product id -> quantity, sorted by id */
struct qty_map {
	struct stock_level *v;
	size_t n, alloc;
};

static int
by_product(const void *a, const void *b)
{
	return strcmp(((const struct stock_level *)a)->product_id, ((const struct stock_level *)b)->product_id);
}

static int
qty_add(struct qty_map *m, const char *id, int64_t qty)
{
	if (m->n == m->alloc) {
		size_t want = m->alloc ? m->alloc * 2 : 256;
		struct stock_level *grown = realloc(m->v, want * sizeof(*grown));

		if (!grown)
			return -1;
		m->v = grown;
		m->alloc = want;
	}
	memset(&m->v[m->n], 0, sizeof(m->v[0]));
	snprintf(m->v[m->n].product_id, sizeof(m->v[0].product_id), "%s", id);
	m->v[m->n++].quantity = qty;
	return 0;
}

/* Sort and add up repeats (one product's records may span pages). */
static void
qty_seal(struct qty_map *m)
{
	size_t k = 0;

	if (!m->n)
		return;
	qsort(m->v, m->n, sizeof(*m->v), by_product);
	for (size_t i = 1; i < m->n; i++) {
		if (strcmp(m->v[i].product_id, m->v[k].product_id) == 0)
			m->v[k].quantity += m->v[i].quantity;
		else
			m->v[++k] = m->v[i];
	}
	m->n = k + 1;
}

static const struct stock_level *
qty_find(const struct qty_map *m, const char *id)
{
	struct stock_level key;

	snprintf(key.product_id, sizeof(key.product_id), "%s", id);
	return m->n ? bsearch(&key, m->v, m->n, sizeof(*m->v), by_product) : NULL;
}

static int64_t
qty_of(const struct qty_map *m, const char *id)
{
	const struct stock_level *s = qty_find(m, id);

	return s ? s->quantity : 0;
}

struct stock_into {
	struct qty_map *m;
	struct sbuf *err;
};

static int
add_page(void *ctx, const struct stock_level *s, size_t n)
{
	struct stock_into *in = ctx;

	for (size_t i = 0; i < n; i++)
		if (s[i].managed && qty_add(in->m, s[i].product_id, s[i].quantity) < 0)
			return error_set(in->err, "out of memory reading stock");
	return 0;
}

static int
read_stock(struct cycle *c, struct connector *conn, const char *location, struct qty_map *m)
{
	struct stock_into in = { m, c->err };
	int rc = catalog_read_stock(conn, location, add_page, &in, c->err);

	qty_seal(m);
	return rc;
}

/* Shop product id -> units in paid shop orders not yet imported into the POS. */
static int
read_pending(struct cycle *c, struct connector *shop, struct qty_map *m)
{
	static const char *const paid[] = { "processing", "on-hold", "completed", NULL };
	struct change_page pg = { 1, 1, 0 };
	struct remote_error re;
	int rc = 0;

	if (!shop->ops->orders_changed)
		return 0;
	remote_error_init(&re);
	for (; pg.more && rc == 0; pg.page++) {
		struct order *os = NULL;
		size_t n = 0;

		pg.more = 0;
		remote_error_reset(&re);
		if (shop->ops->orders_changed(shop, time_now_ms() - PENDING_WINDOW_MS, &pg, &os, &n, &re) != REMOTE_OK) {
			rc = error_set(c->err, "%s", re.message.buf);
			break;
		}
		for (size_t i = 0; i < n && rc == 0; i++) {
			struct link l;
			int is_paid = 0, imported;

			for (int k = 0; paid[k]; k++)
				is_paid |= strcmp(os[i].status, paid[k]) == 0;
			if (!is_paid)
				continue;
			imported = store_link_by_shop(c->st, c->acc.id, "order", os[i].id, &l, c->err);
			if (imported < 0) {
				rc = -1;
				break;
			}
			for (size_t k = 0; imported == STORE_NOTFOUND && k < os[i].nlines && rc == 0; k++)
				if (qty_add(m, os[i].lines[k].product_id, os[i].lines[k].quantity) < 0)
					rc = error_set(c->err, "out of memory reading orders");
		}
		orders_free(os, n);
	}
	remote_error_release(&re);
	qty_seal(m);
	return rc;
}

/* What the shop should show for a linked product: the master's, less pending orders. */
static int64_t
target_for(const struct qty_map *pos, const struct qty_map *pending, const struct link *l)
{
	int64_t t = qty_of(pos, l->pos_id) - qty_of(pending, l->shop_id);

	return t < 0 ? 0 : t;
}

struct stock_sides {
	struct connector *shop;
	struct qty_map pos, pending;
};

static void
sides_release(struct stock_sides *s)
{
	if (s->shop)
		s->shop->ops->close(s->shop);
	free(s->pos.v);
	free(s->pending.v);
}

/* Reads the POS's stock and the shop's pending orders. 1 when the feed has nothing to do. */
static int
read_sides(struct cycle *c, struct connector *pos, struct stock_sides *s)
{
	char *location = NULL;
	struct remote_error re;
	int rc;

	memset(s, 0, sizeof(*s));
	if (!pos->ops->stock_page)
		return 1;
	remote_error_init(&re);
	rc = engine_open_connector(c->engine, c->st, c->acc.id, "shop", &s->shop, &re, c->err);
	remote_error_release(&re);
	if (rc == STORE_NOTFOUND || (rc == 0 && (!s->shop->ops->stock_page || !s->shop->ops->products_write)))
		return 1;
	if (rc < 0 || settings_get_string(c->st, c->acc.id, "stock_location", &location, c->err) < 0)
		return -1;
	rc = read_stock(c, pos, strcmp(location, "-") == 0 ? "" : location, &s->pos);
	free(location);
	if (rc == 0)
		rc = read_pending(c, s->shop, &s->pending);
	c->out->seen = s->pos.n;
	return rc;
}

static int
queue_target(struct cycle *c, const struct link *l, int64_t target, const char *why)
{
	char fp[32], summary[160];

	snprintf(fp, sizeof(fp), "%" PRId64, target);
	snprintf(summary, sizeof(summary), "%s: %" PRId64 " in stock", why, target);
	return cycle_note_change(c, "pos", "stock", "inventory", DIRECTION_POS_TO_SHOP, l->pos_id, fp, summary, fp);
}

int
cycle_inventory(struct cycle *c, struct connector *pos)
{
	struct stock_sides s;
	int rc = read_sides(c, pos, &s);

	if (rc != 0) {
		sides_release(&s);
		return rc < 0 ? -1 : 0;
	}
	rc = store_tx_begin(c->st, c->err);
	for (size_t i = 0; i < s.pos.n && rc == 0; i++) {
		struct link l;
		char fp[32];
		int found = store_link_by_pos(c->st, c->acc.id, "product", s.pos.v[i].product_id, &l, c->err);

		if (found < 0) {
			rc = -1;
		} else if (found == 0) {
			/* unlinked products keep no fingerprint: once linked, their stock goes */
			snprintf(fp, sizeof(fp), "%" PRId64, target_for(&s.pos, &s.pending, &l));
			rc = c->full ? 1 : cycle_changed(c, "pos", "stock", l.pos_id, fp);
			rc = rc > 0 ? queue_target(c, &l, target_for(&s.pos, &s.pending, &l), "stock changed")
				    : rc;
		}
	}
	if (rc == 0)
		rc = store_tx_commit(c->st, c->err);
	else
		store_tx_rollback(c->st);
	sides_release(&s);
	return rc;
}

/* One shop product in the reconciliation: 1 when it was corrected. */
static int
check_one(struct cycle *c, const struct stock_sides *s, const struct stock_level *shop, int auto_correct)
{
	struct link l;
	int64_t target, open = 0;
	int rc = store_link_by_shop(c->st, c->acc.id, "product", shop->product_id, &l, c->err);

	if (rc != 0 || !qty_find(&s->pos, l.pos_id))
		return rc < 0 ? -1 : 0;   /* not ours, or the master does not count it */
	target = target_for(&s->pos, &s->pending, &l);
	if (shop->quantity == target)
		return 0;
	if (store_queue_open_count(c->st, c->acc.id, "inventory", "stock", l.pos_id, &open, c->err) < 0)
		return -1;
	if (open)
		return 0;   /* our own push is on its way */
	journal(c->st, c->acc.id, c->acc.name, "change_detection", LOG_NOTIFICATION,
		"%s stock of product %s (POS %s) is %" PRId64 ", expected %" PRId64 " (POS %" PRId64
		" less %" PRId64 " in shop orders not yet imported): changed outside orders and tillsync%s",
		s->shop->ops->display_name, shop->product_id, l.pos_id, shop->quantity, target,
		qty_of(&s->pos, l.pos_id), qty_of(&s->pending, l.shop_id),
		auto_correct ? "; set back by auto-correction" : "; auto-correction is off");
	if (!auto_correct)
		return 0;
	return queue_target(c, &l, target, "auto-correction") < 0 ? -1 : 1;
}

struct stock_check {
	struct cycle *c;
	const struct stock_sides *s;
	int auto_correct;
};

/* One page of the shop's stock, in one store transaction. */
static int
check_page(void *ctx, const struct stock_level *shop, size_t n)
{
	struct stock_check *k = ctx;
	int rc = store_tx_begin(k->c->st, k->c->err);

	for (size_t i = 0; i < n && rc == 0; i++) {
		int fixed = shop[i].managed ? check_one(k->c, k->s, &shop[i], k->auto_correct) : 0;

		if (fixed < 0)
			rc = -1;
		k->c->out->corrections += fixed > 0;
	}
	if (rc == 0)
		return store_tx_commit(k->c->st, k->c->err);
	store_tx_rollback(k->c->st);
	return -1;
}

int
cycle_stock_check(struct cycle *c, struct connector *pos)
{
	struct stock_sides s;
	struct stock_check k = { c, &s, 0 };
	int rc = read_sides(c, pos, &s);

	if (rc == 0 && settings_get_bool(c->st, c->acc.id, "auto_correct", &k.auto_correct, c->err) < 0)
		rc = -1;
	if (rc == 0)
		rc = catalog_read_stock(s.shop, "", check_page, &k, c->err);
	sides_release(&s);
	return rc < 0 ? -1 : 0;
}
