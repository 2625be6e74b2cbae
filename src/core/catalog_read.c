#include "core/catalog_read.h"

#include <stdlib.h>

int
catalog_read_products(struct connector *c, product_page_fn fn, void *ctx, struct sbuf *err)
{
	struct change_page pg = { 1, 1, 0 };
	struct remote_error re;
	int rc = 0;

	if (!c->ops->products_page)
		return 0;
	remote_error_init(&re);
	for (; pg.more && rc == 0; pg.page++) {
		struct product *ps = NULL;
		size_t n = 0;

		pg.more = 0;
		remote_error_reset(&re);
		if (c->ops->products_page(c, &pg, &ps, &n, &re) != REMOTE_OK) {
			rc = error_set(err, "%s", re.message.buf);
			break;
		}
		rc = fn(ctx, ps, n);
		free(ps);
	}
	remote_error_release(&re);
	return rc;
}

int
catalog_read_stock(struct connector *c, const char *location, stock_page_fn fn, void *ctx, struct sbuf *err)
{
	struct change_page pg = { 1, 1, 0 };
	struct remote_error re;
	int rc = 0;

	if (!c->ops->stock_page)
		return 0;
	remote_error_init(&re);
	for (; pg.more && rc == 0; pg.page++) {
		struct stock_level *s = NULL;
		size_t n = 0;

		pg.more = 0;
		remote_error_reset(&re);
		if (c->ops->stock_page(c, location, &pg, &s, &n, &re) != REMOTE_OK) {
			rc = error_set(err, "%s", re.message.buf);
			break;
		}
		rc = fn(ctx, s, n);
		free(s);
	}
	remote_error_release(&re);
	return rc;
}
