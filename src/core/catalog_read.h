/*
 * catalog_read.h: reading a remote's whole catalog or stock a page at a
 * time, handing each page to the caller (cycle.c, cycle_stock.c,
 * duplicates.c), so the paging and its errors live in one place.
 * Internal to src/core.
 */
#ifndef TILLSYNC_CATALOG_READ_H
#define TILLSYNC_CATALOG_READ_H

#include "connectors/connector.h"
#include "util/sbuf.h"

/* Called once a page; a non-zero return stops the read and is returned. */
typedef int (*product_page_fn)(void *ctx, const struct product *ps, size_t n);
typedef int (*stock_page_fn)(void *ctx, const struct stock_level *s, size_t n);

/* Every page of products_page (POS); -1 with err when the remote fails. */
int catalog_read_products(struct connector *c, product_page_fn fn, void *ctx, struct sbuf *err);
/* Every page of stock_page; location "" for every location. */
int catalog_read_stock(struct connector *c, const char *location, stock_page_fn fn, void *ctx, struct sbuf *err);

#endif
