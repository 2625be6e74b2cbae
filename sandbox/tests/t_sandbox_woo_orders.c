/*
 * t_sandbox_woo_orders.c - customers, orders (line items, statuses, stock,
 * notes, refunds, guest orders), coupons and list pagination of the
 * WooCommerce emulator, over HTTPS with Basic auth (--woo-tls), as the
 * tillsync connector drives them.
 *
 *	usage: t_sandbox_woo_orders /path/to/tillsync-sandbox
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tlib.h"

static struct tl_sandbox	 sb;
static const struct tl_emu	*woo;
static struct tl_resp		 last;	/* the last answer, for its headers */

/* one Basic request; fails unless status is want; returns the body */
static json_t *
call(const char *method, const char *path, const char *body, long want)
{
	tl_resp_free(&last);
	TL_EQ_INT(0, tl_emu_req(&last, woo, method, path, body, 0));
	if (last.status != want)
		fprintf(stderr, "%s %s: %ld %s\n", method, path, last.status,
		    last.body);
	TL_EQ_INT(want, last.status);
	return TL_JSON(&last);
}

/* checks and drops a WP_Error body; msg NULL: any message */
static void
want_error(json_t *j, const char *code, long status, const char *msg)
{
	TL_EQ_STR(code, tl_jstr(j, "code"));
	TL_EQ_INT(status, tl_jint(j, "data.status", -1));
	if (msg != NULL)
		TL_EQ_STR(msg, tl_jstr(j, "message"));
	json_decref(j);
}

static long
hdr_long(const char *name)
{
	const char *v = tl_header(&last, name);

	TL_CHECKM(v != NULL, name);
	return strtol(v, NULL, 10);
}

static int
has_id(json_t *j, long id)
{
	size_t i;

	for (i = 0; i < json_array_size(j); i++)
		if (tl_jint(json_array_get(j, i), "id", 0) == id)
			return 1;
	return 0;
}

/* path with one id, in a small rotating buffer */
static const char *
P(const char *fmt, long id)
{
	static char b[4][200];
	static int k;

	k = (k + 1) % 4;
	snprintf(b[k], sizeof(b[k]), fmt, id);
	return b[k];
}

/* ---------------------------------------------------------------- customers */

static long	ann;		/* a registered customer */

static void
test_customers(void)
{
	json_t *j;
	long meta;

	j = call("POST", "/customers", "{\"email\":\"ann.test@example.com\","
	    "\"first_name\":\"Ann\",\"last_name\":\"Test\",\"username\":"
	    "\"anntest\",\"billing\":{\"email\":\"ann.test@example.com\","
	    "\"phone\":\"0113 496 0000\",\"city\":\"Leeds\",\"postcode\":"
	    "\"LS1 1AA\",\"country\":\"GB\"},\"meta_data\":[{\"key\":"
	    "\"_loyalty_points\",\"value\":\"120\"}]}", 201);
	ann = tl_jint(j, "id", 0);
	TL_GT_INT(0, ann);
	TL_EQ_STR("ann.test@example.com", tl_jstr(j, "email"));
	TL_EQ_STR("customer", tl_jstr(j, "role"));
	TL_EQ_STR("anntest", tl_jstr(j, "username"));
	TL_EQ_STR("Leeds", tl_jstr(j, "billing.city"));
	TL_EQ_STR("0113 496 0000", tl_jstr(j, "billing.phone"));
	TL_CHECK(tl_jget(j, "shipping.email") == NULL);
	TL_EQ_INT(0, tl_jbool(j, "is_paying_customer"));
	TL_EQ_STR("_loyalty_points", tl_jstr(j, "meta_data.0.key"));
	TL_EQ_STR("120", tl_jstr(j, "meta_data.0.value"));
	meta = tl_jint(j, "meta_data.0.id", 0);
	TL_CHECK(tl_jstr(j, "date_created_gmt") != NULL);
	json_decref(j);

	/* e-mail is unique among WordPress users */
	want_error(call("POST", "/customers", "{\"email\":"
	    "\"ann.test@example.com\",\"first_name\":\"Other\"}", 400),
	    "registration-error-email-exists", 400, NULL);
	want_error(call("POST", "/customers", "{\"first_name\":\"No mail\"}",
	    400), "rest_missing_callback_param", 400, NULL);

	j = call("GET", "/customers?email=ann.test@example.com", NULL, 200);
	TL_EQ_INT(1, json_array_size(j));
	TL_EQ_INT(ann, tl_jint(j, "0.id", 0));
	TL_EQ_INT(1, hdr_long("X-WP-Total"));
	json_decref(j);
	j = call("GET", "/customers?email=nobody@example.com", NULL, 200);
	TL_EQ_INT(0, json_array_size(j));
	json_decref(j);
	j = call("GET", "/customers?search=ann.test&per_page=100", NULL, 200);
	TL_CHECK(has_id(j, ann));
	json_decref(j);

	/* the loyalty balance lives in meta_data: updated by key in place */
	j = call("PUT", P("/customers/%ld", ann), "{\"meta_data\":[{\"key\":"
	    "\"_loyalty_points\",\"value\":\"150\"}],\"billing\":{\"city\":"
	    "\"York\"}}", 200);
	TL_EQ_INT(1, tl_jlen(j, "meta_data"));
	TL_EQ_INT(meta, tl_jint(j, "meta_data.0.id", 0));
	TL_EQ_STR("150", tl_jstr(j, "meta_data.0.value"));
	TL_EQ_STR("York", tl_jstr(j, "billing.city"));
	TL_EQ_STR("LS1 1AA", tl_jstr(j, "billing.postcode"));
	json_decref(j);
	j = call("GET", P("/customers/%ld", ann), NULL, 200);
	TL_EQ_STR("150", tl_jstr(j, "meta_data.0.value"));
	json_decref(j);

	/* customers are never trashed */
	j = call("POST", "/customers", "{\"email\":\"bob.gone@example.com\"}",
	    201);
	{
		long bob = tl_jint(j, "id", 0);

		json_decref(j);
		want_error(call("DELETE", P("/customers/%ld", bob), NULL, 501),
		    "woocommerce_rest_trash_not_supported", 501, NULL);
		json_decref(call("DELETE", P("/customers/%ld?force=true", bob),
		    NULL, 200));
		want_error(call("GET", P("/customers/%ld", bob), NULL, 404),
		    "woocommerce_rest_invalid_id", 404, NULL);
		/* the address is free again */
		j = call("POST", "/customers",
		    "{\"email\":\"bob.gone@example.com\"}", 201);
		TL_NE_INT(bob, tl_jint(j, "id", 0));
		json_decref(j);
	}
	tl_ok("customers: create, e-mail unique and exact filter, loyalty "
	    "meta by key, force-only delete");
}

/* ---------------------------------------------------------------- orders */

static long	om;		/* a stocked product, 9.50 */
static long	guest, reg;	/* a guest order and Ann's order */

static long
stock_of(long id)
{
	json_t *j = call("GET", P("/products/%ld", id), NULL, 200);
	long n = tl_jint(j, "stock_quantity", -1);

	json_decref(j);
	return n;
}

static void
test_order_create(void)
{
	char body[512];
	json_t *j;

	j = call("POST", "/products", "{\"name\":\"Order Mug\",\"sku\":"
	    "\"T-OM\",\"regular_price\":\"9.50\",\"manage_stock\":true,"
	    "\"stock_quantity\":10}", 201);
	om = tl_jint(j, "id", 0);
	json_decref(j);

	/* a paid guest order (customer_id 0) from the till */
	snprintf(body, sizeof(body), "{\"status\":\"processing\","
	    "\"customer_id\":0,\"billing\":{\"first_name\":\"Guest\","
	    "\"email\":\"guest@example.com\"},\"line_items\":[{\"product_id\":"
	    "%ld,\"quantity\":2}],\"meta_data\":[{\"key\":\"_tillsync_ref\","
	    "\"value\":\"till-42\"}]}", om);
	j = call("POST", "/orders", body, 201);
	guest = tl_jint(j, "id", 0);
	TL_GT_INT(0, guest);
	TL_HAS_STR(P("/wp-json/wc/v3/orders/%ld", guest),
	    tl_header(&last, "Location"));
	TL_EQ_STR("processing", tl_jstr(j, "status"));
	TL_EQ_INT(0, tl_jint(j, "customer_id", -1));
	TL_EQ_STR("guest@example.com", tl_jstr(j, "billing.email"));
	TL_EQ_STR("GBP", tl_jstr(j, "currency"));
	TL_EQ_INT(guest, strtol(tl_jstr(j, "number"), NULL, 10));
	TL_EQ_INT(1, tl_jlen(j, "line_items"));
	TL_EQ_INT(om, tl_jint(j, "line_items.0.product_id", 0));
	TL_EQ_STR("T-OM", tl_jstr(j, "line_items.0.sku"));
	TL_EQ_STR("Order Mug", tl_jstr(j, "line_items.0.name"));
	TL_EQ_INT(2, tl_jint(j, "line_items.0.quantity", 0));
	TL_EQ_STR("19.00", tl_jstr(j, "line_items.0.subtotal"));
	TL_EQ_STR("19.00", tl_jstr(j, "line_items.0.total"));
	/* the one number among the money: a PHP float */
	TL_CHECK(json_is_number(tl_jget(j, "line_items.0.price")));
	TL_GE_DBL(9.4999, tl_jnum(j, "line_items.0.price", 0));
	TL_LE_DBL(9.5001, tl_jnum(j, "line_items.0.price", 0));
	TL_EQ_STR("19.00", tl_jstr(j, "total"));
	TL_EQ_STR("0.00", tl_jstr(j, "total_tax"));
	TL_EQ_STR("till-42", tl_jstr(j, "meta_data.0.value"));
	TL_CHECK(tl_jstr(j, "date_paid_gmt") != NULL);
	json_decref(j);
	/* processing takes the stock */
	TL_EQ_INT(8, stock_of(om));

	/* a pending order with shipping: no stock taken yet */
	snprintf(body, sizeof(body), "{\"customer_id\":%ld,\"line_items\":["
	    "{\"product_id\":%ld,\"quantity\":1}],\"shipping_lines\":[{"
	    "\"method_id\":\"flat_rate\",\"method_title\":\"Flat rate\","
	    "\"total\":\"3.50\"}]}", ann, om);
	j = call("POST", "/orders", body, 201);
	reg = tl_jint(j, "id", 0);
	TL_EQ_STR("pending", tl_jstr(j, "status"));
	TL_EQ_INT(ann, tl_jint(j, "customer_id", 0));
	TL_EQ_STR("3.50", tl_jstr(j, "shipping_total"));
	TL_EQ_STR("13.00", tl_jstr(j, "total"));
	TL_CHECK(json_is_null(tl_jget(j, "date_paid_gmt")));
	json_decref(j);
	TL_EQ_INT(8, stock_of(om));

	snprintf(body, sizeof(body), "{\"customer_id\":99999999,\"line_items\":"
	    "[{\"product_id\":%ld,\"quantity\":1}]}", om);
	want_error(call("POST", "/orders", body, 400),
	    "woocommerce_rest_invalid_customer_id", 400, NULL);
	snprintf(body, sizeof(body), "{\"line_items\":[{\"product_id\":%ld,"
	    "\"quantity\":1,\"total\":9.5}]}", om);
	want_error(call("POST", "/orders", body, 400), "rest_invalid_param",
	    400, NULL);
	want_error(call("GET", "/orders/99999999", NULL, 404),
	    "woocommerce_rest_shop_order_invalid_id", 404, "Invalid ID.");
	tl_ok("orders: guest and registered, string totals, float price, "
	    "stock taken on processing");
}

static void
test_order_update(void)
{
	char q[256], before[32];
	json_t *j;

	j = call("GET", "/orders?status=processing&per_page=100", NULL, 200);
	TL_CHECK(has_id(j, guest));
	TL_CHECK(!has_id(j, reg));
	json_decref(j);
	j = call("GET", P("/orders?customer=%ld", ann), NULL, 200);
	TL_EQ_INT(1, json_array_size(j));
	TL_EQ_INT(reg, tl_jint(j, "0.id", 0));
	json_decref(j);

	j = call("GET", P("/orders/%ld", reg), NULL, 200);
	snprintf(before, sizeof(before), "%s", tl_jstr(j, "date_modified_gmt"));
	json_decref(j);
	tl_sleep_ms(1100);
	j = call("PUT", P("/orders/%ld", reg), "{\"status\":\"completed\","
	    "\"meta_data\":[{\"key\":\"_a\",\"value\":\"1\"},{\"key\":"
	    "\"_b\",\"value\":null}]}", 200);
	TL_EQ_INT(1, tl_jlen(j, "meta_data"));
	TL_EQ_STR("_a", tl_jstr(j, "meta_data.0.key"));
	TL_EQ_STR("completed", tl_jstr(j, "status"));
	TL_CHECK(tl_jstr(j, "date_completed_gmt") != NULL);
	TL_CHECK(tl_jstr(j, "date_paid_gmt") != NULL);
	json_decref(j);
	TL_EQ_INT(7, stock_of(om));
	j = call("GET", P("/customers/%ld", ann), NULL, 200);
	TL_EQ_INT(1, tl_jbool(j, "is_paying_customer"));
	json_decref(j);

	/* what changed since: the completed order, not the guest one */
	snprintf(q, sizeof(q), "/orders?per_page=100&dates_are_gmt=true&"
	    "modified_after=%s", before);
	j = call("GET", q, NULL, 200);
	TL_CHECK(has_id(j, reg));
	TL_CHECK(!has_id(j, guest));
	json_decref(j);
	snprintf(q, sizeof(q), "/orders?per_page=100&status=completed&"
	    "dates_are_gmt=true&modified_after=%s", before);
	j = call("GET", q, NULL, 200);
	TL_EQ_INT(1, json_array_size(j));
	json_decref(j);
	want_error(call("PUT", P("/orders/%ld", reg), "{\"status\":"
	    "\"shipped\"}", 400), "rest_invalid_param", 400, NULL);

	/* notes: ours and the status change WooCommerce wrote */
	j = call("POST", P("/orders/%ld/notes", reg), "{\"note\":\"Picked up "
	    "at the till\",\"customer_note\":false}", 201);
	TL_EQ_STR("Picked up at the till", tl_jstr(j, "note"));
	TL_EQ_INT(0, tl_jbool(j, "customer_note"));
	{
		long nid = tl_jint(j, "id", 0);
		size_t i;
		int seen = 0;

		json_decref(j);
		j = call("GET", P("/orders/%ld/notes", reg), NULL, 200);
		TL_CHECK(has_id(j, nid));
		for (i = 0; i < json_array_size(j); i++)
			seen |= strstr(tl_jstr(json_array_get(j, i), "note"),
			    "Order status changed from") != NULL;
		TL_CHECK(seen);
		json_decref(j);
		snprintf(q, sizeof(q), "/orders/%ld/notes/%ld?force=true", reg,
		    nid);
		json_decref(call("DELETE", q, NULL, 200));
		want_error(call("GET", q, NULL, 404),
		    "woocommerce_rest_invalid_id", 404, NULL);
	}
	tl_ok("order status update: paid/completed dates, stock, paying "
	    "customer, modified_after, notes");
}

static void
test_refunds(void)
{
	json_t *j;
	long rid;

	/* no gateway behind a till order: the money goes back by hand */
	j = call("POST", P("/orders/%ld/refunds", guest), "{\"amount\":"
	    "\"5.00\",\"reason\":\"chipped\"}", 500);
	want_error(j, "woocommerce_rest_cannot_create_order_refund", 500,
	    NULL);
	j = call("POST", P("/orders/%ld/refunds", guest), "{\"amount\":"
	    "\"5.00\",\"reason\":\"chipped\",\"api_refund\":false}", 201);
	rid = tl_jint(j, "id", 0);
	TL_GT_INT(0, rid);
	TL_EQ_STR("5.00", tl_jstr(j, "amount"));
	TL_EQ_STR("chipped", tl_jstr(j, "reason"));
	json_decref(j);
	j = call("GET", P("/orders/%ld", guest), NULL, 200);
	TL_EQ_STR("processing", tl_jstr(j, "status"));
	TL_EQ_INT(rid, tl_jint(j, "refunds.0.id", 0));
	TL_EQ_STR("-5.00", tl_jstr(j, "refunds.0.total"));
	TL_EQ_STR("19.00", tl_jstr(j, "total"));
	json_decref(j);
	json_decref(call("GET", P("/orders/%ld/refunds", guest), NULL, 200));
	TL_EQ_INT(1, hdr_long("X-WP-Total"));

	/* more than is left: refused, nothing recorded */
	j = call("POST", P("/orders/%ld/refunds", guest), "{\"amount\":"
	    "\"14.01\",\"api_refund\":false}", 500);
	want_error(j, "woocommerce_rest_cannot_create_order_refund", 500,
	    "Invalid refund amount.");
	/* the rest: the order becomes refunded */
	json_decref(call("POST", P("/orders/%ld/refunds", guest),
	    "{\"amount\":\"14.00\",\"api_refund\":false}", 201));
	j = call("GET", P("/orders/%ld", guest), NULL, 200);
	TL_EQ_STR("refunded", tl_jstr(j, "status"));
	TL_EQ_INT(2, tl_jlen(j, "refunds"));
	json_decref(j);
	tl_ok("refunds: partial, over-refund refused, full refund sets "
	    "refunded");
}

static void
test_order_delete(void)
{
	json_t *j;

	j = call("DELETE", P("/orders/%ld", reg), NULL, 200);
	TL_EQ_INT(reg, tl_jint(j, "id", 0));
	json_decref(j);
	j = call("GET", "/orders?status=trash&per_page=100", NULL, 200);
	TL_CHECK(has_id(j, reg));
	json_decref(j);
	j = call("GET", "/orders?per_page=100", NULL, 200);
	TL_CHECK(!has_id(j, reg));
	json_decref(j);
	json_decref(call("DELETE", P("/orders/%ld?force=true", reg), NULL,
	    200));
	want_error(call("GET", P("/orders/%ld", reg), NULL, 404),
	    "woocommerce_rest_shop_order_invalid_id", 404, NULL);
	tl_ok("order delete: trash, then force");
}

/* ---------------------------------------------------------------- coupons */

static void
test_coupons(void)
{
	json_t *j;
	long id;

	j = call("POST", "/coupons", "{\"code\":\"Save10\",\"discount_type\":"
	    "\"percent\",\"amount\":\"10\",\"individual_use\":true,"
	    "\"usage_limit\":5,\"email_restrictions\":[\"ann.test@example.com\"]"
	    "}", 201);
	id = tl_jint(j, "id", 0);
	TL_GT_INT(0, id);
	TL_EQ_STR("save10", tl_jstr(j, "code"));
	TL_EQ_STR("percent", tl_jstr(j, "discount_type"));
	TL_EQ_STR("10.00", tl_jstr(j, "amount"));
	TL_EQ_INT(1, tl_jbool(j, "individual_use"));
	TL_EQ_INT(5, tl_jint(j, "usage_limit", 0));
	TL_EQ_STR("ann.test@example.com", tl_jstr(j, "email_restrictions.0"));
	json_decref(j);
	want_error(call("POST", "/coupons", "{\"code\":\"SAVE10\"}", 400),
	    "woocommerce_rest_coupon_code_already_exists", 400, NULL);
	want_error(call("POST", "/coupons", "{\"code\":\"x\",\"amount\":10}",
	    400), "rest_invalid_param", 400, NULL);
	want_error(call("POST", "/coupons", "{\"code\":\"y\",\"discount_type\":"
	    "\"half_off\"}", 400), "rest_invalid_param", 400, NULL);

	j = call("GET", "/coupons?code=save10", NULL, 200);
	TL_EQ_INT(1, json_array_size(j));
	TL_EQ_INT(id, tl_jint(j, "0.id", 0));
	json_decref(j);
	j = call("PUT", P("/coupons/%ld", id), "{\"amount\":\"15\"}", 200);
	TL_EQ_STR("15.00", tl_jstr(j, "amount"));
	json_decref(j);
	json_decref(call("DELETE", P("/coupons/%ld?force=true", id), NULL,
	    200));
	want_error(call("GET", P("/coupons/%ld", id), NULL, 404),
	    "woocommerce_rest_shop_coupon_invalid_id", 404, NULL);
	j = call("GET", "/coupons?code=save10", NULL, 200);
	TL_EQ_INT(0, json_array_size(j));
	json_decref(j);
	tl_ok("coupons: code lower-cased and unique, amount as string, "
	    "code filter, delete");
}

/* ---------------------------------------------------------------- lists */

/* every Link header of the last answer, joined ("" when none) */
static const char *
links(void)
{
	static char b[4096];
	size_t n = 0;
	int i;

	b[0] = '\0';
	for (i = 0; i < last.nhdr; i++)
		if (strcasecmp(last.hname[i], "Link") == 0)
			n += (size_t)snprintf(b + n, sizeof(b) - n, "%s%s",
			    n ? ", " : "", last.hval[i]);
	return b;
}

/*
 * Walks a list page by page in id order and checks the headers: X-WP-Total
 * and X-WP-TotalPages agree with what the pages hold, ids ascend without
 * gaps or repeats across pages, and Link has next/prev where it should.
 */
static long
walk(const char *list, int per_page)
{
	char path[256];
	long total = -1, pages = -1, seen = 0, prev_id = 0, page;
	const char *link;
	json_t *j;
	size_t i;

	for (page = 1;; page++) {
		snprintf(path, sizeof(path), "%s?orderby=id&order=asc&"
		    "per_page=%d&page=%ld", list, per_page, page);
		j = call("GET", path, NULL, 200);
		if (total < 0) {
			total = hdr_long("X-WP-Total");
			pages = hdr_long("X-WP-TotalPages");
			TL_EQ_INT((total + per_page - 1) / per_page, pages);
		}
		TL_EQ_INT(total, hdr_long("X-WP-Total"));
		link = links();
		if (page < pages) {
			TL_EQ_INT(per_page, json_array_size(j));
			TL_HAS_STR("rel=\"next\"", link);
		} else if (page == pages)
			TL_CHECK(strstr(link, "rel=\"next\"") == NULL);
		if (page > 1 && page <= pages)
			TL_HAS_STR("rel=\"prev\"", link);
		for (i = 0; i < json_array_size(j); i++) {
			long id = tl_jint(json_array_get(j, i), "id", 0);

			TL_GT_INT(prev_id, id);
			prev_id = id;
			seen++;
		}
		if (page > pages) {
			/* past the end: 200 and an empty page */
			TL_EQ_INT(0, json_array_size(j));
			json_decref(j);
			break;
		}
		json_decref(j);
	}
	TL_EQ_INT(total, seen);
	return total;
}

static void
test_pagination(void)
{
	json_t *j;

	/* 44 generated + Order Mug; 3 + the guest order; 4 + Ann + Bob 2 */
	TL_EQ_INT(45, walk("/products", 7));
	TL_EQ_INT(4, walk("/orders", 2));
	TL_EQ_INT(6, walk("/customers", 4));
	j = call("GET", "/products?per_page=100", NULL, 200);
	TL_EQ_INT(45, json_array_size(j));
	json_decref(j);

	j = call("GET", "/products?per_page=101", NULL, 400);
	TL_CHECK(tl_jget(j, "data.params.per_page") != NULL);
	TL_EQ_STR("rest_out_of_bounds", tl_jstr(j,
	    "data.details.per_page.code"));
	want_error(j, "rest_invalid_param", 400,
	    "Invalid parameter(s): per_page");
	want_error(call("GET", "/orders?per_page=0", NULL, 400),
	    "rest_invalid_param", 400, NULL);
	want_error(call("GET", "/customers?page=0", NULL, 400),
	    "rest_invalid_param", 400, NULL);
	want_error(call("GET", "/products?per_page=ten", NULL, 400),
	    "rest_invalid_param", 400, NULL);
	tl_ok("pagination: X-WP-Total, X-WP-TotalPages, Link, past the end, "
	    "per_page 1..100");
}

int
main(int argc, char **argv)
{
	static const char *const args[] = { "--woo-tls", "--seed", "9",
	    "--products", "44", "--customers", "4", "--orders", "3", NULL };

	if (argc < 2) {
		fprintf(stderr, "usage: %s tillsync-sandbox\n", argv[0]);
		return 2;
	}
	tl_start(&sb, argv[1], args);
	woo = tl_emu(&sb, "woocommerce");
	TL_CHECK(woo != NULL && woo->tls);
	test_customers();
	test_order_create();
	test_order_update();
	test_refunds();
	test_order_delete();
	test_coupons();
	test_pagination();
	tl_resp_free(&last);
	TL_EQ_INT(0, tl_stop(&sb));
	tl_sandbox_free(&sb);
	return 0;
}
