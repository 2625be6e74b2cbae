/*
 * t_sandbox_woo_products.c - products, variations, categories and the
 * product batch of the WooCommerce emulator, over plain HTTP with OAuth
 * (tl_emu_req signs), as the tillsync connector drives them: prices as
 * strings, SKU lookups, stock, meta_data, drafts, modified_after against
 * the site zone, trash and delete, and the 100-item batch limit.
 *
 *	usage: t_sandbox_woo_products /path/to/tillsync-sandbox
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tlib.h"

static struct tl_sandbox	 sb;
static const struct tl_emu	*woo;
static struct tl_resp		 last;	/* the last answer, for its headers */

/* one signed request; fails unless status is want; returns the body */
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

/* X-WP-Total of GET /products?query */
static long
count(const char *query)
{
	char path[512];

	snprintf(path, sizeof(path), "/products?%s", query);
	json_decref(call("GET", path, NULL, 200));
	return hdr_long("X-WP-Total");
}

/* "YYYY-MM-DDTHH:MM:SS" read as UTC */
static long
iso_secs(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	TL_CHECKM(s != NULL && sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
	    &tm.tm_sec) == 6, s != NULL ? s : "(null)");
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long)timegm(&tm);
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

static const char *
ppath(long id, const char *rest)
{
	static char b[4][160];
	static int k;

	k = (k + 1) % 4;
	snprintf(b[k], sizeof(b[k]), "/products/%ld%s", id, rest);
	return b[k];
}

/* ---------------------------------------------------------------- products */

static long	mug;		/* T-MUG-1, made a draft */
static long	mug_meta;	/* its _tillsync_ref row */

static void
test_create(void)
{
	json_t *j;

	j = call("POST", "/products", "{\"name\":\"Sandbox Mug\",\"type\":"
	    "\"simple\",\"status\":\"draft\",\"regular_price\":\"9.50\","
	    "\"sku\":\"T-MUG-1\",\"manage_stock\":true,\"stock_quantity\":12,"
	    "\"meta_data\":[{\"key\":\"_tillsync_ref\",\"value\":\"pos-17\"}]}",
	    201);
	mug = tl_jint(j, "id", 0);
	TL_GT_INT(0, mug);
	TL_HAS_STR(ppath(mug, ""), tl_header(&last, "Location"));
	TL_EQ_STR("Sandbox Mug", tl_jstr(j, "name"));
	TL_EQ_STR("simple", tl_jstr(j, "type"));
	TL_EQ_STR("draft", tl_jstr(j, "status"));
	TL_EQ_STR("T-MUG-1", tl_jstr(j, "sku"));
	TL_EQ_STR("9.50", tl_jstr(j, "regular_price"));
	TL_EQ_STR("9.50", tl_jstr(j, "price"));
	TL_EQ_STR("", tl_jstr(j, "sale_price"));
	TL_EQ_INT(0, tl_jbool(j, "on_sale"));
	TL_EQ_INT(1, tl_jbool(j, "manage_stock"));
	TL_EQ_INT(12, tl_jint(j, "stock_quantity", -1));
	TL_EQ_STR("instock", tl_jstr(j, "stock_status"));
	TL_EQ_INT(1, tl_jlen(j, "meta_data"));
	TL_EQ_STR("_tillsync_ref", tl_jstr(j, "meta_data.0.key"));
	TL_EQ_STR("pos-17", tl_jstr(j, "meta_data.0.value"));
	mug_meta = tl_jint(j, "meta_data.0.id", 0);
	TL_GT_INT(0, mug_meta);
	/* --woo-zone +02:00: every date has a UTC twin two hours behind */
	TL_EQ_INT(7200, iso_secs(tl_jstr(j, "date_created")) -
	    iso_secs(tl_jstr(j, "date_created_gmt")));
	TL_LE_INT(120, labs(iso_secs(tl_jstr(j, "date_modified_gmt")) -
	    (long)time(NULL)));
	json_decref(j);

	j = call("GET", ppath(mug, ""), NULL, 200);
	TL_EQ_STR("T-MUG-1", tl_jstr(j, "sku"));
	TL_EQ_STR("9.50", tl_jstr(j, "regular_price"));
	TL_EQ_INT(12, tl_jint(j, "stock_quantity", -1));
	json_decref(j);

	/* a price sent as a JSON number is refused, and nothing is made */
	j = call("POST", "/products", "{\"name\":\"Numeric\",\"sku\":\"T-NUM\","
	    "\"regular_price\":9.5}", 400);
	TL_CHECK(tl_jget(j, "data.params.regular_price") != NULL);
	want_error(j, "rest_invalid_param", 400,
	    "Invalid parameter(s): regular_price");
	TL_EQ_INT(0, count("sku=T-NUM"));

	/* SKUs are unique: the error names the owner */
	j = call("POST", "/products", "{\"name\":\"Other mug\",\"sku\":"
	    "\"T-MUG-1\",\"regular_price\":\"1.00\"}", 400);
	TL_EQ_INT(mug, tl_jint(j, "data.resource_id", 0));
	want_error(j, "product_invalid_sku", 400, "Invalid or duplicated SKU.");
	tl_ok("create: string prices, stock, meta_data, zone twins; numeric "
	    "price and duplicate SKU refused");
}

static void
test_find(void)
{
	json_t *j;

	j = call("GET", "/products?sku=T-MUG-1", NULL, 200);
	TL_EQ_INT(1, json_array_size(j));
	TL_EQ_INT(mug, tl_jint(j, "0.id", 0));
	TL_EQ_INT(1, hdr_long("X-WP-Total"));
	TL_EQ_INT(1, hdr_long("X-WP-TotalPages"));
	json_decref(j);
	TL_EQ_INT(1, count("sku=T-NONE-9,T-MUG-1"));
	TL_EQ_INT(0, count("sku=T-MUG"));
	/* MySQL's collation: the lookup ignores case; a SKU listed twice is one hit */
	TL_EQ_INT(1, count("sku=t-mug-1,T-MUG-1"));
	j = call("GET", "/products?search=sandbox%20MUG&per_page=100", NULL,
	    200);
	TL_CHECK(has_id(j, mug));
	json_decref(j);
	/* the default status is "any": drafts are listed */
	TL_EQ_INT(1, count("status=draft&sku=T-MUG-1"));
	TL_EQ_INT(0, count("status=publish&sku=T-MUG-1"));
	tl_ok("find: sku (exact, comma list), search, status filter");
}

static void
test_update(void)
{
	json_t *j;

	j = call("PUT", ppath(mug, ""), "{\"status\":\"publish\","
	    "\"regular_price\":\"11.00\",\"sale_price\":\"8.00\","
	    "\"stock_quantity\":0,\"meta_data\":[{\"key\":\"_tillsync_ref\","
	    "\"value\":\"pos-18\"},{\"key\":\"_tier\",\"value\":\"gold\"}]}",
	    200);
	TL_EQ_STR("publish", tl_jstr(j, "status"));
	TL_EQ_STR("11.00", tl_jstr(j, "regular_price"));
	TL_EQ_STR("8.00", tl_jstr(j, "sale_price"));
	TL_EQ_STR("8.00", tl_jstr(j, "price"));
	TL_EQ_INT(1, tl_jbool(j, "on_sale"));
	TL_EQ_INT(0, tl_jint(j, "stock_quantity", -1));
	TL_EQ_STR("outofstock", tl_jstr(j, "stock_status"));
	/* meta_data by key updates the row in place and adds new keys */
	TL_EQ_INT(2, tl_jlen(j, "meta_data"));
	TL_EQ_INT(mug_meta, tl_jint(j, "meta_data.0.id", 0));
	TL_EQ_STR("pos-18", tl_jstr(j, "meta_data.0.value"));
	TL_EQ_STR("gold", tl_jstr(j, "meta_data.1.value"));
	json_decref(j);
	TL_EQ_INT(1, count("status=publish&sku=T-MUG-1"));

	j = call("PUT", ppath(mug, ""), "{\"stock_quantity\":5,\"meta_data\":"
	    "[{\"key\":\"_tier\",\"value\":null}]}", 200);
	TL_EQ_STR("instock", tl_jstr(j, "stock_status"));
	TL_EQ_INT(1, tl_jlen(j, "meta_data"));	/* null removes the row */
	json_decref(j);
	/* stock not managed: no quantity */
	j = call("PUT", ppath(mug, ""), "{\"manage_stock\":false}", 200);
	TL_EQ_INT(0, tl_jbool(j, "manage_stock"));
	TL_CHECK(json_is_null(tl_jget(j, "stock_quantity")));
	json_decref(j);
	j = call("PUT", ppath(mug, ""), "{\"manage_stock\":true,"
	    "\"stock_quantity\":7}", 200);
	TL_EQ_INT(7, tl_jint(j, "stock_quantity", -1));
	json_decref(j);
	want_error(call("PUT", ppath(mug, ""), "{\"sale_price\":8}", 400),
	    "rest_invalid_param", 400, NULL);
	j = call("GET", ppath(mug, ""), NULL, 200);
	TL_EQ_STR("8.00", tl_jstr(j, "sale_price"));
	json_decref(j);
	tl_ok("update: publish, sale price, stock status follows quantity, "
	    "meta by key, refused update changes nothing");
}

static void
test_modified_after(void)
{
	char q[256], gmt[32], site[32], bowl_gmt[32];
	json_t *j;
	long bowl;

	j = call("GET", ppath(mug, ""), NULL, 200);
	snprintf(gmt, sizeof(gmt), "%s", tl_jstr(j, "date_modified_gmt"));
	snprintf(site, sizeof(site), "%s", tl_jstr(j, "date_modified"));
	json_decref(j);
	tl_sleep_ms(1100);
	j = call("POST", "/products", "{\"name\":\"Sandbox Bowl\",\"sku\":"
	    "\"T-BOWL\",\"regular_price\":\"6.00\"}", 201);
	bowl = tl_jint(j, "id", 0);
	snprintf(bowl_gmt, sizeof(bowl_gmt), "%s",
	    tl_jstr(j, "date_modified_gmt"));
	json_decref(j);

	/* strictly after: the mug, changed at that very second, is out */
	snprintf(q, sizeof(q), "/products?per_page=100&dates_are_gmt=true&"
	    "modified_after=%.13s%%3A%.2s%%3A%.2s", gmt, gmt + 14, gmt + 17);
	j = call("GET", q, NULL, 200);
	TL_CHECK(has_id(j, bowl));
	TL_CHECK(!has_id(j, mug));
	TL_EQ_INT(1, hdr_long("X-WP-Total"));
	json_decref(j);
	/* without dates_are_gmt the date is the site's wall clock */
	snprintf(q, sizeof(q), "/products?per_page=100&modified_after=%s",
	    site);
	j = call("GET", q, NULL, 200);
	TL_CHECK(has_id(j, bowl));
	TL_CHECK(!has_id(j, mug));
	json_decref(j);
	snprintf(q, sizeof(q), "/products?per_page=100&dates_are_gmt=1&"
	    "modified_before=%s", bowl_gmt);
	j = call("GET", q, NULL, 200);
	TL_CHECK(has_id(j, mug));
	TL_CHECK(!has_id(j, bowl));
	json_decref(j);
	want_error(call("GET", "/products?modified_after=yesterday", NULL,
	    400), "rest_invalid_param", 400, NULL);
	tl_ok("modified_after / modified_before, UTC and site time");
}

static void
test_variable(void)
{
	json_t *j;
	long tee, vs, vm;

	j = call("POST", "/products", "{\"name\":\"Sandbox Tee\",\"type\":"
	    "\"variable\",\"sku\":\"T-TEE\",\"attributes\":[{\"name\":\"Size\","
	    "\"options\":[\"S\",\"M\"],\"visible\":true,\"variation\":true}]}",
	    201);
	tee = tl_jint(j, "id", 0);
	TL_EQ_STR("variable", tl_jstr(j, "type"));
	TL_EQ_STR("M", tl_jstr(j, "attributes.0.options.1"));
	TL_EQ_INT(1, tl_jbool(j, "attributes.0.variation"));
	TL_EQ_INT(0, tl_jlen(j, "variations"));
	json_decref(j);

	j = call("POST", ppath(tee, "/variations"), "{\"regular_price\":"
	    "\"15.00\",\"sku\":\"T-TEE-S\",\"manage_stock\":true,"
	    "\"stock_quantity\":3,\"attributes\":[{\"name\":\"Size\","
	    "\"option\":\"S\"}]}", 201);
	vs = tl_jint(j, "id", 0);
	TL_EQ_INT(tee, tl_jint(j, "parent_id", 0));
	TL_EQ_STR("T-TEE-S", tl_jstr(j, "sku"));
	TL_EQ_STR("15.00", tl_jstr(j, "price"));
	TL_EQ_STR("S", tl_jstr(j, "attributes.0.option"));
	TL_EQ_INT(3, tl_jint(j, "stock_quantity", -1));
	json_decref(j);
	j = call("POST", ppath(tee, "/variations"), "{\"regular_price\":"
	    "\"15.50\",\"attributes\":[{\"name\":\"Size\",\"option\":\"M\"}]}",
	    201);
	vm = tl_jint(j, "id", 0);
	json_decref(j);

	j = call("GET", ppath(tee, ""), NULL, 200);
	TL_EQ_INT(2, tl_jlen(j, "variations"));
	TL_EQ_INT(vs, tl_jint(j, "variations.0", 0));
	TL_EQ_INT(vm, tl_jint(j, "variations.1", 0));
	json_decref(j);
	json_decref(call("GET", ppath(tee, "/variations"), NULL, 200));
	TL_EQ_INT(2, hdr_long("X-WP-Total"));

	/* view context shows the parent's SKU for an empty one; edit not */
	{
		char p[160];

		snprintf(p, sizeof(p), "/products/%ld/variations/%ld", tee, vm);
		j = call("GET", p, NULL, 200);
		TL_EQ_STR("T-TEE", tl_jstr(j, "sku"));
		json_decref(j);
		snprintf(p, sizeof(p), "/products/%ld/variations/%ld?context="
		    "edit", tee, vm);
		j = call("GET", p, NULL, 200);
		TL_EQ_STR("", tl_jstr(j, "sku"));
		json_decref(j);
	}

	/* one SKU space for products and variations; ?sku= lists products */
	j = call("POST", ppath(tee, "/variations"), "{\"sku\":\"T-MUG-1\"}",
	    400);
	TL_EQ_INT(mug, tl_jint(j, "data.resource_id", 0));
	want_error(j, "product_invalid_sku", 400, NULL);
	j = call("POST", "/products", "{\"name\":\"x\",\"sku\":\"T-TEE-S\"}",
	    400);
	TL_EQ_INT(vs, tl_jint(j, "data.resource_id", 0));
	want_error(j, "product_invalid_sku", 400, NULL);
	TL_EQ_INT(0, count("sku=T-TEE-S"));

	/* the variations batch route: creates under the parent, updates only
	 * its own variations, per-item errors inside the 200 */
	{
		char body[512];
		long vl;

		j = call("POST", ppath(tee, "/variations/batch"),
		    "{\"create\":[{\"sku\":\"T-TEE-L\",\"regular_price\":\"17.00\","
		    "\"attributes\":[{\"name\":\"Size\",\"option\":\"L\"}]},"
		    "{\"sku\":\"T-MUG-1\"}]}", 200);
		vl = tl_jint(j, "create.0.id", 0);
		TL_CHECK(vl > 0);
		TL_EQ_INT(tee, tl_jint(j, "create.0.parent_id", 0));
		TL_EQ_STR("L", tl_jstr(j, "create.0.attributes.0.option"));
		TL_EQ_STR("product_invalid_sku", tl_jstr(j, "create.1.error.code"));
		json_decref(j);
		snprintf(body, sizeof(body), "{\"update\":[{\"id\":%ld,"
		    "\"regular_price\":\"18.00\"},{\"id\":%ld,\"name\":\"y\"}]}",
		    vl, mug);
		j = call("POST", ppath(tee, "/variations/batch"), body, 200);
		TL_EQ_STR("18.00", tl_jstr(j, "update.0.regular_price"));
		/* a product that is not this parent's variation is refused */
		TL_EQ_STR("woocommerce_rest_product_invalid_id",
		    tl_jstr(j, "update.1.error.code"));
		json_decref(j);
		want_error(call("POST", "/products/999999/variations/batch",
		    "{\"create\":[]}", 404),
		    "woocommerce_rest_product_invalid_id", 404, "Invalid ID.");
		snprintf(body, sizeof(body), "{\"delete\":[%ld]}", vl);
		j = call("POST", ppath(tee, "/variations/batch"), body, 200);
		TL_EQ_INT(vl, tl_jint(j, "delete.0.id", 0));
		json_decref(j);
		tl_ok("variations batch: create under the parent, update its "
		    "own, delete");
	}

	{
		char p[160];

		snprintf(p, sizeof(p), "/products/%ld/variations/%ld", tee, vs);
		j = call("PUT", p, "{\"stock_quantity\":0}", 200);
		TL_EQ_STR("outofstock", tl_jstr(j, "stock_status"));
		TL_EQ_STR("15.00", tl_jstr(j, "regular_price"));
		json_decref(j);
		/* variations cannot be trashed: force=true or nothing */
		snprintf(p, sizeof(p), "/products/%ld/variations/%ld", tee, vm);
		want_error(call("DELETE", p, NULL, 501),
		    "woocommerce_rest_trash_not_supported", 501, NULL);
		snprintf(p, sizeof(p), "/products/%ld/variations/%ld?force=true",
		    tee, vm);
		j = call("DELETE", p, NULL, 200);
		TL_EQ_INT(vm, tl_jint(j, "id", 0));
		json_decref(j);
		want_error(call("GET", p, NULL, 404),
		    "woocommerce_rest_product_variation_invalid_id", 404,
		    "Invalid ID.");
	}
	j = call("GET", ppath(tee, ""), NULL, 200);
	TL_EQ_INT(1, tl_jlen(j, "variations"));
	json_decref(j);

	/* deleting the parent takes its variations and frees their SKUs */
	json_decref(call("DELETE", ppath(tee, "?force=true"), NULL, 200));
	want_error(call("GET", ppath(tee, ""), NULL, 404),
	    "woocommerce_rest_product_invalid_id", 404, "Invalid ID.");
	want_error(call("GET", ppath(vs, ""), NULL, 404),
	    "woocommerce_rest_product_invalid_id", 404, NULL);
	j = call("POST", "/products", "{\"name\":\"Reuse\",\"sku\":"
	    "\"T-TEE-S\"}", 201);
	json_decref(call("DELETE", ppath(tl_jint(j, "id", 0), "?force=true"),
	    NULL, 200));
	json_decref(j);
	tl_ok("variable product: variations, parent SKU in view context, "
	    "shared SKU space, force-only delete");
}

static void
test_delete(void)
{
	json_t *j;
	long again;

	j = call("DELETE", ppath(mug, ""), NULL, 200);
	TL_EQ_STR("trash", tl_jstr(j, "status"));
	json_decref(j);
	j = call("GET", ppath(mug, ""), NULL, 200);
	TL_EQ_STR("trash", tl_jstr(j, "status"));
	json_decref(j);
	TL_EQ_INT(0, count("sku=T-MUG-1"));
	TL_EQ_INT(1, count("status=trash&sku=T-MUG-1"));
	want_error(call("DELETE", ppath(mug, ""), NULL, 410),
	    "woocommerce_rest_already_trashed", 410, NULL);
	/* a trashed product's SKU is free (is_existing_sku skips trash) */
	j = call("POST", "/products", "{\"name\":\"Mug again\",\"sku\":"
	    "\"T-MUG-1\"}", 201);
	again = tl_jint(j, "id", 0);
	json_decref(j);
	TL_EQ_INT(1, count("sku=T-MUG-1"));
	j = call("DELETE", ppath(mug, "?force=true"), NULL, 200);
	TL_EQ_INT(mug, tl_jint(j, "id", 0));
	json_decref(j);
	j = call("GET", ppath(again, ""), NULL, 200);
	TL_EQ_STR("T-MUG-1", tl_jstr(j, "sku"));
	json_decref(j);
	want_error(call("POST", "/products", "{\"name\":\"x\",\"sku\":"
	    "\"T-MUG-1\"}", 400), "product_invalid_sku", 400, NULL);
	json_decref(call("DELETE", ppath(again, "?force=true"), NULL, 200));
	want_error(call("GET", ppath(mug, ""), NULL, 404),
	    "woocommerce_rest_product_invalid_id", 404, "Invalid ID.");
	want_error(call("PUT", ppath(mug, ""), "{\"name\":\"x\"}", 400),
	    "woocommerce_rest_product_invalid_id", 400, "Invalid ID.");
	TL_EQ_INT(0, count("status=trash&sku=T-MUG-1"));
	tl_ok("delete: trash first (410 when repeated), force=true for good");
}

/* ---------------------------------------------------------------- terms */

static void
test_categories(void)
{
	char p[160], body[256];
	json_t *j;
	long cat, child, cup;

	j = call("POST", "/products/categories", "{\"name\":\"Sandbox Mugs & "
	    "Cups\"}", 201);
	cat = tl_jint(j, "id", 0);
	TL_GT_INT(0, cat);
	TL_EQ_STR("sandbox-mugs-cups", tl_jstr(j, "slug"));
	TL_EQ_INT(0, tl_jint(j, "parent", -1));
	TL_EQ_INT(0, tl_jint(j, "count", -1));
	json_decref(j);
	snprintf(body, sizeof(body), "{\"name\":\"Espresso\",\"parent\":%ld}",
	    cat);
	j = call("POST", "/products/categories", body, 201);
	child = tl_jint(j, "id", 0);
	TL_EQ_INT(cat, tl_jint(j, "parent", 0));
	json_decref(j);

	snprintf(body, sizeof(body), "{\"name\":\"Sandbox Cup\",\"sku\":"
	    "\"T-CUP\",\"regular_price\":\"4.00\",\"categories\":[{\"id\":%ld}]}",
	    cat);
	j = call("POST", "/products", body, 201);
	cup = tl_jint(j, "id", 0);
	TL_EQ_INT(cat, tl_jint(j, "categories.0.id", 0));
	/* wp_insert_term() stores a bare '&' as "&amp;" */
	TL_EQ_STR("Sandbox Mugs &amp; Cups", tl_jstr(j, "categories.0.name"));
	TL_EQ_STR("sandbox-mugs-cups", tl_jstr(j, "categories.0.slug"));
	json_decref(j);
	snprintf(p, sizeof(p), "/products/categories/%ld", cat);
	j = call("GET", p, NULL, 200);
	TL_EQ_INT(1, tl_jint(j, "count", -1));
	json_decref(j);
	snprintf(p, sizeof(p), "category=%ld", cat);
	TL_EQ_INT(1, count(p));

	j = call("GET", "/products/categories?search=sandbox&per_page=100",
	    NULL, 200);
	TL_CHECK(has_id(j, cat));
	TL_CHECK(!has_id(j, child));
	json_decref(j);
	snprintf(p, sizeof(p), "/products/categories?parent=%ld", cat);
	j = call("GET", p, NULL, 200);
	TL_EQ_INT(1, json_array_size(j));
	TL_EQ_INT(child, tl_jint(j, "0.id", 0));
	json_decref(j);
	snprintf(p, sizeof(p), "/products/categories/%ld", cat);
	j = call("PUT", p, "{\"name\":\"Sandbox Cups\",\"description\":"
	    "\"all cups\"}", 200);
	TL_EQ_STR("Sandbox Cups", tl_jstr(j, "name"));
	TL_EQ_STR("all cups", tl_jstr(j, "description"));
	json_decref(j);

	/* terms cannot be trashed; force deletes and unlinks the products */
	want_error(call("DELETE", p, NULL, 501),
	    "woocommerce_rest_trash_not_supported", 501, NULL);
	snprintf(p, sizeof(p), "/products/categories/%ld?force=true", cat);
	json_decref(call("DELETE", p, NULL, 200));
	snprintf(p, sizeof(p), "/products/categories/%ld", cat);
	want_error(call("GET", p, NULL, 404), "woocommerce_rest_term_invalid",
	    404, NULL);
	j = call("GET", ppath(cup, ""), NULL, 200);
	TL_EQ_INT(0, tl_jlen(j, "categories"));
	json_decref(j);
	tl_ok("categories: slug, parent, count, product filter, search, "
	    "update, delete");
}

/* ---------------------------------------------------------------- batch */

static void
test_batch(void)
{
	char *body, p[64];
	long before, ids[100];
	size_t cap = 100 * 96 + 64, n;
	json_t *j;
	int i;

	before = count("per_page=1");
	body = malloc(cap);
	TL_CHECK(body != NULL);

	/* 101 items across the arrays: 413, nothing done */
	n = (size_t)snprintf(body, cap, "{\"create\":[");
	for (i = 0; i < 100; i++)
		n += (size_t)snprintf(body + n, cap - n, "%s{\"name\":\"Batch "
		    "%d\",\"sku\":\"T-B-%03d\",\"regular_price\":\"1.%02d\"}",
		    i ? "," : "", i, i, i);
	snprintf(body + n, cap - n, "],\"delete\":[999999]}");
	want_error(call("POST", "/products/batch", body, 413),
	    "woocommerce_rest_request_entity_too_large", 413,
	    "Unable to accept more than 100 items for this request.");
	TL_EQ_INT(before, count("per_page=1"));

	/* exactly 100 is fine */
	snprintf(body + n, cap - n, "]}");
	j = call("POST", "/products/batch", body, 200);
	TL_EQ_INT(100, tl_jlen(j, "create"));
	for (i = 0; i < 100; i++) {
		snprintf(p, sizeof(p), "create.%d.id", i);
		ids[i] = tl_jint(j, p, 0);
		TL_GT_INT(0, ids[i]);
	}
	TL_EQ_STR("T-B-099", tl_jstr(j, "create.99.sku"));
	TL_EQ_STR("1.99", tl_jstr(j, "create.99.regular_price"));
	TL_CHECK(tl_jget(j, "create.0.error") == NULL);
	json_decref(j);
	TL_EQ_INT(before + 100, count("per_page=1"));

	/* per-item errors come inside a 200 */
	snprintf(body, cap, "{\"create\":[{\"name\":\"B ok\",\"sku\":"
	    "\"T-B-OK\"},{\"name\":\"B dup\",\"sku\":\"T-B-000\"}],"
	    "\"update\":[{\"id\":%ld,\"regular_price\":\"3.00\"},{\"id\":"
	    "99999999,\"name\":\"x\"},{\"id\":%ld,\"regular_price\":3}],"
	    "\"delete\":[%ld]}", ids[1], ids[3], ids[2]);
	j = call("POST", "/products/batch", body, 200);
	TL_GT_INT(0, tl_jint(j, "create.0.id", 0));
	TL_EQ_INT(0, tl_jint(j, "create.1.id", -1));
	TL_EQ_STR("product_invalid_sku", tl_jstr(j, "create.1.error.code"));
	TL_EQ_INT(400, tl_jint(j, "create.1.error.data.status", 0));
	TL_EQ_STR("3.00", tl_jstr(j, "update.0.regular_price"));
	TL_EQ_STR("woocommerce_rest_product_invalid_id",
	    tl_jstr(j, "update.1.error.code"));
	TL_EQ_STR("rest_invalid_param", tl_jstr(j, "update.2.error.code"));
	TL_EQ_INT(ids[2], tl_jint(j, "delete.0.id", 0));
	ids[2] = tl_jint(j, "create.0.id", 0);
	json_decref(j);
	/* batch delete is permanent: not even in the trash */
	TL_EQ_INT(0, count("status=trash&sku=T-B-002"));
	TL_EQ_INT(0, count("sku=T-B-002"));
	j = call("GET", ppath(ids[3], ""), NULL, 200);
	TL_EQ_STR("1.03", tl_jstr(j, "regular_price"));
	json_decref(j);

	n = (size_t)snprintf(body, cap, "{\"delete\":[");
	for (i = 0; i < 100; i++)
		n += (size_t)snprintf(body + n, cap - n, "%s%ld", i ? "," : "",
		    ids[i]);
	snprintf(body + n, cap - n, "]}");
	j = call("POST", "/products/batch", body, 200);
	TL_EQ_INT(100, tl_jlen(j, "delete"));
	json_decref(j);
	TL_EQ_INT(before, count("per_page=1"));
	TL_GE_INT(200, tl_counter(&sb, "woocommerce", "POST /products/batch",
	    "items_written"));
	TL_EQ_INT(1, tl_counter(&sb, "woocommerce", "POST /products/batch",
	    "status.4xx"));
	free(body);
	tl_ok("batch: 101 items 413, 100 fine, per-item errors in a 200, "
	    "permanent delete, counters");
}

int
main(int argc, char **argv)
{
	static const char *const args[] = { "--seed", "5", "--products", "30",
	    "--customers", "3", "--orders", "3", "--woo-zone", "+02:00",
	    NULL };

	if (argc < 2) {
		fprintf(stderr, "usage: %s tillsync-sandbox\n", argv[0]);
		return 2;
	}
	tl_start(&sb, argv[1], args);
	woo = tl_emu(&sb, "woocommerce");
	TL_CHECK(woo != NULL && !woo->tls);
	test_create();
	test_find();
	test_update();
	test_modified_after();
	test_variable();
	test_delete();
	test_categories();
	test_batch();
	tl_resp_free(&last);
	TL_EQ_INT(0, tl_stop(&sb));
	tl_sandbox_free(&sb);
	return 0;
}
