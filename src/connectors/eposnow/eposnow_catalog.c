/*
 * eposnow_catalog.c: the catalog ops of the Epos Now connector (products,
 * categories, stock), as connector.h documents them: Epos Now as the
 * catalog's master (reading) or its target (category_create,
 * products_by_sku, products_write). The requests live here, the mapping in
 * eposnow_json.c.
 *
 * Lists are bare arrays of EPOS_PAGE_SIZE records; a shorter page is the
 * last. A product's tax rate comes from its sale tax group: inline when the
 * product carries SalePriceTaxGroup, else from GET /TaxGroup, which is read
 * once per connector and kept in struct eposnow. A product naming a group
 * the kept list lacks makes us read /TaxGroup again once (the merchant may
 * have added the group since); still missing, the page fails: a guessed
 * rate would silently change shop prices.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/eposnow/eposnow_internal.h"
#include "connectors/eposnow/eposnow_json.h"
#include "util/json_decimal.h"

/* Turns a mapping failure into the remote error, keeping (the start of) the
 * answer so support can see what Epos Now sent. */
static enum remote_status
mapping_failed(struct remote_error *re, int rc, const char *what, const struct sbuf *err, const json_t *answer)
{
	char *text;

	if (rc == EPOS_JSON_NOMEM)
		return remote_fail(re, REMOTE_TEMPORARY, "%s: out of memory", what);
	text = answer ? json_dumps(answer, JSON_COMPACT) : NULL;
	sbuf_reset(&re->body);
	if (text) {
		size_t len = strlen(text);

		sbuf_add(&re->body, text, len < 65000 ? len : 65000);
		free(text);
	}
	return remote_fail(re, REMOTE_BAD_ANSWER, "%s: %s", what, err->buf);
}

/* Reads every page of /TaxGroup into e->taxes, replacing what it held;
 * `for_what` is the operation that needs them. */
static enum remote_status
tax_table_load(struct eposnow *e, const char *for_what, struct remote_error *re)
{
	struct epos_tax_table fresh = { 0 };
	char what[160];
	enum remote_status st = REMOTE_OK;

	for (int page = 1; page <= EPOS_MAX_PAGES; page++) {
		struct sbuf err = SBUF_INIT;
		char path[64];
		json_t *j = NULL;
		size_t got;
		int rc;

		snprintf(path, sizeof(path), "/TaxGroup?page=%d", page);
		snprintf(what, sizeof(what), "%s: reading tax groups page %d", for_what, page);
		st = epos_call(e, "GET", path, NULL, &j, re, what);
		if (st != REMOTE_OK)
			break;
		rc = epos_tax_groups_from_json(j, &fresh, &err);
		if (rc < 0)
			st = mapping_failed(re, rc, what, &err, j);
		got = json_array_size(j);
		sbuf_release(&err);
		json_decref(j);
		if (st != REMOTE_OK || got < EPOS_PAGE_SIZE)
			break;
	}
	if (st != REMOTE_OK) {
		epos_tax_table_release(&fresh);
		return st;
	}
	epos_tax_table_release(&e->taxes);
	e->taxes = fresh;
	e->taxes.loaded = 1;
	return REMOTE_OK;
}

/* Makes sure e->taxes can price every product in `products` (a list or one). */
static enum remote_status
tax_table_ready(struct eposnow *e, const json_t *products, const char *for_what, struct remote_error *re)
{
	if (!epos_products_need_tax_table(products, &e->taxes))
		return REMOTE_OK;
	/* the mapping then names any group that is still missing */
	return tax_table_load(e, for_what, re);
}

enum remote_status
epos_products_page(struct connector *c, struct change_page *pg, struct product **out, size_t *n,
		   struct remote_error *re)
{
	struct eposnow *e = epos_of(c);
	struct sbuf err = SBUF_INIT;
	char path[64], what[96];
	json_t *j = NULL;
	enum remote_status st;
	int rc;

	*out = NULL;
	*n = 0;
	if (pg->page < 1)
		pg->page = 1;
	snprintf(path, sizeof(path), "/Product?page=%d", pg->page);
	snprintf(what, sizeof(what), "reading products page %d from Epos Now", pg->page);
	st = epos_call(e, "GET", path, NULL, &j, re, what);
	if (st == REMOTE_OK && !json_is_array(j))
		st = remote_fail(re, REMOTE_BAD_ANSWER, "%s: expected a list of products", what);
	if (st == REMOTE_OK)
		st = tax_table_ready(e, j, what, re);
	if (st == REMOTE_OK) {
		rc = epos_products_from_json(j, &e->taxes, out, n, &err);
		if (rc < 0)
			st = mapping_failed(re, rc, what, &err, j);
	}
	if (st == REMOTE_OK)
		st = epos_page_more(pg->page, json_array_size(j), &pg->more, re, what);
	sbuf_release(&err);
	json_decref(j);
	return st;
}

enum remote_status
epos_product_get(struct connector *c, const char *id, struct product *out, struct remote_error *re)
{
	struct eposnow *e = epos_of(c);
	struct sbuf err = SBUF_INIT;
	char *enc = http_url_encode(id), path[160], what[160];
	json_t *j = NULL;
	enum remote_status st;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!enc)
		return remote_fail(re, REMOTE_TEMPORARY, "out of memory");
	snprintf(path, sizeof(path), "/Product/%s", enc);
	snprintf(what, sizeof(what), "reading product %s from Epos Now", id);
	free(enc);
	st = epos_call(e, "GET", path, NULL, &j, re, what);
	if (st == REMOTE_OK && json_is_array(j) && json_array_size(j) == 1) {   /* some routes wrap one record */
		json_t *one = json_incref(json_array_get(j, 0));

		json_decref(j);
		j = one;
	}
	if (st == REMOTE_OK && (json_is_null(j) || (json_is_array(j) && !json_array_size(j))))
		st = remote_fail(re, REMOTE_NOT_FOUND, "%s: no such product", what);
	if (st == REMOTE_OK)
		st = tax_table_ready(e, j, what, re);
	if (st == REMOTE_OK) {
		rc = epos_product_from_json(j, &e->taxes, out, &err);
		if (rc < 0)
			st = mapping_failed(re, rc, what, &err, j);
	}
	sbuf_release(&err);
	json_decref(j);
	return st;
}

enum remote_status
epos_categories_list(struct connector *c, struct category **out, size_t *n, struct remote_error *re)
{
	struct eposnow *e = epos_of(c);
	struct category *all = NULL;
	size_t cnt = 0;
	enum remote_status st = REMOTE_OK;
	int rc;

	*out = NULL;
	*n = 0;
	for (int page = 1; page <= EPOS_MAX_PAGES; page++) {
		struct sbuf err = SBUF_INIT;
		char path[64], what[96];
		json_t *j = NULL;
		size_t got;

		snprintf(path, sizeof(path), "/Category?page=%d", page);
		snprintf(what, sizeof(what), "reading categories page %d from Epos Now", page);
		st = epos_call(e, "GET", path, NULL, &j, re, what);
		if (st != REMOTE_OK)
			break;
		rc = epos_categories_from_json(j, &all, &cnt, &err);
		if (rc < 0)
			st = mapping_failed(re, rc, what, &err, j);
		got = json_array_size(j);   /* top-level records: what the page size counts */
		sbuf_release(&err);
		json_decref(j);
		if (st != REMOTE_OK || got < EPOS_PAGE_SIZE)
			break;
	}
	if (st == REMOTE_OK && epos_categories_dedupe(all, &cnt) < 0)
		st = remote_fail(re, REMOTE_TEMPORARY, "reading categories from Epos Now: out of memory");
	if (st != REMOTE_OK) {
		free(all);
		return st;
	}
	if (!cnt) {
		free(all);
		all = NULL;
	}
	*out = all;
	*n = cnt;
	return REMOTE_OK;
}

/*
 * Records are per product and location and a page counts records, so one
 * product's records can straddle two pages: each page then carries its
 * share and the product appears on both. A page cannot see its neighbours;
 * a caller that needs exact totals adds up levels of the same product.
 * NEEDSWORK: whether Epos Now keeps a product's locations together in its
 * paging is not in the facts file (the emulator's pages hold whole products).
 */
enum remote_status
epos_stock_page(struct connector *c, const char *location, struct change_page *pg, struct stock_level **out,
		size_t *n, struct remote_error *re)
{
	struct sbuf err = SBUF_INIT;
	char path[64], what[96];
	json_t *j = NULL;
	enum remote_status st;
	int rc;

	*out = NULL;
	*n = 0;
	if (pg->page < 1)
		pg->page = 1;
	snprintf(path, sizeof(path), "/ProductStock?page=%d", pg->page);
	snprintf(what, sizeof(what), "reading stock page %d from Epos Now", pg->page);
	st = epos_call(epos_of(c), "GET", path, NULL, &j, re, what);
	if (st == REMOTE_OK) {
		rc = epos_stock_from_json(j, location ? location : "", out, n, &err);
		if (rc < 0)
			st = mapping_failed(re, rc, what, &err, j);
	}
	if (st == REMOTE_OK)
		st = epos_page_more(pg->page, json_array_size(j), &pg->more, re, what);
	sbuf_release(&err);
	json_decref(j);
	return st;
}

/* ---- the catalog's target: categories and products written --------------- */

/* Adds Epos Now's own words to a failed request's message: its 400 names
 * the field it refused ("CategoryId: The category does not exist."). */
static void
add_epos_reason(struct remote_error *re)
{
	struct sbuf was = SBUF_INIT;
	char why[300];

	if (re->http_status < 400 || epos_error_text(re->body.buf, re->body.len, why, sizeof(why)) < 0 || !why[0])
		return;
	sbuf_addstr(&was, re->message.buf);
	remote_fail(re, re->status, "%s: %s", was.buf, why);
	sbuf_release(&was);
}

enum remote_status
epos_category_create(struct connector *c, const struct category *in, struct category *out,
		     struct remote_error *re)
{
	struct sbuf err = SBUF_INIT;
	char what[200], *text = NULL;
	json_t *body, *j = NULL;
	enum remote_status st;
	int rc;

	memset(out, 0, sizeof(*out));
	remote_error_reset(re);
	snprintf(what, sizeof(what), "creating category '%.128s' in Epos Now", in->name);
	body = epos_category_create_json(in, &err);
	if (!body) {
		st = remote_fail(re, REMOTE_REFUSED, "%s: %s", what, err.buf);
		goto out;
	}
	text = json_dumps(body, JSON_COMPACT);
	if (!text) {
		st = remote_fail(re, REMOTE_TEMPORARY, "%s: out of memory", what);
		goto out;
	}
	st = epos_call(epos_of(c), "POST", "/Category", text, &j, re, what);
	if (st != REMOTE_OK) {
		add_epos_reason(re);
		goto out;
	}
	/* V4 writes may answer with a list of what was written */
	rc = epos_category_from_json(json_is_array(j) ? json_array_get(j, 0) : j, out, &err);
	if (rc < 0) {
		st = mapping_failed(re, rc, what, &err, j);
		re->may_have_landed = 1;   /* answered 2xx: made, but we cannot say as what */
	}
out:
	free(text);
	json_decref(body);
	json_decref(j);
	sbuf_release(&err);
	return st;
}

/* Every product whose Sku is exactly `sku`: GET /Product?Sku= (every page of it). */
static enum remote_status
sku_lookup(struct eposnow *e, const char *sku, struct shop_product_list *f, struct remote_error *re)
{
	char *enc = http_url_encode(sku), what[200];
	struct sbuf path = SBUF_INIT, err = SBUF_INIT;
	enum remote_status st = REMOTE_OK;

	snprintf(what, sizeof(what), "looking up SKU '%.128s' in Epos Now", sku);
	if (!enc)
		return remote_fail(re, REMOTE_TEMPORARY, "%s: out of memory", what);
	for (int page = 1; page <= EPOS_MAX_PAGES && st == REMOTE_OK; page++) {
		struct shop_product p;
		json_t *j = NULL;
		size_t i, got;
		int rc;

		sbuf_reset(&path);
		sbuf_addf(&path, "/Product?Sku=%s&page=%d", enc, page);
		if (path.failed) {
			st = remote_fail(re, REMOTE_TEMPORARY, "%s: out of memory", what);
			break;
		}
		st = epos_call(e, "GET", path.buf, NULL, &j, re, what);
		if (st == REMOTE_NOT_FOUND) {   /* "no match" answered as 404 */
			remote_error_reset(re);
			st = REMOTE_OK;
			break;
		}
		if (st == REMOTE_OK && !json_is_array(j))
			st = remote_fail(re, REMOTE_BAD_ANSWER, "%s: expected a list of products", what);
		got = st == REMOTE_OK ? json_array_size(j) : 0;
		for (i = 0; i < got && st == REMOTE_OK; i++) {
			rc = epos_shop_product_from_json(json_array_get(j, i), &p, &err);
			if (rc < 0)
				st = mapping_failed(re, rc, what, &err, j);
			/* every row the filter gives (it ignores case, as the engine's
			 * matching does, which decides what is the same SKU) */
			else if (shop_product_list_add(f, &p) < 0)
				st = remote_fail(re, REMOTE_TEMPORARY, "%s: out of memory", what);
		}
		json_decref(j);
		if (got < EPOS_PAGE_SIZE)
			break;
	}
	free(enc);
	sbuf_release(&path);
	sbuf_release(&err);
	return st;
}

/*
 * Epos Now has no list filter, only the exact property filter, so this is
 * one request per SKU. SKUs are not unique in Epos Now: every product
 * holding one is returned, archived ones too (status "archived").
 */
enum remote_status
epos_products_by_sku(struct connector *c, const char *const *skus, size_t nskus, struct shop_product **out,
		     size_t *n, struct remote_error *re)
{
	struct shop_product_list found = { NULL, 0, 0 };
	enum remote_status st = REMOTE_OK;

	*out = NULL;
	*n = 0;
	remote_error_reset(re);
	for (size_t i = 0; i < nskus && st == REMOTE_OK; i++) {
		/* an empty filter would list every product */
		if (skus[i] && skus[i][0])
			st = sku_lookup(epos_of(c), skus[i], &found, re);
	}
	if (st != REMOTE_OK || found.n == 0) {
		free(found.v);
		return st;
	}
	*out = found.v;
	*n = found.n;
	return REMOTE_OK;
}

/* Answers that refuse a request before reading its body: nothing of it was written. */
static int
refused_at_the_door(const struct remote_error *re)
{
	return re->http_status == 401 || re->http_status == 403 || re->http_status == 429;
}

/* The ids of the updates sent (a 404 names none of them), for the message. */
static void
sent_ids(const struct product_write *w, size_t n, const unsigned char *sent, struct sbuf *ids)
{
	size_t listed = 0;

	for (size_t i = 0; i < n; i++) {
		if (!sent[i] || !w[i].shop_id[0])
			continue;
		if (listed == 10) {
			sbuf_addstr(ids, ", ...");
			return;
		}
		sbuf_addf(ids, "%s%s", listed++ ? ", " : "", w[i].shop_id);
	}
}

/*
 * One request: the updates (PUT) or the creates (POST) as a JSON array.
 * Epos Now answers a whole array or fails it as a whole, and the failure
 * does not say which item it was. The sandbox, and as far as we know Epos
 * Now, applies the items one by one and stops at the first bad one,
 * keeping those before it: after a failed POST some creates may exist, so
 * may_have_landed is set unless the answer refused the request before its
 * body was read (401, 403, 429). Without an HTTP answer remote_http_call
 * has judged it (nothing sent, or maybe).
 */
static enum remote_status
write_part(struct eposnow *e, const json_t *items, int updates, const struct product_write *w, size_t n,
	   const unsigned char *sent, struct write_outcome *out, struct remote_error *re)
{
	size_t count = json_array_size(items);
	struct sbuf err = SBUF_INIT, ids = SBUF_INIT;
	char what[96], *text;
	json_t *answer = NULL;
	enum remote_status st;
	int rc;

	snprintf(what, sizeof(what), "%s %zu product%s in Epos Now", updates ? "updating" : "creating", count,
		 count == 1 ? "" : "s");
	text = json_decimal_dumps(items, JSON_COMPACT);
	if (!text)
		return remote_fail(re, REMOTE_TEMPORARY, "%s: out of memory", what);
	st = epos_call(e, updates ? "PUT" : "POST", "/Product", text, &answer, re, what);
	free(text);
	if (st != REMOTE_OK) {
		add_epos_reason(re);
		if (updates && st == REMOTE_NOT_FOUND) {
			sent_ids(w, n, sent, &ids);
			remote_fail(re, st, "%s: not found (HTTP 404): Epos Now has no product with one of the ids "
				    "%s (deleted there?)", what, ids.buf);
		}
		if (updates)
			re->may_have_landed = 0;   /* the updates go first: no create was sent */
		else if (re->http_status >= 300 && !refused_at_the_door(re))
			re->may_have_landed = 1;
		goto out;
	}
	rc = epos_write_outcomes(answer, w, n, sent, updates, out, &err);
	if (rc < 0) {
		st = mapping_failed(re, rc, what, &err, answer);
		re->may_have_landed = !updates;   /* answered 2xx: the creates were made */
	}
out:
	json_decref(answer);
	sbuf_release(&err);
	sbuf_release(&ids);
	return st;
}

/*
 * Creates and updates go in separate requests (POST and PUT of an array).
 * The updates go first: if they fail, no create was sent, so nothing can
 * have landed twice; if the creates then fail, the updates are done, and
 * sending them again with the batch does no harm. Per-item refusals come
 * only from here (what Epos Now cannot take); Epos Now itself fails a
 * request as a whole.
 */
enum remote_status
epos_products_write(struct connector *c, const struct product_write *w, size_t n, struct write_outcome *out,
		    struct remote_error *re)
{
	struct sbuf err = SBUF_INIT;
	unsigned char sent[EPOS_PRODUCTS_WRITE_MAX];
	json_t *creates = NULL, *updates = NULL;
	enum remote_status st = REMOTE_OK;

	remote_error_reset(re);
	if (n > EPOS_PRODUCTS_WRITE_MAX)
		return remote_fail(re, REMOTE_REFUSED, "writing %zu products to Epos Now: at most %d go in one "
				   "request", n, EPOS_PRODUCTS_WRITE_MAX);
	if (n == 0)
		return REMOTE_OK;
	if (epos_products_write_json(w, n, sent, out, &creates, &updates, &err) < 0) {
		st = remote_fail(re, REMOTE_TEMPORARY, "writing %zu products to Epos Now: %s", n, err.buf);
		goto out;
	}
	if (json_array_size(updates))
		st = write_part(epos_of(c), updates, 1, w, n, sent, out, re);
	if (st == REMOTE_OK && json_array_size(creates))
		st = write_part(epos_of(c), creates, 0, w, n, sent, out, re);
out:
	json_decref(creates);
	json_decref(updates);
	sbuf_release(&err);
	return st;
}
