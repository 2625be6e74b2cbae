/*
 * emu_woo_products.c - /products, /products/{id}, /products/batch and
 * /products/{pid}/variations[/{id}] of the WooCommerce emulator.
 *
 * Products and variations share st->products and one SKU index (unique
 * across both, compared without case as MySQL's collation does).  Every
 * write runs wc_product_apply() dry first, so a refused request (bad type,
 * duplicated SKU) changes nothing, as a WC_Data_Exception thrown before
 * save() does.  Handlers hold st->lock for the whole request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "woo.h"

#define BATCH_MAX 100

static const char *const ptypes[] = { "simple", "variable", "grouped",
	"external" };
static const char *const pstatus[] = { "draft", "pending", "private",
	"publish", "future" };
static const char *const stock_st[] = { "instock", "outofstock",
	"onbackorder" };
static const char *const backord[] = { "no", "notify", "yes" };
static const char *const tax_st[] = { "taxable", "shipping", "none" };
static const char *const visib[] = { "visible", "catalog", "search",
	"hidden" };
#define NEL(a) ((int)(sizeof(a) / sizeof(a[0])))

void
wc_product_free(void *v)
{
	struct wc_product *p = v;
	int i, k;

	if (p == NULL)
		return;
	free(p->name);
	free(p->slug);
	free(p->sku);
	free(p->description);
	free(p->short_description);
	free(p->tax_class);
	free(p->weight);
	free(p->cats.v);
	free(p->vars.v);
	for (i = 0; i < p->nattrs; i++) {
		free(p->attrs[i].name);
		free(p->attrs[i].option);
		for (k = 0; k < p->attrs[i].noptions; k++)
			free(p->attrs[i].options[k]);
		free(p->attrs[i].options);
	}
	free(p->attrs);
	wc_meta_release(&p->meta);
	free(p);
}

void
wc_stock_status_sync(struct wc_product *p)
{
	if (p->manage_stock != 1 || !p->has_qty)
		return;
	if (p->stock_quantity > 0)
		p->stock_status = 0;
	else
		p->stock_status = p->backorders != 0 ? 2 : 1;
}

/* is_existing_sku() leaves out posts in the trash: their SKU is free */
static int
sku_check(struct woo *st, struct wc_product *p, const char *sku,
    struct wc_error *e)
{
	struct wc_product *o;
	long ids[16], owner = -1;
	size_t i, n = strmap_getall(&st->sku_idx, sku, ids, 16);
	char q[96];

	for (i = 0; i < n && owner < 0; i++)
		if (ids[i] != p->id && (o = tab_get(&st->products, ids[i])) !=
		    NULL && o->status != WS_TRASH)
			owner = ids[i];
	if (owner < 0)
		return 0;
	wc_error_set(e, 400, "product_invalid_sku", "Invalid or duplicated "
	    "SKU.");
	{
		struct wbuf x = WBUF_INIT;

		snprintf(q, sizeof(q), "%.80s-1", sku);
		wbuf_addf(&x, "\"resource_id\":%ld,\"unique_sku\":", owner);
		json_escape(&x, q, strlen(q), 1);
		snprintf(e->extra, sizeof(e->extra), "%s", wbuf_str(&x));
		wbuf_release(&x);
	}
	return -1;
}

static int
attrs_apply(struct wc_product *p, json_t *o, int dry, struct wc_error *e)
{
	json_t *v = json_object_get(o, "attributes"), *a, *x;
	size_t i, k;

	if (v == NULL)
		return 0;
	if (!json_is_array(v)) {
		wc_invalid_param(e, "attributes", "attributes is not of type "
		    "array.");
		return -1;
	}
	if (dry)
		return 0;
	for (i = 0; i < (size_t)p->nattrs; i++) {
		free(p->attrs[i].name);
		free(p->attrs[i].option);
		for (k = 0; k < (size_t)p->attrs[i].noptions; k++)
			free(p->attrs[i].options[k]);
		free(p->attrs[i].options);
	}
	free(p->attrs);
	p->attrs = xcalloc(json_array_size(v) + 1, sizeof(*p->attrs));
	p->nattrs = 0;
	json_array_foreach(v, i, a) {
		struct wc_attr *t = &p->attrs[p->nattrs++];

		t->name = xstrdup(jx_str(a, "name") != NULL ?
		    jx_str(a, "name") : "");
		t->option = xstrdup(jx_str(a, "option"));
		t->visible = !json_is_false(json_object_get(a, "visible"));
		t->variation = json_is_true(json_object_get(a, "variation"));
		x = json_object_get(a, "options");
		if (json_is_array(x)) {
			t->options = xcalloc(json_array_size(x) + 1,
			    sizeof(char *));
			for (k = 0; k < json_array_size(x); k++)
				if (json_is_string(json_array_get(x, k)))
					t->options[t->noptions++] = xstrdup(
					    json_string_value(json_array_get(x,
					    k)));
		}
	}
	return 0;
}

static void
cats_set(struct woo *st, struct wc_product *p, const struct longs *ids)
{
	struct wc_cat *c;
	int i;

	for (i = 0; i < p->cats.n; i++)
		if ((c = tab_get(&st->cats, p->cats.v[i])) != NULL)
			c->count--;
	p->cats.n = 0;
	for (i = 0; ids != NULL && i < ids->n; i++)
		if ((c = tab_get(&st->cats, ids->v[i])) != NULL) {
			c->count++;
			longs_add(&p->cats, c->id);
		}
}

/* 0, or -1 with e set; with dry nothing changes */
int
wc_product_apply(struct woo *st, struct wc_product *p, json_t *o, int dry,
    struct wc_error *e)
{
	json_t *v;
	int t = p->type, s = p->status, ms = p->manage_stock == 1;
	int ss = p->stock_status, bo = p->backorders, ts = p->tax_status;
	int vis = p->visibility;
	long mo = p->menu_order;
	int var = p->type == WC_VARIATION;

	if ((!var && wc_in_enum(o, "type", ptypes, NEL(ptypes), &t, dry,
	    e) < 0) ||
	    wc_in_enum(o, "status", pstatus, NEL(pstatus), &s, dry, e) < 0 ||
	    wc_in_enum(o, "stock_status", stock_st, NEL(stock_st), &ss, dry,
	    e) < 0 ||
	    wc_in_enum(o, "backorders", backord, NEL(backord), &bo, dry,
	    e) < 0 ||
	    wc_in_enum(o, "tax_status", tax_st, NEL(tax_st), &ts, dry, e) < 0 ||
	    wc_in_enum(o, "catalog_visibility", visib, NEL(visib), &vis, dry,
	    e) < 0 ||
	    wc_in_str(o, "name", &p->name, dry, e) < 0 ||
	    wc_in_str(o, "slug", &p->slug, dry, e) < 0 ||
	    wc_in_str(o, "description", &p->description, dry, e) < 0 ||
	    wc_in_str(o, "short_description", &p->short_description, dry,
	    e) < 0 ||
	    wc_in_str(o, "tax_class", &p->tax_class, dry, e) < 0 ||
	    wc_in_str(o, "weight", &p->weight, dry, e) < 0 ||
	    wc_in_money(o, "regular_price", &p->regular_price, dry, e) < 0 ||
	    wc_in_money(o, "sale_price", &p->sale_price, dry, e) < 0 ||
	    wc_in_long(o, "menu_order", &mo, dry, e) < 0 ||
	    wc_in_meta(st, o, &p->meta, dry, e) < 0 ||
	    attrs_apply(p, o, dry, e) < 0)
		return -1;
	v = json_object_get(o, "manage_stock");
	if (var && json_is_string(v) && strcmp(json_string_value(v),
	    "parent") == 0) {
		if (!dry)
			p->manage_stock = 2;
	} else if (wc_in_bool(o, "manage_stock", &ms, dry, e) < 0)
		return -1;
	else if (!dry && v != NULL)
		p->manage_stock = (unsigned char)ms;
	v = json_object_get(o, "stock_quantity");
	if (json_is_null(v)) {
		if (!dry)
			p->has_qty = 0;
	} else if (v != NULL) {
		long q = p->stock_quantity;

		if (wc_in_long(o, "stock_quantity", &q, dry, e) < 0)
			return -1;
		if (!dry) {
			p->stock_quantity = q;
			p->has_qty = 1;
		}
	}
	if ((v = json_object_get(o, "sku")) != NULL) {
		if (!json_is_string(v)) {
			wc_invalid_param(e, "sku", "sku is not of type string.");
			return -1;
		}
		if (json_string_length(v) > 0 &&
		    sku_check(st, p, json_string_value(v), e) < 0)
			return -1;
		if (!dry) {
			if (p->sku != NULL)
				strmap_del(&st->sku_idx, p->sku, p->id);
			setstr(&p->sku, json_string_value(v));
			if (p->id > 0)
				strmap_put(&st->sku_idx, p->sku, p->id);
		}
	}
	if ((v = json_object_get(o, "categories")) != NULL && !var) {
		struct longs ids = { 0 };
		size_t i;
		json_t *c;

		if (!json_is_array(v)) {
			wc_invalid_param(e, "categories", "categories is not of "
			    "type array.");
			return -1;
		}
		json_array_foreach(v, i, c)
			if (json_is_integer(json_object_get(c, "id")))
				longs_add(&ids, (long)json_integer_value(
				    json_object_get(c, "id")));
		if (!dry)
			cats_set(st, p, &ids);
		free(ids.v);
	}
	if (dry)
		return 0;
	wc_meta_prune(&p->meta);	/* a null value removes the row */
	p->type = (unsigned char)t;
	p->status = (unsigned char)s;
	p->stock_status = (unsigned char)ss;
	p->backorders = (unsigned char)bo;
	p->tax_status = (unsigned char)ts;
	p->visibility = (unsigned char)vis;
	p->menu_order = mo;
	if (p->manage_stock != 1)
		p->has_qty = p->manage_stock == 2 ? p->has_qty : 0;
	wc_stock_status_sync(p);
	return 0;
}

struct wc_product *
wc_product_create(struct woo *st, json_t *o, long parent_id,
    struct wc_error *e)
{
	struct wc_product *p = xcalloc(1, sizeof(*p)), *parent = NULL;

	p->status = WS_PUBLISH;
	if (parent_id > 0) {
		parent = tab_get(&st->products, parent_id);
		p->type = WC_VARIATION;
		p->parent_id = parent_id;
	}
	if (wc_product_apply(st, p, o, 1, e) < 0) {
		wc_product_free(p);
		return NULL;
	}
	p->id = tab_add(&st->products, p);
	wc_product_apply(st, p, o, 0, e);	/* indexes the SKU: id is set */
	if (p->name == NULL)
		p->name = xstrdup(parent != NULL ? parent->name : "");
	p->created = p->modified = now_utc();
	if (parent != NULL)
		longs_add(&parent->vars, p->id);
	return p;
}

/* Drops p from every index; the caller tab_del()s and frees it. */
void
wc_product_unlink(struct woo *st, struct wc_product *p)
{
	struct wc_product *parent;
	int i;

	if (p->sku != NULL)
		strmap_del(&st->sku_idx, p->sku, p->id);
	cats_set(st, p, NULL);
	if (p->type == WC_VARIATION &&
	    (parent = tab_get(&st->products, p->parent_id)) != NULL)
		longs_del(&parent->vars, p->id);
	for (i = 0; i < p->vars.n; i++) {
		struct wc_product *v = tab_del(&st->products, p->vars.v[i]);

		if (v != NULL) {
			if (v->sku != NULL)
				strmap_del(&st->sku_idx, v->sku, v->id);
			wc_product_free(v);
		}
	}
	p->vars.n = 0;
}

/* ---------------------------------------------------------------- lists */

static void
product_row(struct woo *st, long id, struct jw *w)
{
	wc_product_json(st, tab_get(&st->products, id), w, 0);
}

static int
contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; hay != NULL && *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return n == 0;
}

static int
list_match(struct woo *st, struct req *rq, struct wc_product *p,
    int64_t *d, const int *has)
{
	const char *sku = req_param(rq, "sku"), *status = req_param(rq,
	    "status"), *type = req_param(rq, "type"), *q;

	if (sku != NULL && *sku != '\0') {
		char *copy = xstrdup(sku), *tok, *save = NULL;
		int hit = 0;

		for (tok = strtok_r(copy, ",", &save); tok != NULL && !hit;
		    tok = strtok_r(NULL, ",", &save))
			hit = p->sku != NULL && strcasecmp(p->sku, tok) == 0;
		free(copy);
		if (!hit)
			return 0;
	}
	if (status == NULL || strcmp(status, "any") == 0) {
		if (p->status == WS_TRASH)
			return 0;
	} else if (strcmp(wc_post_status_name(p->status), status) != 0)
		return 0;
	if (type != NULL && strcmp(type, ptypes[p->type % 4]) != 0)
		return 0;
	if ((q = req_param(rq, "category")) != NULL) {
		long c = strtol(q, NULL, 10);
		int i, hit = 0;

		for (i = 0; i < p->cats.n; i++)
			hit |= p->cats.v[i] == c;
		if (!hit)
			return 0;
	}
	if ((q = req_param(rq, "stock_status")) != NULL &&
	    strcmp(q, stock_st[p->stock_status % 3]) != 0)
		return 0;
	if ((q = req_param(rq, "search")) != NULL && !contains_nocase(p->name,
	    q))
		return 0;
	if ((q = req_param(rq, "parent")) != NULL &&
	    p->parent_id != strtol(q, NULL, 10))
		return 0;
	if ((has[0] && p->modified <= d[0]) || (has[1] && p->modified >= d[1]) ||
	    (has[2] && p->created <= d[2]) || (has[3] && p->created >= d[3]))
		return 0;
	(void)st;
	return 1;
}

static void
fill_key(struct wc_sortkey *k, struct wc_product *p, const char *ob)
{
	struct money pr = wc_product_price(p);

	k->id = p->id;
	k->s = NULL;
	k->n = p->id;
	if (strcmp(ob, "date") == 0)
		k->n = p->created;
	else if (strcmp(ob, "modified") == 0)
		k->n = p->modified;
	else if (strcmp(ob, "title") == 0 || strcmp(ob, "slug") == 0)
		k->s = p->name != NULL ? p->name : "";
	else if (strcmp(ob, "price") == 0)
		k->n = money_to_scale(&pr, 4);
	else if (strcmp(ob, "popularity") == 0)
		k->n = p->total_sales;
	else if (strcmp(ob, "menu_order") == 0)
		k->n = p->menu_order;
}

/*
 * The ids a `sku=` filter can match, from the SKU index (as WooCommerce's
 * lookup table answers it), so a lookup costs what it costs a real shop
 * instead of a scan of every product; NULL when the filter is absent.
 * list_match() still applies every filter to each candidate.
 */
static long *
sku_candidates(struct woo *st, const char *skus, size_t *np)
{
	char *copy, *tok, *save = NULL;
	long *v = NULL;
	size_t n = 0, cap = 0;

	*np = 0;
	if (skus == NULL || *skus == '\0')
		return NULL;
	copy = xstrdup(skus);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		long ids[16];
		size_t i, k, got = strmap_getall(&st->sku_idx, tok, ids, 16);

		for (i = 0; i < got; i++) {
			for (k = 0; k < n && v[k] != ids[i]; k++)
				;
			if (k < n)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				v = xrealloc(v, cap * sizeof(*v));
			}
			v[n++] = ids[i];
		}
	}
	free(copy);
	*np = n;
	return v != NULL ? v : xcalloc(1, sizeof(*v));
}

static void
list_products(struct woo *st, struct req *rq, struct resp *rs, long parent)
{
	long *cand;
	size_t ncand;
	static const char *const dn[] = { "modified_after", "modified_before",
	    "after", "before" };
	struct wc_sortkey *keys = NULL;
	struct wc_error e;
	struct wc_list l;
	int64_t d[4] = { 0, 0, 0, 0 };
	int has[4], i;
	size_t n = 0, j;

	if (woo_auth(st, rq, rs, P_LIST) < 0 ||
	    wc_list_parse(rq, rs, &l, "date", 1) < 0)
		return;
	for (i = 0; i < 4; i++)
		if ((has[i] = wc_date_param(st, rq, dn[i], &d[i], &e)) < 0) {
			wc_error_resp(&e, rs);
			return;
		}
	wc_fields(&(struct jw){ 0 }, rq, 2, &l.fields, &l.nfields);
	pthread_rwlock_rdlock(&st->lock);
	if (parent > 0 && tab_get(&st->products, parent) == NULL) {
		pthread_rwlock_unlock(&st->lock);
		wc_err(rs, 404, "woocommerce_rest_product_invalid_id",
		    "Invalid ID.");
		wc_list_release(&l);
		return;
	}
	if ((cand = sku_candidates(st, req_param(rq, "sku"), &ncand)) != NULL)
		keys = xcalloc(ncand + 1, sizeof(*keys));
	else
		keys = xcalloc(st->products.n + 1, sizeof(*keys));
	for (j = 0; j < (cand != NULL ? ncand : st->products.n); j++) {
		struct wc_product *p = cand != NULL ? tab_get(&st->products,
		    cand[j]) : st->products.v[j];

		if (p == NULL || (parent > 0 ? p->parent_id != parent ||
		    p->type != WC_VARIATION : p->type == WC_VARIATION))
			continue;
		if (list_match(st, rq, p, d, has))
			fill_key(&keys[n++], p, l.orderby);
	}
	free(cand);
	wc_list_sort(keys, n, &l);
	wc_list_page(st, rq, rs, &l, keys, n, product_row);
	pthread_rwlock_unlock(&st->lock);
	free(keys);
	wc_list_release(&l);
}

void
h_products_list(void *ctx, struct req *rq, struct resp *rs)
{
	list_products(ctx, rq, rs, 0);
}

void
h_variations_list(void *ctx, struct req *rq, struct resp *rs)
{
	list_products(ctx, rq, rs, rq->ids[0]);
}

/* ---------------------------------------------------------------- items */

static void
send_product(struct woo *st, struct req *rq, struct resp *rs,
    struct wc_product *p, unsigned status)
{
	struct wbuf b = WBUF_INIT;
	struct jw w;
	char **f;
	int nf;
	const char *ctx = req_param(rq, "context");

	jw_init(&w, &b);
	w.php = 1;
	wc_fields(&w, rq, 1, &f, &nf);
	wc_product_json(st, p, &w, ctx != NULL && strcmp(ctx, "edit") == 0);
	wc_send(rs, status, &b);
	wc_fields_release(f, nf);
	wbuf_release(&b);
}

/* the product or variation the path names, or NULL with 404/400 in rs */
static struct wc_product *
path_product(struct woo *st, struct req *rq, struct resp *rs, unsigned bad)
{
	struct wc_product *p = tab_get(&st->products, rq->ids[0]);

	if (rq->nids == 2) {
		struct wc_product *v = tab_get(&st->products, rq->ids[1]);

		if (p == NULL || v == NULL || v->parent_id != p->id) {
			wc_err(rs, bad, "woocommerce_rest_product_variation_"
			    "invalid_id", "Invalid ID.");
			return NULL;
		}
		return v;
	}
	if (p == NULL)
		wc_err(rs, bad, "woocommerce_rest_product_invalid_id",
		    "Invalid ID.");
	return p;
}

void
h_product_get(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_product *p;

	if (woo_auth(st, rq, rs, P_VIEW) < 0)
		return;
	pthread_rwlock_rdlock(&st->lock);
	if ((p = path_product(st, rq, rs, 404)) != NULL) {
		send_product(st, rq, rs, p, 200);
		rs->items_read = 1;
	}
	pthread_rwlock_unlock(&st->lock);
}

void
h_variation_get(void *ctx, struct req *rq, struct resp *rs)
{
	h_product_get(ctx, rq, rs);
}

static void
create_common(struct woo *st, struct req *rq, struct resp *rs, long parent)
{
	struct wc_product *p;
	struct wc_error e;
	json_t *j;

	if (woo_auth(st, rq, rs, P_CREATE) < 0 || (j = wc_body(rq, rs)) == NULL)
		return;
	pthread_rwlock_wrlock(&st->lock);
	if (parent > 0 && tab_get(&st->products, parent) == NULL) {
		wc_err(rs, 404, "woocommerce_rest_product_invalid_id",
		    "Invalid ID.");
	} else if ((p = wc_product_create(st, j, parent, &e)) == NULL) {
		wc_error_resp(&e, rs);
	} else {
		char what[64];

		if (parent > 0)
			snprintf(what, sizeof(what), "products/%ld/variations",
			    parent);
		else
			snprintf(what, sizeof(what), "products");
		send_product(st, rq, rs, p, 201);
		wc_location(st, rs, what, p->id);
		rs->items_written = 1;
		woo_fire(st, "product", "created", p->id);
	}
	pthread_rwlock_unlock(&st->lock);
	json_decref(j);
}

void
h_product_post(void *ctx, struct req *rq, struct resp *rs)
{
	create_common(ctx, rq, rs, 0);
}

void
h_variation_post(void *ctx, struct req *rq, struct resp *rs)
{
	create_common(ctx, rq, rs, rq->ids[0]);
}

void
h_product_put(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_product *p;
	struct wc_error e;
	json_t *j;

	if (woo_auth(st, rq, rs, P_EDIT) < 0 || (j = wc_body(rq, rs)) == NULL)
		return;
	pthread_rwlock_wrlock(&st->lock);
	if ((p = path_product(st, rq, rs, 400)) == NULL) {
		/* rs holds the error */
	} else if (wc_product_apply(st, p, j, 1, &e) < 0) {
		wc_error_resp(&e, rs);
	} else {
		wc_product_apply(st, p, j, 0, &e);
		p->modified = now_utc();
		send_product(st, rq, rs, p, 200);
		rs->items_written = 1;
		woo_fire(st, "product", "updated", p->id);
	}
	pthread_rwlock_unlock(&st->lock);
	json_decref(j);
}

void
h_variation_put(void *ctx, struct req *rq, struct resp *rs)
{
	h_product_put(ctx, rq, rs);
}

void
h_product_delete(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_product *p;
	int force = wc_force(rq);

	if (woo_auth(st, rq, rs, P_DELETE) < 0)
		return;
	pthread_rwlock_wrlock(&st->lock);
	if ((p = path_product(st, rq, rs, 404)) == NULL)
		goto out;
	if (!force && p->type == WC_VARIATION) {
		wc_err(rs, 501, "woocommerce_rest_trash_not_supported",
		    "Variations do not support trashing.");
		goto out;
	}
	if (!force && p->status == WS_TRASH) {
		wc_err(rs, 410, "woocommerce_rest_already_trashed",
		    "The product has already been deleted.");
		goto out;
	}
	if (!force) {
		p->status = WS_TRASH;
		p->modified = now_utc();
		send_product(st, rq, rs, p, 200);
	} else {
		send_product(st, rq, rs, p, 200);
		wc_product_unlink(st, p);
		tab_del(&st->products, p->id);
	}
	rs->items_written = 1;
	woo_fire(st, "product", "deleted", p->id);
	if (force)
		wc_product_free(p);
out:
	pthread_rwlock_unlock(&st->lock);
}

void
h_variation_delete(void *ctx, struct req *rq, struct resp *rs)
{
	h_product_delete(ctx, rq, rs);
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

/* A variation of `parent` (0: a product that is not a variation), or NULL. */
static struct wc_product *
batch_target(struct woo *st, long id, long parent)
{
	struct wc_product *p = tab_get(&st->products, id);

	if (p != NULL && parent > 0 && (p->type != WC_VARIATION ||
	    p->parent_id != parent))
		return NULL;
	return p;
}

/* POST /products/batch (parent 0) and /products/{id}/variations/batch */
static void
batch_common(struct woo *st, struct req *rq, struct resp *rs, long parent)
{
	struct wbuf b = WBUF_INIT;
	struct wc_error e;
	struct jw w;
	json_t *j, *x;
	size_t i;
	char msg[96];

	if (woo_auth(st, rq, rs, P_BATCH) < 0 || (j = wc_body(rq, rs)) == NULL)
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
	if (parent > 0 && tab_get(&st->products, parent) == NULL) {
		pthread_rwlock_unlock(&st->lock);
		wc_err(rs, 404, "woocommerce_rest_product_invalid_id",
		    "Invalid ID.");
		json_decref(j);
		wbuf_release(&b);
		return;
	}
	jw_obj(&w);
	jw_key(&w, "create");
	jw_arr(&w);
	json_array_foreach(json_object_get(j, "create"), i, x) {
		struct wc_product *p = json_is_object(x) ?
		    wc_product_create(st, x, parent, &e) : NULL;

		if (p == NULL) {
			if (!json_is_object(x))
				wc_error_set(&e, 400, "rest_invalid_param",
				    "Invalid parameter(s): create");
			batch_err(&w, 0, &e);
			continue;
		}
		wc_product_json(st, p, &w, 0);
		rs->items_written++;
		woo_fire(st, "product", "created", p->id);
	}
	jw_arr_end(&w);
	jw_key(&w, "update");
	jw_arr(&w);
	json_array_foreach(json_object_get(j, "update"), i, x) {
		json_t *idv = json_object_get(x, "id");
		long id = json_is_integer(idv) ? (long)json_integer_value(idv) :
		    0;
		struct wc_product *p = batch_target(st, id, parent);

		if (p == NULL) {
			wc_error_set(&e, 400, "woocommerce_rest_product_invalid_id",
			    "Invalid ID.");
			batch_err(&w, id, &e);
			continue;
		}
		if (wc_product_apply(st, p, x, 1, &e) < 0) {
			batch_err(&w, id, &e);
			continue;
		}
		wc_product_apply(st, p, x, 0, &e);
		p->modified = now_utc();
		wc_product_json(st, p, &w, 0);
		rs->items_written++;
		woo_fire(st, "product", "updated", p->id);
	}
	jw_arr_end(&w);
	jw_key(&w, "delete");
	jw_arr(&w);
	json_array_foreach(json_object_get(j, "delete"), i, x) {
		long id = json_is_integer(x) ? (long)json_integer_value(x) :
		    json_is_string(x) ? strtol(json_string_value(x), NULL, 10) :
		    0;
		struct wc_product *p = batch_target(st, id, parent);

		if (p == NULL) {
			wc_error_set(&e, 404, "woocommerce_rest_product_invalid_id",
			    "Invalid ID.");
			batch_err(&w, id, &e);
			continue;
		}
		wc_product_json(st, p, &w, 0);
		wc_product_unlink(st, p);
		tab_del(&st->products, id);
		wc_product_free(p);
		rs->items_written++;
		woo_fire(st, "product", "deleted", id);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	pthread_rwlock_unlock(&st->lock);
	wc_send(rs, 200, &b);
	wbuf_release(&b);
	json_decref(j);
}

void
h_products_batch(void *ctx, struct req *rq, struct resp *rs)
{
	batch_common(ctx, rq, rs, 0);
}

void
h_variations_batch(void *ctx, struct req *rq, struct resp *rs)
{
	batch_common(ctx, rq, rs, rq->ids[0]);
}
