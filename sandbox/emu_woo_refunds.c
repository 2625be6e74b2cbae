/*
 * emu_woo_refunds.c - /orders/{id}/refunds[/{id}] and /orders/{id}/notes
 * [/{id}] of the WooCommerce emulator, and wc_refund_add() (wc_create_refund()
 * behind POST .../refunds).
 *
 * Refund ids come from the orders' sequence (refunds are shop_order_refund
 * posts): a reserved, empty slot of st->orders, so GET /orders/{refund id}
 * is a 404 as in WooCommerce.  The refund itself lives in its order.
 * Notes are comments: their own sequence, no webhook, and adding one does
 * not move the order's date_modified.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "woo.h"

/* the order whose refunds or notes a list renders (wc_list_page rows) */
static _Thread_local struct wc_order *row_order;

/* payment methods a stock store knows; the first three cannot refund */
static const char *const gateways[] = { "bacs", "cheque", "cod", "stripe",
	"woocommerce_payments", "ppcp-gateway", "paypal",
	"square_credit_card" };

static struct wc_refund *
refund_in(struct wc_order *o, long id)
{
	int i;

	for (i = 0; o != NULL && i < o->nrefunds; i++)
		if (o->refunds[i].id == id)
			return &o->refunds[i];
	return NULL;
}

static struct wc_note *
note_in(struct wc_order *o, long id)
{
	int i;

	for (i = 0; o != NULL && i < o->nnotes; i++)
		if (o->notes[i].id == id)
			return &o->notes[i];
	return NULL;
}

/* wc_refund_payment(): "" when the gateway can refund */
static const char *
gateway_refuses(const char *pm)
{
	size_t i;

	for (i = 0; pm != NULL && i < sizeof(gateways) / sizeof(gateways[0]);
	    i++)
		if (strcmp(pm, gateways[i]) == 0)
			return i < 3 ? "The payment gateway for this order "
			    "does not support automatic refunds." : "";
	return "The payment gateway for this order does not exist.";
}

/* the line_items of a refund: [{id, quantity, refund_total}] */
static int
refund_lines(json_t *li, struct money *sum, struct wc_error *e)
{
	json_t *x;
	size_t i;

	*sum = money_cents(0);
	if (li == NULL || json_is_null(li))
		return 0;
	if (!json_is_array(li)) {
		wc_invalid_param(e, "line_items", "line_items is not of type "
		    "array.");
		return -1;
	}
	json_array_foreach(li, i, x) {
		json_t *rt = json_object_get(x, "refund_total");
		struct money m;

		if (rt == NULL || json_is_null(rt))
			continue;
		if (money_from_json(rt, &m) < 0) {
			char msg[96];

			snprintf(msg, sizeof(msg), "line_items[%zu]"
			    "[refund_total] is not of type number.", i);
			wc_invalid_param(e, "line_items", msg);
			return -1;
		}
		*sum = money_add(sum, &m);
	}
	return 0;
}

/* wc_restock_refunded_items(): only lines that took stock give it back */
static void
refund_restock(struct woo *st, struct wc_order *o, json_t *li)
{
	json_t *x;
	size_t i;
	int k;
	char msg[128];

	json_array_foreach(li, i, x) {
		json_t *iv = json_object_get(x, "id"), *qv;
		long id = json_is_integer(iv) ? (long)json_integer_value(iv) :
		    0;
		long qty, from;
		struct wc_product *p;

		qv = json_object_get(x, "quantity");
		qty = json_is_integer(qv) ? (long)json_integer_value(qv) : 0;
		for (k = 0; k < o->nlines && o->lines[k].id != id; k++)
			;
		if (k == o->nlines || o->lines[k].reduced == 0 || qty <= 0 ||
		    (p = wc_line_stock(st, &o->lines[k])) == NULL)
			continue;
		from = wc_stock_move(st, p, qty);
		o->lines[k].reduced -= qty;
		snprintf(msg, sizeof(msg), "Item #%ld stock increased from %ld "
		    "to %ld.", p->id, from, p->stock_quantity);
		wc_order_note_add(st, o, msg, 0, NULL);
	}
}

long
wc_refund_add(struct woo *st, struct wc_order *o, json_t *j,
    struct wc_error *e)
{
	json_t *li = json_object_get(j, "line_items");
	struct money amount = money_cents(0), sum, left, after;
	int api_refund = 1, api_restock = 1;
	const char *why;
	char *reason = NULL;
	long id;

	if (wc_in_money(j, "amount", &amount, 0, e) < 0 ||
	    wc_in_bool(j, "api_refund", &api_refund, 0, e) < 0 ||
	    wc_in_bool(j, "api_restock", &api_restock, 0, e) < 0 ||
	    wc_in_str(j, "reason", &reason, 1, e) < 0 ||
	    refund_lines(li, &sum, e) < 0)
		return -1;
	if (!amount.set)
		amount = money_cents(0);
	/* no amount: what the lines add up to (newer REST controllers) */
	if (!jx_has(j, "amount"))
		amount = sum;
	if (amount.units < 0) {
		wc_error_set(e, 400, "woocommerce_rest_invalid_order_refund",
		    "Refund amount must be greater than zero.");
		return -1;
	}
	left = wc_order_remaining(o);
	if (money_cmp(&amount, &left) > 0) {
		wc_error_set(e, 500, "woocommerce_rest_cannot_create_order_"
		    "refund", "Invalid refund amount.");
		return -1;
	}
	if (api_refund && *(why = gateway_refuses(o->payment_method)) != '\0') {
		wc_error_set(e, 500, "woocommerce_rest_cannot_create_order_"
		    "refund", "%s", why);
		return -1;
	}
	wc_order_adopt(st, o);
	wc_in_str(j, "reason", &reason, 0, e);
	id = wc_refund_push(st, o, &amount, reason);
	free(reason);
	if (api_restock && json_is_array(li))
		refund_restock(st, o, li);
	amount = money_neg(&amount);
	after = money_add(&left, &amount);
	if (after.units <= 0)
		wc_order_set_status(st, o, WO_REFUNDED);
	o->modified = now_utc();
	return id;
}

/* ---------------------------------------------------------------- refunds */

static void
refund_row(struct woo *st, long id, struct jw *w)
{
	wc_refund_json(st, refund_in(row_order, id), w);
}

static void
send_refund(struct woo *st, struct resp *rs, struct wc_refund *r,
    unsigned status)
{
	struct wbuf b = WBUF_INIT;
	struct jw w;

	jw_init(&w, &b);
	w.php = 1;
	wc_refund_json(st, r, &w);
	wc_send(rs, status, &b);
	wbuf_release(&b);
}

void
h_refunds_list(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_sortkey *keys;
	struct wc_order *o;
	struct wc_list l;
	size_t n = 0;
	int i;

	if (woo_auth(st, rq, rs, P_LIST) < 0 ||
	    wc_list_parse(rq, rs, &l, "date", 1) < 0)
		return;
	wc_fields(&(struct jw){ 0 }, rq, 2, &l.fields, &l.nfields);
	pthread_rwlock_rdlock(&st->lock);
	/* a missing order is an empty list: the query is by post_parent */
	o = tab_get(&st->orders, rq->ids[0]);
	keys = xcalloc(o != NULL ? (size_t)o->nrefunds + 1 : 1, sizeof(*keys));
	for (i = 0; o != NULL && i < o->nrefunds; i++) {
		keys[n].id = o->refunds[i].id;
		keys[n].n = strcmp(l.orderby, "id") == 0 ? o->refunds[i].id :
		    o->refunds[i].created;
		n++;
	}
	wc_list_sort(keys, n, &l);
	row_order = o;
	wc_list_page(st, rq, rs, &l, keys, n, refund_row);
	row_order = NULL;
	pthread_rwlock_unlock(&st->lock);
	free(keys);
	wc_list_release(&l);
}

/* the refund the path names, or NULL with WooCommerce's 404 in rs */
static struct wc_refund *
path_refund(struct woo *st, struct req *rq, struct resp *rs,
    struct wc_order **op)
{
	struct wc_order *o = tab_get(&st->orders, rq->ids[0]);
	struct wc_refund *r = refund_in(o, rq->ids[1]);
	size_t i;

	*op = o;
	if (r != NULL)
		return r;
	for (i = 0; i < st->orders.n && r == NULL; i++)
		r = refund_in(st->orders.v[i], rq->ids[1]);
	if (r == NULL)
		wc_err(rs, 404, "woocommerce_rest_shop_order_refund_invalid_id",
		    "Invalid ID.");
	else if (o == NULL)
		wc_err(rs, 404, "woocommerce_rest_invalid_order_id",
		    "Invalid order ID.");
	else
		wc_err(rs, 404, "woocommerce_rest_invalid_order_refund_id",
		    "Invalid order refund ID.");
	return NULL;
}

void
h_refund_get(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_order *o;
	struct wc_refund *r;

	if (woo_auth(st, rq, rs, P_VIEW) < 0)
		return;
	pthread_rwlock_rdlock(&st->lock);
	if ((r = path_refund(st, rq, rs, &o)) != NULL) {
		send_refund(st, rs, r, 200);
		rs->items_read = 1;
	}
	pthread_rwlock_unlock(&st->lock);
}

void
h_refund_post(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_order *o;
	struct wc_error e;
	json_t *j;
	long id;

	if (woo_auth(st, rq, rs, P_CREATE) < 0 || (j = wc_body(rq, rs)) == NULL)
		return;
	pthread_rwlock_wrlock(&st->lock);
	if ((o = tab_get(&st->orders, rq->ids[0])) == NULL) {
		wc_err(rs, 404, "woocommerce_rest_invalid_order_id",
		    "Invalid order ID.");
	} else if ((id = wc_refund_add(st, o, j, &e)) < 0) {
		wc_error_resp(&e, rs);
	} else {
		send_refund(st, rs, refund_in(o, id), 201);
		rs->items_written = 1;
		/* wc_create_refund() saved the order: order.updated */
		woo_fire(st, "order", "updated", o->id);
	}
	pthread_rwlock_unlock(&st->lock);
	json_decref(j);
}

void
h_refund_delete(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_order *o;
	struct wc_refund *r;
	int k;

	if (woo_auth(st, rq, rs, P_DELETE) < 0)
		return;
	pthread_rwlock_wrlock(&st->lock);
	if ((r = path_refund(st, rq, rs, &o)) == NULL)
		goto out;
	if (!wc_force(rq)) {
		wc_err(rs, 501, "woocommerce_rest_trash_not_supported",
		    "The shop_order_refund does not support trashing.");
		goto out;
	}
	send_refund(st, rs, r, 200);
	k = (int)(r - o->refunds);
	free(r->reason);
	memmove(&o->refunds[k], &o->refunds[k + 1], (size_t)(o->nrefunds -
	    k - 1) * sizeof(*o->refunds));
	o->nrefunds--;
	rs->items_written = 1;
out:
	pthread_rwlock_unlock(&st->lock);
}

/* ---------------------------------------------------------------- notes */

static void
send_note(struct woo *st, struct resp *rs, struct wc_note *n,
    unsigned status)
{
	struct wbuf b = WBUF_INIT;
	struct jw w;

	jw_init(&w, &b);
	w.php = 1;
	wc_note_json(st, n, &w);
	wc_send(rs, status, &b);
	wbuf_release(&b);
}

/* the order of a notes route, or NULL with the 404 in rs */
static struct wc_order *
notes_order(struct woo *st, struct req *rq, struct resp *rs)
{
	struct wc_order *o = tab_get(&st->orders, rq->ids[0]);

	if (o == NULL)
		wc_err(rs, 404, "woocommerce_rest_shop_order_invalid_id",
		    "Invalid order ID.");
	return o;
}

/* wc_get_order_notes(): every note, newest first; ?type= narrows */
void
h_notes_list(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	const char *type = req_param(rq, "type");
	struct wbuf b = WBUF_INIT;
	struct wc_order *o;
	struct wc_error e;
	struct jw w;
	char **f;
	int i, nf, want = -1;

	if (woo_auth(st, rq, rs, P_LIST) < 0)
		return;
	if (type != NULL && strcmp(type, "any") != 0) {
		if (strcmp(type, "customer") == 0) {
			want = 1;
		} else if (strcmp(type, "internal") == 0) {
			want = 0;
		} else {
			wc_invalid_param(&e, "type", "type is not one of any, "
			    "customer and internal.");
			wc_error_resp(&e, rs);
			return;
		}
	}
	pthread_rwlock_rdlock(&st->lock);
	if ((o = notes_order(st, rq, rs)) != NULL) {
		jw_init(&w, &b);
		w.php = 1;
		wc_fields(&w, rq, 2, &f, &nf);
		jw_arr(&w);
		for (i = o->nnotes - 1; i >= 0; i--) {
			if (want >= 0 && o->notes[i].customer_note != want)
				continue;
			wc_note_json(st, &o->notes[i], &w);
			rs->items_read++;
		}
		jw_arr_end(&w);
		wc_send(rs, 200, &b);
		wc_fields_release(f, nf);
		wbuf_release(&b);
	}
	pthread_rwlock_unlock(&st->lock);
}

void
h_note_get(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_order *o;
	struct wc_note *n;

	if (woo_auth(st, rq, rs, P_VIEW) < 0)
		return;
	pthread_rwlock_rdlock(&st->lock);
	if ((o = notes_order(st, rq, rs)) == NULL) {
		/* rs holds the error */
	} else if ((n = note_in(o, rq->ids[1])) == NULL) {
		wc_err(rs, 404, "woocommerce_rest_invalid_id",
		    "Invalid resource ID.");
	} else {
		send_note(st, rs, n, 200);
		rs->items_read = 1;
	}
	pthread_rwlock_unlock(&st->lock);
}

/* add_order_note(): a note by the API user carries its name as author */
void
h_note_post(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_order *o;
	struct wc_error e;
	int cust = 0, by_user = 0;
	json_t *j, *v;

	if (woo_auth(st, rq, rs, P_CREATE) < 0 || (j = wc_body(rq, rs)) == NULL)
		return;
	v = json_object_get(j, "note");
	if (v == NULL) {
		wc_error_set(&e, 400, "rest_missing_callback_param",
		    "Missing parameter(s): note");
		snprintf(e.extra, sizeof(e.extra), "\"params\":[\"note\"]");
		wc_error_resp(&e, rs);
		goto done;
	}
	if (!json_is_string(v)) {
		wc_invalid_param(&e, "note", "note is not of type string.");
		wc_error_resp(&e, rs);
		goto done;
	}
	if (wc_in_bool(j, "customer_note", &cust, 0, &e) < 0 ||
	    wc_in_bool(j, "added_by_user", &by_user, 0, &e) < 0) {
		wc_error_resp(&e, rs);
		goto done;
	}
	pthread_rwlock_wrlock(&st->lock);
	if ((o = notes_order(st, rq, rs)) == NULL) {
		/* rs holds the error */
	} else if (json_string_length(v) == 0) {
		wc_err(rs, 500, "woocommerce_rest_invalid_order_note",
		    "Cannot create order note, please try again.");
	} else {
		wc_order_note_add(st, o, json_string_value(v), cust,
		    by_user ? "admin" : NULL);
		send_note(st, rs, &o->notes[o->nnotes - 1], 201);
		rs->items_written = 1;
	}
	pthread_rwlock_unlock(&st->lock);
done:
	json_decref(j);
}

void
h_note_delete(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_order *o;
	struct wc_note *n;
	int k;

	if (woo_auth(st, rq, rs, P_DELETE) < 0)
		return;
	/* sic: WooCommerce's notes controller says "Webhooks" here */
	if (!wc_force(rq)) {
		wc_err(rs, 501, "woocommerce_rest_trash_not_supported",
		    "Webhooks do not support trashing.");
		return;
	}
	pthread_rwlock_wrlock(&st->lock);
	if ((o = notes_order(st, rq, rs)) == NULL) {
		/* rs holds the error */
	} else if ((n = note_in(o, rq->ids[1])) == NULL) {
		wc_err(rs, 404, "woocommerce_rest_invalid_id",
		    "Invalid resource ID.");
	} else {
		send_note(st, rs, n, 200);
		k = (int)(n - o->notes);
		free(n->note);
		free(n->author);
		memmove(&o->notes[k], &o->notes[k + 1], (size_t)(o->nnotes -
		    k - 1) * sizeof(*o->notes));
		o->nnotes--;
		rs->items_written = 1;
	}
	pthread_rwlock_unlock(&st->lock);
}
