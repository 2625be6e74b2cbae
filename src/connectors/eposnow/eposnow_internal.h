/*
 * eposnow_internal.h: what the Epos Now connector's files share, private to
 * src/connectors/eposnow/. eposnow.c owns the connection (open, close, one
 * call); eposnow_catalog.c reads the catalog through it; eposnow_json.c maps
 * the answers without doing any I/O.
 */
#ifndef TILLSYNC_EPOSNOW_INTERNAL_H
#define TILLSYNC_EPOSNOW_INTERNAL_H

#include <jansson.h>
#include <stdint.h>

#include "connectors/connector.h"
#include "connectors/eposnow/eposnow_json.h"
#include "http/client.h"

#define EPOS_PAGE_SIZE 200
#define EPOS_MAX_PAGES 5000   /* 1,000,000 records: a runaway pager stops here */

struct eposnow {
	struct connector base;
	struct http_client *http;
	char *api_root;          /* ".../api/V4" without trailing slash */
	char *authorization;     /* "Basic ..." */
	int64_t tender_type_id;
	struct epos_tax_table taxes;   /* /TaxGroup, read on first need (eposnow_catalog.c) */
};

extern const struct connector_ops eposnow_connector;

struct eposnow *epos_of(struct connector *c);

/* One call: method + path (+ optional JSON body) -> parsed JSON or an error.
 * `what` starts every message ("reading products page 3 from Epos Now").
 * On REMOTE_OK *out holds the answer, which the caller json_decrefs. */
/* After page `page` of a listing came back with `got` records: whether
 * another follows (pg->more). A full page at EPOS_MAX_PAGES is an error,
 * not the end: stopping there would make every record after it look
 * deleted. */
enum remote_status epos_page_more(int page, size_t got, int *more, struct remote_error *re, const char *what);
enum remote_status epos_call(struct eposnow *e, const char *method, const char *path, const char *body,
			     json_t **out, struct remote_error *re, const char *what);

/* ---- catalog (eposnow_catalog.c) ---------------------------------------- */

enum remote_status epos_products_page(struct connector *c, struct change_page *pg, struct product **out,
				      size_t *n, struct remote_error *re);
enum remote_status epos_product_get(struct connector *c, const char *id, struct product *out,
				    struct remote_error *re);
enum remote_status epos_categories_list(struct connector *c, struct category **out, size_t *n,
					struct remote_error *re);
enum remote_status epos_category_create(struct connector *c, const struct category *in, struct category *out,
					struct remote_error *re);
enum remote_status epos_products_by_sku(struct connector *c, const char *const *skus, size_t nskus,
					struct shop_product **out, size_t *n, struct remote_error *re);
enum remote_status epos_products_write(struct connector *c, const struct product_write *w, size_t n,
				       struct write_outcome *out, struct remote_error *re);
/* products in one POST or PUT: a bound of ours (the facts file names none) */
#define EPOS_PRODUCTS_WRITE_MAX 100
enum remote_status epos_stock_page(struct connector *c, const char *location, struct change_page *pg,
				   struct stock_level **out, size_t *n, struct remote_error *re);

#endif
