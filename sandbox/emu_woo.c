/*
 * emu_woo.c - the WooCommerce emulator's ops table: routes, the store's
 * life cycle, the ?rest_route= form of URLs, and what WordPress, PHP and
 * the web server in front of them answer when something is wrong.
 *
 * The handlers live in emu_woo_*.c (see woo.h for who does what); the seed
 * data generator is emu_woo_gen.c, dump and the control routes woo_store.c,
 * load emu_woo_load.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "woo.h"

/* ---------------------------------------------------------------- index */

static void h_index(void *, struct req *, struct resp *);

/*
 * WordPress registers every item route for GET and for the EDITABLE
 * methods (POST, PUT, PATCH), and batch routes as EDITABLE too.
 */
#define R(m, p, f) { m, p, f, m " " p }
#define EDIT(p, f) R("POST", p, f), R("PUT", p, f), R("PATCH", p, f)
static const struct route woo_routes[] = {
	R("GET", "/", h_index),
	R("GET", "/products", h_products_list),
	R("POST", "/products", h_product_post),
	EDIT("/products/batch", h_products_batch),
	R("GET", "/products/categories", h_cats_list),
	R("POST", "/products/categories", h_cat_post),
	EDIT("/products/categories/batch", h_cats_batch),
	R("GET", "/products/categories/{id}", h_cat_get),
	EDIT("/products/categories/{id}", h_cat_put),
	R("DELETE", "/products/categories/{id}", h_cat_delete),
	R("GET", "/products/{id}", h_product_get),
	EDIT("/products/{id}", h_product_put),
	R("DELETE", "/products/{id}", h_product_delete),
	R("GET", "/products/{id}/variations", h_variations_list),
	R("POST", "/products/{id}/variations", h_variation_post),
	EDIT("/products/{id}/variations/batch", h_variations_batch),
	R("GET", "/products/{id}/variations/{id}", h_variation_get),
	EDIT("/products/{id}/variations/{id}", h_variation_put),
	R("DELETE", "/products/{id}/variations/{id}", h_variation_delete),
	R("GET", "/customers", h_customers_list),
	R("POST", "/customers", h_customer_post),
	EDIT("/customers/batch", h_customers_batch),
	R("GET", "/customers/{id}", h_customer_get),
	EDIT("/customers/{id}", h_customer_put),
	R("DELETE", "/customers/{id}", h_customer_delete),
	R("GET", "/orders", h_orders_list),
	R("POST", "/orders", h_order_post),
	EDIT("/orders/batch", h_orders_batch),
	R("GET", "/orders/{id}", h_order_get),
	EDIT("/orders/{id}", h_order_put),
	R("DELETE", "/orders/{id}", h_order_delete),
	R("GET", "/orders/{id}/refunds", h_refunds_list),
	R("POST", "/orders/{id}/refunds", h_refund_post),
	R("GET", "/orders/{id}/refunds/{id}", h_refund_get),
	R("DELETE", "/orders/{id}/refunds/{id}", h_refund_delete),
	R("GET", "/orders/{id}/notes", h_notes_list),
	R("POST", "/orders/{id}/notes", h_note_post),
	R("GET", "/orders/{id}/notes/{id}", h_note_get),
	R("DELETE", "/orders/{id}/notes/{id}", h_note_delete),
	R("GET", "/coupons", h_coupons_list),
	R("POST", "/coupons", h_coupon_post),
	R("GET", "/coupons/{id}", h_coupon_get),
	EDIT("/coupons/{id}", h_coupon_put),
	R("DELETE", "/coupons/{id}", h_coupon_delete),
	R("GET", "/webhooks", h_webhooks_list),
	R("POST", "/webhooks", h_webhook_post),
	R("GET", "/webhooks/{id}", h_webhook_get),
	EDIT("/webhooks/{id}", h_webhook_put),
	R("DELETE", "/webhooks/{id}", h_webhook_delete),
	R("GET", "/settings/{s}/{s}", h_setting_get),
	EDIT("/settings/{s}/{s}", h_setting_put),
};
#undef EDIT
#undef R
#define NROUTES (sizeof(woo_routes) / sizeof(woo_routes[0]))

/*
 * "/products/{id}/variations/{id}" as WordPress names it: an id followed by
 * more path is its parent's ("product_id", "order_id").
 */
static void
route_regex(const char *pat, struct wbuf *out)
{
	const char *p, *seg = pat;

	wbuf_adds(out, "/wc/v3");
	for (p = pat; *p != '\0'; p++) {
		if (*p == '/' && p[1] != '{')
			seg = p + 1;
		if (strncmp(p, "{id}", 4) == 0) {
			if (p[4] == '/')
				wbuf_addf(out, "(?P<%.*s_id>[\\d]+)",
				    (int)(p - seg) - 2, seg);
			else
				wbuf_adds(out, "(?P<id>[\\d]+)");
			p += 3;
		} else if (strncmp(p, "{s}", 3) == 0) {
			wbuf_adds(out, p[3] == '/' ? "(?P<group_id>[\\w-]+)" :
			    "(?P<id>[\\w-]+)");
			p += 2;
		} else if (!(*p == '/' && p[1] == '\0'))
			wbuf_addc(out, *p);
	}
}

/*
 * GET /wp-json/wc/v3: the namespace index.  WordPress serves it without
 * authentication; clients use it to check that the REST API is reachable.
 */
static void
h_index(void *ctx, struct req *rq, struct resp *rs)
{
	struct wbuf b = WBUF_INIT, re = WBUF_INIT;
	struct jw w;
	size_t i, k;

	(void)ctx;
	jw_init(&w, &b);
	w.php = 1;
	jw_obj(&w);
	jw_kstr(&w, "namespace", "wc/v3");
	jw_key(&w, "routes");
	jw_obj(&w);
	for (i = 0; i < NROUTES; i++) {
		for (k = 0; k < i; k++)
			if (strcmp(woo_routes[k].pattern,
			    woo_routes[i].pattern) == 0)
				break;
		if (k < i)
			continue;	/* listed with its first method */
		wbuf_reset(&re);
		route_regex(woo_routes[i].pattern, &re);
		jw_key(&w, wbuf_str(&re));
		jw_obj(&w);
		jw_kstr(&w, "namespace", "wc/v3");
		jw_key(&w, "methods");
		jw_arr(&w);
		for (k = i; k < NROUTES; k++)
			if (strcmp(woo_routes[k].pattern,
			    woo_routes[i].pattern) == 0)
				jw_str(&w, woo_routes[k].method);
		jw_arr_end(&w);
		jw_obj_end(&w);
	}
	jw_obj_end(&w);
	jw_obj_end(&w);
	wc_send(rs, 200, &b);
	wbuf_release(&b);
	wbuf_release(&re);
}

/* ---------------------------------------------------------------- life */

static void
make_key(struct rng *r, const char *prefix, char *out, size_t n)
{
	char hex[41];

	rng_hex(r, hex, sizeof(hex));
	snprintf(out, n, "%s%s", prefix, hex);
}

static void *
woo_create(struct emu *e, const struct sb_options *o)
{
	struct woo *st = xcalloc(1, sizeof(*st));
	struct rng r;

	st->emu = e;
	st->zone = o->woo_zone_min;
	st->seed = o->seed;
	pthread_rwlock_init(&st->lock, NULL);
	pthread_mutex_init(&st->log_mu, NULL);
	rng_seed(&st->rng, o->seed ^ 0x3003c0ffee11ULL);
	/* keys from their own stream: data size does not change them */
	rng_seed(&r, o->seed ^ 0x6b6579736b657973ULL);
	make_key(&r, "ck_", st->ck, sizeof(st->ck));
	make_key(&r, "cs_", st->cs, sizeof(st->cs));
	make_key(&r, "ck_", st->ro_ck, sizeof(st->ro_ck));
	make_key(&r, "cs_", st->ro_cs, sizeof(st->ro_cs));
	woo_auth_init(st);
	woo_clear(st);		/* empty tables with WordPress' first ids */
	st->currency = xstrdup("GBP");
	st->prices_include_tax = 1;	/* a UK shop enters gross prices */
	st->calc_taxes = 0;
	st->created_window_s = 10;
	st->strict_urls = 0;
	st->dl = deliverer_new();
	return st;
}

static void
woo_destroy(void *ctx)
{
	struct woo *st = ctx;

	deliverer_free(st->dl);	/* joins the thread before the tables go */
	woo_clear(st);
	strmap_release(&st->sku_idx);
	strmap_release(&st->email_idx);
	woo_auth_release(st);
	pthread_mutex_destroy(&st->log_mu);
	pthread_rwlock_destroy(&st->lock);
	free(st->currency);
	free(st);
}

static void
woo_stop(void *ctx)
{
	struct woo *st = ctx;

	deliverer_stop(st->dl);
}

/* ---------------------------------------------------------------- URLs */

/*
 * With "Plain" permalinks WordPress serves the REST API at
 * /?rest_route=/wc/v3/products.  The route is the same; only the API keys
 * do not work there (woo_auth() looks at alt_route).
 */
static void
woo_prepare(void *ctx, struct req *rq)
{
	const char *rr = req_param(rq, "rest_route");
	struct wbuf b = WBUF_INIT;

	(void)ctx;
	if (rr == NULL || strncmp(rq->path, "/wp-json", 8) == 0)
		return;
	wbuf_adds(&b, "/wp-json");
	if (*rr != '/')
		wbuf_addc(&b, '/');
	wbuf_adds(&b, rr);
	free(rq->path);
	rq->path = wbuf_take(&b);
	rq->alt_route = 1;
}

static int
woo_is_api_path(void *ctx, const struct req *rq)
{
	(void)ctx;
	return rq->alt_route || strncmp(rq->raw_path, "/wp-json", 8) == 0;
}

static void
html(struct resp *rs, unsigned status, const char *body)
{
	wbuf_reset(&rs->body);
	wbuf_adds(&rs->body, body);
	rs->status = status;
	rs->content_type = "text/html; charset=UTF-8";
	rs->json_ok = 0;
}

/* the theme's 404 page: what a URL outside the REST API gets */
static const char page_404[] =
    "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"UTF-8\">\n"
    "<title>Page not found &#8211; Sandbox Shop</title>\n</head>\n"
    "<body class=\"error404\">\n<main id=\"main\" class=\"site-main\">\n"
    "<h1 class=\"page-title\">Oops! That page can&rsquo;t be found.</h1>\n"
    "</main>\n</body>\n</html>\n";

static void
site_index(struct woo *st, struct resp *rs)
{
	struct wbuf b = WBUF_INIT;
	struct jw w;

	jw_init(&w, &b);
	w.php = 1;
	jw_obj(&w);
	jw_kstr(&w, "name", "Sandbox Shop");
	jw_kstr(&w, "description", "");
	jw_kstr(&w, "url", st->emu->base);
	jw_kstr(&w, "home", st->emu->base);
	jw_kint(&w, "gmt_offset", st->zone / 60);
	jw_kstr(&w, "timezone_string", "");
	jw_key(&w, "namespaces");
	jw_arr(&w);
	jw_str(&w, "oembed/1.0");
	jw_str(&w, "wc/v3");
	jw_str(&w, "wp/v2");
	jw_arr_end(&w);
	jw_key(&w, "authentication");
	jw_raw(&w, "[]");
	jw_obj_end(&w);
	wc_send(rs, 200, &b);
	wbuf_release(&b);
}

/*
 * WordPress answers an unknown REST route, and a known one with another
 * method, with the same 404 rest_no_route.  Outside the REST API the
 * theme answers: the home page for /, its 404 page for the rest.
 */
static void
woo_no_route(void *ctx, struct req *rq, struct resp *rs, int mismatch)
{
	struct woo *st = ctx;
	const char *p = rq->raw_path;

	(void)mismatch;
	if (!woo_is_api_path(st, rq)) {
		if (strcmp(p, "/") == 0 && strcmp(rq->method, "GET") == 0)
			html(rs, 200, "<!DOCTYPE html>\n<html lang=\"en-GB\">"
			    "<head><meta charset=\"UTF-8\"><title>Sandbox Shop"
			    "</title></head><body class=\"home\"><h1>Sandbox "
			    "Shop</h1></body></html>\n");
		else
			html(rs, 404, page_404);
		return;
	}
	if (!rq->alt_route && (strcmp(p, "/wp-json") == 0 ||
	    strcmp(p, "/wp-json/") == 0) && strcmp(rq->method, "GET") == 0) {
		site_index(st, rs);
		return;
	}
	wc_err(rs, 404, "rest_no_route",
	    "No route was found matching the URL and request method.");
}

/* ---------------------------------------------------------------- faults */

static void
nginx_page(struct resp *rs, unsigned status)
{
	const char *reason;
	struct wbuf b = WBUF_INIT;

	switch (status) {
	case 403: reason = "Forbidden"; break;
	case 429: reason = "Too Many Requests"; break;
	case 502: reason = "Bad Gateway"; break;
	case 503: reason = "Service Temporarily Unavailable"; break;
	case 504: reason = "Gateway Time-out"; break;
	default: reason = "Internal Server Error"; break;
	}
	wbuf_addf(&b, "<html>\r\n<head><title>%u %s</title></head>\r\n<body>\r\n"
	    "<center><h1>%u %s</h1></center>\r\n<hr><center>nginx</center>\r\n"
	    "</body>\r\n</html>\r\n", status, reason, status, reason);
	html(rs, status, wbuf_str(&b));
	rs->content_type = "text/html";
	wbuf_release(&b);
}

/*
 * What the shop's stack answers for an injected fault (rs->status is set):
 *   429/quota   the host's nginx or WAF, an HTML page (no JSON at all)
 *   503         WordPress' .maintenance page, HTML, Retry-After: 600
 *   404 off     REST switched off (permalinks, a security plugin): the
 *               theme's HTML 404 page where the JSON API was
 *   500         a PHP fatal inside a REST request: WordPress' fatal error
 *               handler dies with JSON "internal_server_error"
 *   502/504     PHP-FPM gone or too slow: nginx's page
 *   malformed   a PHP warning printed before the JSON (display_errors on)
 */
static void
woo_fault_body(void *ctx, enum fault_kind k, struct resp *rs)
{
	struct wbuf b = WBUF_INIT;
	unsigned status = rs->status;

	(void)ctx;
	switch (k) {
	case FAULT_RATE_LIMIT:
	case FAULT_QUOTA:
		nginx_page(rs, status ? status : 429);
		break;
	case FAULT_MAINTENANCE:
		html(rs, 503, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n"
		    "\t<meta http-equiv=\"Content-Type\" content=\"text/html; "
		    "charset=utf-8\" />\n\t<meta name=\"viewport\" content="
		    "\"width=device-width\">\n\t<title>Maintenance</title>\n"
		    "</head>\n<body id=\"error-page\">\n\t<div class=\"wp-die-"
		    "message\">Briefly unavailable for scheduled maintenance. "
		    "Check back in a minute.</div></body>\n</html>\n");
		resp_header(rs, "Retry-After", "600");
		break;
	case FAULT_REST_DISABLED:
		html(rs, 404, page_404);
		break;
	case FAULT_SERVER_ERROR:
		if (status == 500) {
			wbuf_reset(&rs->body);
			wbuf_adds(&rs->body, "{\"code\":\"internal_server_error\","
			    "\"message\":\"<p>There has been a critical error on "
			    "this website.<\\/p><p><a href=\\\"https:\\/\\/"
			    "wordpress.org\\/documentation\\/article\\/faq-"
			    "troubleshooting\\/\\\">Learn more about "
			    "troubleshooting WordPress.<\\/a><\\/p>\",\"data\":"
			    "{\"status\":500},\"additional_errors\":[]}");
			rs->content_type = NULL;
			rs->json_ok = 0;
		} else
			nginx_page(rs, status);
		break;
	case FAULT_MALFORMED:
		wbuf_adds(&b, "<br />\n<b>Warning</b>:  Undefined array key "
		    "\"attribute_pa_size\" in <b>/var/www/html/wp-content/"
		    "plugins/woo-extra-fields/includes/class-fields.php</b> on "
		    "line <b>214</b><br />\n");
		wbuf_add(&b, wbuf_str(&rs->body), rs->body.len);
		wbuf_reset(&rs->body);
		wbuf_add(&rs->body, wbuf_str(&b), b.len);
		rs->json_ok = 0;
		break;
	case FAULT_NONE:
		break;
	}
	wbuf_release(&b);
}

/* ---------------------------------------------------------------- ready */

static void
woo_ready(void *ctx, struct jw *w)
{
	struct woo *st = ctx;
	char url[96], zone[16];
	int z = st->zone < 0 ? -st->zone : st->zone;

	snprintf(url, sizeof(url), "%s/wp-json/wc/v3", st->emu->base);
	snprintf(zone, sizeof(zone), "%c%02d:%02d", st->zone < 0 ? '-' : '+',
	    z / 60, z % 60);
	jw_obj(w);
	jw_kstr(w, "base_url", url);
	jw_kstr(w, "site_url", st->emu->base);
	jw_kstr(w, "consumer_key", st->ck);
	jw_kstr(w, "consumer_secret", st->cs);
	jw_kstr(w, "read_only_consumer_key", st->ro_ck);
	jw_kstr(w, "read_only_consumer_secret", st->ro_cs);
	jw_kbool(w, "tls", st->emu->tls);
	/* over http WooCommerce only takes OAuth 1.0a; Basic needs https */
	jw_kstr(w, "auth", st->emu->tls ? "basic" : "oauth1");
	jw_kstr(w, "zone", zone);
	jw_obj_end(w);
}

/* ---------------------------------------------------------------- options */

static int
opt_num(json_t *v, const char *k, long lo, long hi, long *out,
    struct wbuf *err)
{
	if (json_is_boolean(v))
		*out = json_is_true(v);
	else if (json_is_integer(v))
		*out = (long)json_integer_value(v);
	else {
		wbuf_addf(err, "woocommerce option '%s' must be a number", k);
		return -1;
	}
	if (*out < lo || *out > hi) {
		wbuf_addf(err, "woocommerce option '%s' must be between %ld and "
		    "%ld", k, lo, hi);
		return -1;
	}
	return 0;
}

/*
 * Emulator options in POST /faults (returns 1 for a shared fault knob):
 *   created_window_s     a wp-admin save this soon after creation fires
 *                        "created", not "updated" (WooCommerce: 10)
 *   strict_urls          refuse delivery URLs as wp_http_validate_url()
 *   webhook_delay_ms     the background queue's lag before a delivery
 *   webhook_timeout_ms   delivery timeout (WooCommerce: 60 s)
 *   prices_include_tax, calc_taxes, currency   the shop's settings
 */
static int
woo_set_option(void *ctx, const char *k, json_t *v, struct wbuf *err)
{
	struct woo *st = ctx;
	long n;

	if (strcmp(k, "webhook_delay_ms") == 0 ||
	    strcmp(k, "webhook_timeout_ms") == 0) {
		if (opt_num(v, k, 0, 3600000, &n, err) < 0)
			return -1;
		if (strcmp(k, "webhook_delay_ms") == 0)
			deliverer_set(st->dl, -1, n);
		else
			deliverer_set(st->dl, n, -1);
		return 0;
	}
	if (strcmp(k, "currency") == 0) {
		if (!json_is_string(v) || json_string_length(v) != 3) {
			wbuf_addf(err, "woocommerce option 'currency' must be a "
			    "3-letter code");
			return -1;
		}
		pthread_rwlock_wrlock(&st->lock);
		setstr(&st->currency, json_string_value(v));
		pthread_rwlock_unlock(&st->lock);
		return 0;
	}
	if (strcmp(k, "created_window_s") != 0 && strcmp(k, "strict_urls") != 0 &&
	    strcmp(k, "prices_include_tax") != 0 &&
	    strcmp(k, "calc_taxes") != 0)
		return 1;
	if (opt_num(v, k, 0, strcmp(k, "created_window_s") == 0 ? 86400 : 1,
	    &n, err) < 0)
		return -1;
	pthread_rwlock_wrlock(&st->lock);
	if (strcmp(k, "created_window_s") == 0)
		st->created_window_s = n;
	else if (strcmp(k, "strict_urls") == 0)
		st->strict_urls = (int)n;
	else if (strcmp(k, "prices_include_tax") == 0)
		st->prices_include_tax = (int)n;
	else
		st->calc_taxes = (int)n;
	pthread_rwlock_unlock(&st->lock);
	return 0;
}

const struct emu_ops emu_woocommerce_ops = {
	.name = "woocommerce",
	.prefix = "/wp-json/wc/v3",
	.create = woo_create,
	.destroy = woo_destroy,
	.generate = woo_generate,
	.routes = woo_routes,
	.nroutes = NROUTES,
	.prepare = woo_prepare,
	.no_route = woo_no_route,
	.fault_body = woo_fault_body,
	.is_api_path = woo_is_api_path,
	.ready = woo_ready,
	.dump = woo_dump,
	.load = woo_load,
	.control = woo_control,
	.set_option = woo_set_option,
	.stop = woo_stop,
};
