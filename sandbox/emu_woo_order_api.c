/*
 * emu_woo_order_api.c - /orders, /orders/{id} and /orders/batch of the
 * WooCommerce emulator (the shopper's checkout is in emu_woo_order_items.c).
 *
 * Money in order answers has ?dp= decimals (default 2).  status=any (the
 * default) leaves out trash and checkout-draft, as WP_Query's "any" leaves
 * out statuses excluded from search.  DELETE answers with the order as it
 * was before the delete (WC_REST_CRUD_Controller prepares the response
 * first).  Handlers hold st->lock for the whole request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "woo.h"

#define BATCH_MAX 100

/* ?dp= of the list being rendered (wc_list_page rows take no argument) */
static _Thread_local int row_dp = 2;

static const char status_enum[] = "any, trash, pending, processing, "
    "on-hold, completed, cancelled, refunded, failed and checkout-draft";

/* 0, or -1 with a 400 in rs */
static int
dp_param(struct req *rq, struct resp *rs, int *dp)
{
	const char *v = req_param(rq, "dp");
	struct wc_error e;
	long n;

	*dp = 2;
	if (v == NULL || *v == '\0')
		return 0;
	if (parse_long(v, &n) < 0) {
		wc_invalid_param(&e, "dp", "dp is not of type integer.");
		wc_error_resp(&e, rs);
		return -1;
	}
	/* absint(); past 8 places int64 money would overflow */
	if (n < 0)
		n = -n;
	*dp = n > 8 ? 8 : (int)n;
	return 0;
}

static void
send_order(struct woo *st, struct req *rq, struct resp *rs,
    struct wc_order *o, int dp, unsigned status)
{
	struct wbuf b = WBUF_INIT;
	struct jw w;
	char **f;
	int nf;

	jw_init(&w, &b);
	w.php = 1;
	wc_fields(&w, rq, 1, &f, &nf);
	wc_order_json(st, o, &w, dp);
	wc_send(rs, status, &b);
	wc_fields_release(f, nf);
	wbuf_release(&b);
}

/* ---------------------------------------------------------------- lists */

struct ofilter {
	int		 want[WO_NSTATUS];
	long		 customer;
	long		 product;
	struct longs	 include;
	struct longs	 exclude;
	struct longs	 parent;
	struct longs	 parent_exclude;
	const char	*search;
	int64_t		 d[4];
	int		 has[4];
	int		 has_customer;
	int		 nstatus;
};

/*
 * Every value of a list parameter: "a,b", "a b" or name[]=a&name[]=b,
 * as wp_parse_list() and PHP's array syntax give them.  fn returns -1 to
 * stop (with e set).
 */
static int
qlist(struct req *rq, const char *name, int (*fn)(void *, const char *,
    int, struct wc_error *), void *arg, struct wc_error *e)
{
	size_t i, n = strlen(name);
	int k = 0;

	for (i = 0; i < rq->query.n; i++) {
		const char *key = rq->query.v[i].key;
		char *copy, *tok, *save = NULL;

		if (strncmp(key, name, n) != 0 || (key[n] != '\0' &&
		    key[n] != '['))
			continue;
		copy = xstrdup(rq->query.v[i].val);
		for (tok = strtok_r(copy, ", ", &save); tok != NULL;
		    tok = strtok_r(NULL, ", ", &save))
			if (fn(arg, tok, k++, e) < 0) {
				free(copy);
				return -1;
			}
		free(copy);
	}
	return 0;
}

static int
add_status(void *arg, const char *v, int k, struct wc_error *e)
{
	struct ofilter *f = arg;
	char msg[200];
	int s, i;

	f->nstatus++;
	if (strcmp(v, "any") == 0) {
		for (i = 0; i < WO_NSTATUS; i++)
			f->want[i] |= i != WO_TRASH && i != WO_CHECKOUT_DRAFT;
		return 0;
	}
	if ((s = wc_order_status_parse(v)) < 0 || strncmp(v, "wc-", 3) == 0) {
		snprintf(msg, sizeof(msg), "status[%d] is not one of %s.", k,
		    status_enum);
		wc_invalid_param(e, "status", msg);
		return -1;
	}
	f->want[s] = 1;
	return 0;
}

struct idlist {
	struct longs	*l;
	const char	*name;
};

static int
add_id(void *arg, const char *v, int k, struct wc_error *e)
{
	struct idlist *il = arg;
	char msg[128];
	long n;

	if (parse_long(v, &n) < 0) {
		snprintf(msg, sizeof(msg), "%s[%d] is not of type integer.",
		    il->name, k);
		wc_invalid_param(e, il->name, msg);
		return -1;
	}
	longs_add(il->l, n);
	return 0;
}

static int
one_long(struct req *rq, const char *name, long *out, int *has,
    struct wc_error *e)
{
	const char *v = req_param(rq, name);
	char msg[96];

	*has = v != NULL && *v != '\0';
	if (!*has)
		return 0;
	if (parse_long(v, out) < 0) {
		snprintf(msg, sizeof(msg), "%s is not of type integer.", name);
		wc_invalid_param(e, name, msg);
		return -1;
	}
	return 0;
}

static void
ofilter_release(struct ofilter *f)
{
	free(f->include.v);
	free(f->exclude.v);
	free(f->parent.v);
	free(f->parent_exclude.v);
}

/* 0, or -1 with e set */
static int
ofilter_parse(struct woo *st, struct req *rq, struct ofilter *f,
    const char *orderby, struct wc_error *e)
{
	static const char *const dn[] = { "modified_after", "modified_before",
	    "after", "before" };
	static const char *const ob[] = { "date", "id", "include", "title",
	    "slug", "modified" };
	struct idlist il[4] = { { &f->include, "include" },
	    { &f->exclude, "exclude" }, { &f->parent, "parent" },
	    { &f->parent_exclude, "parent_exclude" } };
	int i, hp = 0, ok = 0;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < 6; i++)
		ok |= strcmp(orderby, ob[i]) == 0;
	if (!ok) {
		wc_invalid_param(e, "orderby", "orderby is not one of date, "
		    "id, include, title, slug and modified.");
		return -1;
	}
	if (qlist(rq, "status", add_status, f, e) < 0)
		return -1;
	if (f->nstatus == 0)
		add_status(f, "any", 0, e);
	for (i = 0; i < 4; i++)
		if (qlist(rq, il[i].name, add_id, &il[i], e) < 0)
			return -1;
	for (i = 0; i < 4; i++)
		if ((f->has[i] = wc_date_param(st, rq, dn[i], &f->d[i], e)) < 0)
			return -1;
	if (one_long(rq, "customer", &f->customer, &f->has_customer, e) < 0 ||
	    one_long(rq, "product", &f->product, &hp, e) < 0)
		return -1;
	if (!hp)
		f->product = 0;
	f->search = req_param(rq, "search");
	if (f->search != NULL && *f->search == '\0')
		f->search = NULL;
	return 0;
}

static int
has_long(const struct longs *l, long v)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->v[i] == v)
			return i + 1;
	return 0;
}

static int
icontains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; hay != NULL && *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

/* search_orders(): the address indexes, e-mail, item names, the id */
static int
search_hit(const struct wc_order *o, const char *q)
{
	long id;
	int i;

	if (strncmp(q, "Order #", 7) == 0)
		q += 7;
	if (parse_long(q, &id) == 0 && id == o->id)
		return 1;
	for (i = 0; i < WC_ADDR_N; i++)
		if (icontains(o->billing.v[i], q) ||
		    icontains(o->shipping.v[i], q))
			return 1;
	for (i = 0; i < o->nlines; i++)
		if (icontains(o->lines[i].name, q))
			return 1;
	return 0;
}

static int
order_match(const struct ofilter *f, const struct wc_order *o)
{
	int i, hit;

	if (!f->want[o->status] ||
	    (f->include.n > 0 && !has_long(&f->include, o->id)) ||
	    has_long(&f->exclude, o->id) ||
	    (f->parent.n > 0 && !has_long(&f->parent, o->parent_id)) ||
	    has_long(&f->parent_exclude, o->parent_id) ||
	    (f->has_customer && o->customer_id != f->customer))
		return 0;
	if (f->product != 0) {
		for (i = 0, hit = 0; i < o->nlines; i++)
			hit |= o->lines[i].product_id == f->product;
		if (!hit)
			return 0;
	}
	if ((f->has[0] && o->modified <= f->d[0]) ||
	    (f->has[1] && o->modified >= f->d[1]) ||
	    (f->has[2] && o->created <= f->d[2]) ||
	    (f->has[3] && o->created >= f->d[3]))
		return 0;
	return f->search == NULL || search_hit(o, f->search);
}

static void
order_row(struct woo *st, long id, struct jw *w)
{
	wc_order_json(st, tab_get(&st->orders, id), w, row_dp);
}

void
h_orders_list(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_sortkey *keys;
	struct ofilter f;
	struct wc_error e;
	struct wc_list l;
	size_t n = 0, j;
	int dp;

	if (woo_auth(st, rq, rs, P_LIST) < 0 ||
	    wc_list_parse(rq, rs, &l, "date", 1) < 0)
		return;
	if (dp_param(rq, rs, &dp) < 0) {
		wc_list_release(&l);
		return;
	}
	if (ofilter_parse(st, rq, &f, l.orderby, &e) < 0) {
		wc_error_resp(&e, rs);
		ofilter_release(&f);
		wc_list_release(&l);
		return;
	}
	wc_fields(&(struct jw){ 0 }, rq, 2, &l.fields, &l.nfields);
	pthread_rwlock_rdlock(&st->lock);
	keys = xcalloc(st->orders.n + 1, sizeof(*keys));
	for (j = 0; j < st->orders.n; j++) {
		struct wc_order *o = st->orders.v[j];
		struct wc_sortkey *k = &keys[n];

		if (o == NULL || !order_match(&f, o))
			continue;
		k->id = o->id;
		k->n = o->created;
		if (strcmp(l.orderby, "id") == 0 ||
		    strcmp(l.orderby, "slug") == 0)
			k->n = o->id;
		else if (strcmp(l.orderby, "modified") == 0)
			k->n = o->modified;
		else if (strcmp(l.orderby, "include") == 0)
			k->n = has_long(&f.include, o->id);
		n++;
	}
	wc_list_sort(keys, n, &l);
	row_dp = dp;
	wc_list_page(st, rq, rs, &l, keys, n, order_row);
	pthread_rwlock_unlock(&st->lock);
	free(keys);
	ofilter_release(&f);
	wc_list_release(&l);
}

/* ---------------------------------------------------------------- items */

void
h_order_get(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_order *o;
	int dp;

	if (woo_auth(st, rq, rs, P_VIEW) < 0 || dp_param(rq, rs, &dp) < 0)
		return;
	pthread_rwlock_rdlock(&st->lock);
	if ((o = tab_get(&st->orders, rq->ids[0])) == NULL) {
		wc_err(rs, 404, "woocommerce_rest_shop_order_invalid_id",
		    "Invalid ID.");
	} else {
		send_order(st, rq, rs, o, dp, 200);
		rs->items_read = 1;
	}
	pthread_rwlock_unlock(&st->lock);
}

void
h_order_post(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_order *o;
	struct wc_error e;
	json_t *j;
	int dp;

	if (woo_auth(st, rq, rs, P_CREATE) < 0 || dp_param(rq, rs, &dp) < 0 ||
	    (j = wc_body(rq, rs)) == NULL)
		return;
	pthread_rwlock_wrlock(&st->lock);
	if ((o = wc_order_build(st, j, 0, &e)) == NULL) {
		wc_error_resp(&e, rs);
	} else {
		send_order(st, rq, rs, o, dp, 201);
		wc_location(st, rs, "orders", o->id);
		rs->items_written = 1;
		woo_fire(st, "order", "created", o->id);
	}
	pthread_rwlock_unlock(&st->lock);
	json_decref(j);
}

void
h_order_put(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_order *o;
	struct wc_error e;
	json_t *j;
	int dp;

	if (woo_auth(st, rq, rs, P_EDIT) < 0 || dp_param(rq, rs, &dp) < 0 ||
	    (j = wc_body(rq, rs)) == NULL)
		return;
	pthread_rwlock_wrlock(&st->lock);
	if ((o = tab_get(&st->orders, rq->ids[0])) == NULL) {
		wc_err(rs, 400, "woocommerce_rest_shop_order_invalid_id",
		    "Invalid ID.");
	} else if (wc_order_apply(st, o, j, 1, &e) < 0) {
		wc_error_resp(&e, rs);
	} else {
		wc_order_apply(st, o, j, 0, &e);
		send_order(st, rq, rs, o, dp, 200);
		rs->items_written = 1;
		woo_fire(st, "order", "updated", o->id);
	}
	pthread_rwlock_unlock(&st->lock);
	json_decref(j);
}

void
h_order_delete(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_order *o;
	int dp, force = wc_force(rq);

	if (woo_auth(st, rq, rs, P_DELETE) < 0 || dp_param(rq, rs, &dp) < 0)
		return;
	pthread_rwlock_wrlock(&st->lock);
	if ((o = tab_get(&st->orders, rq->ids[0])) == NULL) {
		wc_err(rs, 404, "woocommerce_rest_shop_order_invalid_id",
		    "Invalid ID.");
		goto out;
	}
	if (!force && o->status == WO_TRASH) {
		wc_err(rs, 410, "woocommerce_rest_already_trashed",
		    "The shop_order has already been deleted.");
		goto out;
	}
	send_order(st, rq, rs, o, dp, 200);
	rs->items_written = 1;
	woo_fire(st, "order", "deleted", o->id);
	if (force) {
		tab_del(&st->orders, o->id);
		wc_order_free(o);
	} else {
		/* wp_trash_post(): no status transition, no stock back */
		o->status = WO_TRASH;
		o->modified = now_utc();
	}
out:
	pthread_rwlock_unlock(&st->lock);
}

/* ---------------------------------------------------------------- batch */

static void
batch_err(struct jw *w, long id, const struct wc_error *e)
{
	jw_obj(w);
	jw_kint(w, "id", id);
	jw_key(w, "error");
	wc_error_json(e, w);
	jw_obj_end(w);
}

static size_t
arr_len(json_t *j, const char *k)
{
	json_t *a = json_object_get(j, k);

	return json_is_array(a) ? json_array_size(a) : 0;
}

static long
item_id(json_t *x)
{
	long n = 0;

	if (json_is_integer(x))
		return (long)json_integer_value(x);
	if (json_is_string(x) && parse_long(json_string_value(x), &n) == 0)
		return n;
	return json_is_object(x) ? item_id(json_object_get(x, "id")) : 0;
}

/* WC_REST_Controller::batch_items(); a batch delete is permanent */
void
h_orders_batch(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wbuf b = WBUF_INIT;
	struct wc_order *o;
	struct wc_error e;
	struct jw w;
	json_t *j, *x;
	size_t i;
	long id;
	int dp;
	char msg[96];

	if (woo_auth(st, rq, rs, P_BATCH) < 0 || dp_param(rq, rs, &dp) < 0 ||
	    (j = wc_body(rq, rs)) == NULL)
		return;
	if (arr_len(j, "create") + arr_len(j, "update") + arr_len(j,
	    "delete") > BATCH_MAX) {
		snprintf(msg, sizeof(msg), "Unable to accept more than %d "
		    "items for this request.", BATCH_MAX);
		wc_err(rs, 413, "woocommerce_rest_request_entity_too_large",
		    msg);
		json_decref(j);
		return;
	}
	jw_init(&w, &b);
	w.php = 1;
	pthread_rwlock_wrlock(&st->lock);
	jw_obj(&w);
	jw_key(&w, "create");
	jw_arr(&w);
	json_array_foreach(json_object_get(j, "create"), i, x) {
		if (!json_is_object(x)) {
			wc_error_set(&e, 400, "rest_invalid_param",
			    "Invalid parameter(s): create");
			batch_err(&w, 0, &e);
		} else if ((o = wc_order_build(st, x, 0, &e)) == NULL) {
			batch_err(&w, 0, &e);
		} else {
			wc_order_json(st, o, &w, dp);
			rs->items_written++;
			woo_fire(st, "order", "created", o->id);
		}
	}
	jw_arr_end(&w);
	jw_key(&w, "update");
	jw_arr(&w);
	json_array_foreach(json_object_get(j, "update"), i, x) {
		id = item_id(x);
		if ((o = tab_get(&st->orders, id)) == NULL) {
			wc_error_set(&e, 400, "woocommerce_rest_shop_order_"
			    "invalid_id", "Invalid ID.");
			batch_err(&w, id, &e);
		} else if (wc_order_apply(st, o, x, 1, &e) < 0) {
			batch_err(&w, id, &e);
		} else {
			wc_order_apply(st, o, x, 0, &e);
			wc_order_json(st, o, &w, dp);
			rs->items_written++;
			woo_fire(st, "order", "updated", o->id);
		}
	}
	jw_arr_end(&w);
	jw_key(&w, "delete");
	jw_arr(&w);
	json_array_foreach(json_object_get(j, "delete"), i, x) {
		id = item_id(x);
		if ((o = tab_get(&st->orders, id)) == NULL) {
			wc_error_set(&e, 404, "woocommerce_rest_shop_order_"
			    "invalid_id", "Invalid ID.");
			batch_err(&w, id, &e);
			continue;
		}
		wc_order_json(st, o, &w, dp);
		tab_del(&st->orders, id);
		wc_order_free(o);
		rs->items_written++;
		woo_fire(st, "order", "deleted", id);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	pthread_rwlock_unlock(&st->lock);
	wc_send(rs, 200, &b);
	wbuf_release(&b);
	json_decref(j);
}
