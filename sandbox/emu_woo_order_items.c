/*
 * emu_woo_order_items.c - the line_items and shipping_lines of an order
 * body, as WC_REST_Orders_V2_Controller::set_item() reads them: an entry
 * with an id updates that item (400 woocommerce_rest_invalid_item_id when
 * the order has no such item), one without adds an item, and one whose
 * product_id / name / method_id is null, or whose quantity is 0, removes
 * it.  A new line takes name, SKU, tax class and price x quantity from the
 * product; only what was posted changes an existing one.
 *
 * The storefront checkout (wc_order_checkout) is here too: it checks a
 * cart and makes a line_items body of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "woo.h"

#define NEL(a) (sizeof(a) / sizeof(a[0]))

/* an integer member, or a numeric string as WordPress casts it; else 0 */
static long
jlong(json_t *x, const char *k)
{
	json_t *v = json_object_get(x, k);
	long n = 0;

	if (json_is_integer(v))
		return (long)json_integer_value(v);
	if (json_is_string(v) && parse_long(json_string_value(v), &n) == 0)
		return n;
	return 0;
}

/* set *dst from a string member; null and absent leave it alone */
static void
istr(json_t *x, const char *k, char **dst)
{
	const char *s = jx_str(x, k);

	if (s != NULL)
		setstr(dst, s);
}

static void
imoney(json_t *x, const char *k, struct money *dst)
{
	struct money m;

	if (jx_str(x, k) != NULL && money_parse(jx_str(x, k), &m) == 0)
		*dst = m.set ? m : money_cents(0);
}

/* WordPress names a bad member of an item "line_items[0][total]" */
static int
item_types(json_t *x, const char *arr, size_t idx, struct wc_error *e)
{
	static const char *const strs[] = { "name", "sku", "tax_class",
	    "method_id", "method_title", "total", "subtotal" };
	static const char *const ints[] = { "id", "product_id",
	    "variation_id", "quantity" };
	char name[96], msg[192];
	const char *type = NULL, *key = NULL;
	struct money m;
	json_t *v;
	size_t i;
	long n;

	for (i = 0; i < NEL(strs) && type == NULL; i++) {
		v = json_object_get(x, key = strs[i]);
		if (v != NULL && !json_is_string(v) && !json_is_null(v))
			type = "string";
		else if (i >= 5 && json_is_string(v) &&
		    money_parse(json_string_value(v), &m) < 0)
			type = "decimal";
	}
	for (i = 0; i < NEL(ints) && type == NULL; i++) {
		v = json_object_get(x, key = ints[i]);
		if (v != NULL && !json_is_integer(v) && !json_is_null(v) &&
		    (!json_is_string(v) || parse_long(json_string_value(v),
		    &n) < 0))
			type = "integer";
	}
	if (type == NULL)
		return 0;
	snprintf(name, sizeof(name), "%s[%zu][%s]", arr, idx, key);
	if (strcmp(type, "decimal") == 0)
		snprintf(msg, sizeof(msg), "%s is not a valid decimal.", name);
	else
		snprintf(msg, sizeof(msg), "%s is not of type %s.", name, type);
	wc_invalid_param(e, arr, msg);
	return -1;
}

static int
line_index(const struct wc_order *o, long id)
{
	int i;

	for (i = 0; id > 0 && i < o->nlines; i++)
		if (o->lines[i].id == id)
			return i;
	return -1;
}

static int
ship_index(const struct wc_order *o, long id)
{
	int i;

	for (i = 0; id > 0 && i < o->nships; i++)
		if (o->ships[i].id == id)
			return i;
	return -1;
}

static void
bad_item(struct wc_error *e)
{
	wc_error_set(e, 400, "woocommerce_rest_invalid_item_id", "Order item "
	    "ID provided is not associated with order.");
}

/* get_product_id(): sku, else product_id, else variation_id; 0 unknown */
static long
product_ref(struct woo *st, json_t *x, int *given)
{
	const char *sku = jx_str(x, "sku");
	long pid = jlong(x, "product_id"), vid = jlong(x, "variation_id"), id;

	*given = 1;
	if (!str_empty(sku))
		return (id = strmap_get(&st->sku_idx, sku)) > 0 ? id : 0;
	if (pid != 0 && vid == 0)
		return pid;
	if (vid != 0)
		return vid;
	*given = 0;
	return 0;
}

/* WC_Order_Item_Product::set_product() */
static void
line_set_product(struct woo *st, struct wc_line *l, struct wc_product *p)
{
	struct wc_product *parent = NULL;
	const char *sku = p->sku;

	if (p->type == WC_VARIATION)
		parent = tab_get(&st->products, p->parent_id);
	if (str_empty(sku) && parent != NULL)
		sku = parent->sku;
	l->product_id = p->type == WC_VARIATION ? p->parent_id : p->id;
	l->variation_id = p->type == WC_VARIATION ? p->id : 0;
	setstr(&l->name, p->name != NULL ? p->name : "");
	setstr(&l->sku, sku != NULL ? sku : "");
	setstr(&l->tax_class, p->tax_class != NULL ? p->tax_class : "");
}

/*
 * A changed quantity on a line of an order holding stock takes or gives
 * back the difference (wc_maybe_adjust_line_item_product_stock()); a line
 * that never took stock takes all of it.
 */
static void
line_requantify(struct woo *st, struct wc_order *o, struct wc_line *l,
    long oldq)
{
	struct wc_product *p = wc_line_stock(st, l);
	long diff;

	if (p == NULL || (o->status != WO_PROCESSING &&
	    o->status != WO_COMPLETED && o->status != WO_ON_HOLD))
		return;
	diff = l->reduced > 0 ? l->quantity - oldq : l->quantity;
	if (diff == 0)
		return;
	wc_stock_move(st, p, -diff);
	l->reduced += diff;
}

/* one line_items entry, as WC_REST_Orders_V2_Controller::set_item() */
static int
line_apply(struct woo *st, struct wc_order *o, json_t *x, size_t idx,
    int dry, struct wc_error *e)
{
	json_t *q = json_object_get(x, "quantity");
	long id = jlong(x, "id"), ref, oldq = 0;
	struct wc_product *p = NULL;
	struct wc_line *l;
	int k = -1, given;

	if (!json_is_object(x))
		return 0;
	if (item_types(x, "line_items", idx, e) < 0)
		return -1;
	/* item_is_null() or quantity 0: the item goes */
	if (json_is_null(json_object_get(x, "product_id")) ||
	    json_is_null(json_object_get(x, "name")) ||
	    (json_is_integer(q) && json_integer_value(q) == 0)) {
		if (!dry && (k = line_index(o, id)) >= 0) {
			wc_line_release(&o->lines[k]);
			memmove(&o->lines[k], &o->lines[k + 1],
			    (size_t)(o->nlines - k - 1) * sizeof(*o->lines));
			o->nlines--;
		}
		return 0;
	}
	if (id > 0 && (k = line_index(o, id)) < 0) {
		bad_item(e);
		return -1;
	}
	ref = product_ref(st, x, &given);
	if (k < 0 && !given) {
		wc_error_set(e, 400, "woocommerce_rest_required_product_"
		    "reference", "Product ID or SKU is required.");
		return -1;
	}
	if (dry)
		return 0;
	if (ref > 0)
		p = tab_get(&st->products, ref);
	if (k >= 0) {
		l = &o->lines[k];
		oldq = l->quantity;
		if (p != NULL && p->id != (l->variation_id > 0 ?
		    l->variation_id : l->product_id))
			line_set_product(st, l, p);
	} else {
		o->lines = xrealloc(o->lines, (size_t)(o->nlines + 1) *
		    sizeof(*o->lines));
		l = &o->lines[o->nlines++];
		memset(l, 0, sizeof(*l));
		l->id = ++st->next_item_id;
		l->quantity = q != NULL ? jlong(x, "quantity") : 1;
		l->name = xstrdup("");
		l->sku = xstrdup("");
		l->tax_class = xstrdup("");
		l->total = money_cents(0);
		if (p != NULL) {
			struct money pr = wc_product_price(p);
			struct money qty = { l->quantity, 0, 1 };

			line_set_product(st, l, p);
			if (pr.set)
				l->total = money_mul(&pr, &qty);
		}
		l->subtotal = l->total;
	}
	istr(x, "name", &l->name);
	if (json_is_integer(q) || json_is_string(q))
		l->quantity = jlong(x, "quantity");
	imoney(x, "total", &l->total);
	imoney(x, "subtotal", &l->subtotal);
	istr(x, "tax_class", &l->tax_class);
	wc_in_meta(st, x, &l->meta, 0, e);
	if (k >= 0 && l->quantity != oldq)
		line_requantify(st, o, l, oldq);
	return 0;
}

/* one shipping_lines entry (prepare_shipping_lines()) */
static int
ship_apply(struct woo *st, struct wc_order *o, json_t *x, size_t idx,
    int dry, struct wc_error *e)
{
	long id = jlong(x, "id");
	struct wc_shipline *s;
	int k = -1;

	if (!json_is_object(x))
		return 0;
	if (item_types(x, "shipping_lines", idx, e) < 0)
		return -1;
	if (json_is_null(json_object_get(x, "method_id")) ||
	    json_is_null(json_object_get(x, "method_title"))) {
		if (!dry && (k = ship_index(o, id)) >= 0) {
			free(o->ships[k].method_id);
			free(o->ships[k].method_title);
			memmove(&o->ships[k], &o->ships[k + 1],
			    (size_t)(o->nships - k - 1) * sizeof(*o->ships));
			o->nships--;
		}
		return 0;
	}
	if (id > 0 && (k = ship_index(o, id)) < 0) {
		bad_item(e);
		return -1;
	}
	if (k < 0 && str_empty(jx_str(x, "method_id"))) {
		wc_error_set(e, 400, "woocommerce_rest_invalid_shipping_item",
		    "Shipping method ID is required.");
		return -1;
	}
	if (dry)
		return 0;
	if (k >= 0) {
		s = &o->ships[k];
	} else {
		o->ships = xrealloc(o->ships, (size_t)(o->nships + 1) *
		    sizeof(*o->ships));
		s = &o->ships[o->nships++];
		memset(s, 0, sizeof(*s));
		s->id = ++st->next_item_id;
		s->method_title = xstrdup("");
		s->total = money_cents(0);
	}
	istr(x, "method_id", &s->method_id);
	istr(x, "method_title", &s->method_title);
	imoney(x, "total", &s->total);
	return 0;
}

int
wc_order_items_apply(struct woo *st, struct wc_order *o, json_t *j,
    const char *key, int dry, struct wc_error *e)
{
	json_t *v = json_object_get(j, key), *x;
	char msg[96];
	size_t i;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v)) {
		snprintf(msg, sizeof(msg), "%s is not of type array.", key);
		wc_invalid_param(e, key, msg);
		return -1;
	}
	json_array_foreach(v, i, x) {
		if ((key[0] == 'l' ? line_apply(st, o, x, i, dry, e) :
		    ship_apply(st, o, x, i, dry, e)) < 0)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- checkout */

/*
 * A shopper's order through the storefront, as
 * WC_Checkout::process_checkout() makes it: the cart is checked against
 * the catalogue (purchasable, in stock unless backorders are allowed),
 * prices come from the products whatever the body says, the order is
 * created_via "checkout", and the payment method decides what follows:
 * bacs and cheque wait on-hold, cod goes to processing, a card gateway
 * (default "stripe") completes the payment unless "paid" is false, which
 * leaves the order failed.  The caller fires order.created.
 *
 * Body: {"line_items":[{"product_id"|"variation_id"|"sku", "quantity"}],
 *        "customer_id", "billing", "shipping", "customer_note",
 *        "shipping_lines", "meta_data", "payment_method", "paid"}
 * A customer's saved addresses fill in a missing billing or shipping.
 */
static const struct {
	const char	*id;
	const char	*title;
	int		 status;	/* after checkout; -1: card payment */
} methods[] = {
	{ "bacs", "Direct bank transfer", WO_ON_HOLD },
	{ "cheque", "Check payments", WO_ON_HOLD },
	{ "cod", "Cash on delivery", WO_PROCESSING },
	{ "stripe", "Credit Card (Stripe)", -1 },
	{ "woocommerce_payments", "Credit card / debit card", -1 },
	{ "ppcp-gateway", "PayPal", -1 },
	{ "paypal", "PayPal", -1 },
};

static struct wc_product *
cart_product(struct woo *st, json_t *x)
{
	const char *sku = jx_str(x, "sku");
	long id;

	if (!str_empty(sku))
		id = strmap_get(&st->sku_idx, sku);
	else if ((id = jlong(x, "variation_id")) == 0)
		id = jlong(x, "product_id");
	return id > 0 ? tab_get(&st->products, id) : NULL;
}

/* is_purchasable() and WC_Cart::check_cart_item_stock(); want sums the
 * cart's lines on the same stock */
static int
cart_check(struct woo *st, struct wc_product *p, long want,
    struct wc_error *e)
{
	struct wc_product *parent = NULL, *h;
	struct money pr = { 0, 0, 0 };
	struct wc_line t;
	long have;

	if (p != NULL && p->type == WC_VARIATION)
		parent = tab_get(&st->products, p->parent_id);
	if (p != NULL)
		pr = wc_product_price(p);
	if (p == NULL || p->status != WS_PUBLISH || !pr.set ||
	    (parent != NULL && parent->status != WS_PUBLISH) ||
	    (p->type != WC_SIMPLE && p->type != WC_VARIATION)) {
		wc_error_set(e, 400, "woocommerce_cart_not_purchasable",
		    "Sorry, \"%s\" cannot be purchased.", p != NULL &&
		    p->name != NULL ? p->name : "this product");
		return -1;
	}
	memset(&t, 0, sizeof(t));
	t.product_id = parent != NULL ? parent->id : p->id;
	t.variation_id = parent != NULL ? p->id : 0;
	if ((h = wc_line_stock(st, &t)) == NULL) {
		if (p->stock_status != 1)
			return 0;
		have = 0;
	} else if (h->backorders != 0) {
		return 0;
	} else {
		have = h->has_qty ? h->stock_quantity : 0;
	}
	if (have <= 0) {
		wc_error_set(e, 400, "woocommerce_cart_out_of_stock", "Sorry, "
		    "\"%s\" is not in stock. Please edit your cart and try "
		    "again. We apologize for any inconvenience caused.",
		    p->name != NULL ? p->name : "");
		return -1;
	}
	if (want > have) {
		wc_error_set(e, 400, "woocommerce_cart_out_of_stock", "Sorry, "
		    "we do not have enough \"%s\" in stock to fulfill your "
		    "order (%ld available). We apologize for any "
		    "inconvenience caused.", p->name != NULL ? p->name : "",
		    have);
		return -1;
	}
	return 0;
}

/* the cart as POST /orders line_items: the product and the quantity */
static json_t *
cart_lines(struct woo *st, json_t *li, struct wc_error *e)
{
	json_t *out = json_array(), *x, *y;
	size_t i, k;

	json_array_foreach(li, i, x) {
		struct wc_product *p = cart_product(st, x), *q;
		long want, qty = jx_has(x, "quantity") ? jlong(x,
		    "quantity") : 1;
		json_t *item = json_object();

		if (qty <= 0) {
			wc_error_set(e, 400, "woocommerce_cart_invalid_"
			    "quantity", "Please enter a valid quantity for "
			    "this product.");
			json_decref(item);
			json_decref(out);
			return NULL;
		}
		want = qty;
		json_array_foreach(li, k, y)
			if (k < i && (q = cart_product(st, y)) == p)
				want += jx_has(y, "quantity") ? jlong(y,
				    "quantity") : 1;
		if (cart_check(st, p, want, e) < 0) {
			json_decref(item);
			json_decref(out);
			return NULL;
		}
		if (p->type == WC_VARIATION) {
			json_object_set_new(item, "product_id",
			    json_integer(p->parent_id));
			json_object_set_new(item, "variation_id",
			    json_integer(p->id));
		} else {
			json_object_set_new(item, "product_id",
			    json_integer(p->id));
		}
		json_object_set_new(item, "quantity", json_integer(qty));
		if (json_is_array(json_object_get(x, "meta_data")))
			json_object_set(item, "meta_data", json_object_get(x,
			    "meta_data"));
		json_array_append_new(out, item);
	}
	return out;
}

/* a customer's saved address, for a checkout body that gives none */
static json_t *
saved_addr(const struct wc_customer *c, const struct wc_addr *a, int email)
{
	json_t *o = json_object();
	int i;

	for (i = 0; i < WC_ADDR_N; i++) {
		const char *v = a->v[i];

		if (strcmp(wc_addr_keys[i], "email") == 0) {
			if (!email)
				continue;
			if (str_empty(v))
				v = c->email;
		}
		json_object_set_new(o, wc_addr_keys[i], json_string(v != NULL ?
		    v : ""));
	}
	return o;
}

int
wc_order_checkout(struct woo *st, json_t *j, struct jw *w,
    struct wc_error *e)
{
	static const char *const copy[] = { "customer_id", "billing",
	    "shipping", "customer_note", "shipping_lines", "meta_data" };
	json_t *li = json_object_get(j, "line_items"), *b, *lines;
	const char *pm = jx_str(j, "payment_method");
	struct wc_customer *c;
	struct wc_order *o;
	size_t i, m;
	int paid = 1;
	char tx[32];

	if (!json_is_array(li) || json_array_size(li) == 0) {
		wc_error_set(e, 400, "woocommerce_cart_empty", "Your cart is "
		    "currently empty.");
		return -1;
	}
	if (wc_in_bool(j, "paid", &paid, 0, e) < 0 ||
	    (lines = cart_lines(st, li, e)) == NULL)
		return -1;
	for (m = 0; pm != NULL && m < sizeof(methods) / sizeof(methods[0]);
	    m++)
		if (strcmp(methods[m].id, pm) == 0)
			break;
	if (pm == NULL)
		m = 3;		/* stripe */
	b = json_object();
	json_object_set_new(b, "line_items", lines);
	for (i = 0; i < sizeof(copy) / sizeof(copy[0]); i++)
		if (json_object_get(j, copy[i]) != NULL)
			json_object_set(b, copy[i], json_object_get(j,
			    copy[i]));
	if ((c = tab_get(&st->customers, jlong(j, "customer_id"))) != NULL) {
		if (!jx_has(j, "billing"))
			json_object_set_new(b, "billing", saved_addr(c,
			    &c->billing, 1));
		if (!jx_has(j, "shipping"))
			json_object_set_new(b, "shipping", saved_addr(c,
			    c->shipping.v[0] != NULL ? &c->shipping :
			    &c->billing, 0));
	}
	json_object_set_new(b, "payment_method", json_string(pm != NULL ? pm :
	    methods[m].id));
	json_object_set_new(b, "payment_method_title", json_string(
	    m < sizeof(methods) / sizeof(methods[0]) ? methods[m].title : pm));
	o = wc_order_build(st, b, 1, e);
	json_decref(b);
	if (o == NULL)
		return -1;
	if (m < sizeof(methods) / sizeof(methods[0]) &&
	    methods[m].status >= 0) {
		wc_order_set_status(st, o, methods[m].status);
	} else if (!paid) {
		wc_order_set_status(st, o, WO_FAILED);
	} else {
		memcpy(tx, "ch_", 3);
		rng_hex(&st->rng, tx + 3, 25);
		setstr(&o->transaction_id, tx);
		wc_order_payment_complete(st, o);
	}
	if (w != NULL)
		wc_order_json(st, o, w, 2);
	return (int)o->id;
}
