/*
 * eposnow_catalog.c: the catalog ops of the Epos Now connector (products,
 * categories, stock), as connector.h documents them. The requests live here,
 * the mapping in eposnow_json.c.
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
		pg->more = json_array_size(j) >= EPOS_PAGE_SIZE && pg->page < EPOS_MAX_PAGES;
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
		pg->more = json_array_size(j) >= EPOS_PAGE_SIZE && pg->page < EPOS_MAX_PAGES;
	sbuf_release(&err);
	json_decref(j);
	return st;
}
