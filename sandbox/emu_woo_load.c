/*
 * emu_woo_load.c - woo_load(): replaces the WooCommerce store with a dump
 * (woo_dump() in woo_store.c, the GET shapes), keeping every id.
 *
 * Products go through wc_product_apply(), the code POST /products runs, so
 * a hand-written data file is checked as a request would be (a duplicated
 * SKU is refused).  The other records are read here member by member with
 * woo_input.c's readers: read-only members (ids, dates, counts, failure
 * counters) must come back too, and no webhook fires while loading.  Ids of
 * meta rows, order items and notes are kept; missing ones are numbered
 * after the highest loaded.  On any error the store is left empty and err
 * says which record was refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "woo.h"

struct ld {
	struct woo	*st;
	long		 max_meta;
	long		 max_item;
	long		 max_note;
};

static long
id_of(json_t *x)
{
	json_t *v = json_object_get(x, "id");

	return json_is_integer(v) ? (long)json_integer_value(v) : 0;
}

static long
long_of(json_t *x, const char *k, long def)
{
	json_t *v = json_object_get(x, k);

	return json_is_integer(v) ? (long)json_integer_value(v) : def;
}

/* date_x_gmt, else date_x in the site zone; 0 when null or absent */
static int64_t
date_of(struct woo *st, json_t *x, const char *name)
{
	char k[64];
	const char *s;
	int64_t wall;
	int hz, zm;

	snprintf(k, sizeof(k), "%s_gmt", name);
	if ((s = jx_str(x, k)) != NULL && date_parse(s, &wall, &hz, &zm) == 0)
		return wall - (int64_t)zm * 60;
	if ((s = jx_str(x, name)) != NULL && date_parse(s, &wall, &hz, &zm) == 0)
		return wall - (int64_t)(hz ? zm : st->zone) * 60;
	return 0;
}

static void
meta_load(struct ld *ld, struct wc_metas *m, json_t *x)
{
	json_t *a = json_object_get(x, "meta_data"), *e;
	size_t i;

	if (!json_is_array(a))
		return;
	wc_meta_release(m);
	m->v = xcalloc(json_array_size(a) + 1, sizeof(*m->v));
	json_array_foreach(a, i, e) {
		struct wc_meta *r = &m->v[m->n];
		json_t *v = json_object_get(e, "value");

		if (jx_str(e, "key") == NULL)
			continue;
		r->id = id_of(e);
		if (r->id > ld->max_meta)
			ld->max_meta = r->id;
		r->key = xstrdup(jx_str(e, "key"));
		r->value = v != NULL ? json_incref(v) : json_string("");
		m->n++;
	}
}

static int
str_in(json_t *x, const char *k, char **dst, struct wc_error *e)
{
	return wc_in_str(x, k, dst, 0, e);
}

/* read-only dates: kept from the dump, now when it has none */
static void
dates_of(struct woo *st, json_t *x, int64_t *created, int64_t *modified)
{
	*created = date_of(st, x, "date_created");
	*modified = date_of(st, x, "date_modified");
	if (*created == 0)
		*created = now_utc();
	if (*modified == 0)
		*modified = *created;
}

static int
put(struct tab *t, long id, void *rec, struct wc_error *e)
{
	if (tab_put(t, id, rec) == 0)
		return 0;
	wc_error_set(e, 400, "duplicate_id", "id %ld is taken", id);
	return -1;
}

/* ---------------------------------------------------------------- records */

static int
load_cat(struct ld *ld, json_t *x, struct wc_error *e)
{
	struct wc_cat *c = xcalloc(1, sizeof(*c));

	c->id = id_of(x);
	if (str_in(x, "name", &c->name, e) < 0 ||
	    str_in(x, "slug", &c->slug, e) < 0 ||
	    str_in(x, "description", &c->description, e) < 0 ||
	    str_in(x, "display", &c->display, e) < 0 ||
	    wc_in_long(x, "parent", &c->parent, 0, e) < 0 ||
	    wc_in_long(x, "menu_order", &c->menu_order, 0, e) < 0)
		goto bad;
	if (c->id <= 0)
		c->id = tab_next_id(&ld->st->cats);
	if (put(&ld->st->cats, c->id, c, e) < 0)
		goto bad;
	return 0;
bad:
	wc_cat_free(c);
	return -1;
}

/*
 * A product or variation, parents first (the dump's id order).  The
 * status is set here: "trash" is no status a request may send.
 */
static int
load_product(struct ld *ld, json_t *x, struct wc_error *e)
{
	struct woo *st = ld->st;
	struct wc_product *p = xcalloc(1, sizeof(*p)), *parent = NULL;
	const char *type = jx_str(x, "type"), *s = jx_str(x, "status");
	json_t *copy = json_copy(x);
	int status = WS_PUBLISH;

	json_object_del(copy, "status");
	p->id = id_of(x);
	if (p->id <= 0)
		p->id = tab_next_id(&st->products);
	if (s != NULL && (status = wc_post_status_parse(s)) < 0) {
		wc_invalid_param(e, "status", "status is not a post status.");
		goto bad;
	}
	if (type != NULL && strcmp(type, "variation") == 0) {
		p->type = WC_VARIATION;
		p->parent_id = long_of(x, "parent_id", 0);
		parent = tab_get(&st->products, p->parent_id);
		if (parent == NULL || parent->type == WC_VARIATION) {
			wc_error_set(e, 400, "woocommerce_rest_product_invalid_id",
			    "variation %ld: no parent product %ld", p->id,
			    p->parent_id);
			goto bad;
		}
	}
	if (wc_product_apply(st, p, copy, 1, e) < 0)
		goto bad;
	if (put(&st->products, p->id, p, e) < 0)
		goto bad;
	wc_product_apply(st, p, copy, 0, e);
	json_decref(copy);
	p->status = (unsigned char)status;
	if (p->name == NULL)
		p->name = xstrdup(parent != NULL ? parent->name : "");
	dates_of(st, x, &p->created, &p->modified);
	p->total_sales = long_of(x, "total_sales", 0);
	meta_load(ld, &p->meta, x);
	if (parent != NULL)
		longs_add(&parent->vars, p->id);
	return 0;
bad:
	json_decref(copy);
	wc_product_free(p);
	return -1;
}

static int
load_customer(struct ld *ld, json_t *x, struct wc_error *e)
{
	struct woo *st = ld->st;
	struct wc_customer *c = xcalloc(1, sizeof(*c));

	c->id = id_of(x);
	if (c->id <= 0)
		c->id = tab_next_id(&st->customers);
	if (str_in(x, "email", &c->email, e) < 0 ||
	    str_in(x, "first_name", &c->first_name, e) < 0 ||
	    str_in(x, "last_name", &c->last_name, e) < 0 ||
	    str_in(x, "username", &c->username, e) < 0 ||
	    str_in(x, "role", &c->role, e) < 0 ||
	    wc_in_addr(x, "billing", &c->billing, 0, e) < 0 ||
	    wc_in_addr(x, "shipping", &c->shipping, 0, e) < 0 ||
	    wc_in_bool(x, "is_paying_customer", &c->is_paying, 0, e) < 0)
		goto bad;
	if (str_empty(c->email)) {
		wc_error_set(e, 400, "rest_missing_callback_param",
		    "Missing parameter(s): email");
		goto bad;
	}
	if (strmap_get(&st->email_idx, c->email) >= 0) {
		wc_error_set(e, 400, "registration-error-email-exists",
		    "An account is already registered with %s.", c->email);
		goto bad;
	}
	if (put(&st->customers, c->id, c, e) < 0)
		goto bad;
	strmap_put(&st->email_idx, c->email, c->id);
	dates_of(st, x, &c->created, &c->modified);
	meta_load(ld, &c->meta, x);
	return 0;
bad:
	wc_customer_free(c);
	return -1;
}

static int
load_lines(struct ld *ld, struct wc_order *o, json_t *x, struct wc_error *e)
{
	json_t *a = json_object_get(x, "line_items"), *l;
	size_t i;

	if (!json_is_array(a))
		return 0;
	o->lines = xcalloc(json_array_size(a) + 1, sizeof(*o->lines));
	json_array_foreach(a, i, l) {
		struct wc_line *r = &o->lines[o->nlines++];

		r->id = id_of(l);
		if (r->id > ld->max_item)
			ld->max_item = r->id;
		if (str_in(l, "name", &r->name, e) < 0 ||
		    str_in(l, "sku", &r->sku, e) < 0 ||
		    str_in(l, "tax_class", &r->tax_class, e) < 0 ||
		    wc_in_long(l, "product_id", &r->product_id, 0, e) < 0 ||
		    wc_in_long(l, "variation_id", &r->variation_id, 0, e) < 0 ||
		    wc_in_long(l, "quantity", &r->quantity, 0, e) < 0 ||
		    wc_in_money(l, "subtotal", &r->subtotal, 0, e) < 0 ||
		    wc_in_money(l, "total", &r->total, 0, e) < 0)
			return -1;
		if (!r->total.set)
			r->total = money_cents(0);
		if (!r->subtotal.set)
			r->subtotal = r->total;
		meta_load(ld, &r->meta, l);
	}
	return 0;
}

static int
load_ships(struct ld *ld, struct wc_order *o, json_t *x, struct wc_error *e)
{
	json_t *a = json_object_get(x, "shipping_lines"), *l;
	size_t i;

	if (!json_is_array(a))
		return 0;
	o->ships = xcalloc(json_array_size(a) + 1, sizeof(*o->ships));
	json_array_foreach(a, i, l) {
		struct wc_shipline *r = &o->ships[o->nships++];

		r->id = id_of(l);
		if (r->id > ld->max_item)
			ld->max_item = r->id;
		if (str_in(l, "method_id", &r->method_id, e) < 0 ||
		    str_in(l, "method_title", &r->method_title, e) < 0 ||
		    wc_in_money(l, "total", &r->total, 0, e) < 0)
			return -1;
		if (!r->total.set)
			r->total = money_cents(0);
	}
	return 0;
}

/* _refunds when the dump has them, else the order's own refunds summary */
static int
load_refunds(struct ld *ld, struct wc_order *o, json_t *x, struct wc_error *e)
{
	json_t *a = json_object_get(x, "_refunds"), *l;
	int full = a != NULL;
	size_t i;

	if (!full)
		a = json_object_get(x, "refunds");
	if (!json_is_array(a))
		return 0;
	o->refunds = xcalloc(json_array_size(a) + 1, sizeof(*o->refunds));
	json_array_foreach(a, i, l) {
		struct wc_refund *r = &o->refunds[o->nrefunds++];

		r->id = id_of(l);
		if (str_in(l, "reason", &r->reason, e) < 0 ||
		    wc_in_money(l, full ? "amount" : "total", &r->amount, 0,
		    e) < 0)
			return -1;
		if (!full)
			r->amount = money_neg(&r->amount);
		r->created = full ? date_of(ld->st, l, "date_created") :
		    o->modified;
	}
	return 0;
}

static int
load_notes(struct ld *ld, struct wc_order *o, json_t *x, struct wc_error *e)
{
	json_t *a = json_object_get(x, "_notes"), *l;
	size_t i;

	if (!json_is_array(a))
		return 0;
	o->notes = xcalloc(json_array_size(a) + 1, sizeof(*o->notes));
	json_array_foreach(a, i, l) {
		struct wc_note *r = &o->notes[o->nnotes++];
		const char *au = jx_str(l, "author");

		r->id = id_of(l);
		if (r->id > ld->max_note)
			ld->max_note = r->id;
		r->created = date_of(ld->st, l, "date_created");
		if (str_in(l, "note", &r->note, e) < 0 ||
		    wc_in_bool(l, "customer_note", &r->customer_note, 0, e) < 0)
			return -1;
		if (au != NULL && strcmp(au, "WooCommerce") != 0)
			r->author = xstrdup(au);
	}
	return 0;
}

static int
load_order(struct ld *ld, json_t *x, struct wc_error *e)
{
	struct woo *st = ld->st;
	struct wc_order *o = xcalloc(1, sizeof(*o));
	const char *s = jx_str(x, "status"), *cur = jx_str(x, "currency");
	int k;

	o->id = id_of(x);
	if (o->id <= 0)
		o->id = tab_next_id(&st->orders);
	o->status = s != NULL ? wc_order_status_parse(s) : WO_PENDING;
	if (o->status < 0) {
		wc_invalid_param(e, "status", "status is not an order status.");
		goto bad;
	}
	if (str_in(x, "order_key", &o->order_key, e) < 0 ||
	    str_in(x, "created_via", &o->created_via, e) < 0 ||
	    str_in(x, "payment_method", &o->payment_method, e) < 0 ||
	    str_in(x, "payment_method_title", &o->payment_method_title, e) < 0 ||
	    str_in(x, "transaction_id", &o->transaction_id, e) < 0 ||
	    str_in(x, "customer_note", &o->customer_note, e) < 0 ||
	    wc_in_long(x, "parent_id", &o->parent_id, 0, e) < 0 ||
	    wc_in_long(x, "customer_id", &o->customer_id, 0, e) < 0 ||
	    wc_in_bool(x, "prices_include_tax", &o->prices_include_tax, 0,
	    e) < 0 ||
	    wc_in_addr(x, "billing", &o->billing, 0, e) < 0 ||
	    wc_in_addr(x, "shipping", &o->shipping, 0, e) < 0)
		goto bad;
	if (cur != NULL && strcmp(cur, st->currency) != 0)
		o->currency = xstrdup(cur);
	dates_of(st, x, &o->created, &o->modified);
	o->paid = date_of(st, x, "date_paid");
	o->completed = date_of(st, x, "date_completed");
	if (load_lines(ld, o, x, e) < 0 || load_ships(ld, o, x, e) < 0 ||
	    load_refunds(ld, o, x, e) < 0 || load_notes(ld, o, x, e) < 0)
		goto bad;
	k = o->status;
	o->stock_reduced = json_is_boolean(json_object_get(x,
	    "_stock_reduced")) ? json_is_true(json_object_get(x,
	    "_stock_reduced")) : k == WO_PROCESSING || k == WO_COMPLETED ||
	    k == WO_ON_HOLD;
	meta_load(ld, &o->meta, x);
	if (put(&st->orders, o->id, o, e) < 0)
		goto bad;
	return 0;
bad:
	wc_order_free(o);
	return -1;
}

static int
load_coupon(struct ld *ld, json_t *x, struct wc_error *e)
{
	struct woo *st = ld->st;
	struct wc_coupon *c = xcalloc(1, sizeof(*c));
	const char *s = jx_str(x, "status");
	json_t *a, *v;
	size_t i;

	c->id = id_of(x);
	if (c->id <= 0)
		c->id = tab_next_id(&st->coupons);
	c->status = s != NULL ? wc_post_status_parse(s) : WS_PUBLISH;
	c->usage_limit = long_of(x, "usage_limit", -1);
	c->usage_limit_per_user = long_of(x, "usage_limit_per_user", -1);
	if (c->status < 0) {
		wc_invalid_param(e, "status", "status is not a post status.");
		goto bad;
	}
	if (str_in(x, "code", &c->code, e) < 0 ||
	    str_in(x, "discount_type", &c->discount_type, e) < 0 ||
	    str_in(x, "description", &c->description, e) < 0 ||
	    wc_in_money(x, "amount", &c->amount, 0, e) < 0 ||
	    wc_in_money(x, "minimum_amount", &c->minimum_amount, 0, e) < 0 ||
	    wc_in_money(x, "maximum_amount", &c->maximum_amount, 0, e) < 0 ||
	    wc_in_long(x, "usage_count", &c->usage_count, 0, e) < 0 ||
	    wc_in_bool(x, "individual_use", &c->individual_use, 0, e) < 0 ||
	    wc_in_bool(x, "free_shipping", &c->free_shipping, 0, e) < 0 ||
	    wc_in_bool(x, "exclude_sale_items", &c->exclude_sale_items, 0,
	    e) < 0 ||
	    wc_in_ids(x, "product_ids", &c->product_ids, 0, e) < 0 ||
	    wc_in_ids(x, "excluded_product_ids", &c->excluded_product_ids, 0,
	    e) < 0)
		goto bad;
	if (str_empty(c->code)) {
		wc_error_set(e, 400, "woocommerce_rest_empty_coupon_code",
		    "The coupon code cannot be empty.");
		goto bad;
	}
	a = json_object_get(x, "email_restrictions");
	c->emails = xcalloc(json_array_size(a) + 1, sizeof(char *));
	json_array_foreach(a, i, v)
		if (json_is_string(v))
			c->emails[c->nemails++] = xstrdup(json_string_value(v));
	dates_of(st, x, &c->created, &c->modified);
	c->expires = date_of(st, x, "date_expires");
	meta_load(ld, &c->meta, x);
	if (put(&st->coupons, c->id, c, e) < 0)
		goto bad;
	return 0;
bad:
	wc_coupon_free(c);
	return -1;
}

static int
load_webhook(struct ld *ld, json_t *x, struct wc_error *e)
{
	static const char *const wst[] = { "active", "paused", "disabled" };
	struct woo *st = ld->st;
	struct wc_webhook *h = xcalloc(1, sizeof(*h));
	char secret[41];

	h->id = id_of(x);
	if (h->id <= 0)
		h->id = tab_next_id(&st->webhooks);
	if (str_in(x, "name", &h->name, e) < 0 ||
	    str_in(x, "topic", &h->topic, e) < 0 ||
	    str_in(x, "delivery_url", &h->delivery_url, e) < 0 ||
	    str_in(x, "secret", &h->secret, e) < 0 ||
	    str_in(x, "_secret", &h->secret, e) < 0 ||
	    str_in(x, "api_version", &h->api_version, e) < 0 ||
	    wc_in_enum(x, "status", wst, 3, &h->status, 0, e) < 0)
		goto bad;
	if (!woo_topic_valid(h->topic) || str_empty(h->delivery_url)) {
		wc_invalid_param(e, "topic", "topic and delivery_url are "
		    "required.");
		goto bad;
	}
	if (h->secret == NULL) {
		rng_hex(&st->rng, secret, sizeof(secret));
		h->secret = xstrdup(secret);
	}
	h->failure_count = (int)long_of(x, "_failure_count", 0);
	/* a webhook never saved since its creation has no date_modified */
	h->created = date_of(st, x, "date_created");
	h->modified = date_of(st, x, "date_modified");
	if (h->created == 0)
		h->created = now_utc();
	if (put(&st->webhooks, h->id, h, e) < 0)
		goto bad;
	return 0;
bad:
	wc_webhook_free(h);
	return -1;
}

/* ---------------------------------------------------------------- load */

static int
load_all(struct ld *ld, json_t *j, const char *name,
    int (*fn)(struct ld *, json_t *, struct wc_error *), struct wbuf *err)
{
	json_t *a = json_object_get(j, name), *x;
	struct wc_error e;
	size_t i;

	if (a == NULL)
		return 0;
	if (!json_is_array(a)) {
		wbuf_addf(err, "woocommerce.%s: not an array", name);
		return -1;
	}
	json_array_foreach(a, i, x) {
		if (!json_is_object(x)) {
			wbuf_addf(err, "woocommerce.%s[%zu]: not an object",
			    name, i);
			return -1;
		}
		memset(&e, 0, sizeof(e));
		if (fn(ld, x, &e) < 0) {
			wbuf_addf(err, "woocommerce.%s[%zu] (id %ld): %s: %s",
			    name, i, id_of(x), e.code != NULL ? e.code : "error",
			    e.msg);
			return -1;
		}
	}
	return 0;
}

static int
load_settings(struct woo *st, json_t *j, struct wbuf *err)
{
	json_t *s = json_object_get(j, "settings");
	struct wc_error e;
	const char *cur = jx_str(s, "currency");

	if (s == NULL)
		return 0;
	if (wc_in_bool(s, "prices_include_tax", &st->prices_include_tax, 0,
	    &e) < 0 || wc_in_bool(s, "calc_taxes", &st->calc_taxes, 0,
	    &e) < 0) {
		wbuf_addf(err, "woocommerce.settings: %s", e.msg);
		return -1;
	}
	if (cur != NULL)
		setstr(&st->currency, cur);
	return 0;
}

int
woo_load(void *ctx, json_t *j, struct wbuf *err)
{
	struct woo *st = ctx;
	struct ld ld;
	int rc = -1;

	memset(&ld, 0, sizeof(ld));
	ld.st = st;
	if (!json_is_object(j)) {
		wbuf_addf(err, "woocommerce: not an object");
		return -1;
	}
	pthread_rwlock_wrlock(&st->lock);
	woo_clear(st);
	if (load_settings(st, j, err) < 0 ||
	    load_all(&ld, j, "categories", load_cat, err) < 0 ||
	    load_all(&ld, j, "products", load_product, err) < 0 ||
	    load_all(&ld, j, "customers", load_customer, err) < 0 ||
	    load_all(&ld, j, "orders", load_order, err) < 0 ||
	    load_all(&ld, j, "coupons", load_coupon, err) < 0 ||
	    load_all(&ld, j, "webhooks", load_webhook, err) < 0) {
		woo_clear(st);
		goto out;
	}
	/* wc_in_meta numbered the products' rows while they were applied */
	st->next_meta_id = ld.max_meta;
	st->next_item_id = ld.max_item;
	st->next_note_id = ld.max_note;
	woo_renumber(st);
	rc = 0;
out:
	pthread_rwlock_unlock(&st->lock);
	return rc;
}
