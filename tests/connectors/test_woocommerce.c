/*
 * test_woocommerce.c: the WooCommerce connector against the sandbox's
 * WooCommerce emulator (a real child process: $SANDBOX), plus its JSON
 * mapping on canned bodies.
 *
 * The sandbox child and the tests' own requests to it are tsandbox.c's; the
 * tests drive the sandbox through the connector, check what landed with
 * their own signed requests or the control endpoint, and switch faults on
 * and off through the control endpoint. Without $SANDBOX the live tests skip.
 * The catalog operations are tested in test_wc_catalog.c.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "tsandbox.h"

#include "connectors/connector.h"
#include "connectors/woocommerce/wc_json.h"

extern const struct connector_ops woocommerce_connector;

/* 150 customers and 130 orders: two pages of each at 100 a page */
static int
setup(void **state)
{
	static const char *const args[] = { "--seed", "7", "--products", "30", "--customers", "150", "--orders",
					     "130", NULL };

	return sandbox_start(args);
}

static int
teardown(void **state)
{
	return sandbox_stop();
}

/* --- offline: the JSON mapping -------------------------------------------- */

static void
test_wc__open_refuses_bad_credentials(void **state)
{
	struct remote_error re;
	struct connector *c = NULL;

	remote_error_init(&re);
	assert_int_equal(woocommerce_connector.open(&c, "http://x", "not json", &re), REMOTE_AUTH);
	assert_non_null(strstr(re.message.buf, "\"key\""));
	assert_int_equal(woocommerce_connector.open(&c, "http://x", "{\"user\":\"a\",\"password\":\"b\"}", &re),
			 REMOTE_AUTH);
	assert_int_equal(woocommerce_connector.open(&c, "http://x", "{\"key\":\"cs_1\",\"secret\":\"ck_1\"}", &re),
			 REMOTE_AUTH);
	assert_non_null(strstr(re.message.buf, "swapped"));
	assert_null(strstr(re.message.buf, "cs_1"));   /* never echo a secret */
	assert_int_equal(woocommerce_connector.open(&c, "ftp://x", "{\"key\":\"ck_1\",\"secret\":\"cs_1\"}", &re),
			 REMOTE_REFUSED);
	assert_int_equal(woocommerce_connector.open(&c, "http://x/?a=1", "{\"key\":\"ck_1\",\"secret\":\"cs_1\"}", &re),
			 REMOTE_REFUSED);
	assert_null(c);
	/* every spelling of the site URL is accepted */
	c = open_with("https://shop.example/wp-json/wc/v3/", "{\"key\":\"ck_1\",\"secret\":\"cs_1\"}");
	woocommerce_connector.close(c);
	c = open_with("http://shop.example/", "{\"key\":\"ck_1\",\"secret\":\"cs_1\"}");
	woocommerce_connector.close(c);
	remote_error_release(&re);
}

static void
test_wc__order_mapping(void **state)
{
	struct sbuf err = SBUF_INIT;
	struct order o;
	json_t *j = loads(
		"{\"id\":727,\"number\":\"727\",\"status\":\"refunded\",\"currency\":\"GBP\",\"customer_id\":0,"
		"\"date_created\":\"2024-03-01T11:00:00\",\"date_created_gmt\":\"2024-03-01T10:00:00\","
		"\"date_modified_gmt\":\"2024-03-02T10:00:01\",\"total\":\"35.00\",\"total_tax\":\"5.83\","
		"\"billing\":{\"email\":\"guest@example.com\",\"first_name\":\"Ann\",\"last_name\":\"Lee\",\"phone\":\"07\"},"
		"\"refunds\":[{\"id\":730,\"total\":\"-5.00\"},{\"id\":731,\"total\":\"-0.50\"}],"
		"\"unknown_field\":{\"nested\":[1,2]},"
		"\"line_items\":[{\"id\":1,\"name\":\"Mug\",\"product_id\":93,\"variation_id\":0,\"quantity\":3,"
		"\"subtotal\":\"10.00\",\"total\":\"9.00\",\"sku\":\"MUG-1\",\"price\":3.3333333333333335},"
		"{\"id\":2,\"name\":\"Tee L\",\"product_id\":22,\"variation_id\":24,\"quantity\":2,"
		"\"total\":\"20.00\",\"sku\":\"TEE-L\",\"price\":10}]}");

	assert_int_equal(wc_order_from_json(j, &o, &err), 0);
	assert_string_equal(o.id, "727");
	assert_string_equal(o.customer_id, "");   /* a guest */
	assert_string_equal(o.email, "guest@example.com");
	assert_string_equal(o.status, "refunded");
	assert_int_equal(o.total.units, money_of("35").units);
	assert_int_equal(o.total_tax.units, money_of("5.83").units);
	assert_int_equal(o.refunded.units, money_of("5.50").units);   /* positive sum */
	assert_int_equal(o.created_at, INT64_C(1709287200000));        /* the _gmt twin, as UTC */
	assert_int_equal(o.modified_at, INT64_C(1709373601000));
	assert_int_equal(o.nlines, 2);
	assert_string_equal(o.lines[0].product_id, "93");
	assert_string_equal(o.lines[0].variation_id, "");
	assert_int_equal(o.lines[0].quantity, 3);
	assert_int_equal(o.lines[0].unit_price.units, 33333);   /* 10.00 / 3, exact and rounded, no double */
	assert_int_equal(o.lines[0].total.units, money_of("9").units);
	assert_string_equal(o.lines[1].variation_id, "24");
	assert_int_equal(o.lines[1].unit_price.units, money_of("10").units);   /* price, when no subtotal */
	order_release(&o);
	assert_null(o.lines);
	json_decref(j);

	j = loads("{\"number\":\"1\",\"total\":\"1.00\"}");
	assert_int_equal(wc_order_from_json(j, &o, &err), -1);
	assert_non_null(strstr(err.buf, "'id'"));
	json_decref(j);
	j = loads("{\"id\":5,\"total\":\"1.00\",\"line_items\":[{\"product_id\":1,\"total\":\"1.00\"}]}");
	assert_int_equal(wc_order_from_json(j, &o, &err), -1);
	assert_non_null(strstr(err.buf, "'quantity'"));
	assert_null(o.lines);
	json_decref(j);
	j = loads("{\"id\":5,\"total\":\"a lot\"}");
	assert_int_equal(wc_order_from_json(j, &o, &err), -1);
	assert_non_null(strstr(err.buf, "'total'"));
	json_decref(j);
	sbuf_release(&err);
}

static void
test_wc__customer_mapping_truncates_safely(void **state)
{
	struct sbuf err = SBUF_INIT;
	struct customer cu;
	char big[400], body[600];
	json_t *j;

	/* 'é' is two bytes: 127 bytes of room must not end in half of one */
	memset(big, 0, sizeof(big));
	for (size_t i = 0; i < 150; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	snprintf(body, sizeof(body), "{\"id\":\"12\",\"email\":\"a@b.c\",\"first_name\":\"%s\",\"billing\":{\"phone\":\"1\"},"
		 "\"date_modified_gmt\":null}", big);
	j = loads(body);
	assert_int_equal(wc_customer_from_json(j, &cu, &err), 0);
	assert_string_equal(cu.id, "12");
	assert_int_equal(strlen(cu.first_name), 126);
	assert_string_equal(cu.phone, "1");
	assert_int_equal(cu.has_points, 0);
	assert_int_equal(cu.modified_at, 0);
	json_decref(j);
	j = loads("{\"id\":\"12abc\"}");
	assert_int_equal(wc_customer_from_json(j, &cu, &err), -1);
	json_decref(j);
	sbuf_release(&err);
}

static void
test_wc__dates_and_update_body(void **state)
{
	struct sbuf err = SBUF_INIT;
	struct customer_update u = { 0 };
	char buf[32], *text;
	int64_t ms;
	json_t *j;

	assert_int_equal(wc_parse_gmt("2024-02-29T23:59:59", &ms), 0);
	wc_format_gmt(ms + 999, buf, sizeof(buf));   /* floored to the second */
	assert_string_equal(buf, "2024-02-29T23:59:59");
	assert_int_equal(wc_parse_gmt("2024-02-29 23:59:59", &ms), -1);
	assert_int_equal(wc_parse_gmt("2024-02-29T23:59:59+01:00", &ms), -1);

	u.set_points = 1;
	u.points = 1234;
	assert_null(wc_customer_update_json(&u, &err));   /* no meta key */
	u.points_key = "loyalty_points";
	u.set_type = 1;
	u.type_name = "Trade";
	j = wc_customer_update_json(&u, &err);
	assert_non_null(j);
	text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, "{\"meta_data\":[{\"key\":\"loyalty_points\",\"value\":\"1234\"},"
				  "{\"key\":\"_tillsync_customer_type\",\"value\":\"Trade\"}]}");
	free(text);
	json_decref(j);
	sbuf_release(&err);
}

/* --- live: authentication and test() ------------------------------------- */

static void
test_wc__oauth_accepted_and_test_ok(void **state)
{
	struct remote_error re;
	struct connector *c;

	NEED_SANDBOX();
	remote_error_init(&re);
	c = open_sandbox();
	if (woocommerce_connector.test(c, &re) != REMOTE_OK)
		fail_msg("test: %s", re.message.buf);
	woocommerce_connector.close(c);
	remote_error_release(&re);
}

static void
test_wc__wrong_secret_and_unknown_key(void **state)
{
	struct remote_error re;
	struct connector *c;
	struct customer cu;
	char creds[256];

	NEED_SANDBOX();
	remote_error_init(&re);
	snprintf(creds, sizeof(creds), "{\"key\":\"%s\",\"secret\":\"cs_0000000000000000000000000000000000000000\"}",
		 sb.key);
	c = open_with(sb.woo, creds);
	assert_int_equal(woocommerce_connector.test(c, &re), REMOTE_AUTH);
	assert_non_null(strstr(re.message.buf, "secret"));
	assert_null(strstr(re.message.buf, "cs_0000"));
	assert_int_equal(woocommerce_connector.customer_get(c, "1", &cu, &re), REMOTE_AUTH);
	assert_int_equal(re.http_status, 401);
	woocommerce_connector.close(c);

	snprintf(creds, sizeof(creds), "{\"key\":\"ck_0000000000000000000000000000000000000000\",\"secret\":\"%s\"}",
		 sb.secret);
	c = open_with(sb.woo, creds);
	assert_int_equal(woocommerce_connector.test(c, &re), REMOTE_AUTH);
	assert_non_null(strstr(re.message.buf, "does not know this consumer key"));
	woocommerce_connector.close(c);
	remote_error_release(&re);
}

static void
test_wc__read_only_key(void **state)
{
	struct remote_error re;
	struct connector *c;
	char creds[256];

	NEED_SANDBOX();
	remote_error_init(&re);
	if (sb.ro_key[0]) {
		snprintf(creds, sizeof(creds), "{\"key\":\"%s\",\"secret\":\"%s\"}", sb.ro_key, sb.ro_secret);
		c = open_with(sb.woo, creds);
		assert_int_equal(woocommerce_connector.test(c, &re), REMOTE_AUTH);
		assert_non_null(strstr(re.message.buf, "read-only"));
		woocommerce_connector.close(c);
	}
	/* the same, with the main key made read-only by the fault layer */
	faults("\"read_only_key\":1");
	c = open_sandbox();
	assert_int_equal(woocommerce_connector.test(c, &re), REMOTE_AUTH);
	assert_non_null(strstr(re.message.buf, "read-only"));
	faults_off();
	assert_int_equal(woocommerce_connector.test(c, &re), REMOTE_OK);
	woocommerce_connector.close(c);
	remote_error_release(&re);
}

static void
test_wc__unreachable_maintenance_disabled(void **state)
{
	struct remote_error re;
	struct connector *c;
	struct customer cu;

	NEED_SANDBOX();
	remote_error_init(&re);
	c = open_with("http://127.0.0.1:9", sb.creds);   /* the discard port: nobody listens */
	assert_int_equal(woocommerce_connector.test(c, &re), REMOTE_TEMPORARY);
	assert_non_null(strstr(re.message.buf, "cannot reach"));
	woocommerce_connector.close(c);

	c = open_sandbox();
	faults("\"maintenance\":1");
	assert_int_equal(woocommerce_connector.test(c, &re), REMOTE_TEMPORARY);
	assert_non_null(strstr(re.message.buf, "maintenance"));
	assert_int_equal(woocommerce_connector.customer_get(c, "1", &cu, &re), REMOTE_TEMPORARY);
	assert_int_equal(re.http_status, 503);
	assert_true(re.retry_after_ms > 0);
	faults_off();

	faults("\"rest_disabled\":1");
	assert_int_equal(woocommerce_connector.test(c, &re), REMOTE_NOT_FOUND);
	assert_non_null(strstr(re.message.buf, "REST API"));
	faults_off();
	woocommerce_connector.close(c);
	remote_error_release(&re);
}

/* An order that exists, so a spoiled answer is a 200 and not a 404. */
static const char *
some_order_id(void)
{
	static char id[32];
	json_t *j = NULL;

	assert_int_equal(woo("GET", "/orders?per_page=1", NULL, &j), 200);
	assert_true(json_array_size(j) > 0);
	snprintf(id, sizeof(id), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(json_array_get(j, 0), "id")));
	json_decref(j);
	return id;
}

static void
test_wc__rate_limit_5xx_malformed(void **state)
{
	struct remote_error re;
	struct connector *c;
	struct customer cu;
	struct order o;
	const char *oid;

	NEED_SANDBOX();
	remote_error_init(&re);
	c = open_sandbox();
	oid = some_order_id();
	faults("\"rate_limit\":{\"requests\":1,\"window_ms\":60000,\"retry_after\":7}");
	(void)woocommerce_connector.customer_get(c, "1", &cu, &re);   /* uses the one request */
	assert_int_equal(woocommerce_connector.customer_get(c, "1", &cu, &re), REMOTE_TEMPORARY);
	assert_int_equal(re.http_status, 429);
	assert_int_equal(re.retry_after_ms, 7000);
	faults_off();

	faults("\"error_rate\":1,\"error_status\":500");
	assert_int_equal(woocommerce_connector.order_get(c, oid, &o, &re), REMOTE_TEMPORARY);
	assert_int_equal(re.http_status, 500);
	faults_off();

	faults("\"malformed\":1");
	assert_int_equal(woocommerce_connector.order_get(c, oid, &o, &re), REMOTE_BAD_ANSWER);
	assert_null(o.lines);
	faults_off();
	woocommerce_connector.close(c);
	remote_error_release(&re);
}

/* --- live: customers ------------------------------------------------------ */

static const char *
meta_value(const json_t *cust, const char *key)
{
	const json_t *m;
	size_t i;

	json_array_foreach(json_object_get(cust, "meta_data"), i, m)
		if (json_is_string(json_object_get(m, "key")) &&
		    strcmp(json_string_value(json_object_get(m, "key")), key) == 0)
			return json_string_value(json_object_get(m, "value"));
	return NULL;
}

static void
test_wc__customers(void **state)
{
	struct remote_error re;
	struct customer in = { 0 }, out, got, *list = NULL;
	struct customer_update u = { 0 };
	struct change_page pg = { 1, 0, 0 };
	struct connector *c;
	char path[256];
	size_t n = 0, total = 0;
	json_t *j = NULL;

	NEED_SANDBOX();
	remote_error_init(&re);
	c = open_sandbox();
	snprintf(in.email, sizeof(in.email), "new.customer.%ld@example.com", (long)getpid());
	snprintf(in.first_name, sizeof(in.first_name), "Zoë");
	snprintf(in.last_name, sizeof(in.last_name), "Kent");
	snprintf(in.phone, sizeof(in.phone), "+44 7700 900123");
	if (woocommerce_connector.customer_create(c, &in, &out, &re) != REMOTE_OK)
		fail_msg("customer_create: %s", re.message.buf);
	assert_true(out.id[0]);
	assert_string_equal(out.email, in.email);
	assert_string_equal(out.first_name, "Zoë");
	assert_string_equal(out.phone, in.phone);

	/* the same email again: WooCommerce refuses, in its own words */
	assert_int_equal(woocommerce_connector.customer_create(c, &in, &got, &re), REMOTE_REFUSED);
	assert_int_equal(re.http_status, 400);
	assert_non_null(strstr(re.message.buf, "email"));

	assert_int_equal(woocommerce_connector.customers_by_email(c, in.email, &list, &n, &re), REMOTE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].id, out.id);
	free(list);
	list = NULL;
	/* no match is an answer, not an error (connector.h) */
	assert_int_equal(woocommerce_connector.customers_by_email(c, "nobody@example.com", &list, &n, &re),
			 REMOTE_OK);
	assert_int_equal(n, 0);
	assert_null(list);

	assert_int_equal(woocommerce_connector.customer_get(c, out.id, &got, &re), REMOTE_OK);
	assert_string_equal(got.email, in.email);
	assert_int_equal(woocommerce_connector.customer_get(c, "99999999", &got, &re), REMOTE_NOT_FOUND);
	assert_int_equal(woocommerce_connector.customer_get(c, "1/../2", &got, &re), REMOTE_NOT_FOUND);

	/* points go into the configured meta key as text, the type into ours */
	u.set_points = 1;
	u.points = 250;
	u.points_key = "tillsync_points";
	if (woocommerce_connector.customer_update(c, out.id, &u, &re) != REMOTE_OK)
		fail_msg("customer_update: %s", re.message.buf);
	snprintf(path, sizeof(path), "/customers/%s", out.id);
	assert_int_equal(woo("GET", path, NULL, &j), 200);
	assert_non_null(meta_value(j, "tillsync_points"));
	assert_string_equal(meta_value(j, "tillsync_points"), "250");
	assert_null(meta_value(j, WC_META_CUSTOMER_TYPE));   /* only what was asked */
	json_decref(j);
	memset(&u, 0, sizeof(u));
	u.set_type = 1;
	u.type_name = "Trade";
	assert_int_equal(woocommerce_connector.customer_update(c, out.id, &u, &re), REMOTE_OK);
	assert_int_equal(woo("GET", path, NULL, &j), 200);
	assert_string_equal(meta_value(j, WC_META_CUSTOMER_TYPE), "Trade");
	assert_string_equal(meta_value(j, "tillsync_points"), "250");
	json_decref(j);

	/* every customer, a page at a time: 150 made by the sandbox + ours */
	for (pg.page = 1;; pg.page++) {
		if (woocommerce_connector.customers_page(c, &pg, &list, &n, &re) != REMOTE_OK)
			fail_msg("customers_page %d: %s", pg.page, re.message.buf);
		total += n;
		if (pg.page == 1) {
			assert_int_equal(n, 100);
			assert_true(pg.more);
		}
		free(list);
		list = NULL;
		if (!pg.more)
			break;
		assert_true(pg.page < 10);
	}
	assert_int_equal(pg.page, 2);
	assert_true(total >= 151);
	woocommerce_connector.close(c);
	remote_error_release(&re);
}

/* --- live: orders --------------------------------------------------------- */

static void
test_wc__orders_changed_paging_and_since(void **state)
{
	struct remote_error re;
	struct change_page pg = { 1, 0, 0 };
	struct connector *c;
	struct order *v = NULL;
	size_t n = 0, total = 0;
	char path[256], id[MODEL_ID_LEN];
	int64_t before;
	json_t *j = NULL;

	NEED_SANDBOX();
	remote_error_init(&re);
	c = open_sandbox();
	for (pg.page = 1;; pg.page++) {
		if (woocommerce_connector.orders_changed(c, 0, &pg, &v, &n, &re) != REMOTE_OK)
			fail_msg("orders_changed page %d: %s", pg.page, re.message.buf);
		if (pg.page == 1) {
			assert_int_equal(n, 100);
			assert_true(pg.more);
			snprintf(id, sizeof(id), "%s", v[3].id);
		}
		for (size_t i = 0; i < n; i++)
			assert_true(v[i].id[0]);
		total += n;
		orders_free(v, n);
		v = NULL;
		if (!pg.more)
			break;
		assert_true(pg.page < 10);
	}
	assert_int_equal(pg.page, 2);
	assert_true(total >= 130);

	/* change one order now; only it is newer than a moment ago */
	before = (int64_t)time(NULL) * 1000 - 2000;
	sleep(1);
	snprintf(path, sizeof(path), "/orders/%s", id);
	assert_int_equal(woo("PUT", path, "{\"customer_note\":\"changed by the test\"}", &j), 200);
	json_decref(j);
	pg.page = 1;
	if (woocommerce_connector.orders_changed(c, before, &pg, &v, &n, &re) != REMOTE_OK)
		fail_msg("orders_changed since: %s", re.message.buf);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, id);
	assert_true(v[0].modified_at >= before);
	assert_false(pg.more);
	orders_free(v, n);
	woocommerce_connector.close(c);
	remote_error_release(&re);
}

/* WordPress answers a create with 201; accept 200 as older versions sent */
static int
created(long status)
{
	return status == 201 || status == 200;
}

static void
test_wc__guest_order_and_refunds(void **state)
{
	struct remote_error re;
	struct connector *c;
	struct order o;
	char body[512], path[256];
	const char *pid;
	json_t *prods = NULL, *made = NULL, *j = NULL, *line;
	int64_t subtotal_units;

	NEED_SANDBOX();
	remote_error_init(&re);
	c = open_sandbox();
	assert_int_equal(woo("GET", "/products?type=simple&per_page=1", NULL, &prods), 200);
	assert_true(json_array_size(prods) > 0);
	snprintf(path, sizeof(path), "%" JSON_INTEGER_FORMAT,
		 json_integer_value(json_object_get(json_array_get(prods, 0), "id")));
	pid = path;
	snprintf(body, sizeof(body),
		 "{\"status\":\"processing\",\"customer_id\":0,\"billing\":{\"email\":\"guest@example.com\","
		 "\"first_name\":\"Gus\",\"last_name\":\"Guest\"},\"line_items\":[{\"product_id\":%s,\"quantity\":3}]}",
		 pid);
	assert_true(created(woo("POST", "/orders", body, &made)));
	snprintf(path, sizeof(path), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(made, "id")));

	assert_int_equal(woocommerce_connector.order_get(c, path, &o, &re), REMOTE_OK);
	assert_string_equal(o.customer_id, "");
	assert_string_equal(o.email, "guest@example.com");
	assert_int_equal(o.nlines, 1);
	assert_int_equal(o.lines[0].quantity, 3);
	line = json_array_get(json_object_get(made, "line_items"), 0);
	subtotal_units = money_of(json_string_value(json_object_get(line, "subtotal"))).units;
	assert_true(o.lines[0].unit_price.units * 3 - subtotal_units <= 1 &&
		    subtotal_units - o.lines[0].unit_price.units * 3 <= 1);
	assert_int_equal(o.total.units, money_of(json_string_value(json_object_get(made, "total"))).units);
	assert_int_equal(o.refunded.units, 0);
	order_release(&o);

	/* two partial refunds: WooCommerce lists them as negative totals */
	{
		char rpath[300];

		snprintf(rpath, sizeof(rpath), "/orders/%s/refunds", path);
		assert_true(created(woo("POST", rpath, "{\"amount\":\"1.25\",\"api_refund\":false}", &j)));
		json_decref(j);
		assert_true(created(woo("POST", rpath, "{\"amount\":\"0.50\",\"api_refund\":false}", &j)));
		json_decref(j);
	}
	assert_int_equal(woocommerce_connector.order_get(c, path, &o, &re), REMOTE_OK);
	assert_int_equal(o.refunded.units, money_of("1.75").units);
	order_release(&o);

	assert_int_equal(woocommerce_connector.order_get(c, "99999999", &o, &re), REMOTE_NOT_FOUND);
	assert_non_null(strstr(re.message.buf, "invalid_id"));
	assert_int_equal(woocommerce_connector.order_get(c, "abc", &o, &re), REMOTE_NOT_FOUND);
	json_decref(prods);
	json_decref(made);
	woocommerce_connector.close(c);
	remote_error_release(&re);
}

/* --- live: products ------------------------------------------------------- */

static void
test_wc__products_by_sku(void **state)
{
	struct remote_error re;
	struct connector *c;
	char id[MODEL_ID_LEN], sku[128], want[MODEL_ID_LEN], vid[2 * MODEL_ID_LEN], path[256];
	json_t *prods = NULL, *vars = NULL, *p;
	size_t i;
	int seen_variable = 0;

	NEED_SANDBOX();
	remote_error_init(&re);
	c = open_sandbox();
	assert_int_equal(woo("GET", "/products?per_page=100&orderby=id&order=asc", NULL, &prods), 200);
	json_array_foreach(prods, i, p) {
		const char *s = json_string_value(json_object_get(p, "sku"));

		if (!s || !*s)
			continue;
		snprintf(want, sizeof(want), "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(p, "id")));
		if (woocommerce_connector.product_find_by_sku(c, s, id, sizeof(id), &re) != REMOTE_OK)
			fail_msg("find %s: %s", s, re.message.buf);
		assert_string_equal(id, want);
		assert_int_equal(woocommerce_connector.product_get_sku(c, want, sku, sizeof(sku), &re), REMOTE_OK);
		assert_string_equal(sku, s);

		if (seen_variable || strcmp(jstr(p, "type"), "variable") != 0)
			continue;
		/* a variation is asked for as "parent/variation" */
		seen_variable = 1;
		snprintf(path, sizeof(path), "/products/%s/variations?context=edit", want);
		assert_int_equal(woo("GET", path, NULL, &vars), 200);
		assert_true(json_array_size(vars) > 0);
		snprintf(vid, sizeof(vid), "%s/%" JSON_INTEGER_FORMAT, want,
			 json_integer_value(json_object_get(json_array_get(vars, 0), "id")));
		assert_int_equal(woocommerce_connector.product_get_sku(c, vid, sku, sizeof(sku), &re), REMOTE_OK);
		assert_string_equal(sku, json_string_value(json_object_get(json_array_get(vars, 0), "sku")));
		json_decref(vars);
	}
	assert_true(seen_variable);
	assert_int_equal(woocommerce_connector.product_find_by_sku(c, "NO-SUCH-SKU-42", id, sizeof(id), &re),
			 REMOTE_NOT_FOUND);
	assert_int_equal(woocommerce_connector.product_find_by_sku(c, "", id, sizeof(id), &re), REMOTE_NOT_FOUND);
	assert_int_equal(woocommerce_connector.product_get_sku(c, "99999999", sku, sizeof(sku), &re),
			 REMOTE_NOT_FOUND);
	assert_int_equal(woocommerce_connector.product_get_sku(c, "1/x", sku, sizeof(sku), &re), REMOTE_NOT_FOUND);
	json_decref(prods);
	woocommerce_connector.close(c);
	remote_error_release(&re);
}

/* --- live: webhooks ------------------------------------------------------- */

static size_t
count_ours(const char *url, const char *status)
{
	json_t *all = NULL, *h;
	size_t i, n = 0;

	assert_int_equal(woo("GET", "/webhooks?per_page=100", NULL, &all), 200);
	json_array_foreach(all, i, h)
		if (strcmp(jstr(h, "delivery_url"), url) == 0 &&
		    (!status || strcmp(jstr(h, "status"), status) == 0))
			n++;
	json_decref(all);
	return n;
}

static void
test_wc__webhooks_ensure(void **state)
{
	static const char *const topics[] = { "order.created", "order.updated", "customer.updated" };
	const char *url = "http://127.0.0.1:9/tillsync/webhook/woocommerce";
	struct remote_error re;
	struct connector *c;
	json_t *all = NULL, *h, *j = NULL;
	char path[96] = "";
	int repaired = -1;
	size_t i;

	NEED_SANDBOX();
	remote_error_init(&re);
	c = open_sandbox();
	if (woocommerce_connector.webhooks_ensure(c, url, "s3cret", topics, 3, &repaired, &re) != REMOTE_OK)
		fail_msg("webhooks_ensure: %s", re.message.buf);
	assert_int_equal(repaired, 3);
	assert_int_equal(count_ours(url, "active"), 3);

	assert_int_equal(woocommerce_connector.webhooks_ensure(c, url, "s3cret", topics, 3, &repaired, &re),
			 REMOTE_OK);
	assert_int_equal(repaired, 0);   /* nothing to do: no writes */
	assert_int_equal(count_ours(url, NULL), 3);

	/* WooCommerce disables a webhook after failed deliveries */
	assert_int_equal(woo("GET", "/webhooks?per_page=100", NULL, &all), 200);
	json_array_foreach(all, i, h)
		if (strcmp(jstr(h, "topic"), "order.updated") == 0 &&
		    strcmp(jstr(h, "delivery_url"), url) == 0)
			snprintf(path, sizeof(path), "/webhooks/%" JSON_INTEGER_FORMAT,
				 json_integer_value(json_object_get(h, "id")));
	json_decref(all);
	assert_true(path[0]);
	assert_int_equal(woo("PUT", path, "{\"status\":\"disabled\"}", &j), 200);
	json_decref(j);
	assert_int_equal(count_ours(url, "active"), 2);

	assert_int_equal(woocommerce_connector.webhooks_ensure(c, url, "s3cret", topics, 3, &repaired, &re),
			 REMOTE_OK);
	assert_int_equal(repaired, 1);
	assert_int_equal(count_ours(url, "active"), 3);
	assert_int_equal(count_ours(url, NULL), 3);   /* re-activated, not duplicated */
	woocommerce_connector.close(c);
	remote_error_release(&re);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wc__open_refuses_bad_credentials),
		cmocka_unit_test(test_wc__order_mapping),
		cmocka_unit_test(test_wc__customer_mapping_truncates_safely),
		cmocka_unit_test(test_wc__dates_and_update_body),
		cmocka_unit_test(test_wc__oauth_accepted_and_test_ok),
		cmocka_unit_test(test_wc__wrong_secret_and_unknown_key),
		cmocka_unit_test(test_wc__read_only_key),
		cmocka_unit_test(test_wc__unreachable_maintenance_disabled),
		cmocka_unit_test(test_wc__rate_limit_5xx_malformed),
		cmocka_unit_test(test_wc__customers),
		cmocka_unit_test(test_wc__orders_changed_paging_and_since),
		cmocka_unit_test(test_wc__guest_order_and_refunds),
		cmocka_unit_test(test_wc__products_by_sku),
		cmocka_unit_test(test_wc__webhooks_ensure),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
