/*
 * test_wc_catalog.c: the WooCommerce connector's catalog operations
 * (categories, stock, products by SKU, batch writes) against the sandbox's
 * WooCommerce emulator (tsandbox.c), and their JSON mapping on canned bodies.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <cmocka.h>

#include "tsandbox.h"

#include "connectors/connector.h"
#include "connectors/woocommerce/wc_json.h"

extern const struct connector_ops woocommerce_connector;
#define OPS woocommerce_connector

/* 150 products: the stock scan needs two pages of 100 */
static int
setup(void **state)
{
	static const char *const args[] = { "--seed", "11", "--products", "150", "--customers", "2", "--orders", "1",
					     NULL };

	return sandbox_start(args);
}

static int
teardown(void **state)
{
	return sandbox_stop();
}

static char *
dump(const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	assert_non_null(s);
	return s;
}

static const char *
meta_value(const json_t *obj, const char *key)
{
	const json_t *m;
	size_t i;

	json_array_foreach(json_object_get(obj, "meta_data"), i, m)
		if (strcmp(jstr(m, "key"), key) == 0)
			return jstr(m, "value");
	return NULL;
}

static void
id_text(const json_t *obj, char *out, size_t len)
{
	snprintf(out, len, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(obj, "id")));
}

/* --- offline: the JSON mapping -------------------------------------------- */

static int
resource_id(const char *body, char *id, size_t len)
{
	return wc_error_resource_id(body, strlen(body), id, len);
}

static void
test_cat__names_and_categories(void **state)
{
	struct sbuf err = SBUF_INIT;
	struct category cat, in = { "", "", "" };
	char buf[8], id[16], *text;
	json_t *j;

	j = loads("{\"id\":21,\"name\":\"Tea &amp; Coffee &#8211; &lt;Hot&gt; &quot;Fresh&quot; &#039;n&#x27; "
		  "&amp;amp; &bogus; &#1; &\",\"slug\":\"tea\",\"parent\":0,\"count\":3,\"extra\":[1]}");
	assert_int_equal(wc_category_from_json(j, &cat, &err), 0);
	assert_string_equal(cat.id, "21");
	assert_string_equal(cat.parent_id, "");
	/* one decoding pass; control characters and unknown names stay as written */
	assert_string_equal(cat.name, "Tea & Coffee \xe2\x80\x93 <Hot> \"Fresh\" 'n' &amp; &bogus; &#1; &");
	json_decref(j);
	j = loads("{\"id\":\"22\",\"name\":\"Green\",\"parent\":21}");
	assert_int_equal(wc_category_from_json(j, &cat, &err), 0);
	assert_string_equal(cat.parent_id, "21");
	json_decref(j);
	j = loads("{\"name\":\"No id\"}");
	assert_int_equal(wc_category_from_json(j, &cat, &err), -1);
	assert_non_null(strstr(err.buf, "'id'"));
	json_decref(j);

	/* cut at a character boundary, decoded or raw */
	wc_unescape_html(buf, 5, "ab&amp;\xc3\xa9");
	assert_string_equal(buf, "ab&");
	wc_unescape_html(buf, 5, "abc\xc3\xa9");
	assert_string_equal(buf, "abc");
	wc_unescape_html(buf, 6, "abc\xc3\xa9");
	assert_string_equal(buf, "abc\xc3\xa9");

	snprintf(in.name, sizeof(in.name), "A & B");
	snprintf(in.parent_id, sizeof(in.parent_id), "17");
	j = wc_category_create_json(&in, &err);
	text = dump(j);
	assert_string_equal(text, "{\"name\":\"A & B\",\"parent\":17}");   /* sent raw: WordPress escapes */
	free(text);
	json_decref(j);
	snprintf(in.parent_id, sizeof(in.parent_id), "17/1");
	assert_null(wc_category_create_json(&in, &err));
	assert_non_null(strstr(err.buf, "parent"));
	in.name[0] = '\0';
	assert_null(wc_category_create_json(&in, &err));

	assert_int_equal(resource_id("{\"code\":\"term_exists\",\"message\":\"A term with the name provided "
				     "already exists with this parent.\",\"data\":{\"status\":400,\"resource_id\":42}}",
				     id, sizeof(id)), 0);
	assert_string_equal(id, "42");
	assert_int_equal(resource_id("{\"code\":\"x\",\"data\":{\"status\":400}}", id, sizeof(id)), -1);
	assert_int_equal(resource_id("<html>", id, sizeof(id)), -1);
	sbuf_release(&err);
}

static void
test_cat__stock_and_match_mapping(void **state)
{
	struct sbuf err = SBUF_INIT;
	struct stock_level s;
	struct shop_product p;
	char body[400];
	json_t *j;

	/* exactly what ?_fields=id,sku,manage_stock,stock_quantity leaves */
	j = loads("[{\"id\":7,\"sku\":\"S-7\",\"manage_stock\":true,\"stock_quantity\":12},"
		  "{\"id\":8,\"sku\":\"\",\"manage_stock\":false,\"stock_quantity\":null},"
		  "{\"id\":9,\"manage_stock\":true,\"stock_quantity\":-3},"
		  "{\"id\":10,\"manage_stock\":true,\"stock_quantity\":4.5},"
		  "{\"sku\":\"x\"}]");
	assert_int_equal(wc_stock_from_json(json_array_get(j, 0), &s, &err), 0);
	assert_string_equal(s.product_id, "7");
	assert_string_equal(s.sku, "S-7");
	assert_true(s.managed);
	assert_int_equal(s.quantity, 12);
	assert_int_equal(wc_stock_from_json(json_array_get(j, 1), &s, &err), 0);
	assert_false(s.managed);
	assert_int_equal(s.quantity, 0);
	assert_int_equal(wc_stock_from_json(json_array_get(j, 2), &s, &err), 0);
	assert_int_equal(s.quantity, -3);   /* on backorder */
	assert_int_equal(wc_stock_from_json(json_array_get(j, 3), &s, &err), -1);
	assert_non_null(strstr(err.buf, "'stock_quantity'"));
	assert_int_equal(wc_stock_from_json(json_array_get(j, 4), &s, &err), -1);
	json_decref(j);

	/* a SKU too long for the model is left out, not cut into another one */
	memset(body, 0, sizeof(body));
	memcpy(body, "{\"id\":5,\"status\":\"draft\",\"sku\":\"", 32);
	memset(body + 32, 'K', 200);
	strcat(body, "\"}");
	j = loads(body);
	assert_int_equal(wc_shop_product_from_json(j, &p, &err), 0);
	assert_string_equal(p.id, "5");
	assert_string_equal(p.sku, "");
	assert_string_equal(p.status, "draft");
	json_decref(j);
	sbuf_release(&err);
}

static void
fill_write(struct product_write *w, const char *shop_id, const char *sku, const char *name)
{
	memset(w, 0, sizeof(*w));
	w->fields = PW_CATALOG;
	snprintf(w->shop_id, sizeof(w->shop_id), "%s", shop_id);
	snprintf(w->sku, sizeof(w->sku), "%s", sku);
	snprintf(w->name, sizeof(w->name), "%s", name);
	snprintf(w->description, sizeof(w->description), "Blue");
	snprintf(w->reference, sizeof(w->reference), "POS-%s", sku);
	snprintf(w->status, sizeof(w->status), "publish");
	w->regular_price = money_of("12.5");
}

static void
test_cat__write_bodies(void **state)
{
	struct sbuf err = SBUF_INIT;
	struct product_write w[4];
	struct write_outcome out[4];
	unsigned char sent[4];
	char *text;
	json_t *j;

	fill_write(&w[0], "", "MUG-1", "Mug");
	snprintf(w[0].category_id, sizeof(w[0].category_id), "17");
	w[0].tiers[0].min_quantity = 10;
	w[0].tiers[0].price = money_of("9.5");
	w[0].tiers[1].min_quantity = 50;
	w[0].tiers[1].price = money_of("8");
	w[0].ntiers = 2;
	j = wc_product_write_json(&w[0], &err);
	text = dump(j);
	assert_string_equal(text, "{\"categories\":[{\"id\":17}],\"description\":\"Blue\",\"meta_data\":["
				  "{\"key\":\"_tillsync_ref\",\"value\":\"POS-MUG-1\"},{\"key\":\"_tillsync_quantity_prices\","
				  "\"value\":\"[{\\\"min_qty\\\":10,\\\"price\\\":\\\"9.50\\\"},{\\\"min_qty\\\":50,"
				  "\\\"price\\\":\\\"8.00\\\"}]\"}],\"name\":\"Mug\",\"regular_price\":\"12.50\","
				  "\"sku\":\"MUG-1\"}");
	free(text);
	json_decref(j);

	/* an update; no tiers left: "[]" so the old ones disappear */
	fill_write(&w[1], "93", "MUG-1", "Mug");
	j = wc_product_write_json(&w[1], &err);
	text = dump(j);
	assert_string_equal(text, "{\"description\":\"Blue\",\"id\":93,\"meta_data\":[{\"key\":\"_tillsync_ref\","
				  "\"value\":\"POS-MUG-1\"},{\"key\":\"_tillsync_quantity_prices\",\"value\":\"[]\"}],"
				  "\"name\":\"Mug\",\"regular_price\":\"12.50\",\"sku\":\"MUG-1\"}");
	free(text);
	json_decref(j);
	w[1].fields = PW_STATUS | PW_STOCK;
	snprintf(w[1].status, sizeof(w[1].status), "draft");
	w[1].stock = -2;
	j = wc_product_write_json(&w[1], &err);
	text = dump(j);
	assert_string_equal(text, "{\"id\":93,\"manage_stock\":true,\"status\":\"draft\",\"stock_quantity\":-2}");
	free(text);
	json_decref(j);

	/* what cannot be sent is refused here, naming why */
	fill_write(&w[2], "", "BAD", "\xff\xfe");
	assert_null(wc_product_write_json(&w[2], &err));
	assert_non_null(strstr(err.buf, "'name'"));
	fill_write(&w[3], "12a", "X", "X");
	assert_null(wc_product_write_json(&w[3], &err));
	assert_non_null(strstr(err.buf, "shop id"));
	fill_write(&w[3], "", "X", "X");
	w[3].fields = PW_STOCK;
	assert_null(wc_product_write_json(&w[3], &err));   /* a create without its SKU */
	w[3].fields = PW_CATALOG;
	w[3].tiers[0].min_quantity = 0;
	w[3].ntiers = 1;
	assert_null(wc_product_write_json(&w[3], &err));
	w[3].ntiers = 0;

	/* the batch: creates and updates apart, each in input order, the bad one left out */
	j = wc_products_batch_json(w, 4, sent, out, &err);
	assert_non_null(j);
	assert_int_equal(sent[0] + sent[1] + sent[2] + sent[3], 3);
	assert_int_equal(sent[2], 0);
	assert_string_equal(out[2].code, WC_CODE_NOT_SENT);
	assert_non_null(strstr(out[2].message, "'name'"));
	assert_int_equal(json_array_size(json_object_get(j, "create")), 2);
	assert_string_equal(jstr(json_array_get(json_object_get(j, "create"), 1), "sku"), "X");
	assert_int_equal(json_array_size(json_object_get(j, "update")), 1);
	assert_null(json_object_get(j, "delete"));
	json_decref(j);
	sbuf_release(&err);
}

static void
test_cat__batch_answer_mapping(void **state)
{
	struct sbuf err = SBUF_INIT;
	struct product_write w[5];
	struct write_outcome out[5];
	const unsigned char sent[5] = { 1, 1, 1, 1, 0 };
	char body[1400], longmsg[301];
	json_t *j;

	fill_write(&w[0], "", "A", "A");
	fill_write(&w[1], "93", "B", "B");
	fill_write(&w[2], "", "DUP", "Dup");
	fill_write(&w[3], "94", "C", "C");
	fill_write(&w[4], "", "NOT-SENT", "N");
	memset(longmsg, 'x', 300);
	longmsg[300] = '\0';
	snprintf(body, sizeof(body),
		 "{\"create\":[{\"id\":101,\"sku\":\"A\",\"price\":\"12.50\"},{\"id\":0,\"error\":{\"code\":"
		 "\"product_invalid_sku\",\"message\":\"Invalid or\\nduplicated SKU.\",\"data\":{\"status\":400,"
		 "\"resource_id\":55,\"unique_sku\":\"DUP-1\"}}}],\"update\":[{\"id\":93,\"name\":\"B\"},{\"id\":94,"
		 "\"error\":{\"code\":\"woocommerce_rest_product_invalid_id\",\"message\":\"%s\",\"data\":"
		 "{\"status\":400}}}],\"delete\":[]}", longmsg);
	j = loads(body);
	memset(&out[4], 0, sizeof(out[4]));
	assert_int_equal(wc_batch_outcomes(j, w, 5, sent, out, &err), 0);
	assert_true(out[0].ok);
	assert_string_equal(out[0].id, "101");
	assert_true(out[1].ok);
	assert_string_equal(out[1].id, "93");
	assert_false(out[2].ok);
	assert_string_equal(out[2].code, "product_invalid_sku");
	assert_string_equal(out[2].message, "Invalid or duplicated SKU.");   /* one line */
	assert_string_equal(out[2].existing_id, "55");
	assert_false(out[3].ok);
	assert_string_equal(out[3].code, "woocommerce_rest_product_invalid_id");
	assert_int_equal(strlen(out[3].message), sizeof(out[3].message) - 1);   /* cut to fit */
	assert_string_equal(out[3].existing_id, "");
	assert_false(out[4].ok);
	json_decref(j);

	/* answers that cannot be matched to what was sent */
	j = loads("{\"create\":[{\"id\":101},{\"id\":102}]}");
	assert_int_equal(wc_batch_outcomes(j, w, 5, sent, out, &err), -1);   /* no update list */
	assert_non_null(strstr(err.buf, "'update'"));
	json_decref(j);
	j = loads("{\"create\":[{\"id\":101}],\"update\":[{\"id\":93},{\"id\":94}]}");
	assert_int_equal(wc_batch_outcomes(j, w, 5, sent, out, &err), -1);   /* one create short */
	json_decref(j);
	j = loads("{\"create\":[{\"id\":101},{\"id\":102}],\"update\":[{\"id\":94},{\"id\":93}]}");
	assert_int_equal(wc_batch_outcomes(j, w, 5, sent, out, &err), -1);   /* out of order */
	assert_non_null(strstr(err.buf, "not 93"));
	json_decref(j);
	j = loads("{\"create\":[{\"id\":101},{\"sku\":\"DUP\"}],\"update\":[{\"id\":93},{\"id\":94}]}");
	assert_int_equal(wc_batch_outcomes(j, w, 5, sent, out, &err), -1);
	json_decref(j);
	j = loads("[]");
	assert_int_equal(wc_batch_outcomes(j, w, 5, sent, out, &err), -1);
	json_decref(j);
	sbuf_release(&err);
}

/* The shop as the catalog master: one element of the products list. */
static void
test_cat__catalog_product_mapping(void **state)
{
	struct sbuf err = SBUF_INIT;
	struct product p;
	char body[400];
	json_t *j;

	j = loads("{\"id\":31,\"sku\":\"TEA-1\",\"name\":\"Tea &amp; Biscuits &#8211; Box\",\"description\":"
		  "\"<p>Hot &amp; fresh</p>\",\"regular_price\":\"4.50\",\"status\":\"publish\",\"type\":\"simple\","
		  "\"categories\":[{\"id\":9,\"name\":\"Tea\",\"slug\":\"tea\"},{\"id\":3}],\"extra\":1}");
	assert_int_equal(wc_catalog_product_from_json(j, &p, &err), 0);
	assert_string_equal(p.id, "31");
	assert_string_equal(p.sku, "TEA-1");
	assert_string_equal(p.name, "Tea & Biscuits \xe2\x80\x93 Box");   /* decoded as category names are */
	assert_string_equal(p.description, "<p>Hot &amp; fresh</p>");     /* HTML: kept as written */
	assert_string_equal(p.category_id, "9");                          /* the first category */
	assert_int_equal(p.has_price, 1);
	assert_int_equal(p.price.units, money_of("4.5").units);
	assert_int_equal(p.price_includes_tax, 0);   /* the engine sets the basis */
	assert_int_equal(p.tax_percent.units, 0);
	assert_int_equal(p.sync_to_shop, 1);
	assert_int_equal(p.archived, 0);
	assert_string_equal(p.variant_group, "");
	assert_string_equal(p.variant_option, "");
	assert_int_equal(p.ntiers, 0);
	json_decref(j);

	/* a variable product: its own group, no price of its own ("") */
	j = loads("{\"id\":32,\"sku\":\"\",\"name\":\"Tee\",\"regular_price\":\"\",\"status\":\"draft\","
		  "\"type\":\"variable\",\"categories\":[]}");
	assert_int_equal(wc_catalog_product_from_json(j, &p, &err), 0);
	assert_string_equal(p.variant_group, "32");
	assert_int_equal(p.has_price, 0);
	assert_int_equal(p.price.units, 0);
	assert_int_equal(p.sync_to_shop, 0);
	assert_string_equal(p.category_id, "");
	json_decref(j);
	/* grouped is not simple either; the trash is archived; no type is simple */
	j = loads("{\"id\":33,\"type\":\"grouped\",\"status\":\"trash\",\"regular_price\":null}");
	assert_int_equal(wc_catalog_product_from_json(j, &p, &err), 0);
	assert_string_equal(p.variant_group, "33");
	assert_int_equal(p.archived, 1);
	assert_int_equal(p.sync_to_shop, 0);
	assert_int_equal(p.has_price, 0);
	json_decref(j);
	j = loads("{\"id\":34,\"regular_price\":\"0\"}");
	assert_int_equal(wc_catalog_product_from_json(j, &p, &err), 0);
	assert_string_equal(p.variant_group, "");
	assert_int_equal(p.has_price, 1);   /* free is a price */
	json_decref(j);

	/* a SKU too long for the model is left out, never cut */
	memset(body, 0, sizeof(body));
	memcpy(body, "{\"id\":36,\"sku\":\"", 17);
	memset(body + 17, 'K', 200);
	strcat(body, "\"}");
	j = loads(body);
	assert_int_equal(wc_catalog_product_from_json(j, &p, &err), 0);
	assert_string_equal(p.sku, "");
	json_decref(j);

	/* what cannot be read is an error naming the product */
	j = loads("{\"id\":35,\"regular_price\":\"4,50\"}");
	assert_int_equal(wc_catalog_product_from_json(j, &p, &err), -1);
	assert_non_null(strstr(err.buf, "product 35"));
	assert_non_null(strstr(err.buf, "'regular_price'"));
	json_decref(j);
	j = loads("{\"id\":35,\"regular_price\":[4]}");
	assert_int_equal(wc_catalog_product_from_json(j, &p, &err), -1);
	json_decref(j);
	j = loads("{\"id\":35,\"categories\":{\"id\":2}}");
	assert_int_equal(wc_catalog_product_from_json(j, &p, &err), -1);
	assert_non_null(strstr(err.buf, "'categories'"));
	json_decref(j);
	j = loads("{\"id\":35,\"categories\":[{\"id\":\"x\"}]}");
	assert_int_equal(wc_catalog_product_from_json(j, &p, &err), -1);
	json_decref(j);
	j = loads("{\"name\":\"No id\"}");
	assert_int_equal(wc_catalog_product_from_json(j, &p, &err), -1);
	json_decref(j);
	sbuf_release(&err);
}

/* --- live: categories ----------------------------------------------------- */

static const struct category *
find_cat(const struct category *v, size_t n, const char *name, const char *parent)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0 && strcmp(v[i].parent_id, parent) == 0)
			return &v[i];
	fail_msg("no category '%s' under '%s' in the list", name, parent);
	return NULL;
}

static void
test_cat__categories(void **state)
{
	struct remote_error re;
	struct connector *c;
	struct category in = { "", "", "Tea & Coffee" }, tea, again, green, top_green, *v = NULL;
	char path[160], body[8192];
	size_t n = 0, n0;
	json_t *j = NULL;

	NEED_SANDBOX();
	remote_error_init(&re);
	c = open_sandbox();
	if (OPS.categories_list(c, &v, &n, &re) != REMOTE_OK)
		fail_msg("categories_list: %s", re.message.buf);
	n0 = n;
	free(v);

	if (OPS.category_create(c, &in, &tea, &re) != REMOTE_OK)
		fail_msg("category_create: %s", re.message.buf);
	assert_true(tea.id[0]);
	assert_string_equal(tea.name, "Tea & Coffee");
	snprintf(path, sizeof(path), "/products/categories/%s", tea.id);
	assert_int_equal(woo("GET", path, NULL, &j), 200);
	assert_string_equal(jstr(j, "name"), "Tea &amp; Coffee");   /* how WordPress gives it back */
	json_decref(j);
	/* it exists already: WooCommerce's term_exists names it, and that is our answer */
	assert_int_equal(OPS.category_create(c, &in, &again, &re), REMOTE_OK);
	assert_string_equal(again.id, tea.id);

	snprintf(in.name, sizeof(in.name), "Green");
	snprintf(in.parent_id, sizeof(in.parent_id), "%s", tea.id);
	assert_int_equal(OPS.category_create(c, &in, &green, &re), REMOTE_OK);
	assert_string_equal(green.parent_id, tea.id);
	in.parent_id[0] = '\0';
	assert_int_equal(OPS.category_create(c, &in, &top_green, &re), REMOTE_OK);
	assert_string_not_equal(top_green.id, green.id);   /* another parent, another category */
	snprintf(in.parent_id, sizeof(in.parent_id), "x1");
	assert_int_equal(OPS.category_create(c, &in, &again, &re), REMOTE_REFUSED);
	snprintf(in.parent_id, sizeof(in.parent_id), "99999999");
	assert_int_equal(OPS.category_create(c, &in, &again, &re), REMOTE_NOT_FOUND);

	/* 120 more: the list spans pages */
	for (int b = 0; b < 2; b++) {
		size_t len = (size_t)snprintf(body, sizeof(body), "{\"create\":[");

		for (int i = 0; i < 60; i++)
			len += (size_t)snprintf(body + len, sizeof(body) - len, "%s{\"name\":\"Bulk %d\"}", i ? "," : "",
						b * 60 + i);
		snprintf(body + len, sizeof(body) - len, "]}");
		assert_int_equal(woo("POST", "/products/categories/batch", body, &j), 200);
		json_decref(j);
	}
	assert_int_equal(OPS.categories_list(c, &v, &n, &re), REMOTE_OK);
	assert_int_equal(n, n0 + 3 + 120);
	assert_true(n > 100);
	find_cat(v, n, "Tea & Coffee", "");
	assert_string_equal(find_cat(v, n, "Green", tea.id)->id, green.id);
	assert_string_equal(find_cat(v, n, "Green", "")->id, top_green.id);
	find_cat(v, n, "Bulk 0", "");
	find_cat(v, n, "Bulk 119", "");
	free(v);
	OPS.close(c);
	remote_error_release(&re);
}

/* --- live: products ------------------------------------------------------- */

/* The first n simple products with a SKU, oldest first. */
static json_t *
some_products(void)
{
	json_t *j = NULL;

	assert_int_equal(woo("GET", "/products?type=simple&per_page=5&orderby=id&order=asc", NULL, &j), 200);
	assert_true(json_array_size(j) >= 2);
	assert_true(jstr(json_array_get(j, 0), "sku")[0]);
	return j;
}

static json_t *
product(const char *id)
{
	char path[160];
	json_t *j = NULL;

	snprintf(path, sizeof(path), "/products/%s", id);
	assert_int_equal(woo("GET", path, NULL, &j), 200);
	return j;
}

/* One mapped product against the shop's own record of it. */
static void
check_catalog_product(const struct product *p, const json_t *raw)
{
	const json_t *cats = json_object_get(raw, "categories");
	const char *price = jstr(raw, "regular_price");
	char id[32], text[MONEY_TEXT_MAX];
	int simple = strcmp(jstr(raw, "type"), "simple") == 0;

	id_text(raw, id, sizeof(id));
	assert_string_equal(p->id, id);
	assert_string_equal(p->sku, jstr(raw, "sku"));
	assert_string_equal(p->name, jstr(raw, "name"));   /* the fixture's names have no entities */
	assert_int_equal(p->has_price, price[0] != '\0');
	if (price[0]) {
		money_format(p->price, 2, text, sizeof(text));
		assert_string_equal(text, price);   /* the price text exactly */
	}
	assert_int_equal(p->price_includes_tax, 0);
	assert_int_equal(p->sync_to_shop, strcmp(jstr(raw, "status"), "publish") == 0);
	assert_int_equal(p->archived, 0);
	assert_string_equal(p->variant_group, simple ? "" : id);
	if (json_array_size(cats))
		assert_int_equal(strtoll(p->category_id, NULL, 10),
				 json_integer_value(json_object_get(json_array_get(cats, 0), "id")));
	else
		assert_string_equal(p->category_id, "");
}

/* The 150 products of the fixture in two pages, each as the shop has it.
 * Runs before any test adds products. */
static void
test_cat__products_page(void **state)
{
	struct remote_error re;
	struct connector *c;
	struct change_page pg = { 1, 0, 0 };
	size_t total = 0, variable = 0, draft = 0;
	char path[160];
	int pages = 0;

	NEED_SANDBOX();
	remote_error_init(&re);
	c = open_sandbox();
	do {
		struct product *v = NULL;
		size_t n = 0;
		json_t *raw = NULL;

		if (OPS.products_page(c, &pg, &v, &n, &re) != REMOTE_OK)
			fail_msg("products_page %d: %s", pg.page, re.message.buf);
		pages++;
		snprintf(path, sizeof(path), "/products?per_page=100&page=%d&orderby=id&order=asc&status=any", pg.page);
		assert_int_equal(woo("GET", path, NULL, &raw), 200);
		assert_int_equal(json_array_size(raw), n);
		for (size_t i = 0; i < n; i++) {
			check_catalog_product(&v[i], json_array_get(raw, i));
			variable += v[i].variant_group[0] != '\0';
			draft += !v[i].sync_to_shop;
		}
		if (pg.page == 1) {
			assert_int_equal(n, 100);
			assert_true(pg.more);
		}
		total += n;
		json_decref(raw);
		free(v);
		pg.page++;
	} while (pg.more && pages < 10);
	assert_int_equal(pages, 2);
	assert_int_equal(total, 150);
	assert_true(variable > 0);   /* every tenth item of the fixture */
	assert_true(draft > 0);
	OPS.close(c);
	remote_error_release(&re);
}

static void
test_cat__product_get(void **state)
{
	struct remote_error re;
	struct connector *c;
	struct product p;
	char id[32], var_id[32], path[160];
	json_t *raw = NULL, *vars = NULL;

	NEED_SANDBOX();
	remote_error_init(&re);
	c = open_sandbox();
	/* the first variable product of the fixture, and one simple one */
	assert_int_equal(woo("GET", "/products?type=variable&per_page=1&orderby=id&order=asc", NULL, &raw), 200);
	id_text(json_array_get(raw, 0), id, sizeof(id));
	json_decref(raw);
	if (OPS.product_get(c, id, &p, &re) != REMOTE_OK)
		fail_msg("product_get %s: %s", id, re.message.buf);
	snprintf(path, sizeof(path), "/products/%s", id);
	assert_int_equal(woo("GET", path, NULL, &raw), 200);
	check_catalog_product(&p, raw);
	assert_string_equal(p.variant_group, id);
	json_decref(raw);
	raw = some_products();
	id_text(json_array_get(raw, 0), id, sizeof(id));
	assert_int_equal(OPS.product_get(c, id, &p, &re), REMOTE_OK);
	check_catalog_product(&p, json_array_get(raw, 0));
	json_decref(raw);

	/* gone, never was, or not a product of its own */
	assert_int_equal(OPS.product_get(c, "99999999", &p, &re), REMOTE_NOT_FOUND);
	assert_non_null(strstr(re.message.buf, "99999999"));
	assert_int_equal(OPS.product_get(c, "12/3", &p, &re), REMOTE_NOT_FOUND);
	assert_int_equal(woo("GET", "/products?type=variable&per_page=1&orderby=id&order=asc", NULL, &raw), 200);
	snprintf(path, sizeof(path), "/products/%" JSON_INTEGER_FORMAT "/variations",
		 json_integer_value(json_object_get(json_array_get(raw, 0), "id")));
	assert_int_equal(woo("GET", path, NULL, &vars), 200);
	assert_true(json_array_size(vars) > 0);
	id_text(json_array_get(vars, 0), var_id, sizeof(var_id));
	assert_int_equal(OPS.product_get(c, var_id, &p, &re), REMOTE_NOT_FOUND);
	assert_non_null(strstr(re.message.buf, "variation"));
	json_decref(vars);
	json_decref(raw);

	/* in the trash: still there to read, and archived */
	assert_int_equal(woo("POST", "/products", "{\"name\":\"Binned\",\"sku\":\"BIN-1\",\"regular_price\":\"3.00\"}",
			     &raw), 201);
	id_text(raw, id, sizeof(id));
	json_decref(raw);
	snprintf(path, sizeof(path), "/products/%s", id);
	assert_int_equal(woo("DELETE", path, NULL, &raw), 200);
	json_decref(raw);
	assert_int_equal(OPS.product_get(c, id, &p, &re), REMOTE_OK);
	assert_int_equal(p.archived, 1);
	assert_int_equal(p.sync_to_shop, 0);
	assert_int_equal(p.price.units, money_of("3").units);
	assert_string_equal(p.sku, "BIN-1");
	OPS.close(c);
	remote_error_release(&re);
}

static void
test_cat__products_write(void **state)
{
	struct remote_error re;
	struct connector *c;
	struct category mugs, in = { "", "", "Mugs" };
	struct product_write w[4], *big;
	struct write_outcome out[4];
	char existing[32], other[32];
	json_t *seed, *p;
	long before;

	NEED_SANDBOX();
	remote_error_init(&re);
	c = open_sandbox();
	seed = some_products();
	id_text(json_array_get(seed, 0), existing, sizeof(existing));
	id_text(json_array_get(seed, 1), other, sizeof(other));
	assert_int_equal(OPS.category_create(c, &in, &mugs, &re), REMOTE_OK);

	fill_write(&w[0], "", "CAT-A", "Alpha");
	snprintf(w[0].category_id, sizeof(w[0].category_id), "%s", mugs.id);
	w[0].tiers[0].min_quantity = 10;
	w[0].tiers[0].price = money_of("9.5");
	w[0].ntiers = 1;
	fill_write(&w[1], other, jstr(json_array_get(seed, 1), "sku"), "Renamed");
	w[1].fields = PW_CATALOG | PW_STATUS | PW_STOCK;
	snprintf(w[1].status, sizeof(w[1].status), "draft");
	w[1].stock = 7;
	fill_write(&w[2], "", jstr(json_array_get(seed, 0), "sku"), "Duplicate");   /* a SKU the shop has */
	fill_write(&w[3], "", "CAT-C", "Gamma");
	w[3].fields = PW_CATALOG | PW_STOCK;
	w[3].stock = 5;

	before = sandbox_requests("POST /products/batch");
	if (OPS.products_write(c, w, 4, out, &re) != REMOTE_OK)
		fail_msg("products_write: %s", re.message.buf);
	assert_int_equal(sandbox_requests("POST /products/batch"), before + 1);   /* one request */
	assert_true(out[0].ok && out[1].ok && out[3].ok);
	assert_string_equal(out[1].id, other);
	assert_false(out[2].ok);
	assert_string_equal(out[2].code, "product_invalid_sku");
	assert_string_equal(out[2].message, "Invalid or duplicated SKU.");
	assert_string_equal(out[2].existing_id, existing);

	/* what landed */
	p = product(out[0].id);
	assert_string_equal(jstr(p, "sku"), "CAT-A");
	assert_string_equal(jstr(p, "regular_price"), "12.50");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(p, "categories"), 0), "id")),
			 strtoll(mugs.id, NULL, 10));
	assert_string_equal(meta_value(p, WC_META_PRODUCT_REF), "POS-CAT-A");
	assert_string_equal(meta_value(p, WC_META_QUANTITY_PRICES), "[{\"min_qty\":10,\"price\":\"9.50\"}]");
	json_decref(p);
	p = product(other);
	assert_string_equal(jstr(p, "name"), "Renamed");
	assert_string_equal(jstr(p, "status"), "draft");
	assert_true(json_is_true(json_object_get(p, "manage_stock")));
	assert_int_equal(json_integer_value(json_object_get(p, "stock_quantity")), 7);
	assert_string_equal(meta_value(p, WC_META_QUANTITY_PRICES), "[]");
	json_decref(p);
	p = product(out[3].id);
	assert_int_equal(json_integer_value(json_object_get(p, "stock_quantity")), 5);
	json_decref(p);

	/* the tiers go away in the POS: they go away in the shop */
	snprintf(w[0].shop_id, sizeof(w[0].shop_id), "%s", out[0].id);
	w[0].ntiers = 0;
	assert_int_equal(OPS.products_write(c, w, 1, out, &re), REMOTE_OK);
	assert_true(out[0].ok);
	p = product(w[0].shop_id);
	assert_string_equal(meta_value(p, WC_META_QUANTITY_PRICES), "[]");
	json_decref(p);

	/* refused without a request: too many, or nothing sendable */
	big = calloc(OPS.products_write_max + 1, sizeof(*big));
	assert_non_null(big);
	before = sandbox_requests("POST /products/batch");
	assert_int_equal(OPS.products_write(c, big, OPS.products_write_max + 1, out, &re), REMOTE_REFUSED);
	assert_non_null(strstr(re.message.buf, "at most 100"));
	fill_write(&big[0], "", "BAD", "\xff");
	assert_int_equal(OPS.products_write(c, big, 1, out, &re), REMOTE_OK);
	assert_string_equal(out[0].code, WC_CODE_NOT_SENT);
	assert_int_equal(sandbox_requests("POST /products/batch"), before);
	free(big);
	json_decref(seed);
	OPS.close(c);
	remote_error_release(&re);
}

static const struct shop_product *
find_sku(const struct shop_product *v, size_t n, const char *sku)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].sku, sku) == 0)
			return &v[i];
	return NULL;
}

static const struct shop_product *
must_find_sku(const struct shop_product *v, size_t n, const char *sku)
{
	const struct shop_product *p = find_sku(v, n, sku);

	if (!p)
		fail_msg("SKU '%s' not found", sku);
	return p;
}

/* A variable product and its variations: the attribute with every option,
 * one request per product's variations, the variable product read back. */
static void
test_cat__variable_products(void **state)
{
	struct remote_error re;
	struct connector *c;
	struct product_write parent, v[3];
	struct write_outcome out[3];
	struct variable_product vp;
	char path[256], *text;
	struct sbuf err = SBUF_INIT;
	json_t *j = NULL;
	long before;

	NEED_SANDBOX();
	remote_error_init(&re);
	c = open_sandbox();

	fill_write(&parent, "", "VTEE", "Tee");
	parent.kind = PRODUCT_VARIABLE;
	snprintf(parent.options[0], PRODUCT_OPTION_LEN, "S");
	snprintf(parent.options[1], PRODUCT_OPTION_LEN, "M");
	parent.noptions = 2;
	j = wc_product_write_json(&parent, &err);
	text = dump(j);
	/* no price and no quantity prices on the variable product itself */
	assert_string_equal(text, "{\"attributes\":[{\"name\":\"Size\",\"options\":[\"S\",\"M\"],\"variation\":true,"
				  "\"visible\":true}],\"description\":\"Blue\",\"meta_data\":[{\"key\":\"_tillsync_ref\","
				  "\"value\":\"POS-VTEE\"}],\"name\":\"Tee\",\"sku\":\"VTEE\",\"type\":\"variable\"}");
	free(text);
	json_decref(j);
	assert_int_equal(OPS.products_write(c, &parent, 1, out, &re), REMOTE_OK);
	assert_true(out[0].ok);
	snprintf(parent.shop_id, sizeof(parent.shop_id), "%s", out[0].id);

	for (int i = 0; i < 2; i++) {
		fill_write(&v[i], "", i ? "VTEE-M" : "VTEE-S", "ignored");
		v[i].kind = PRODUCT_VARIATION;
		v[i].fields |= PW_OPTION;   /* new: its option goes out */
		snprintf(v[i].parent_id, sizeof(v[i].parent_id), "%s", parent.shop_id);
		snprintf(v[i].options[0], PRODUCT_OPTION_LEN, "%s", i ? "M" : "S");
		v[i].noptions = 1;
	}
	v[1].regular_price = money_of("13");
	j = wc_product_write_json(&v[0], &err);
	text = dump(j);
	/* a variation: its option, no name and no categories (its parent's) */
	assert_string_equal(text, "{\"attributes\":[{\"name\":\"Size\",\"option\":\"S\"}],\"description\":\"Blue\","
				  "\"meta_data\":[{\"key\":\"_tillsync_ref\",\"value\":\"POS-VTEE-S\"},{\"key\":"
				  "\"_tillsync_quantity_prices\",\"value\":\"[]\"}],\"regular_price\":\"12.50\","
				  "\"sku\":\"VTEE-S\"}");
	free(text);
	json_decref(j);
	/* an update whose option did not change leaves the variation's attributes alone */
	v[0].fields &= ~(unsigned)PW_OPTION;
	j = wc_product_write_json(&v[0], &err);
	assert_null(json_object_get(j, "attributes"));
	json_decref(j);
	v[0].fields |= PW_OPTION;
	/* a variable product as read: its other attributes and its own options are kept */
	parent.kept = "[{\"id\":3,\"name\":\"Colour\",\"options\":[\"Red\"],\"variation\":false},"
		      "{\"id\":0,\"name\":\"size\",\"options\":[\"XS\",\"S\"],\"variation\":true}]";
	j = wc_product_write_json(&parent, &err);
	text = dump(json_object_get(j, "attributes"));
	assert_string_equal(text, "[{\"id\":3,\"name\":\"Colour\",\"options\":[\"Red\"],\"variation\":false},"
				  "{\"id\":0,\"name\":\"size\",\"options\":[\"XS\",\"S\",\"M\"],\"variation\":true,"
				  "\"visible\":true}]");
	free(text);
	json_decref(j);
	parent.kept = NULL;
	before = sandbox_requests("POST /products/{id}/variations/batch");
	if (OPS.products_write(c, v, 2, out, &re) != REMOTE_OK)
		fail_msg("variations: %s", re.message.buf);
	assert_int_equal(sandbox_requests("POST /products/{id}/variations/batch"), before + 1);
	assert_true(out[0].ok && out[1].ok);
	snprintf(path, sizeof(path), "/products/%s/variations/%s", parent.shop_id, out[1].id);
	assert_int_equal(woo("GET", path, NULL, &j), 200);
	assert_string_equal(jstr(j, "regular_price"), "13.00");
	json_decref(j);

	/* products and variations, or variations of two products: never one request */
	v[2] = v[0];
	snprintf(v[2].parent_id, sizeof(v[2].parent_id), "999");
	assert_int_equal(OPS.products_write(c, v, 3, out, &re), REMOTE_REFUSED);
	assert_int_equal(OPS.products_write(c, (struct product_write[]){ parent, v[0] }, 2, out, &re), REMOTE_REFUSED);
	assert_int_equal(sandbox_requests("POST /products/{id}/variations/batch"), before + 1);

	/* read back: the options and the variations with their own SKUs */
	assert_int_equal(OPS.variable_product_get(c, parent.shop_id, &vp, &re), REMOTE_OK);
	assert_true(vp.is_variable);
	assert_string_equal(vp.sku, "VTEE");
	assert_int_equal(vp.noptions, 2);
	assert_string_equal(vp.options[1], "M");
	assert_non_null(vp.kept);   /* the attributes as read, for a write to keep */
	assert_non_null(strstr(vp.kept, "\"Size\""));
	assert_int_equal(vp.nvariations, 2);
	assert_non_null(must_find_sku(vp.variations, vp.nvariations, "VTEE-M"));
	variable_product_release(&vp);
	assert_int_equal(OPS.variable_product_get(c, "987654", &vp, &re), REMOTE_NOT_FOUND);
	OPS.close(c);
	remote_error_release(&re);
	sbuf_release(&err);
}

static void
make_product(const char *sku, char *id, size_t len)
{
	char body[256];
	json_t *j = NULL;

	snprintf(body, sizeof(body), "{\"name\":\"By SKU\",\"sku\":\"%s\",\"status\":\"draft\"}", sku);
	assert_int_equal(woo("POST", "/products", body, &j), 201);
	id_text(j, id, len);
	json_decref(j);
}

static void
test_cat__products_by_sku(void **state)
{
	struct remote_error re;
	struct connector *c;
	struct shop_product *v = NULL;
	const char *ask[6] = { "BS-1", "BS-2", "BS-3", "NOPE-9", "", "BSA,BSB" };
	const char *many[120];
	char id1[32], id2[32], id3[32], ida[32], idc[32], names[120][16], wide[20][128];
	const struct shop_product *hit;
	size_t n = 99;
	long before;

	NEED_SANDBOX();
	remote_error_init(&re);
	c = open_sandbox();
	make_product("BS-1", id1, sizeof(id1));
	make_product("BS-2", id2, sizeof(id2));
	make_product("bs-3", id3, sizeof(id3));   /* the shop's spelling differs in case */
	make_product("BSA", ida, sizeof(ida));
	make_product("BSA,BSB", idc, sizeof(idc));

	before = sandbox_requests("GET /products");
	if (OPS.products_by_sku(c, ask, 6, &v, &n, &re) != REMOTE_OK)
		fail_msg("products_by_sku: %s", re.message.buf);
	/* the plain SKUs in one request, the one with a comma alone */
	assert_int_equal(sandbox_requests("GET /products"), before + 2);
	assert_string_equal(must_find_sku(v, n, "BS-1")->id, id1);
	assert_string_equal(must_find_sku(v, n, "BS-2")->id, id2);
	assert_string_equal(must_find_sku(v, n, "bs-3")->id, id3);
	assert_string_equal(must_find_sku(v, n, "BS-1")->status, "draft");
	assert_null(find_sku(v, n, "BSA"));   /* what the split list matched, but was not asked */
	/* WooCommerce also tries "BSA,BSB" as one SKU; the emulator only splits it */
	hit = find_sku(v, n, "BSA,BSB");
	if (hit)
		assert_string_equal(hit->id, idc);
	assert_int_equal(n, hit ? 4 : 3);
	free(v);

	/* 120 SKUs: chunks of 100; nothing found is an answer, not an error */
	for (int i = 0; i < 120; i++) {
		snprintf(names[i], sizeof(names[i]), "NONE-%d", i);
		many[i] = names[i];
	}
	before = sandbox_requests("GET /products");
	assert_int_equal(OPS.products_by_sku(c, many, 120, &v, &n, &re), REMOTE_OK);
	assert_int_equal(n, 0);
	assert_null(v);
	assert_int_equal(sandbox_requests("GET /products"), before + 2);
	/* 20 long SKUs (120 bytes, 348 encoded): more than the URL's bound, so two requests */
	for (int i = 0; i < 20; i++) {
		for (int k = 0; k < 60; k++)
			memcpy(wide[i] + 2 * k, "\xc3\xa9", 2);
		snprintf(wide[i] + 114, 14, "%06d", i);
		many[i] = wide[i];
	}
	before = sandbox_requests("GET /products");
	assert_int_equal(OPS.products_by_sku(c, many, 20, &v, &n, &re), REMOTE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(sandbox_requests("GET /products"), before + 2);
	OPS.close(c);
	remote_error_release(&re);
}

/* --- live: stock ---------------------------------------------------------- */

/* v[*k] is the stock of record p (a product or a variation) */
static void
expect_stock(const struct stock_level *v, size_t n, size_t *k, const json_t *p)
{
	char id[32];

	assert_true(*k < n);
	id_text(p, id, sizeof(id));
	assert_string_equal(v[*k].product_id, id);
	assert_string_equal(v[*k].sku, jstr(p, "sku"));
	assert_int_equal(v[*k].managed, json_is_true(json_object_get(p, "manage_stock")));
	assert_int_equal(v[*k].quantity, json_integer_value(json_object_get(p, "stock_quantity")));
	(*k)++;
}

static void
test_cat__stock_page(void **state)
{
	struct remote_error re;
	struct connector *c;
	struct change_page pg = { 1, 0, 0 };
	struct stock_level *v = NULL;
	char path[160], id[32];
	size_t n = 0, total = 0, k, variations = 0;
	json_t *full = NULL, *p;

	NEED_SANDBOX();
	remote_error_init(&re);
	c = open_sandbox();
	for (pg.page = 1;; pg.page++) {
		/* a location means nothing to WooCommerce: ignored */
		if (OPS.stock_page(c, "warehouse-2", &pg, &v, &n, &re) != REMOTE_OK)
			fail_msg("stock_page %d: %s", pg.page, re.message.buf);
		if (pg.page == 1)
			assert_true(pg.more);
		/* each as the full product says, then the variations of the page's variable products */
		snprintf(path, sizeof(path), "/products?per_page=100&page=%d&orderby=id&order=asc", pg.page);
		assert_int_equal(woo("GET", path, NULL, &full), 200);
		k = 0;
		for (size_t i = 0; i < json_array_size(full); i++)
			expect_stock(v, n, &k, json_array_get(full, i));
		for (size_t i = 0; i < json_array_size(full); i++) {
			p = json_array_get(full, i);
			if (strcmp(jstr(p, "type"), "variable") == 0) {
				json_t *vars = NULL;

				id_text(p, id, sizeof(id));
				snprintf(path, sizeof(path), "/products/%s/variations?per_page=100&context=edit", id);
				assert_int_equal(woo("GET", path, NULL, &vars), 200);
				assert_true(json_array_size(vars) > 0);
				for (size_t j = 0; j < json_array_size(vars); j++)
					expect_stock(v, n, &k, json_array_get(vars, j));
				variations += json_array_size(vars);
				json_decref(vars);
			}
		}
		assert_int_equal(k, n);
		json_decref(full);
		total += n;
		free(v);
		v = NULL;
		if (!pg.more)
			break;
		assert_true(pg.page < 10);
	}
	assert_true(pg.page >= 2);
	assert_true(total > 100);
	assert_true(variations > 0);   /* the fixture has variable products */
	OPS.close(c);
	remote_error_release(&re);
}

/* The census listing: every product (not variation) once, with its SKU and
 * status as the shop holds them, and how many pages there are. */
static void
test_cat__product_skus_page(void **state)
{
	struct remote_error re;
	struct connector *c;
	struct change_page pg = { 1, 0, 0 };
	struct shop_product *v = NULL;
	char path[160], id[32];
	size_t n = 0, total = 0;
	int pages = 0;
	json_t *full = NULL;

	NEED_SANDBOX();
	remote_error_init(&re);
	c = open_sandbox();
	for (pg.page = 1;; pg.page++) {
		if (OPS.product_skus_page(c, &pg, &v, &n, &re) != REMOTE_OK)
			fail_msg("product_skus_page %d: %s", pg.page, re.message.buf);
		if (pg.page == 1)
			pages = pg.pages;
		assert_int_equal(pg.pages, pages);
		snprintf(path, sizeof(path), "/products?per_page=100&page=%d&orderby=id&order=asc&status=any", pg.page);
		assert_int_equal(woo("GET", path, NULL, &full), 200);
		assert_int_equal(n, json_array_size(full));
		for (size_t i = 0; i < n; i++) {
			json_t *p = json_array_get(full, i);

			id_text(p, id, sizeof(id));
			assert_string_equal(v[i].id, id);
			assert_string_equal(v[i].sku, jstr(p, "sku"));
			assert_string_equal(v[i].status, jstr(p, "status"));
		}
		json_decref(full);
		total += n;
		free(v);
		v = NULL;
		if (!pg.more)
			break;
		assert_true(pg.page < 10);
	}
	assert_int_equal(pg.page, pages);   /* it said how many pages there were */
	assert_true(pages >= 2);
	assert_true(total > 100);
	OPS.close(c);
	remote_error_release(&re);
}

/* --- live: whole-request failures ----------------------------------------- */

static void
test_cat__rate_limited(void **state)
{
	struct remote_error re;
	struct connector *c;
	struct change_page pg = { 1, 0, 0 };
	struct stock_level *v = NULL;
	struct product_write w;
	struct write_outcome out;
	struct shop_product *found = NULL;
	size_t n;

	NEED_SANDBOX();
	remote_error_init(&re);
	c = open_sandbox();
	faults("\"rate_limit\":{\"requests\":1,\"window_ms\":60000,\"retry_after\":7}");
	assert_int_equal(OPS.products_by_sku(c, (const char *[]){ "RATE-0" }, 1, &found, &n, &re),
			 REMOTE_OK);   /* the one request */
	free(found);
	assert_int_equal(OPS.stock_page(c, "", &pg, &v, &n, &re), REMOTE_TEMPORARY);
	assert_int_equal(re.http_status, 429);
	assert_int_equal(re.retry_after_ms, 7000);
	fill_write(&w, "", "RATE-1", "Rate");
	assert_int_equal(OPS.products_write(c, &w, 1, &out, &re), REMOTE_TEMPORARY);
	assert_int_equal(re.retry_after_ms, 7000);
	assert_false(re.may_have_landed);   /* refused at the door */
	assert_non_null(strstr(re.message.buf, "writing 1 product to WooCommerce"));
	faults_off();
	OPS.close(c);
	remote_error_release(&re);
}

static size_t
count_sku(struct connector *c, const char *sku)
{
	struct remote_error re;
	struct shop_product *v = NULL;
	size_t n = 0;

	remote_error_init(&re);
	assert_int_equal(OPS.products_by_sku(c, &sku, 1, &v, &n, &re), REMOTE_OK);
	free(v);
	remote_error_release(&re);
	return n;
}

static void
test_cat__batch_lost_answers(void **state)
{
	struct remote_error re;
	struct connector *c;
	struct product_write w;
	struct write_outcome out;

	NEED_SANDBOX();
	remote_error_init(&re);
	c = open_sandbox();
	/* a 500: the creates may exist, so the engine must look before resending */
	faults("\"fail_next\":{\"count\":1,\"route\":\"POST /products/batch\",\"status\":500}");
	fill_write(&w, "", "LOST-1", "Lost");
	assert_int_equal(OPS.products_write(c, &w, 1, &out, &re), REMOTE_TEMPORARY);
	assert_int_equal(re.http_status, 500);
	assert_true(re.may_have_landed);
	assert_non_null(strstr(re.message.buf, "writing 1 product to WooCommerce"));
	assert_null(strstr(re.message.buf, sb.secret));

	/* a cut answer: the write was made, we cannot say as what */
	faults("\"truncated\":1");
	fill_write(&w, "", "LOST-2", "Lost");
	assert_int_equal(OPS.products_write(c, &w, 1, &out, &re), REMOTE_BAD_ANSWER);
	assert_true(re.may_have_landed);
	faults_off();
	assert_int_equal(count_sku(c, "LOST-2"), 1);   /* it landed: look it up, do not resend */

	/* a proxy's 413 */
	faults("\"fail_next\":{\"count\":1,\"route\":\"POST /products/batch\",\"status\":413}");
	assert_int_equal(OPS.products_write(c, &w, 1, &out, &re), REMOTE_REFUSED);
	assert_int_equal(re.http_status, 413);
	faults_off();
	OPS.close(c);
	remote_error_release(&re);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cat__names_and_categories),
		cmocka_unit_test(test_cat__stock_and_match_mapping),
		cmocka_unit_test(test_cat__write_bodies),
		cmocka_unit_test(test_cat__batch_answer_mapping),
		cmocka_unit_test(test_cat__catalog_product_mapping),
		cmocka_unit_test(test_cat__categories),
		cmocka_unit_test(test_cat__products_page),   /* before any test adds products */
		cmocka_unit_test(test_cat__product_get),
		cmocka_unit_test(test_cat__products_write),
		cmocka_unit_test(test_cat__products_by_sku),
		cmocka_unit_test(test_cat__stock_page),
		cmocka_unit_test(test_cat__product_skus_page),
		cmocka_unit_test(test_cat__rate_limited),
		cmocka_unit_test(test_cat__batch_lost_answers),
		cmocka_unit_test(test_cat__variable_products),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
