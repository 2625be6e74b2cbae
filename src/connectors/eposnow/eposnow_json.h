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

/* ---- stock -------------------------------------------------------------- */

/* A /ProductStock page as one stock_level per product: location "" sums every
 * location, otherwise only that LocationId counts. *out is one malloc'd
 * array (NULL when empty) the caller frees. */
int epos_stock_from_json(const json_t *arr, const char *location, struct stock_level **out, size_t *n,
			 struct sbuf *err);

#endif
