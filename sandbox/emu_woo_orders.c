/*
 * emu_woo_orders.c - the WooCommerce order model: building an order from a
 * POST /orders body, applying a PUT, status transitions with their stock
 * and payment side effects, refunds, notes and the storefront checkout.
 * The REST handlers live in emu_woo_order_api.c and emu_woo_refunds.c,
 * body items and the checkout in emu_woo_order_items.c.
 *
 * What WooCommerce 7.9 does and this copies:
 *  - a new line item takes name, SKU and price x quantity from the product
 *    (sku, else product_id, else variation_id); total and subtotal may be
 *    overridden; changing the quantity of an existing line later does not
 *    touch its total (prepare_line_items() only sets what was posted).
 *  - totals are the sum of line totals plus shipping; taxes are not
 *    modelled and stay "0.00" (woocommerce_calc_taxes off).
 *  - stock is taken once when the order enters processing, completed or
 *    on-hold (each line remembers what it took, _reduced_stock) and given
 *    back on cancelled or pending; a sale changes stock_quantity but not the
 *    product's date_modified (wc_update_product_stock() writes the meta
 *    directly), and fires product.updated.
 *  - every status change leaves a system note; entering refunded refunds
 *    what is left (wc_order_fully_refunded()).
 * Callers hold the write lock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "woo.h"

static const char *const status_label[WO_NSTATUS] = {
	"Pending payment", "Processing", "On hold", "Completed", "Cancelled",
	"Refunded", "Failed", "Trash", "Draft",
};

/* the statuses a client may write (schema enum: no trash) */
static const char wr_status_msg[] = "status is not one of pending, "
    "processing, on-hold, completed, cancelled, refunded, failed and "
    "checkout-draft.";

void
wc_line_release(struct wc_line *l)
{
	free(l->name);
	free(l->sku);
	free(l->tax_class);
	wc_meta_release(&l->meta);
}

static void
ship_release(struct wc_shipline *s)
{
	free(s->method_id);
	free(s->method_title);
}

void
wc_order_free(void *v)
{
	struct wc_order *o = v;
	int i;

	if (o == NULL)
		return;
	free(o->currency);
	free(o->order_key);
	free(o->created_via);
	free(o->payment_method);
	free(o->payment_method_title);
	free(o->transaction_id);
	free(o->customer_note);
	wc_addr_release(&o->billing);
	wc_addr_release(&o->shipping);
	for (i = 0; i < o->nlines; i++)
		wc_line_release(&o->lines[i]);
	free(o->lines);
	for (i = 0; i < o->nships; i++)
		ship_release(&o->ships[i]);
	free(o->ships);
	for (i = 0; i < o->nrefunds; i++)
		free(o->refunds[i].reason);
	free(o->refunds);
	for (i = 0; i < o->nnotes; i++) {
		free(o->notes[i].note);
		free(o->notes[i].author);
	}
	free(o->notes);
	wc_meta_release(&o->meta);
	free(o);
}

/* ---------------------------------------------------------------- notes */

/* WooCommerce's own notes show author "system" in the REST answer */
void
wc_order_note_add(struct woo *st, struct wc_order *o, const char *text,
    int customer, const char *author)
{
	struct wc_note *n;

	o->notes = xrealloc(o->notes, (size_t)(o->nnotes + 1) *
	    sizeof(*o->notes));
	n = &o->notes[o->nnotes++];
	memset(n, 0, sizeof(*n));
	n->id = ++st->next_note_id;
	n->created = now_utc();
	n->note = xstrdup(text);
	n->customer_note = customer;
	n->author = xstrdup(author != NULL ? author : "system");
}

/* ---------------------------------------------------------------- stock */

/*
 * The product whose stock a line moves: the variation when it manages its
 * own, its parent when the variation inherits ("parent", or not managed
 * while the parent is); NULL when nothing manages stock.
 */
struct wc_product *
wc_line_stock(struct woo *st, const struct wc_line *l)
{
	struct wc_product *p, *parent;

	p = tab_get(&st->products, l->variation_id > 0 ? l->variation_id :
	    l->product_id);
	if (p == NULL)
		return NULL;
	if (p->type == WC_VARIATION && p->manage_stock != 1) {
		parent = tab_get(&st->products, p->parent_id);
		if (parent == NULL || (p->manage_stock != 2 &&
		    parent->manage_stock != 1))
			return NULL;
		p = parent;
	}
	return p->manage_stock == 1 ? p : NULL;
}

/* "Name (SKU) 10&rarr;9", as WC_Product::get_formatted_name() + change */
static void
stock_change_text(struct wbuf *b, const struct wc_product *p, long from,
    long to)
{
	if (b->len > 0)
		wbuf_adds(b, ", ");
	if (!str_empty(p->sku))
		wbuf_addf(b, "%s (%s)", p->name != NULL ? p->name : "", p->sku);
	else
		wbuf_addf(b, "%s (#%ld)", p->name != NULL ? p->name : "",
		    p->id);
	wbuf_addf(b, " %ld&rarr;%ld", from, to);
}

/* a sale or a return: stock_quantity moves, date_modified does not */
long
wc_stock_move(struct woo *st, struct wc_product *p, long delta)
{
	long from = p->has_qty ? p->stock_quantity : 0;

	p->stock_quantity = from + delta;
	p->has_qty = 1;
	wc_stock_status_sync(p);
	woo_fire(st, "product", "updated", p->id);
	return from;
}

/* wc_reduce_stock_levels(): once per line, then once per order */
static void
stock_reduce(struct woo *st, struct wc_order *o)
{
	struct wbuf b = WBUF_INIT;
	char *msg;
	int i;

	if (o->stock_reduced)
		return;
	for (i = 0; i < o->nlines; i++) {
		struct wc_line *l = &o->lines[i];
		struct wc_product *p = wc_line_stock(st, l);
		long from;

		if (p == NULL || l->reduced != 0 || l->quantity <= 0)
			continue;
		from = wc_stock_move(st, p, -l->quantity);
		l->reduced = l->quantity;
		stock_change_text(&b, p, from, p->stock_quantity);
	}
	o->stock_reduced = 1;
	if (b.len > 0) {
		msg = xmalloc(b.len + 32);
		snprintf(msg, b.len + 32, "Stock levels reduced: %s",
		    wbuf_str(&b));
		wc_order_note_add(st, o, msg, 0, NULL);
		free(msg);
	}
	wbuf_release(&b);
}

/* wc_increase_stock_levels(): gives back what each line took */
static void
stock_restore(struct woo *st, struct wc_order *o)
{
	struct wbuf b = WBUF_INIT;
	char *msg;
	int i;

	if (!o->stock_reduced)
		return;
	for (i = 0; i < o->nlines; i++) {
		struct wc_line *l = &o->lines[i];
		struct wc_product *p = wc_line_stock(st, l);
		long from;

		if (p == NULL || l->reduced <= 0)
			continue;
		from = wc_stock_move(st, p, l->reduced);
		l->reduced = 0;
		stock_change_text(&b, p, from, p->stock_quantity);
	}
	o->stock_reduced = 0;
	if (b.len > 0) {
		msg = xmalloc(b.len + 32);
		snprintf(msg, b.len + 32, "Stock levels increased: %s",
		    wbuf_str(&b));
		wc_order_note_add(st, o, msg, 0, NULL);
		free(msg);
	}
	wbuf_release(&b);
}

/* wc_update_total_sales_counts(): once per order, on the parent product */
static void
sales_record(struct woo *st, struct wc_order *o)
{
	struct wc_product *p;
	int i;

	if (o->sales_recorded)
		return;
	for (i = 0; i < o->nlines; i++)
		if ((p = tab_get(&st->products, o->lines[i].product_id)) !=
		    NULL)
			p->total_sales += o->lines[i].quantity;
	o->sales_recorded = 1;
}

/* wc_paying_customer(): the first paid order saves the customer */
static void
paying_customer(struct woo *st, struct wc_order *o)
{
	struct wc_customer *c = tab_get(&st->customers, o->customer_id);

	if (o->customer_id <= 0 || c == NULL || c->is_paying)
		return;
	c->is_paying = 1;
	c->modified = now_utc();
	woo_fire(st, "customer", "updated", c->id);
}

/*
 * Orders from the generator or a loaded dump say stock_reduced but not
 * which line took what; every path here sets sales_recorded with it, so
 * that pair tells them apart.  Their lines are taken to hold it all.
 */
void
wc_order_adopt(struct woo *st, struct wc_order *o)
{
	int i;

	if (!o->stock_reduced || o->sales_recorded)
		return;
	for (i = 0; i < o->nlines; i++)
		if (o->lines[i].reduced == 0 &&
		    wc_line_stock(st, &o->lines[i]) != NULL)
			o->lines[i].reduced = o->lines[i].quantity;
	o->sales_recorded = 1;
}

/* ---------------------------------------------------------------- status */

long
wc_refund_push(struct woo *st, struct wc_order *o,
    const struct money *amount, const char *reason)
{
	struct wc_refund *r;

	/* newest first, as WC_Order::get_refunds() lists them */
	o->refunds = xrealloc(o->refunds, (size_t)(o->nrefunds + 1) *
	    sizeof(*o->refunds));
	memmove(&o->refunds[1], &o->refunds[0], (size_t)o->nrefunds *
	    sizeof(*o->refunds));
	o->nrefunds++;
	r = &o->refunds[0];
	memset(r, 0, sizeof(*r));
	r->id = tab_reserve(&st->orders);	/* a post id, as orders */
	r->created = now_utc();
	r->amount = *amount;
	r->reason = xstrdup(reason != NULL ? reason : "");
	return r->id;
}

struct money
wc_order_remaining(const struct wc_order *o)
{
	struct money t = wc_order_total(o), r = wc_order_refunded(o);

	r = money_neg(&r);
	return money_add(&t, &r);
}

int
wc_order_set_status(struct woo *st, struct wc_order *o, int ns)
{
	int64_t now = now_utc();
	int old = o->status;
	char msg[128];

	if (ns < 0 || ns >= WO_NSTATUS || ns == old)
		return 0;
	wc_order_adopt(st, o);
	o->status = ns;
	o->modified = now;
	if ((ns == WO_PROCESSING || ns == WO_COMPLETED) && o->paid == 0)
		o->paid = now;
	if (ns == WO_COMPLETED) {
		o->completed = now;
		paying_customer(st, o);
	}
	if (ns == WO_PROCESSING || ns == WO_COMPLETED || ns == WO_ON_HOLD) {
		stock_reduce(st, o);
		sales_record(st, o);
	} else if (ns == WO_CANCELLED || ns == WO_PENDING) {
		stock_restore(st, o);
	}
	if (ns == WO_REFUNDED) {
		struct money left = wc_order_remaining(o);

		if (left.units > 0) {
			wc_refund_push(st, o, &left, "Order fully refunded.");
			wc_order_note_add(st, o, "Order status set to "
			    "refunded. To return funds to the customer you "
			    "will need to issue a refund through your payment "
			    "gateway.", 0, NULL);
		}
	}
	/* after the woocommerce_order_status_* actions (status_transition) */
	snprintf(msg, sizeof(msg), "Order status changed from %s to %s.",
	    status_label[old], status_label[ns]);
	wc_order_note_add(st, o, msg, 0, NULL);
	return 1;
}

/* WC_Order::payment_complete() */
void
wc_order_payment_complete(struct woo *st, struct wc_order *o)
{
	if (o->status != WO_PENDING && o->status != WO_ON_HOLD &&
	    o->status != WO_FAILED && o->status != WO_CANCELLED)
		return;
	if (o->paid == 0)
		o->paid = now_utc();
	wc_order_set_status(st, o, WO_PROCESSING);
	paying_customer(st, o);
}


/* ---------------------------------------------------------------- bodies */

/* WordPress' is_email(), roughly: x@y.z, six characters at least */
static int
email_ok(const char *s)
{
	const char *at = strchr(s, '@');

	return strlen(s) >= 6 && at != NULL && at != s &&
	    strchr(at + 1, '.') != NULL && strchr(at + 1, '@') == NULL &&
	    strpbrk(s, " \t\r\n,;") == NULL && at[1] != '.';
}

/*
 * The order-level members of a body, in the order save_object() uses
 * them: props and items first, then the status, then set_paid (payment
 * for a new order, or one still pending or failed with a total).
 */
static int
order_apply(struct woo *st, struct wc_order *o, json_t *j, int dry,
    int creating, struct wc_error *e)
{
	json_t *v = json_object_get(j, "status");
	const char *em;
	long cid = o->customer_id;
	int ns = -1, paid = 0;
	struct money t;

	if (!dry)
		wc_order_adopt(st, o);
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_string(v)) {
			wc_invalid_param(e, "status", "status is not of type "
			    "string.");
			return -1;
		}
		ns = wc_order_status_parse(json_string_value(v));
		if (ns < 0 || ns == WO_TRASH ||
		    strncmp(json_string_value(v), "wc-", 3) == 0) {
			wc_invalid_param(e, "status", wr_status_msg);
			return -1;
		}
	}
	if (wc_in_long(j, "customer_id", &cid, 0, e) < 0 ||
	    wc_in_long(j, "parent_id", &o->parent_id, dry, e) < 0 ||
	    wc_in_str(j, "currency", &o->currency, dry, e) < 0 ||
	    wc_in_str(j, "customer_note", &o->customer_note, dry, e) < 0 ||
	    wc_in_str(j, "payment_method", &o->payment_method, dry, e) < 0 ||
	    wc_in_str(j, "payment_method_title", &o->payment_method_title, dry,
	    e) < 0 ||
	    wc_in_str(j, "transaction_id", &o->transaction_id, dry, e) < 0 ||
	    wc_in_addr(j, "billing", &o->billing, 1, e) < 0 ||
	    wc_in_addr(j, "shipping", &o->shipping, 1, e) < 0 ||
	    wc_in_meta(st, j, &o->meta, 1, e) < 0 ||
	    wc_in_bool(j, "set_paid", &paid, 0, e) < 0)
		return -1;
	em = jx_str(json_object_get(j, "billing"), "email");
	if (!str_empty(em) && !email_ok(em)) {
		wc_error_set(e, 400, "order_invalid_billing_email", "Invalid "
		    "billing email address");
		return -1;
	}
	if (wc_order_items_apply(st, o, j, "line_items", dry, e) < 0 ||
	    wc_order_items_apply(st, o, j, "shipping_lines", dry, e) < 0)
		return -1;
	if (cid != 0 && tab_get(&st->customers, cid) == NULL) {
		wc_error_set(e, 400, "woocommerce_rest_invalid_customer_id",
		    "Customer ID is invalid.");
		return -1;
	}
	if (dry)
		return 0;
	wc_in_addr(j, "billing", &o->billing, 0, e);
	wc_in_addr(j, "shipping", &o->shipping, 0, e);
	wc_in_meta(st, j, &o->meta, 0, e);
	wc_meta_prune(&o->meta);	/* a null value removes the row */
	o->customer_id = cid;
	o->modified = now_utc();
	if (ns >= 0)
		wc_order_set_status(st, o, ns);
	t = wc_order_total(o);
	if (paid && (creating || ((o->status == WO_PENDING ||
	    o->status == WO_FAILED) && t.units > 0)))
		wc_order_payment_complete(st, o);
	return 0;
}

int
wc_order_apply(struct woo *st, struct wc_order *o, json_t *j, int dry,
    struct wc_error *e)
{
	return order_apply(st, o, j, dry, 0, e);
}

/* wc_generate_order_key(): "wc_order_" and 13 letters or digits */
static void
order_key(struct woo *st, char *out, size_t n)
{
	static const char an[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
	    "QRSTUVWXYZ0123456789";
	char k[14];
	int i;

	for (i = 0; i < 13; i++)
		k[i] = an[rng_below(&st->rng, sizeof(an) - 1)];
	k[13] = '\0';
	snprintf(out, n, "wc_order_%s", k);
}

struct wc_order *
wc_order_build(struct woo *st, json_t *j, int checkout, struct wc_error *e)
{
	struct wc_order *o = xcalloc(1, sizeof(*o));
	char key[32];

	o->status = WO_PENDING;
	if (order_apply(st, o, j, 1, 1, e) < 0) {
		wc_order_free(o);
		return NULL;
	}
	o->id = tab_add(&st->orders, o);
	o->created = o->modified = now_utc();
	o->currency = xstrdup(st->currency);
	o->created_via = xstrdup(checkout ? "checkout" : "rest-api");
	o->prices_include_tax = st->prices_include_tax;
	order_key(st, key, sizeof(key));
	o->order_key = xstrdup(key);
	order_apply(st, o, j, 0, 1, e);
	return o;
}
