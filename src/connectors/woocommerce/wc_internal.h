/*
 * wc_internal.h: what the WooCommerce connector's files share. Private to
 * src/connectors/woocommerce/: the engine only sees woocommerce_connector.
 *
 * woocommerce.c owns the connection (open, authentication, one request with
 * WordPress's error words); wc_catalog.c adds the catalog operations on top
 * of wc_call and wc_get_list.
 */
#ifndef TILLSYNC_WC_INTERNAL_H
#define TILLSYNC_WC_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/connector.h"
#include "http/client.h"

#define WC_PER_PAGE 100
#define WC_MAX_PAGES 10000   /* 1M records: beyond this a loop is a bug, not a shop */

struct wc {
	struct connector base;   /* first: the engine holds &base */
	struct http_client *hc;
	char *api;               /* "<site>/wp-json/wc/v3", no trailing slash */
	char *key;
	char *secret;
	char *basic;             /* Authorization over https; NULL over http */
	char code[96];           /* WordPress error code of the last failed call, or "" */
};

static inline struct wc *
wc_of(struct connector *c)
{
	return (struct wc *)c;
}

/*
 * One request to "<api><path>" (path carries its query, already encoded).
 * body may be NULL; out may be NULL when the answer is not needed;
 * total_pages (may be NULL) gets X-WP-TotalPages or -1. On failure w->code
 * holds WordPress's error code (or "") and re->body the answer.
 */
enum remote_status wc_call(struct wc *w, const char *method, const char *path, const json_t *body, json_t **out,
			   int64_t *total_pages, struct remote_error *re, const char *what);
/* GET a list: *arr is a JSON array on REMOTE_OK; a page past the end is an empty one. */
enum remote_status wc_get_list(struct wc *w, const char *path, json_t **arr, int64_t *total_pages,
			       struct remote_error *re, const char *what);
/* Whether page `page` has a successor, from X-WP-TotalPages or, without it, a full page. */
int wc_page_more(int page, int64_t total_pages, size_t got);
/* A positive whole number that fits a URL path segment. */
int wc_valid_id(const char *id);
/* REMOTE_BAD_ANSWER with "<what>: unexpected answer: <err>". */
enum remote_status wc_bad_answer(struct remote_error *re, const char *what, const struct sbuf *err);

/* wc_webhook.c: reading a delivery needs no connection, so it lives apart */
enum remote_status wc_webhook_verify(const char *secret, webhook_header_fn header, void *ctx, const char *body,
				     size_t len, struct webhook_event *ev, struct remote_error *re);

/* wc_catalog.c */
enum remote_status wc_products_page(struct connector *c, struct change_page *pg, struct product **out, size_t *n,
				    struct remote_error *re);
enum remote_status wc_product_get(struct connector *c, const char *id, struct product *out,
				  struct remote_error *re);
enum remote_status wc_categories_list(struct connector *c, struct category **out, size_t *n,
				      struct remote_error *re);
enum remote_status wc_category_create(struct connector *c, const struct category *in, struct category *out,
				      struct remote_error *re);
enum remote_status wc_stock_page(struct connector *c, const char *location, struct change_page *pg,
				 struct stock_level **out, size_t *n, struct remote_error *re);
enum remote_status wc_product_skus_page(struct connector *c, struct change_page *pg, struct shop_product **out,
				       size_t *n, struct remote_error *re);
enum remote_status wc_products_by_sku(struct connector *c, const char *const *skus, size_t nskus,
				      struct shop_product **out, size_t *n, struct remote_error *re);
enum remote_status wc_products_write(struct connector *c, const struct product_write *w, size_t n,
				     struct write_outcome *out, struct remote_error *re);
enum remote_status wc_variable_product_get(struct connector *c, const char *shop_id, struct variable_product *out,
					   struct remote_error *re);
/* WooCommerce's own batch limit (woocommerce_rest_batch_items_limit) */
#define WC_PRODUCTS_WRITE_MAX 100

#endif
