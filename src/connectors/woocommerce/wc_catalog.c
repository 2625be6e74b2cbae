/*
 * wc_catalog.c: the catalog operations of the WooCommerce connector
 * (connector.h): categories, the stock scan, finding products by SKU and
 * writing products in batches. JSON mapping: wc_product_json.c.
 *
 * WooCommerce is either side of the catalog: it receives what the POS says
 * (products_by_sku, products_write), or it is the master and the POS
 * receives its products (products_page, product_get).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connectors/connector.h"
#include "connectors/woocommerce/wc_internal.h"
#include "connectors/woocommerce/wc_json.h"
#include "http/client.h"

/* What the catalog master's product needs of a shop product, and no more:
 * a page of 100 stays small and cheap for the shop to render */
#define WC_CATALOG_FIELDS "id,sku,name,description,regular_price,status,type,categories"
/* 20,000 categories: far beyond a real shop, and a bound on memory */
#define WC_MAX_CATEGORY_PAGES 200
/* SKUs per GET /products?sku=a,b,c and the room they take in the URL: a
 * whole batch write's SKUs in one lookup (one request per 100 products),
 * well under the 8 KB URL that proxies commonly allow (beyond it a 414
 * comes back before WordPress sees the request) */
#define WC_SKUS_PER_QUERY 100
#define WC_SKU_QUERY_BYTES 3500
/* 100 SKUs match at most 101 products (WooCommerce also tries the whole
 * list as one SKU): one or two pages; a few more only if the shop says so */
#define WC_SKU_QUERY_PAGES 10
/* variations of one product: 10,000, far beyond what a product page can offer */
#define WC_VARIATION_PAGES 100

static enum remote_status
out_of_memory(struct remote_error *re, const char *what)
{
	return remote_fail(re, REMOTE_TEMPORARY, "%s: out of memory", what);
}

/* Makes room for `more` elements of `size` bytes in *v (count used, *cap allocated). */
static int
grow(void **v, size_t *cap, size_t count, size_t more, size_t size)
{
	size_t want = count + more;
	void *p;

	if (want <= *cap)
		return 0;
	if (want < *cap * 2)
		want = *cap * 2;
	p = realloc(*v, want * size);
	if (!p)
		return -1;
	*v = p;
	*cap = want;
	return 0;
}

/* --- categories ---------------------------------------------------------- */

enum remote_status
wc_categories_list(struct connector *c, struct category **out, size_t *n, struct remote_error *re)
{
	struct wc *w = wc_of(c);
	struct sbuf err = SBUF_INIT;
	struct category *v = NULL;
	size_t count = 0, cap = 0;
	int64_t total_pages;
	char what[96], path[128];
	json_t *arr = NULL;
	enum remote_status st = REMOTE_OK;
	int page, more = 1;

	*out = NULL;
	*n = 0;
	remote_error_reset(re);
	for (page = 1; more; page++) {
		snprintf(what, sizeof(what), "reading categories (page %d) from WooCommerce", page);
		if (page > WC_MAX_CATEGORY_PAGES) {
			st = remote_fail(re, REMOTE_BAD_ANSWER, "%s: the shop lists more than %d categories, more "
					 "than tillsync handles", what, WC_MAX_CATEGORY_PAGES * WC_PER_PAGE);
			break;
		}
		/* sorted by id, so a page boundary does not move while we read */
		snprintf(path, sizeof(path), "/products/categories?per_page=%d&page=%d&orderby=id&order=asc",
			 WC_PER_PAGE, page);
		st = wc_get_list(w, path, &arr, &total_pages, re, what);
		if (st != REMOTE_OK)
			break;
		if (grow((void **)&v, &cap, count, json_array_size(arr), sizeof(*v)) < 0) {
			st = out_of_memory(re, what);
			break;
		}
		for (size_t i = 0; i < json_array_size(arr); i++) {
			if (wc_category_from_json(json_array_get(arr, i), &v[count], &err) < 0) {
				st = wc_bad_answer(re, what, &err);
				goto out;
			}
			count++;
		}
		more = wc_page_more(page, total_pages, json_array_size(arr));
		json_decref(arr);
		arr = NULL;
	}
out:
	json_decref(arr);
	sbuf_release(&err);
	if (st != REMOTE_OK || count == 0) {
		free(v);
		return st;
	}
	*out = v;
	*n = count;
	return REMOTE_OK;
}

/*
 * A name WordPress already has under that parent answers 400 term_exists
 * with data.resource_id: that category is the one asked for, so use it
 * (a lost answer to an earlier create, or one the merchant made by hand).
 */
enum remote_status
wc_category_create(struct connector *c, const struct category *in, struct category *out, struct remote_error *re)
{
	struct wc *w = wc_of(c);
	struct sbuf err = SBUF_INIT;
	char what[200];
	json_t *body = NULL, *j = NULL;
	enum remote_status st;

	memset(out, 0, sizeof(*out));
	remote_error_reset(re);
	snprintf(what, sizeof(what), "creating category '%.128s' in WooCommerce", in->name);
	body = wc_category_create_json(in, &err);
	if (!body) {
		st = remote_fail(re, REMOTE_REFUSED, "%s: %s", what, err.buf);
		goto out;
	}
	st = wc_call(w, "POST", "/products/categories", body, &j, NULL, re, what);
	if (st == REMOTE_REFUSED && strcmp(w->code, "term_exists") == 0 &&
	    wc_error_resource_id(re->body.buf, re->body.len, out->id, sizeof(out->id)) == 0) {
		remote_error_reset(re);
		memcpy(out->parent_id, in->parent_id, sizeof(out->parent_id));
		memcpy(out->name, in->name, sizeof(out->name));
		st = REMOTE_OK;
		goto out;
	}
	if (st == REMOTE_OK && wc_category_from_json(j, out, &err) < 0) {
		st = wc_bad_answer(re, what, &err);
		re->may_have_landed = 1;   /* created, but we cannot say as what */
	}
out:
	json_decref(body);
	json_decref(j);
	sbuf_release(&err);
	return st;
}

/* --- stock --------------------------------------------------------------- */

struct stock_list {
	struct stock_level *v;
	size_t n, cap;
};

/* Appends every element of arr (stock fields only) to l. */
static enum remote_status
add_stock(struct stock_list *l, const json_t *arr, struct remote_error *re, const char *what)
{
	struct sbuf err = SBUF_INIT;
	enum remote_status st = REMOTE_OK;

	if (grow((void **)&l->v, &l->cap, l->n, json_array_size(arr), sizeof(*l->v)) < 0)
		return out_of_memory(re, what);
	for (size_t i = 0; i < json_array_size(arr) && st == REMOTE_OK; i++) {
		if (wc_stock_from_json(json_array_get(arr, i), &l->v[l->n], &err) < 0)
			st = wc_bad_answer(re, what, &err);
		else
			l->n++;
	}
	sbuf_release(&err);
	return st;
}

/* A variable product's variations keep their own stock: every page of them. */
static enum remote_status
add_variation_stock(struct wc *w, const char *parent, struct stock_list *l, struct remote_error *re)
{
	char what[128], path[200];
	enum remote_status st = REMOTE_OK;
	int64_t total_pages;
	int more = 1;

	snprintf(what, sizeof(what), "reading the stock of product %.40s's variations from WooCommerce", parent);
	for (int page = 1; more && st == REMOTE_OK; page++) {
		json_t *arr = NULL;

		if (page > WC_VARIATION_PAGES)
			return remote_fail(re, REMOTE_BAD_ANSWER, "%s: more than %d variations", what,
					   WC_VARIATION_PAGES * WC_PER_PAGE);
		snprintf(path, sizeof(path), "/products/%s/variations?per_page=%d&page=%d&context=edit"
			 "&_fields=id,sku,manage_stock,stock_quantity", parent, WC_PER_PAGE, page);
		st = wc_get_list(w, path, &arr, &total_pages, re, what);
		if (st == REMOTE_OK)
			st = add_stock(l, arr, re, what);
		more = st == REMOTE_OK && wc_page_more(page, total_pages, json_array_size(arr));
		json_decref(arr);
	}
	return st;
}

/* The periodic reconciliation: only the fields it needs, so a page of 100
 * stays small and cheap for the shop to render; the variations of the page's
 * variable products follow the page's products (one more request for each:
 * WooCommerce lists variations only under their product). */
enum remote_status
wc_stock_page(struct connector *c, const char *location, struct change_page *pg, struct stock_level **out,
	      size_t *n, struct remote_error *re)
{
	struct wc *w = wc_of(c);
	struct stock_list l = { NULL, 0, 0 };
	int page = pg->page < 1 ? 1 : pg->page;
	int64_t total_pages;
	char what[96], path[160];
	json_t *arr = NULL;
	enum remote_status st;

	(void)location;   /* WooCommerce keeps one stock figure per product */
	*out = NULL;
	*n = 0;
	snprintf(what, sizeof(what), "reading stock (page %d) from WooCommerce", page);
	snprintf(path, sizeof(path),
		 "/products?per_page=%d&page=%d&orderby=id&order=asc&_fields=id,sku,type,manage_stock,stock_quantity",
		 WC_PER_PAGE, page);
	st = wc_get_list(w, path, &arr, &total_pages, re, what);
	if (st == REMOTE_OK)
		st = add_stock(&l, arr, re, what);
	for (size_t i = 0; st == REMOTE_OK && i < json_array_size(arr); i++) {
		const json_t *p = json_array_get(arr, i);
		const json_t *type = json_object_get(p, "type");

		if (json_is_string(type) && strcmp(json_string_value(type), "variable") == 0) {
			char id[MODEL_ID_LEN];
			struct sbuf err = SBUF_INIT;

			if (wc_id(p, "id", id, sizeof(id), &err) < 0)
				st = wc_bad_answer(re, what, &err);
			else
				st = add_variation_stock(w, id, &l, re);
			sbuf_release(&err);
		}
	}
	if (st == REMOTE_OK) {
		pg->more = wc_page_more(page, total_pages, json_array_size(arr));
		*out = l.v;
		*n = l.n;
		l.v = NULL;
	}
	free(l.v);
	json_decref(arr);
	return st;
}

/* --- the shop as the catalog master -------------------------------------- */

/*
 * One page of products, not their variations (the list leaves them out),
 * every status but the trash (status=any does not include it), oldest
 * first so a page boundary does not move while we read, with only
 * `fields`. Past WC_MAX_PAGES an error: stopping early would make every
 * product after the cap look deleted.
 */
static enum remote_status
products_list_page(struct wc *w, int page, const char *fields, json_t **arr, int64_t *total_pages,
		   struct remote_error *re, const char *what)
{
	char path[256];

	if (page > WC_MAX_PAGES)
		return remote_fail(re, REMOTE_BAD_ANSWER, "%s: the shop lists more than %d products, more than "
				   "tillsync reads", what, WC_MAX_PAGES * WC_PER_PAGE);
	snprintf(path, sizeof(path), "/products?per_page=%d&page=%d&orderby=id&order=asc&status=any&_fields=%s",
		 WC_PER_PAGE, page, fields);
	return wc_get_list(w, path, arr, total_pages, re, what);
}

/* The catalog master's products, a page at a time (products_list_page). */
enum remote_status
wc_products_page(struct connector *c, struct change_page *pg, struct product **out, size_t *n,
		 struct remote_error *re)
{
	struct wc *w = wc_of(c);
	struct sbuf err = SBUF_INIT;
	struct product *v = NULL;
	int page = pg->page < 1 ? 1 : pg->page;
	int64_t total_pages;
	char what[96];
	json_t *arr = NULL;
	enum remote_status st;
	size_t count, i;

	*out = NULL;
	*n = 0;
	snprintf(what, sizeof(what), "reading products (page %d) from WooCommerce", page);
	st = products_list_page(w, page, WC_CATALOG_FIELDS, &arr, &total_pages, re, what);
	if (st != REMOTE_OK)
		goto out;
	count = json_array_size(arr);
	if (count) {
		v = calloc(count, sizeof(*v));
		if (!v) {
			st = out_of_memory(re, what);
			goto out;
		}
	}
	for (i = 0; i < count; i++) {
		if (wc_catalog_product_from_json(json_array_get(arr, i), &v[i], &err) < 0) {
			st = wc_bad_answer(re, what, &err);
			goto out;
		}
	}
	pg->more = wc_page_more(page, total_pages, count);
	*out = v;
	*n = count;
	v = NULL;
out:
	free(v);
	json_decref(arr);
	sbuf_release(&err);
	return st;
}

/*
 * One product; REMOTE_NOT_FOUND when the shop no longer has it (wc_call
 * turns woocommerce_rest_product_invalid_id into that), and also for a
 * variation's id: /products/{id} answers with the variation, which is not
 * a catalog product of its own (its variable product is).
 */
enum remote_status
wc_product_get(struct connector *c, const char *id, struct product *out, struct remote_error *re)
{
	struct wc *w = wc_of(c);
	struct sbuf err = SBUF_INIT;
	char what[128], path[96 + sizeof(WC_CATALOG_FIELDS)];
	const json_t *type;
	json_t *j = NULL;
	enum remote_status st;

	memset(out, 0, sizeof(*out));
	remote_error_reset(re);
	snprintf(what, sizeof(what), "reading product %.40s from WooCommerce", id ? id : "");
	if (!id || !wc_valid_id(id))
		return remote_fail(re, REMOTE_NOT_FOUND, "%s: not a WooCommerce product id (a whole number)", what);
	snprintf(path, sizeof(path), "/products/%s?_fields=" WC_CATALOG_FIELDS, id);
	st = wc_call(w, "GET", path, NULL, &j, NULL, re, what);
	if (st != REMOTE_OK)
		goto out;
	type = json_object_get(j, "type");
	if (json_is_string(type) && strcmp(json_string_value(type), "variation") == 0) {
		st = remote_fail(re, REMOTE_NOT_FOUND, "%s: it is a variation, not a product (its variable product "
				 "is the catalog's)", what);
		goto out;
	}
	if (wc_catalog_product_from_json(j, out, &err) < 0)
		st = wc_bad_answer(re, what, &err);
out:
	json_decref(j);
	sbuf_release(&err);
	return st;
}

/* --- finding products by SKU --------------------------------------------- */

/* Whether sku is one of asked[0..nasked-1]; without case, as the shop's
 * database compares SKUs (and so keeps them unique). */
static int
asked_for(const char *sku, const char *const *asked, size_t nasked)
{
	for (size_t i = 0; sku[0] && i < nasked; i++)
		if (strcasecmp(sku, asked[i]) == 0)
			return 1;
	return 0;
}

/* One GET /products?sku=a,b,c (every page of it); keeps the true matches. */
static enum remote_status
sku_query(struct wc *w, const char *const *asked, size_t nasked, const char *list, struct shop_product_list *f,
	  struct remote_error *re, const char *what)
{
	struct sbuf path = SBUF_INIT, err = SBUF_INIT;
	struct shop_product one;
	int64_t total_pages;
	json_t *arr = NULL;
	enum remote_status st = REMOTE_OK;
	int page, more = 1;

	for (page = 1; more && st == REMOTE_OK; page++) {
		if (page > WC_SKU_QUERY_PAGES) {
			st = remote_fail(re, REMOTE_BAD_ANSWER, "%s: more than %d pages of products for %zu SKUs",
					 what, WC_SKU_QUERY_PAGES, nasked);
			break;
		}
		sbuf_reset(&path);
		sbuf_addf(&path, "/products?sku=%s&per_page=%d&status=any&_fields=id,sku,status", list, WC_PER_PAGE);
		if (page > 1)
			sbuf_addf(&path, "&page=%d", page);
		if (path.failed) {
			st = out_of_memory(re, what);
			break;
		}
		st = wc_get_list(w, path.buf, &arr, &total_pages, re, what);
		if (st != REMOTE_OK)
			break;
		for (size_t i = 0; i < json_array_size(arr) && st == REMOTE_OK; i++) {
			if (wc_shop_product_from_json(json_array_get(arr, i), &one, &err) < 0)
				st = wc_bad_answer(re, what, &err);
			/* the list also matches the whole text as one SKU, and
			 * SKUs differing only in case: keep what was asked for */
			else if (asked_for(one.sku, asked, nasked) && shop_product_list_add(f, &one) < 0)
				st = out_of_memory(re, what);
		}
		more = wc_page_more(page, total_pages, json_array_size(arr));
		json_decref(arr);
		arr = NULL;
	}
	json_decref(arr);
	sbuf_release(&path);
	sbuf_release(&err);
	return st;
}

/*
 * Every product's id, SKU and status, a page at a time, as the SKU lookup
 * sees them (products, not variations: /products?sku= does not list those
 * either). WooCommerce refuses a second product or variation with a SKU
 * (product_invalid_sku), which is what makes a census of it safe.
 */
enum remote_status
wc_product_skus_page(struct connector *c, struct change_page *pg, struct shop_product **out, size_t *n,
		     struct remote_error *re)
{
	struct wc *w = wc_of(c);
	struct sbuf err = SBUF_INIT;
	struct shop_product *v = NULL;
	int page = pg->page < 1 ? 1 : pg->page;
	int64_t total_pages;
	char what[96];
	json_t *arr = NULL;
	enum remote_status st;
	size_t count, i;

	*out = NULL;
	*n = 0;
	pg->pages = 0;
	snprintf(what, sizeof(what), "listing the SKUs of WooCommerce's products (page %d)", page);
	st = products_list_page(w, page, "id,sku,status", &arr, &total_pages, re, what);
	if (st != REMOTE_OK)
		goto out;
	count = json_array_size(arr);
	if (count && !(v = calloc(count, sizeof(*v)))) {
		st = out_of_memory(re, what);
		goto out;
	}
	for (i = 0; i < count; i++)
		if (wc_shop_product_from_json(json_array_get(arr, i), &v[i], &err) < 0) {
			st = wc_bad_answer(re, what, &err);
			goto out;
		}
	/* a full page is followed even when X-WP-TotalPages says it was the
	 * last (a plugin can change the count): a census must be complete */
	pg->more = wc_page_more(page, total_pages, count) || count == WC_PER_PAGE;
	pg->pages = total_pages > 0 && total_pages <= INT32_MAX ? (int)total_pages : 0;
	*out = v;
	*n = count;
	v = NULL;
out:
	free(v);
	json_decref(arr);
	sbuf_release(&err);
	return st;
}

/*
 * WooCommerce takes a comma-separated SKU list; a SKU holding a comma
 * cannot be in one, so it is asked alone (WooCommerce then also tries the
 * whole text as one SKU). The others go in chunks of at most
 * WC_SKUS_PER_QUERY and WC_SKU_QUERY_BYTES of URL.
 */
enum remote_status
wc_products_by_sku(struct connector *c, const char *const *skus, size_t nskus, struct shop_product **out, size_t *n,
		   struct remote_error *re)
{
	struct wc *w = wc_of(c);
	struct shop_product_list found = { NULL, 0, 0 };
	struct sbuf list = SBUF_INIT;
	const char **chunk = NULL;
	size_t nchunk = 0;
	char what[96];
	enum remote_status st = REMOTE_OK;

	*out = NULL;
	*n = 0;
	remote_error_reset(re);
	snprintf(what, sizeof(what), "looking up %zu SKU%s in WooCommerce", nskus, nskus == 1 ? "" : "s");
	if (nskus == 0)
		return REMOTE_OK;
	chunk = calloc(nskus < WC_SKUS_PER_QUERY ? nskus : WC_SKUS_PER_QUERY, sizeof(*chunk));
	if (!chunk)
		return out_of_memory(re, what);
	for (size_t i = 0; i <= nskus && st == REMOTE_OK; i++) {
		/* an empty sku= would list every product */
		const char *sku = i < nskus && skus[i] && skus[i][0] ? skus[i] : NULL;
		char *enc = sku ? http_url_encode(sku) : NULL;
		int alone = sku && strchr(sku, ',') != NULL;

		if (sku && !enc) {
			st = out_of_memory(re, what);
			break;
		}
		if (alone) {
			st = sku_query(w, &sku, 1, enc, &found, re, what);
			free(enc);
			continue;
		}
		/* send what is gathered when it is full, or at the end */
		if (nchunk && (!sku || nchunk == WC_SKUS_PER_QUERY || list.len + 1 + strlen(enc) > WC_SKU_QUERY_BYTES)) {
			st = list.failed ? out_of_memory(re, what)
					 : sku_query(w, chunk, nchunk, list.buf, &found, re, what);
			nchunk = 0;
			sbuf_reset(&list);
		}
		if (sku && st == REMOTE_OK) {
			chunk[nchunk++] = sku;
			sbuf_addf(&list, "%s%s", list.len ? "," : "", enc);
		}
		free(enc);
	}
	free(chunk);
	sbuf_release(&list);
	if (st != REMOTE_OK || found.n == 0) {
		free(found.v);
		return st;
	}
	*out = found.v;
	*n = found.n;
	return REMOTE_OK;
}

/* --- writing products ---------------------------------------------------- */

/* An answer we could not map, kept for support as remote_http_call keeps a failed one. */
static void
keep_answer(struct remote_error *re, const json_t *answer)
{
	char *text = json_dumps(answer, JSON_COMPACT);

	sbuf_reset(&re->body);
	if (text)
		sbuf_add(&re->body, text, strlen(text) < 65000 ? strlen(text) : 65000);
	free(text);
}

/*
 * One POST /products/batch. Per-item refusals (a duplicate SKU, a bad
 * value) come inside the 200 and land in out[i]; only a failure of the
 * request as a whole is returned. Creates are what a lost answer makes
 * dangerous: sent again they would be made twice, so may_have_landed is set
 * whenever the request left and its answer did not come back readable.
 */
enum remote_status
wc_products_write(struct connector *c, const struct product_write *wr, size_t n, struct write_outcome *out,
		  struct remote_error *re)
{
	struct wc *w = wc_of(c);
	struct sbuf err = SBUF_INIT;
	unsigned char sent[WC_PRODUCTS_WRITE_MAX];
	size_t nsent = 0, ncreate = 0;
	char what[96], path[64 + MODEL_ID_LEN];
	json_t *body = NULL, *answer = NULL;
	enum remote_status st;
	int variations = n && wr[0].kind == PRODUCT_VARIATION;

	remote_error_reset(re);
	snprintf(what, sizeof(what), "writing %zu %s%s to WooCommerce", n, variations ? "variation" : "product",
		 n == 1 ? "" : "s");
	if (n > WC_PRODUCTS_WRITE_MAX)
		return remote_fail(re, REMOTE_REFUSED, "%s: WooCommerce takes at most %d products in one request",
				   what, WC_PRODUCTS_WRITE_MAX);
	if (n == 0)
		return REMOTE_OK;
	/* variations have their own batch route, one variable product at a time */
	for (size_t i = 0; i < n; i++)
		if ((wr[i].kind == PRODUCT_VARIATION) != variations ||
		    (variations && strcmp(wr[i].parent_id, wr[0].parent_id) != 0))
			return remote_fail(re, REMOTE_REFUSED, "%s: products and variations of different products "
					   "cannot share one request", what);
	if (variations && !wc_valid_id(wr[0].parent_id))
		return remote_fail(re, REMOTE_REFUSED, "%s: '%.40s' is not a WooCommerce product id", what,
				   wr[0].parent_id);
	if (variations)
		snprintf(path, sizeof(path), "/products/%s/variations/batch", wr[0].parent_id);
	else
		snprintf(path, sizeof(path), "/products/batch");
	body = wc_products_batch_json(wr, n, sent, out, &err);
	if (!body) {
		st = remote_fail(re, REMOTE_TEMPORARY, "%s: %s", what, err.buf);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		nsent += sent[i];
		ncreate += sent[i] && !wr[i].shop_id[0];
	}
	if (nsent == 0) {   /* every item was refused here: out says why */
		st = REMOTE_OK;
		goto out;
	}
	st = wc_call(w, "POST", path, body, &answer, NULL, re, what);
	if (st != REMOTE_OK) {
		/* remote_http_call already judged timeouts, broken answers and
		 * 500/502/504; a 503 may be a proxy that gave up waiting too */
		if (ncreate && re->http_status >= 500)
			re->may_have_landed = 1;
		goto out;
	}
	if (wc_batch_outcomes(answer, wr, n, sent, out, &err) < 0) {
		st = wc_bad_answer(re, what, &err);
		re->may_have_landed = 1;   /* it was a 200: the writes were made */
		keep_answer(re, answer);
	}
out:
	json_decref(body);
	json_decref(answer);
	sbuf_release(&err);
	return st;
}

/* --- variable products --------------------------------------------------- */

/* The attribute from the product, the variations (their SKUs as stored:
 * context=edit, or an empty one would show the parent's) in pages. */
enum remote_status
wc_variable_product_get(struct connector *c, const char *shop_id, struct variable_product *out,
			struct remote_error *re)
{
	struct wc *w = wc_of(c);
	struct sbuf err = SBUF_INIT;
	size_t cap = 0;
	int64_t total_pages;
	char what[96], path[160];
	json_t *j = NULL;
	enum remote_status st;
	int page, more = 1;

	memset(out, 0, sizeof(*out));
	remote_error_reset(re);
	snprintf(what, sizeof(what), "reading variable product %.40s from WooCommerce", shop_id);
	if (!wc_valid_id(shop_id))
		return remote_fail(re, REMOTE_REFUSED, "%s: not a WooCommerce product id", what);
	snprintf(path, sizeof(path), "/products/%s?_fields=id,sku,type,attributes&context=edit", shop_id);
	st = wc_call(w, "GET", path, NULL, &j, NULL, re, what);
	if (st != REMOTE_OK)
		goto out;
	if (wc_variable_product_from_json(j, out, &err) < 0) {
		st = wc_bad_answer(re, what, &err);
		goto out;
	}
	json_decref(j);
	j = NULL;
	for (page = 1; more && st == REMOTE_OK; page++) {
		if (page > WC_VARIATION_PAGES) {
			st = remote_fail(re, REMOTE_BAD_ANSWER, "%s: more than %d variations", what,
					 WC_VARIATION_PAGES * WC_PER_PAGE);
			break;
		}
		snprintf(path, sizeof(path), "/products/%s/variations?per_page=%d&page=%d&context=edit"
			 "&_fields=id,sku,status", shop_id, WC_PER_PAGE, page);
		st = wc_get_list(w, path, &j, &total_pages, re, what);
		if (st != REMOTE_OK)
			break;
		if (grow((void **)&out->variations, &cap, out->nvariations, json_array_size(j),
			 sizeof(*out->variations)) < 0) {
			st = out_of_memory(re, what);
			break;
		}
		for (size_t i = 0; i < json_array_size(j) && st == REMOTE_OK; i++) {
			if (wc_shop_product_from_json(json_array_get(j, i), &out->variations[out->nvariations], &err) < 0)
				st = wc_bad_answer(re, what, &err);
			else
				out->nvariations++;
		}
		more = wc_page_more(page, total_pages, json_array_size(j));
		json_decref(j);
		j = NULL;
	}
out:
	if (st != REMOTE_OK)
		variable_product_release(out);
	json_decref(j);
	sbuf_release(&err);
	return st;
}
