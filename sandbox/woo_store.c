/*
 * woo_store.c - the WooCommerce store as a whole: clear, dump, and the
 * control-endpoint actions a person takes in the shop (a shopper checks
 * out, the admin edits a product in wp-admin, a sale lowers stock).  Load
 * is emu_woo_load.c.
 *
 * The dump is the GET shapes (context=edit for products, so a variation's
 * own SKU shows), in id order, plus a few members WooCommerce never sends
 * but a reload needs; their names start with '_':
 *   orders    _notes (GET /orders/{id}/notes shape), _refunds (GET
 *             /orders/{id}/refunds shape), _stock_reduced
 *   webhooks  _secret, _failure_count
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "woo.h"

void
woo_clear(struct woo *st)
{
	tab_release(&st->products, wc_product_free);
	tab_release(&st->cats, wc_cat_free);
	tab_release(&st->customers, wc_customer_free);
	tab_release(&st->orders, wc_order_free);
	tab_release(&st->coupons, wc_coupon_free);
	tab_release(&st->webhooks, wc_webhook_free);
	strmap_release(&st->sku_idx);
	strmap_release(&st->email_idx);
	strmap_init(&st->sku_idx, 1);	/* MySQL's collation: no case */
	strmap_init(&st->email_idx, 1);
	/*
	 * The first ids of a fresh WordPress: user 1 is the admin, term 15
	 * "Uncategorized", posts after the sample page and post.
	 */
	st->products.base = 10;
	st->cats.base = 15;
	st->customers.base = 2;
	st->orders.base = 10;
	st->coupons.base = 10;
	st->webhooks.base = 1;
	st->next_item_id = 0;
	st->next_meta_id = 0;
	st->next_note_id = 0;
}

/* ---------------------------------------------------------------- ids */

static void
fix_meta(struct woo *st, struct wc_metas *m)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (m->v[i].id <= 0)
			m->v[i].id = ++st->next_meta_id;
}

/*
 * After a load: numbers the meta rows, order items, notes and refunds that
 * came without an id after the highest one (st->next_*_id), and keeps
 * refund ids (posts of their own) from being handed out again.
 */
void
woo_renumber(struct woo *st)
{
	struct wc_product *p;
	struct wc_customer *c;
	struct wc_coupon *cp;
	size_t i;
	int k;

	for (i = 0; i < st->products.n; i++)
		if ((p = st->products.v[i]) != NULL)
			fix_meta(st, &p->meta);
	for (i = 0; i < st->customers.n; i++)
		if ((c = st->customers.v[i]) != NULL)
			fix_meta(st, &c->meta);
	for (i = 0; i < st->coupons.n; i++)
		if ((cp = st->coupons.v[i]) != NULL)
			fix_meta(st, &cp->meta);
	for (i = 0; i < st->orders.n; i++) {
		struct wc_order *o = st->orders.v[i];

		if (o == NULL)
			continue;
		fix_meta(st, &o->meta);
		for (k = 0; k < o->nlines; k++) {
			fix_meta(st, &o->lines[k].meta);
			if (o->lines[k].id <= 0)
				o->lines[k].id = ++st->next_item_id;
		}
		for (k = 0; k < o->nships; k++)
			if (o->ships[k].id <= 0)
				o->ships[k].id = ++st->next_item_id;
		for (k = 0; k < o->nnotes; k++)
			if (o->notes[k].id <= 0)
				o->notes[k].id = ++st->next_note_id;
		for (k = 0; k < o->nrefunds; k++) {
			long rid = o->refunds[k].id;

			if (rid <= 0)
				o->refunds[k].id = tab_reserve(&st->orders);
			while (rid > 0 && tab_next_id(&st->orders) <= rid)
				tab_reserve(&st->orders);
		}
	}
}

/* ---------------------------------------------------------------- dump */

/* reopens the object just written, to add dump-only members */
static void
reopen(struct jw *w)
{
	if (w->out->len > 0 && w->out->buf[w->out->len - 1] == '}') {
		w->out->len--;
		w->out->buf[w->out->len] = '\0';
		w->depth++;
	}
}

static void
dump_order(struct woo *st, struct wc_order *o, struct jw *w)
{
	int i;

	wc_order_json(st, o, w, 2);
	reopen(w);
	jw_key(w, "_notes");
	jw_arr(w);
	for (i = 0; i < o->nnotes; i++)
		wc_note_json(st, &o->notes[i], w);
	jw_arr_end(w);
	jw_key(w, "_refunds");
	jw_arr(w);
	for (i = 0; i < o->nrefunds; i++)
		wc_refund_json(st, &o->refunds[i], w);
	jw_arr_end(w);
	jw_kbool(w, "_stock_reduced", o->stock_reduced);
	jw_obj_end(w);
}

static void
dump_webhook(struct woo *st, struct wc_webhook *h, struct jw *w)
{
	wc_webhook_json(st, h, w);
	reopen(w);
	jw_kstr(w, "_secret", h->secret);
	jw_kint(w, "_failure_count", h->failure_count);
	jw_obj_end(w);
}

void
woo_dump(void *ctx, struct jw *w)
{
	struct woo *st = ctx;
	size_t i;

	pthread_rwlock_rdlock(&st->lock);
	jw_obj(w);
	jw_key(w, "settings");
	jw_obj(w);
	jw_kstr(w, "currency", st->currency);
	jw_kbool(w, "prices_include_tax", st->prices_include_tax);
	jw_kbool(w, "calc_taxes", st->calc_taxes);
	jw_obj_end(w);
	jw_key(w, "categories");
	jw_arr(w);
	for (i = 0; i < st->cats.n; i++)
		if (st->cats.v[i] != NULL)
			wc_cat_json(st, st->cats.v[i], w);
	jw_arr_end(w);
	/* parents come before their variations: ids only grow */
	jw_key(w, "products");
	jw_arr(w);
	for (i = 0; i < st->products.n; i++)
		if (st->products.v[i] != NULL)
			wc_product_json(st, st->products.v[i], w, 1);
	jw_arr_end(w);
	jw_key(w, "customers");
	jw_arr(w);
	for (i = 0; i < st->customers.n; i++)
		if (st->customers.v[i] != NULL)
			wc_customer_json(st, st->customers.v[i], w);
	jw_arr_end(w);
	jw_key(w, "orders");
	jw_arr(w);
	for (i = 0; i < st->orders.n; i++)
		if (st->orders.v[i] != NULL)
			dump_order(st, st->orders.v[i], w);
	jw_arr_end(w);
	jw_key(w, "coupons");
	jw_arr(w);
	for (i = 0; i < st->coupons.n; i++)
		if (st->coupons.v[i] != NULL)
			wc_coupon_json(st, st->coupons.v[i], w);
	jw_arr_end(w);
	jw_key(w, "webhooks");
	jw_arr(w);
	for (i = 0; i < st->webhooks.n; i++)
		if (st->webhooks.v[i] != NULL)
			dump_webhook(st, st->webhooks.v[i], w);
	jw_arr_end(w);
	jw_obj_end(w);
	pthread_rwlock_unlock(&st->lock);
}

/* ---------------------------------------------------------------- control */

static void
ctl_err(struct resp *rs, unsigned status, const char *msg)
{
	struct wbuf b = WBUF_INIT;
	struct jw w;

	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "error", msg);
	jw_obj_end(&w);
	resp_json(rs, status, &b);
	wbuf_release(&b);
}

/*
 * A sale in the shop (or at a till writing to the shop) takes stock the way
 * wc_update_product_stock() does: straight in the database, so the
 * product's date_modified stays where it was and a modified_after scan
 * does not see it; only the product.updated webhook tells.
 */
static int
ctl_sale(struct woo *st, long id, json_t *j, struct jw *w, struct resp *rs)
{
	struct wc_product *p = tab_get(&st->products, id), *s, *parent;
	struct wc_error e;
	long q = 1;

	if (p == NULL) {
		ctl_err(rs, 404, "no such product");
		return -1;
	}
	if (wc_in_long(j, "quantity", &q, 0, &e) < 0) {
		wc_error_resp(&e, rs);
		return -1;
	}
	if (p->type == WC_VARIABLE || q <= 0) {
		ctl_err(rs, 400, p->type == WC_VARIABLE ? "a variable product "
		    "is sold through one of its variations" : "quantity must "
		    "be positive");
		return -1;
	}
	parent = p->type == WC_VARIATION ? tab_get(&st->products,
	    p->parent_id) : NULL;
	s = p->manage_stock == 2 && parent != NULL ? parent : p;
	if (s->manage_stock == 1) {
		s->stock_quantity = (s->has_qty ? s->stock_quantity : 0) - q;
		s->has_qty = 1;
		wc_stock_status_sync(s);
	}
	p->total_sales += q;
	if (parent != NULL)
		parent->total_sales += q;
	wc_product_json(st, p, w, 0);
	if (s->manage_stock == 1)
		woo_fire(st, "product", "updated", s->id);
	return 0;
}

/*
 * wp-admin's save hooks (woocommerce_process_product_meta and _shop_order_)
 * fire for create and update alike, and WC_Webhook decides by the post
 * date: within created_window_s (10 s) of creation it is "created".
 */
static const char *
admin_event(struct woo *st, int64_t created)
{
	return now_utc() - created <= st->created_window_s ? "created" :
	    "updated";
}

/* the admin edits a record in wp-admin: a save, date_modified moves */
static int
ctl_edit(struct woo *st, const char *what, long id, json_t *j, struct jw *w,
    struct resp *rs)
{
	struct wc_error e;

	if (strcmp(what, "products") == 0) {
		struct wc_product *p = tab_get(&st->products, id);

		if (p == NULL)
			goto missing;
		if (wc_product_apply(st, p, j, 1, &e) < 0)
			goto bad;
		wc_product_apply(st, p, j, 0, &e);
		p->modified = now_utc();
		wc_product_json(st, p, w, 0);
		woo_fire(st, "product", admin_event(st, p->created), id);
	} else if (strcmp(what, "customers") == 0) {
		struct wc_customer *c = tab_get(&st->customers, id);

		if (c == NULL)
			goto missing;
		if (wc_customer_apply(st, c, j, 1, &e) < 0)
			goto bad;
		wc_customer_apply(st, c, j, 0, &e);
		c->modified = now_utc();
		wc_customer_json(st, c, w);
		woo_fire(st, "customer", "updated", id);
	} else {
		struct wc_order *o = tab_get(&st->orders, id);

		if (o == NULL)
			goto missing;
		if (wc_order_apply(st, o, j, 1, &e) < 0)
			goto bad;
		wc_order_apply(st, o, j, 0, &e);
		o->modified = now_utc();
		wc_order_json(st, o, w, 2);
		woo_fire(st, "order", admin_event(st, o->created), id);
	}
	return 0;
missing:
	ctl_err(rs, 404, "no such record");
	return -1;
bad:
	wc_error_resp(&e, rs);
	return -1;
}

/* the admin adds a product, a shopper registers an account */
static int
ctl_create(struct woo *st, const char *what, json_t *j, struct jw *w,
    struct resp *rs)
{
	struct wc_error e;

	if (strcmp(what, "products") == 0) {
		struct wc_product *p = wc_product_create(st, j, 0, &e);

		if (p == NULL)
			goto bad;
		wc_product_json(st, p, w, 0);
		woo_fire(st, "product", "created", p->id);
	} else {
		struct wc_customer *c = wc_customer_create(st, j, &e);

		if (c == NULL)
			goto bad;
		wc_customer_json(st, c, w);
		woo_fire(st, "customer", "created", c->id);
	}
	return 0;
bad:
	wc_error_resp(&e, rs);
	return -1;
}

/* n failed deliveries, counted as WC_Webhook::failed_delivery() does */
static int
ctl_hook_fail(struct woo *st, long id, json_t *j, struct jw *w,
    struct resp *rs)
{
	struct wc_webhook *h = tab_get(&st->webhooks, id);
	struct wc_error e;
	long n = 7, i;

	if (h == NULL) {
		ctl_err(rs, 404, "no such webhook");
		return -1;
	}
	if (wc_in_long(j, "count", &n, 0, &e) < 0) {
		wc_error_resp(&e, rs);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (h->failure_count > 5)
			h->status = WH_DISABLED;
		else
			h->failure_count++;
	}
	dump_webhook(st, h, w);
	return 0;
}

static void
ctl_hooks(struct woo *st, struct jw *w)
{
	size_t i;

	jw_arr(w);
	for (i = 0; i < st->webhooks.n; i++)
		if (st->webhooks.v[i] != NULL)
			dump_webhook(st, st->webhooks.v[i], w);
	jw_arr_end(w);
}

/*
 * Scripting routes under the control endpoint, "as a person would":
 *   POST /woocommerce/checkout             a shopper's order (a POST
 *                                          /orders body; created_via
 *                                          "checkout", stock taken)
 *   POST /woocommerce/products             the admin adds a product
 *   PUT  /woocommerce/products/{id}        the admin edits it
 *   POST /woocommerce/products/{id}/sale   {"quantity":n}: stock down,
 *                                          date_modified unchanged
 *   POST /woocommerce/customers            a shopper registers
 *   PUT  /woocommerce/customers/{id}       an account edit
 *   PUT  /woocommerce/orders/{id}          the admin changes an order
 *   GET  /woocommerce/webhooks             webhooks with _secret and
 *                                          _failure_count
 *   POST /woocommerce/webhooks/{id}/fail   {"count":n}: n failed
 *                                          deliveries (default 7: disabled)
 *   GET  /woocommerce/webhook-log          deliveries so far, oldest first
 *   GET  /woocommerce/webhook-pending      {"pending":n} still queued
 *   POST /woocommerce/clear                an empty shop
 * Every change fires the webhooks WooCommerce would fire for it.
 */
int
woo_control(void *ctx, const char *sub, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wbuf b = WBUF_INIT;
	struct wc_error e;
	struct jw w;
	json_t *j = NULL;
	char what[32] = "", act[32] = "";
	const char *m = rq->method;
	int get = strcmp(m, "GET") == 0, post = strcmp(m, "POST") == 0;
	int put = strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0;
	int rc = 0, ok = -1, n;
	unsigned status = 200;
	long id = 0;

	n = sscanf(sub, "/%31[a-z-]/%ld/%31[a-z]", what, &id, act);
	if (n < 1)
		return -1;
	if (get && strcmp(what, "webhook-log") == 0 && n == 1) {
		jw_init(&w, &b);
		woo_hooks_log_json(st, &w);
		resp_json(rs, 200, &b);
		wbuf_release(&b);
		return 0;
	}
	if (get && strcmp(what, "webhook-pending") == 0 && n == 1) {
		wbuf_addf(&b, "{\"pending\":%ld}", deliverer_pending(st->dl));
		resp_json(rs, 200, &b);
		wbuf_release(&b);
		return 0;
	}
	if (rq->body_len > 0) {
		json_error_t je;

		j = json_loadb(rq->body, rq->body_len, 0, &je);
		if (!json_is_object(j)) {
			json_decref(j);
			ctl_err(rs, 400, "control: body must be a JSON object");
			return 0;
		}
	} else
		j = json_object();
	jw_init(&w, &b);
	pthread_rwlock_wrlock(&st->lock);
	if (post && n == 1 && strcmp(what, "checkout") == 0) {
		long oid = wc_order_checkout(st, j, &w, &e);

		if (oid < 0)
			wc_error_resp(&e, rs);
		else {
			woo_fire(st, "order", "created", oid);
			ok = 0;
			status = 201;
		}
	} else if (post && n == 1 && (strcmp(what, "products") == 0 ||
	    strcmp(what, "customers") == 0)) {
		ok = ctl_create(st, what, j, &w, rs);
		status = 201;
	} else if (post && n == 3 && strcmp(what, "products") == 0 &&
	    strcmp(act, "sale") == 0) {
		ok = ctl_sale(st, id, j, &w, rs);
	} else if (put && n == 2 && (strcmp(what, "products") == 0 ||
	    strcmp(what, "customers") == 0 || strcmp(what, "orders") == 0)) {
		ok = ctl_edit(st, what, id, j, &w, rs);
	} else if (get && n == 1 && strcmp(what, "webhooks") == 0) {
		ctl_hooks(st, &w);
		ok = 0;
	} else if (post && n == 3 && strcmp(what, "webhooks") == 0 &&
	    strcmp(act, "fail") == 0) {
		ok = ctl_hook_fail(st, id, j, &w, rs);
	} else if (post && n == 1 && strcmp(what, "clear") == 0) {
		woo_clear(st);
		wbuf_adds(&b, "{\"ok\":true}");
		ok = 0;
	} else
		rc = -1;
	pthread_rwlock_unlock(&st->lock);
	if (rc == 0 && ok == 0)
		resp_json(rs, status, &b);
	json_decref(j);
	wbuf_release(&b);
	return rc;
}
