/*
 * wc_json.h: WooCommerce wc/v3 JSON <-> model.h records, private to the
 * WooCommerce connector. No I/O here, so every mapping can be tested with a
 * canned body (tests/connectors/test_woocommerce.c and test_wc_catalog.c do).
 * Customers and orders: wc_json.c; the catalog: wc_product_json.c.
 *
 * Readers take a parsed answer (json_decimal_loads, so money arrives as
 * text or integer, never double) and return 0, or -1 with err naming the
 * field that was missing or unreadable; the caller turns that into
 * REMOTE_BAD_ANSWER. Unknown fields are ignored. Text longer than a model
 * field is cut at a UTF-8 character boundary; an id that does not fit is an
 * error instead, because a cut id names a different record.
 */
#ifndef TILLSYNC_WC_JSON_H
#define TILLSYNC_WC_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/model.h"
#include "util/sbuf.h"

/* Where tillsync keeps the customer type name on a shop customer. */
#define WC_META_CUSTOMER_TYPE "_tillsync_customer_type"
/* Where tillsync keeps, on a shop product, the POS id it was written from. */
#define WC_META_PRODUCT_REF "_tillsync_ref"
/* Where tillsync keeps a product's quantity prices (WooCommerce has none of
 * its own, themes and pricing plugins read meta): JSON text,
 * [{"min_qty":10,"price":"9.50"},...] ("[]" for none), prices at 2 decimals. */
#define WC_META_QUANTITY_PRICES "_tillsync_quantity_prices"
/* write_outcome.code of an item refused before sending (out[i].message says why) */
#define WC_CODE_NOT_SENT "tillsync_not_sent"

/* Copies s into out (len bytes) without splitting a UTF-8 sequence. */
void wc_copy(char *out, size_t len, const char *s);
/* A positive id given as integer or digit string; "" for 0, null or absent.
 * -1 with err when it is something else or does not fit. */
int wc_id(const json_t *obj, const char *key, char *out, size_t len, struct sbuf *err);

/* "YYYY-MM-DDTHH:MM:SS" (an optional trailing Z) read as UTC; -1 on anything else. */
int wc_parse_gmt(const char *s, int64_t *ms);
/* UTC ms as "YYYY-MM-DDTHH:MM:SS", floored to the second, no zone suffix. */
void wc_format_gmt(int64_t ms, char *buf, size_t len);

int wc_customer_from_json(const json_t *j, struct customer *out, struct sbuf *err);
/* On success out->lines is malloc'd (order_release frees it); on failure nothing is left to free. */
int wc_order_from_json(const json_t *j, struct order *out, struct sbuf *err);

/* Request bodies; the caller owns (json_decref) the result. NULL with err
 * when a value cannot be sent (not UTF-8, out of memory). */
json_t *wc_customer_create_json(const struct customer *in, struct sbuf *err);
/* Also NULL with err when it asks for nothing, or for points without a meta key. */
json_t *wc_customer_update_json(const struct customer_update *u, struct sbuf *err);

/* The WordPress error body {"code","message","data":{"status"}}: 0 with code
 * and message (control characters turned into spaces), -1 when the body is
 * not one (HTML, empty, truncated). */
int wc_error_body(const char *body, size_t len, char *code, size_t codelen, char *msg, size_t msglen);

/* ---- catalog (wc_product_json.c) ---- */

/* in with the entities WordPress writes into names and messages (&amp; &lt;
 * &gt; &quot; &apos; &#NNN; &#xHH;) decoded, cut like wc_copy. */
void wc_unescape_html(char *out, size_t len, const char *in);
/* data.resource_id of a WordPress error body (term_exists, product_invalid_sku):
 * 0 with the id, -1 when there is none. */
int wc_error_resource_id(const char *body, size_t len, char *id, size_t idlen);

int wc_category_from_json(const json_t *j, struct category *out, struct sbuf *err);
/* {"name", "parent"?}; NULL with err for no name or a parent that is not an id. */
json_t *wc_category_create_json(const struct category *in, struct sbuf *err);
/* An element of GET /products?_fields=id,sku,manage_stock,stock_quantity: reads only those. */
int wc_stock_from_json(const json_t *j, struct stock_level *out, struct sbuf *err);
/* An element of GET /products?_fields=id,sku,status: reads only those. */
int wc_shop_product_from_json(const json_t *j, struct shop_product *out, struct sbuf *err);

/* GET /products/{id}?_fields=id,sku,type,attributes: the options of our
 * variant attribute (found by name, without case); variations are not read. */
int wc_variable_product_from_json(const json_t *j, struct variable_product *out, struct sbuf *err);

/* An element of GET /products?_fields=id,sku,name,description,regular_price,
 * status,type,categories as the catalog master's product: the name decoded,
 * the first category, the price when regular_price is not "" (basis and tax
 * rate left 0), sync_to_shop for "publish", archived for "trash",
 * variant_group the product's own id unless it is simple. -1 with err naming
 * the product when a field cannot be read (a price that is not a decimal). */
int wc_catalog_product_from_json(const json_t *j, struct product *out, struct sbuf *err);

/* One create (shop_id "") or update ({"id":N,...}) of POST /products/batch,
 * only the parts w->fields names. NULL with err naming the field that cannot
 * be sent; a create needs PW_CATALOG (a product without its SKU could not
 * be found again after a lost answer). */
json_t *wc_product_write_json(const struct product_write *w, struct sbuf *err);
/* The whole batch body, creates and updates each in input order. An item
 * that cannot be sent is left out: sent[i] = 0 and out[i] says why (code
 * WC_CODE_NOT_SENT); sent items get sent[i] = 1 and a cleared out[i].
 * "create"/"update" appear only when not empty. NULL with err only when out
 * of memory. */
json_t *wc_products_batch_json(const struct product_write *w, size_t n, unsigned char *sent,
			       struct write_outcome *out, struct sbuf *err);
/* The batch answer into out[i] for every sent item, in input order: ok and
 * id, or WooCommerce's code, message (one line) and existing_id (from
 * data.resource_id). -1 with err when the answer's arrays are missing, of
 * the wrong length, or an element is unreadable or names another product. */
int wc_batch_outcomes(const json_t *answer, const struct product_write *w, size_t n, const unsigned char *sent,
		      struct write_outcome *out, struct sbuf *err);

#endif
