/*
 * woo_json.c - the WooCommerce GET shapes (wc/v3, "view" context unless
 * asked for "edit") and WP_Error bodies.
 *
 * Every shape is written through struct jw with w->php set, so strings are
 * escaped as PHP's json_encode does (\/ and \uXXXX).  Money is always a
 * string with the scale it was stored with (prices) or with dp decimals
 * (order totals); only line_items[].price is a bare number, as WooCommerce
 * sends a PHP float there.  Callers hold the store lock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "woo.h"

static const char *const order_status[WO_NSTATUS] = {
	"pending", "processing", "on-hold", "completed", "cancelled",
	"refunded", "failed", "trash", "checkout-draft",
};
static const char *const post_status[] = {
	"draft", "pending", "private", "publish", "future", "trash",
};
static const char *const ptypes[] = {
	"simple", "variable", "grouped", "external", "variation",
};
static const char *const stock_statuses[] = {
	"instock", "outofstock", "onbackorder",
};
static const char *const backorders[] = { "no", "notify", "yes" };
static const char *const tax_statuses[] = { "taxable", "shipping", "none" };
static const char *const visibilities[] = {
	"visible", "catalog", "search", "hidden",
};

#define PICK(tab, i) ((i) < sizeof(tab) / sizeof(tab[0]) ? tab[i] : tab[0])

/* ---------------------------------------------------------------- errors */

void
wc_error_set(struct wc_error *e, unsigned status, const char *code,
    const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	e->code = code;
	e->extra[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void
wc_error_json(const struct wc_error *e, struct jw *w)
{
	char st[24];

	jw_obj(w);
	jw_kstr(w, "code", e->code);
	jw_kstr(w, "message", e->msg);
	jw_key(w, "data");
	jw_obj(w);
	snprintf(st, sizeof(st), "%u", e->status);
	jw_kraw(w, "status", st);
	if (e->extra[0] != '\0') {
		/* members are raw JSON text: add them after "status" */
		wbuf_addc(w->out, ',');
		wbuf_adds(w->out, e->extra);
	}
	jw_obj_end(w);
	jw_obj_end(w);
}

void
wc_error_resp(const struct wc_error *e, struct resp *rs)
{
	struct wbuf b = WBUF_INIT;
	struct jw w;

	jw_init(&w, &b);
	w.php = 1;
	wc_error_json(e, &w);
	resp_json(rs, e->status, &b);
	wbuf_release(&b);
}

void
wc_err(struct resp *rs, unsigned status, const char *code, const char *msg)
{
	struct wc_error e;

	wc_error_set(&e, status, code, "%s", msg);
	wc_error_resp(&e, rs);
}

/* ---------------------------------------------------------------- enums */

const char *
wc_order_status_name(int s)
{
	return s >= 0 && s < WO_NSTATUS ? order_status[s] : "pending";
}

int
wc_order_status_parse(const char *s)
{
	int i;

	if (s == NULL)
		return -1;
	if (strncmp(s, "wc-", 3) == 0)
		s += 3;
	for (i = 0; i < WO_NSTATUS; i++)
		if (strcmp(order_status[i], s) == 0)
			return i;
	return -1;
}

const char *
wc_post_status_name(int s)
{
	return PICK(post_status, (size_t)s);
}

int
wc_post_status_parse(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < sizeof(post_status) /
	    sizeof(post_status[0]); i++)
		if (strcmp(post_status[i], s) == 0)
			return (int)i;
	return -1;
}

/* ---------------------------------------------------------------- pieces */

void
wc_kdates(struct woo *st, struct jw *w, const char *name, int64_t t)
{
	char k[64], v[32];

	snprintf(k, sizeof(k), "%s_gmt", name);
	if (t == 0) {
		jw_knull(w, name);
		jw_knull(w, k);
		return;
	}
	date_fmt(t, st->zone, v, sizeof(v));
	jw_kstr(w, name, v);
	date_fmt(t, 0, v, sizeof(v));
	jw_kstr(w, k, v);
}

/* dp < 0: as stored; unset money is "" */
void
wc_kmoney(struct jw *w, const char *k, const struct money *m, int dp)
{
	char b[48];

	if (!m->set)
		b[0] = '\0';
	else if (dp < 0)
		money_fmt(m, b, sizeof(b));
	else
		money_fmt_dp(m, dp, b, sizeof(b));
	jw_kstr(w, k, b);
}

void
wc_meta_json(const struct wc_metas *m, struct jw *w)
{
	int i;

	jw_arr(w);
	for (i = 0; i < m->n; i++) {
		jw_obj(w);
		jw_kint(w, "id", m->v[i].id);
		jw_kstr(w, "key", m->v[i].key);
		jw_key(w, "value");
		if (m->v[i].value != NULL)
			jw_json(w, m->v[i].value);
		else
			jw_str(w, "");
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

void
wc_slug(const char *name, struct wbuf *out)
{
	const unsigned char *p;
	int dash = 0;

	for (p = (const unsigned char *)(name != NULL ? name : ""); *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
			if (dash && out->len > 0)
				wbuf_addc(out, '-');
			wbuf_addc(out, (char)*p);
			dash = 0;
		} else if (*p >= 'A' && *p <= 'Z') {
			if (dash && out->len > 0)
				wbuf_addc(out, '-');
			wbuf_addc(out, (char)(*p | 0x20));
			dash = 0;
		} else
			dash = 1;
	}
}

static void
addr_json(const struct wc_addr *a, struct jw *w, int with_email)
{
	int i;

	jw_obj(w);
	for (i = 0; i < WC_ADDR_N; i++) {
		if (!with_email && strcmp(wc_addr_keys[i], "email") == 0)
			continue;
		jw_kstr(w, wc_addr_keys[i], a->v[i]);
	}
	jw_obj_end(w);
}

static void
ids_json(const struct longs *l, struct jw *w)
{
	int i;

	jw_arr(w);
	for (i = 0; i < l->n; i++)
		jw_int(w, l->v[i]);
	jw_arr_end(w);
}

/* ---------------------------------------------------------------- product */

struct money
wc_product_price(const struct wc_product *p)
{
	if (p->sale_price.set)
		return p->sale_price;
	return p->regular_price;
}

static void
product_slug(const struct wc_product *p, struct wbuf *b)
{
	if (p->slug != NULL)
		wbuf_adds(b, p->slug);
	else
		wc_slug(p->name, b);
	if (b->len == 0)
		wbuf_addf(b, "product-%ld", p->id);
}

void
wc_product_json(struct woo *st, struct wc_product *p, struct jw *w, int edit)
{
	struct wc_product *parent = NULL;
	struct wbuf slug = WBUF_INIT, url = WBUF_INIT;
	struct money price = wc_product_price(p);
	const char *sku = p->sku;
	int i, var = p->type == WC_VARIATION;

	if (var)
		parent = tab_get(&st->products, p->parent_id);
	/* view context: an empty variation SKU shows the parent's */
	if (!edit && var && str_empty(sku) && parent != NULL)
		sku = parent->sku;
	product_slug(var && parent != NULL ? parent : p, &slug);
	wbuf_addf(&url, "%s/product/%s/", st->emu->base, wbuf_str(&slug));
	if (var)
		wbuf_addf(&url, "?attribute_size=%s", p->nattrs > 0 &&
		    p->attrs[0].option != NULL ? p->attrs[0].option : "");

	jw_obj(w);
	jw_kint(w, "id", p->id);
	jw_kstr(w, "name", p->name);
	if (!var)
		jw_kstr(w, "slug", wbuf_str(&slug));
	jw_kstr(w, "permalink", wbuf_str(&url));
	wc_kdates(st, w, "date_created", p->created);
	wc_kdates(st, w, "date_modified", p->modified);
	jw_kstr(w, "type", PICK(ptypes, p->type));
	jw_kstr(w, "status", wc_post_status_name(p->status));
	if (!var) {
		jw_kbool(w, "featured", 0);
		jw_kstr(w, "catalog_visibility", PICK(visibilities,
		    p->visibility));
	}
	jw_kstr(w, "description", p->description);
	if (!var)
		jw_kstr(w, "short_description", p->short_description);
	jw_kstr(w, "sku", sku);
	wc_kmoney(w, "price", &price, -1);
	wc_kmoney(w, "regular_price", &p->regular_price, -1);
	wc_kmoney(w, "sale_price", &p->sale_price, -1);
	wc_kdates(st, w, "date_on_sale_from", 0);
	wc_kdates(st, w, "date_on_sale_to", 0);
	jw_kbool(w, "on_sale", p->sale_price.set);
	jw_kbool(w, "purchasable", price.set && p->status == WS_PUBLISH);
	if (!var)
		jw_kint(w, "total_sales", p->total_sales);
	jw_kbool(w, "virtual", 0);
	jw_kbool(w, "downloadable", 0);
	jw_kstr(w, "tax_status", PICK(tax_statuses, p->tax_status));
	jw_kstr(w, "tax_class", p->tax_class);
	jw_key(w, "manage_stock");
	if (p->manage_stock == 2)
		jw_str(w, "parent");
	else
		jw_bool(w, p->manage_stock);
	jw_key(w, "stock_quantity");
	if (p->has_qty)
		jw_int(w, p->stock_quantity);
	else
		jw_null(w);
	jw_kstr(w, "backorders", PICK(backorders, p->backorders));
	jw_kbool(w, "backorders_allowed", p->backorders != 0);
	jw_kbool(w, "backordered", 0);
	jw_kstr(w, "weight", p->weight);
	jw_key(w, "dimensions");
	jw_obj(w);
	jw_kstr(w, "length", "");
	jw_kstr(w, "width", "");
	jw_kstr(w, "height", "");
	jw_obj_end(w);
	jw_kint(w, "parent_id", p->parent_id);
	if (!var) {
		jw_key(w, "categories");
		jw_arr(w);
		for (i = 0; i < p->cats.n; i++) {
			struct wc_cat *c = tab_get(&st->cats, p->cats.v[i]);
			struct wbuf cs = WBUF_INIT;

			if (c == NULL)
				continue;
			jw_obj(w);
			jw_kint(w, "id", c->id);
			jw_kstr(w, "name", c->name);
			if (c->slug != NULL)
				wbuf_adds(&cs, c->slug);
			else
				wc_slug(c->name, &cs);
			jw_kstr(w, "slug", wbuf_str(&cs));
			jw_obj_end(w);
			wbuf_release(&cs);
		}
		jw_arr_end(w);
		jw_key(w, "tags");
		jw_raw(w, "[]");
		jw_key(w, "images");
		jw_raw(w, "[]");
	} else {
		jw_key(w, "image");
		jw_null(w);
	}
	jw_key(w, "attributes");
	jw_arr(w);
	for (i = 0; i < p->nattrs; i++) {
		struct wc_attr *a = &p->attrs[i];
		int k;

		jw_obj(w);
		jw_kint(w, "id", a->id);
		jw_kstr(w, "name", a->name);
		if (var) {
			jw_kstr(w, "option", a->option);
		} else {
			jw_kint(w, "position", i);
			jw_kbool(w, "visible", a->visible);
			jw_kbool(w, "variation", a->variation);
			jw_key(w, "options");
			jw_arr(w);
			for (k = 0; k < a->noptions; k++)
				jw_str(w, a->options[k]);
			jw_arr_end(w);
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
	if (!var) {
		jw_key(w, "default_attributes");
		jw_raw(w, "[]");
		jw_key(w, "variations");
		ids_json(&p->vars, w);
	}
	jw_kstr(w, "stock_status", PICK(stock_statuses, p->stock_status));
	jw_kint(w, "menu_order", p->menu_order);
	jw_key(w, "meta_data");
	wc_meta_json(&p->meta, w);
	jw_obj_end(w);
	wbuf_release(&slug);
	wbuf_release(&url);
}

void
wc_cat_json(struct woo *st, struct wc_cat *c, struct jw *w)
{
	struct wbuf s = WBUF_INIT;

	(void)st;
	if (c->slug != NULL)
		wbuf_adds(&s, c->slug);
	else
		wc_slug(c->name, &s);
	jw_obj(w);
	jw_kint(w, "id", c->id);
	jw_kstr(w, "name", c->name);
	jw_kstr(w, "slug", wbuf_str(&s));
	jw_kint(w, "parent", c->parent);
	jw_kstr(w, "description", c->description);
	jw_kstr(w, "display", c->display != NULL ? c->display : "default");
	jw_knull(w, "image");
	jw_kint(w, "menu_order", c->menu_order);
	jw_kint(w, "count", c->count);
	jw_obj_end(w);
	wbuf_release(&s);
}

/* ---------------------------------------------------------------- customer */

void
wc_customer_json(struct woo *st, struct wc_customer *c, struct jw *w)
{
	jw_obj(w);
	jw_kint(w, "id", c->id);
	wc_kdates(st, w, "date_created", c->created);
	wc_kdates(st, w, "date_modified", c->modified);
	jw_kstr(w, "email", c->email);
	jw_kstr(w, "first_name", c->first_name);
	jw_kstr(w, "last_name", c->last_name);
	jw_kstr(w, "role", c->role != NULL ? c->role : "customer");
	jw_kstr(w, "username", c->username);
	jw_key(w, "billing");
	addr_json(&c->billing, w, 1);
	jw_key(w, "shipping");
	addr_json(&c->shipping, w, 0);
	jw_kbool(w, "is_paying_customer", c->is_paying);
	jw_kstr(w, "avatar_url", "https://secure.gravatar.com/avatar/"
	    "00000000000000000000000000000000?s=96&d=mm&r=g");
	jw_key(w, "meta_data");
	wc_meta_json(&c->meta, w);
	jw_obj_end(w);
}

/* ---------------------------------------------------------------- order */

struct money
wc_order_total(const struct wc_order *o)
{
	struct money t = money_cents(0);
	int i;

	for (i = 0; i < o->nlines; i++)
		t = money_add(&t, &o->lines[i].total);
	for (i = 0; i < o->nships; i++)
		t = money_add(&t, &o->ships[i].total);
	return t;
}

struct money
wc_order_refunded(const struct wc_order *o)
{
	struct money t = money_cents(0);
	int i;

	for (i = 0; i < o->nrefunds; i++)
		t = money_add(&t, &o->refunds[i].amount);
	return t;
}

/* total / quantity as PHP prints a float: shortest decimal, no zeros */
static void
line_price(const struct wc_line *l, char *out, size_t n)
{
	int64_t u = money_to_scale(&l->total, 6), q = l->quantity;
	struct money m;
	size_t len;

	if (q == 0)
		q = 1;
	m.units = u / q;
	m.scale = 6;
	m.set = 1;
	money_fmt(&m, out, n);
	len = strlen(out);
	while (len > 0 && out[len - 1] == '0')
		out[--len] = '\0';
	if (len > 0 && out[len - 1] == '.')
		out[--len] = '\0';
}

static void
zero_taxes(struct jw *w, int dp)
{
	static const struct money zero = { 0, 0, 1 };

	wc_kmoney(w, "total_tax", &zero, dp);
	jw_key(w, "taxes");
	jw_raw(w, "[]");
}

void
wc_order_json(struct woo *st, struct wc_order *o, struct jw *w, int dp)
{
	static const struct money zero = { 0, 0, 1 };
	struct money total = wc_order_total(o), ship = money_cents(0);
	char num[24], price[48];
	int i;

	for (i = 0; i < o->nships; i++)
		ship = money_add(&ship, &o->ships[i].total);
	snprintf(num, sizeof(num), "%ld", o->id);
	jw_obj(w);
	jw_kint(w, "id", o->id);
	jw_kint(w, "parent_id", o->parent_id);
	jw_kstr(w, "status", wc_order_status_name(o->status));
	jw_kstr(w, "currency", o->currency != NULL ? o->currency :
	    st->currency);
	jw_kstr(w, "version", "7.9.0");
	jw_kbool(w, "prices_include_tax", o->prices_include_tax);
	wc_kdates(st, w, "date_created", o->created);
	wc_kdates(st, w, "date_modified", o->modified);
	wc_kmoney(w, "discount_total", &zero, dp);
	wc_kmoney(w, "discount_tax", &zero, dp);
	wc_kmoney(w, "shipping_total", &ship, dp);
	wc_kmoney(w, "shipping_tax", &zero, dp);
	wc_kmoney(w, "cart_tax", &zero, dp);
	wc_kmoney(w, "total", &total, dp);
	wc_kmoney(w, "total_tax", &zero, dp);
	jw_kint(w, "customer_id", o->customer_id);
	jw_kstr(w, "order_key", o->order_key);
	jw_key(w, "billing");
	addr_json(&o->billing, w, 1);
	jw_key(w, "shipping");
	addr_json(&o->shipping, w, 0);
	jw_kstr(w, "payment_method", o->payment_method);
	jw_kstr(w, "payment_method_title", o->payment_method_title);
	jw_kstr(w, "transaction_id", o->transaction_id);
	jw_kstr(w, "customer_ip_address", "127.0.0.1");
	jw_kstr(w, "customer_user_agent", "");
	jw_kstr(w, "created_via", o->created_via != NULL ? o->created_via :
	    "rest-api");
	jw_kstr(w, "customer_note", o->customer_note);
	wc_kdates(st, w, "date_completed", o->completed);
	wc_kdates(st, w, "date_paid", o->paid);
	jw_kstr(w, "cart_hash", "");
	jw_kstr(w, "number", num);
	jw_key(w, "meta_data");
	wc_meta_json(&o->meta, w);
	jw_key(w, "line_items");
	jw_arr(w);
	for (i = 0; i < o->nlines; i++) {
		struct wc_line *l = &o->lines[i];

		jw_obj(w);
		jw_kint(w, "id", l->id);
		jw_kstr(w, "name", l->name);
		jw_kint(w, "product_id", l->product_id);
		jw_kint(w, "variation_id", l->variation_id);
		jw_kint(w, "quantity", l->quantity);
		jw_kstr(w, "tax_class", l->tax_class);
		wc_kmoney(w, "subtotal", &l->subtotal, dp);
		wc_kmoney(w, "subtotal_tax", &zero, dp);
		wc_kmoney(w, "total", &l->total, dp);
		zero_taxes(w, dp);
		jw_key(w, "meta_data");
		wc_meta_json(&l->meta, w);
		jw_kstr(w, "sku", l->sku);
		line_price(l, price, sizeof(price));
		jw_kraw(w, "price", price);
		jw_knull(w, "parent_name");
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "tax_lines");
	jw_raw(w, "[]");
	jw_key(w, "shipping_lines");
	jw_arr(w);
	for (i = 0; i < o->nships; i++) {
		jw_obj(w);
		jw_kint(w, "id", o->ships[i].id);
		jw_kstr(w, "method_title", o->ships[i].method_title);
		jw_kstr(w, "method_id", o->ships[i].method_id);
		jw_kstr(w, "instance_id", "");
		wc_kmoney(w, "total", &o->ships[i].total, dp);
		zero_taxes(w, dp);
		jw_key(w, "meta_data");
		jw_raw(w, "[]");
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "fee_lines");
	jw_raw(w, "[]");
	jw_key(w, "coupon_lines");
	jw_raw(w, "[]");
	jw_key(w, "refunds");
	jw_arr(w);
	for (i = 0; i < o->nrefunds; i++) {
		struct money neg = money_neg(&o->refunds[i].amount);

		jw_obj(w);
		jw_kint(w, "id", o->refunds[i].id);
		jw_kstr(w, "reason", o->refunds[i].reason);
		wc_kmoney(w, "total", &neg, dp);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kstr(w, "currency_symbol", "\xc2\xa3");
	jw_obj_end(w);
}

void
wc_refund_json(struct woo *st, struct wc_refund *r, struct jw *w)
{
	jw_obj(w);
	jw_kint(w, "id", r->id);
	wc_kdates(st, w, "date_created", r->created);
	wc_kmoney(w, "amount", &r->amount, 2);
	jw_kstr(w, "reason", r->reason);
	jw_kint(w, "refunded_by", 1);
	jw_kbool(w, "refunded_payment", 0);
	jw_key(w, "meta_data");
	jw_raw(w, "[]");
	jw_key(w, "line_items");
	jw_raw(w, "[]");
	jw_obj_end(w);
}

void
wc_note_json(struct woo *st, struct wc_note *n, struct jw *w)
{
	jw_obj(w);
	jw_kint(w, "id", n->id);
	jw_kstr(w, "author", n->author != NULL ? n->author : "WooCommerce");
	wc_kdates(st, w, "date_created", n->created);
	jw_kstr(w, "note", n->note);
	jw_kbool(w, "customer_note", n->customer_note);
	jw_obj_end(w);
}

/* ---------------------------------------------------------------- coupon */

void
wc_coupon_json(struct woo *st, struct wc_coupon *c, struct jw *w)
{
	int i;

	jw_obj(w);
	jw_kint(w, "id", c->id);
	jw_kstr(w, "code", c->code);
	wc_kmoney(w, "amount", &c->amount, 2);
	jw_kstr(w, "status", wc_post_status_name(c->status));
	wc_kdates(st, w, "date_created", c->created);
	wc_kdates(st, w, "date_modified", c->modified);
	jw_kstr(w, "discount_type", c->discount_type != NULL ?
	    c->discount_type : "fixed_cart");
	jw_kstr(w, "description", c->description);
	wc_kdates(st, w, "date_expires", c->expires);
	jw_kint(w, "usage_count", c->usage_count);
	jw_kbool(w, "individual_use", c->individual_use);
	jw_key(w, "product_ids");
	ids_json(&c->product_ids, w);
	jw_key(w, "excluded_product_ids");
	ids_json(&c->excluded_product_ids, w);
	jw_key(w, "usage_limit");
	if (c->usage_limit > 0)
		jw_int(w, c->usage_limit);
	else
		jw_null(w);
	jw_key(w, "usage_limit_per_user");
	if (c->usage_limit_per_user > 0)
		jw_int(w, c->usage_limit_per_user);
	else
		jw_null(w);
	jw_knull(w, "limit_usage_to_x_items");
	jw_kbool(w, "free_shipping", c->free_shipping);
	jw_key(w, "product_categories");
	jw_raw(w, "[]");
	jw_key(w, "excluded_product_categories");
	jw_raw(w, "[]");
	jw_kbool(w, "exclude_sale_items", c->exclude_sale_items);
	wc_kmoney(w, "minimum_amount", &c->minimum_amount, 2);
	wc_kmoney(w, "maximum_amount", &c->maximum_amount, 2);
	jw_key(w, "email_restrictions");
	jw_arr(w);
	for (i = 0; i < c->nemails; i++)
		jw_str(w, c->emails[i]);
	jw_arr_end(w);
	jw_key(w, "used_by");
	jw_raw(w, "[]");
	jw_key(w, "meta_data");
	wc_meta_json(&c->meta, w);
	jw_obj_end(w);
}

/* ---------------------------------------------------------------- webhook */

void
wc_webhook_json(struct woo *st, struct wc_webhook *h, struct jw *w)
{
	static const char *const wst[] = { "active", "paused", "disabled" };
	const char *dot = h->topic != NULL ? strchr(h->topic, '.') : NULL;
	char res[40] = "", ev[40] = "", hook[96];

	if (dot != NULL) {
		snprintf(res, sizeof(res), "%.*s", (int)(dot - h->topic) % 39,
		    h->topic);
		snprintf(ev, sizeof(ev), "%.38s", dot + 1);
	}
	jw_obj(w);
	jw_kint(w, "id", h->id);
	jw_kstr(w, "name", h->name);
	jw_kstr(w, "status", PICK(wst, (size_t)h->status));
	jw_kstr(w, "topic", h->topic);
	jw_kstr(w, "resource", res);
	jw_kstr(w, "event", ev);
	jw_key(w, "hooks");
	jw_arr(w);
	snprintf(hook, sizeof(hook), "woocommerce_%s_%s", res, ev);
	jw_str(w, hook);
	jw_arr_end(w);
	jw_kstr(w, "delivery_url", h->delivery_url);
	wc_kdates(st, w, "date_created", h->created);
	wc_kdates(st, w, "date_modified", h->modified);
	jw_obj_end(w);
}
