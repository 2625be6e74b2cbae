/*
 * eposnow_json.h: Epos Now V4 catalog JSON -> model.h records, private to
 * the Epos Now connector. No I/O here, so every mapping can be tested with a
 * canned body (tests/connectors/test_eposnow_json.c does).
 *
 * Readers take a parsed answer (json_decimal_loads, so money and stock
 * arrive as text or integer, never double) and return 0, or
 * EPOS_JSON_BAD with err naming the record and field that could not be
 * read (the caller turns that into REMOTE_BAD_ANSWER), or EPOS_JSON_NOMEM.
 * Unknown fields are ignored. Text longer than a model field is cut at a
 * UTF-8 character boundary; an id that does not fit is an error instead,
 * because a cut id names a different record.
 */
#ifndef TILLSYNC_EPOSNOW_JSON_H
#define TILLSYNC_EPOSNOW_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "connectors/model.h"
#include "util/money.h"
#include "util/sbuf.h"

#define EPOS_JSON_BAD (-1)
#define EPOS_JSON_NOMEM (-2)

/* ---- tax groups --------------------------------------------------------- */

struct epos_tax_group {
	char id[MODEL_ID_LEN];
	int rates_known;           /* 0: the group came without a TaxRates list */
	struct money percent;      /* sum of its rates' Percentage: 20% is 20.0000 */
};

/* The account's tax groups (GET /TaxGroup). Zeroed is empty and not loaded. */
struct epos_tax_table {
	int loaded;
	struct epos_tax_group *groups;
	size_t n;
};

void epos_tax_table_release(struct epos_tax_table *t);   /* back to zeroed */
/* Adds the groups of one /TaxGroup answer (a list) to t; does not set loaded. */
int epos_tax_groups_from_json(const json_t *arr, struct epos_tax_table *t, struct sbuf *err);
/* 1 when reading these products needs a tax group that t does not hold (or
 * t is not loaded yet); `products` is one product object or a list of them. */
int epos_products_need_tax_table(const json_t *products, const struct epos_tax_table *t);

/* ---- products ----------------------------------------------------------- */

/* One product. t gives the rate of its SalePriceTaxGroupId unless the
 * product carries its SalePriceTaxGroup inline; a group t does not know is
 * an error (a wrong rate would silently change shop prices). */
int epos_product_from_json(const json_t *o, const struct epos_tax_table *t, struct product *out,
			   struct sbuf *err);
/* A /Product page: *out is one malloc'd array (NULL when empty) the caller frees. */
int epos_products_from_json(const json_t *arr, const struct epos_tax_table *t, struct product **out,
			    size_t *n, struct sbuf *err);

/* ---- categories --------------------------------------------------------- */

/* Appends the categories of one /Category page to *all (*n of them so far),
 * nested Children flattened, each with its parent's id ("" at the top).
 * *all is realloc'd; on failure it keeps what it had for the caller to free. */
int epos_categories_from_json(const json_t *arr, struct category **all, size_t *n, struct sbuf *err);
/* Drops repeats of an id (a child listed both on its own and under its
 * parent), keeping the first and the parent either copy names. */
int epos_categories_dedupe(struct category *all, size_t *n);

/* ---- the catalog's target: writes and matching -------------------------- */

/* write_outcome.code of an item refused before sending (out[i].message says why) */
#define EPOS_CODE_NOT_SENT "tillsync_not_sent"

/* One category record (a write's answer), its Children not read. */
int epos_category_from_json(const json_t *o, struct category *out, struct sbuf *err);
/* POST /Category: {"Name", "ParentId" only when in->parent_id is set}. NULL
 * with err for no name, a parent that is not an Epos Now id, or text that
 * is not UTF-8. */
json_t *epos_category_create_json(const struct category *in, struct sbuf *err);

/* One element of GET /Product?Sku=: its id, its SKU ("" when too long for
 * the model: never cut) and a status in a shop's words: "archived" when
 * IsArchived, else "publish" when SellOnWeb, else "draft". */
int epos_shop_product_from_json(const json_t *o, struct shop_product *out, struct sbuf *err);

/* One product of POST /Product (shop_id "") or PUT /Product ({"Id":N,...}),
 * only the parts w->fields names: PW_CATALOG Sku, Name, Description,
 * CategoryId (null for ""), SalePrice and IsSalePriceIncTax, on a create
 * also EatOutPrice (the same), IsEatOutPriceIncTax and CostPrice 0, which
 * Epos Now requires; PW_STATUS SellOnWeb. Money is marked: serialise with
 * json_decimal_dumps. NULL with err for what Epos Now cannot take: a
 * variable product or variation (each size is a product there), stock, a
 * create without its catalog fields, an id that is not Epos Now's, text
 * that is not UTF-8. */
json_t *epos_product_write_json(const struct product_write *w, struct sbuf *err);
/* The two request bodies, JSON arrays in input order: *creates (shop_id "")
 * and *updates. An item that cannot be sent is left out: sent[i] = 0 and
 * out[i] says why (code EPOS_CODE_NOT_SENT); sent items get sent[i] = 1 and
 * a cleared out[i]. 0, or EPOS_JSON_NOMEM (both NULL then). */
int epos_products_write_json(const struct product_write *w, size_t n, unsigned char *sent, struct write_outcome *out,
			     json_t **creates, json_t **updates, struct sbuf *err);
/* One answer (to the updates when `updates`, else to the creates) into
 * out[i] for each item sent in it: ok and the Id, in order (a list as long
 * as what was sent, or the record itself when one was sent). EPOS_JSON_BAD
 * with err for another length, an element without an Id, or an update
 * answered for another product. */
int epos_write_outcomes(const json_t *answer, const struct product_write *w, size_t n, const unsigned char *sent,
			int updates, struct write_outcome *out, struct sbuf *err);

/* Epos Now's error body (ASP.NET: {"Message", "ModelState":{field:[text]}})
 * as one line ("The request is invalid. CategoryId: The category does not
 * exist."); -1 when the body is not one (empty, HTML). */
int epos_error_text(const char *body, size_t len, char *out, size_t outlen);

/* ---- stock -------------------------------------------------------------- */

/* A /ProductStock page as one stock_level per product: location "" sums every
 * location, otherwise only that LocationId counts. *out is one malloc'd
 * array (NULL when empty) the caller frees. */
int epos_stock_from_json(const json_t *arr, const char *location, struct stock_level **out, size_t *n,
			 struct sbuf *err);

#endif
