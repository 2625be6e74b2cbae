/*
 * test_eposnow_json.c: the Epos Now connector's catalog. The JSON -> model
 * mapping (eposnow_json.c) on canned bodies, then the catalog ops against
 * the sandbox's Epos Now emulator (a real child process: $SANDBOX) when it
 * is set; without it the live test skips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tsandbox.h"

#include "connectors/connector.h"
#include "connectors/eposnow/eposnow_json.h"
#include "util/json_decimal.h"

extern const struct connector_ops eposnow_connector;

/* ---- canned bodies ------------------------------------------------------ */

static json_t *
load(const char *body)
{
	struct sbuf err = SBUF_INIT;
	json_t *j = json_decimal_loads(body, strlen(body), &err);

	if (!j)
		fail_msg("canned body does not parse: %s", err.buf);
	sbuf_release(&err);
	return j;
}

static int64_t
units(const char *text)
{
	struct money m;

	assert_int_equal(money_parse(text, &m), 0);
	return m.units;
}

/* Group 1 is 17.5% + 2.5% (two rates summed), 2 is zero-rated, 3 came without rates. */
static void
tax_table(struct epos_tax_table *t)
{
	struct sbuf err = SBUF_INIT;
	json_t *j = load("[{\"Id\":1,\"Name\":\"Std\",\"TaxRates\":[{\"TaxGroupId\":1,\"Percentage\":17.50},"
			 "{\"TaxGroupId\":1,\"Percentage\":2.5}]},"
			 "{\"Id\":2,\"Name\":\"Zero\",\"TaxRates\":[{\"Percentage\":0.00}]},"
			 "{\"Id\":3,\"Name\":\"Odd\",\"TaxRates\":null}]");

	memset(t, 0, sizeof(*t));
	assert_int_equal(epos_tax_groups_from_json(j, t, &err), 0);
	t->loaded = 1;
	assert_int_equal(t->n, 3);
	json_decref(j);
	sbuf_release(&err);
}

static void
test_epos__product_all_fields(void **state)
{
	struct epos_tax_table t;
	struct sbuf err = SBUF_INIT;
	struct product p;
	json_t *j = load("{\"Id\":17,\"Name\":\"Blue Lamp\",\"Description\":\"A lamp\",\"CostPrice\":3.10,"
			 "\"SalePrice\":12.34,\"IsSalePriceIncTax\":true,\"CategoryId\":5,"
			 "\"Barcode\":\"5000001000001\",\"SalePriceTaxGroupId\":1,\"Sku\":\"TS-17\","
			 "\"SellOnWeb\":true,\"IsArchived\":true,\"Unknown\":{\"x\":[1,2]},"
			 "\"VariantGroupId\":44,\"Size\":\"XL\","
			 "\"CustomerProductPricingDetails\":[{\"PriceId\":1,\"TypeId\":2,\"TypeName\":\"Trade\","
			 "\"Price\":10.00,\"EatOutPrice\":10.5,\"ProductId\":17},"
			 "{\"TypeId\":4,\"TypeName\":\"VIP\",\"Price\":9}]}");

	(void)state;
	tax_table(&t);
	assert_int_equal(epos_product_from_json(j, &t, &p, &err), 0);
	assert_string_equal(p.id, "17");
	assert_string_equal(p.sku, "TS-17");   /* the SKU, never the barcode */
	assert_string_equal(p.name, "Blue Lamp");
	assert_string_equal(p.description, "A lamp");
	assert_string_equal(p.category_id, "5");
	assert_string_equal(p.variant_group, "44");   /* one size of a variable product */
	assert_string_equal(p.variant_option, "XL");
	assert_int_equal(p.has_price, 1);
	assert_int_equal(p.price.units, 123400);
	assert_int_equal(p.price_includes_tax, 1);
	assert_int_equal(p.tax_percent.units, units("20"));
	assert_int_equal(p.sync_to_shop, 1);
	assert_int_equal(p.archived, 1);
	assert_int_equal(p.ntiers, 2);
	assert_string_equal(p.tiers[0].name, "Trade");
	assert_int_equal(p.tiers[0].price.units, units("10"));
	assert_string_equal(p.tiers[1].name, "VIP");
	assert_int_equal(p.tiers[1].price.units, units("9"));
	/* group 2: zero-rated */
	json_object_set_new(j, "SalePriceTaxGroupId", json_integer(2));
	assert_int_equal(epos_product_from_json(j, &t, &p, &err), 0);
	assert_int_equal(p.tax_percent.units, 0);
	json_decref(j);
	epos_tax_table_release(&t);
	sbuf_release(&err);
}

static void
test_epos__product_nulls(void **state)
{
	struct epos_tax_table t = { 0 };
	struct sbuf err = SBUF_INIT;
	struct product p;
	json_t *j = load("{\"Id\":\"18\",\"Name\":\"No SKU\",\"Description\":null,\"SalePrice\":null,"
			 "\"IsSalePriceIncTax\":false,\"CategoryId\":null,\"Barcode\":\"500\",\"Sku\":null,"
			 "\"SalePriceTaxGroupId\":null,\"SellOnWeb\":false,\"IsArchived\":false,"
			 "\"CustomerProductPricingDetails\":null}");

	(void)state;
	assert_int_equal(epos_products_need_tax_table(j, &t), 0);   /* no group: nothing to look up */
	assert_int_equal(epos_product_from_json(j, &t, &p, &err), 0);
	assert_string_equal(p.id, "18");
	assert_string_equal(p.sku, "");
	assert_string_equal(p.description, "");
	assert_string_equal(p.category_id, "");
	assert_int_equal(p.has_price, 0);
	assert_int_equal(p.price.units, 0);
	assert_int_equal(p.price_includes_tax, 0);
	assert_int_equal(p.tax_percent.units, 0);
	assert_int_equal(p.sync_to_shop, 0);
	assert_int_equal(p.archived, 0);
	assert_int_equal(p.ntiers, 0);
	json_decref(j);
	/* absent fields read like nulls; a zero price is still a price */
	j = load("{\"Id\":19,\"SalePrice\":0}");
	assert_int_equal(epos_product_from_json(j, &t, &p, &err), 0);
	assert_int_equal(p.has_price, 1);
	assert_int_equal(p.price.units, 0);
	json_decref(j);
	j = load("{\"Id\":20}");
	assert_int_equal(epos_product_from_json(j, &t, &p, &err), 0);
	assert_int_equal(p.has_price, 0);
	json_decref(j);
	sbuf_release(&err);
}

static void
test_epos__product_tiers_beyond_max(void **state)
{
	struct epos_tax_table t = { 0 };
	struct sbuf err = SBUF_INIT, body = SBUF_INIT;
	struct product p;
	json_t *j;

	(void)state;
	sbuf_addstr(&body, "{\"Id\":21,\"SalePrice\":5,\"CustomerProductPricingDetails\":["
		    "{\"TypeName\":null,\"Price\":1.00},{\"TypeName\":\"NoPrice\",\"Price\":null}");
	for (int i = 0; i < PRODUCT_TIERS_MAX + 3; i++)
		sbuf_addf(&body, ",{\"TypeName\":\"T%d\",\"Price\":%d.25}", i, i + 1);
	sbuf_addstr(&body, "]}");
	j = load(body.buf);
	assert_int_equal(epos_product_from_json(j, &t, &p, &err), 0);
	assert_int_equal(p.ntiers, PRODUCT_TIERS_MAX);
	assert_string_equal(p.tiers[0].name, "T0");
	assert_int_equal(p.tiers[0].price.units, units("1.25"));
	assert_string_equal(p.tiers[PRODUCT_TIERS_MAX - 1].name, "T7");
	assert_int_equal(p.tiers[PRODUCT_TIERS_MAX - 1].price.units, units("8.25"));
	json_decref(j);
	sbuf_release(&body);
	sbuf_release(&err);
}

static void
test_epos__inline_tax_group(void **state)
{
	struct epos_tax_table t = { 0 };   /* not loaded: the inline group must be enough */
	struct sbuf err = SBUF_INIT;
	struct product p;
	json_t *j = load("[{\"Id\":30,\"SalePrice\":1.5,\"SalePriceTaxGroupId\":9,"
			 "\"SalePriceTaxGroup\":{\"Id\":9,\"Name\":\"Reduced\",\"TaxRates\":["
			 "{\"TaxGroupId\":9,\"Percentage\":5.5}]}}]");

	(void)state;
	assert_int_equal(epos_products_need_tax_table(j, &t), 0);
	assert_int_equal(epos_product_from_json(json_array_get(j, 0), &t, &p, &err), 0);
	assert_int_equal(p.tax_percent.units, units("5.5"));
	json_decref(j);
	/* an inline group without its rates falls back to the table */
	j = load("{\"Id\":31,\"SalePriceTaxGroupId\":1,\"SalePriceTaxGroup\":{\"Id\":1,\"Name\":\"Std\"}}");
	assert_int_equal(epos_products_need_tax_table(j, &t), 1);
	tax_table(&t);
	assert_int_equal(epos_products_need_tax_table(j, &t), 0);
	assert_int_equal(epos_product_from_json(j, &t, &p, &err), 0);
	assert_int_equal(p.tax_percent.units, units("20"));
	json_decref(j);
	epos_tax_table_release(&t);
	sbuf_release(&err);
}

static void
test_epos__unknown_tax_group_is_an_error(void **state)
{
	struct epos_tax_table t;
	struct sbuf err = SBUF_INIT;
	struct product *ps = NULL;
	struct product p;
	size_t n = 99;
	json_t *j = load("[{\"Id\":41,\"SalePriceTaxGroupId\":1},{\"Id\":42,\"SalePrice\":2.00,"
			 "\"SalePriceTaxGroupId\":9}]");

	(void)state;
	tax_table(&t);
	assert_int_equal(epos_products_need_tax_table(j, &t), 1);
	assert_int_equal(epos_products_from_json(j, &t, &ps, &n, &err), EPOS_JSON_BAD);
	assert_null(ps);
	assert_int_equal(n, 0);
	assert_non_null(strstr(err.buf, "product 42"));
	assert_non_null(strstr(err.buf, "tax group 9"));
	json_decref(j);
	/* a group listed without its rates: just as unknown */
	j = load("{\"Id\":43,\"SalePriceTaxGroupId\":3}");
	sbuf_reset(&err);
	assert_int_equal(epos_product_from_json(j, &t, &p, &err), EPOS_JSON_BAD);
	assert_non_null(strstr(err.buf, "product 43"));
	json_decref(j);
	epos_tax_table_release(&t);
	sbuf_release(&err);
}

static const struct category *
find_category(const struct category *c, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].id, id) == 0)
			return &c[i];
	fail_msg("category %s is missing", id);
	return NULL;
}

static void
test_epos__categories_nested(void **state)
{
	struct sbuf err = SBUF_INIT;
	struct category *all = NULL;
	size_t n = 0;
	json_t *page1 = load("[{\"Id\":1,\"ParentId\":null,\"Name\":\"Clothing\",\"Children\":["
			     "{\"Id\":2,\"Name\":\"Hoodies\",\"Children\":[{\"Id\":3,\"Name\":\"Zip\",\"Children\":[]}]},"
			     "{\"Id\":4,\"ParentId\":1,\"Name\":\"T-shirts\"}]},"
			     "{\"Id\":5,\"ParentId\":null,\"Name\":\"Home\",\"Children\":null}]");
	/* a later page lists a child on its own too, with its ParentId */
	json_t *page2 = load("[{\"Id\":3,\"ParentId\":2,\"Name\":\"Zip\",\"Children\":[]},"
			     "{\"Id\":6,\"Name\":\"Garden\"}]");

	(void)state;
	assert_int_equal(epos_categories_from_json(page1, &all, &n, &err), 0);
	assert_int_equal(n, 5);
	assert_int_equal(epos_categories_from_json(page2, &all, &n, &err), 0);
	assert_int_equal(n, 7);
	assert_int_equal(epos_categories_dedupe(all, &n), 0);
	assert_int_equal(n, 6);
	assert_string_equal(all[0].id, "1");   /* the page's order is kept */
	assert_string_equal(find_category(all, n, "1")->parent_id, "");
	assert_string_equal(find_category(all, n, "2")->parent_id, "1");
	assert_string_equal(find_category(all, n, "2")->name, "Hoodies");
	assert_string_equal(find_category(all, n, "3")->parent_id, "2");
	assert_string_equal(find_category(all, n, "4")->parent_id, "1");
	assert_string_equal(find_category(all, n, "5")->parent_id, "");
	assert_string_equal(find_category(all, n, "6")->parent_id, "");
	free(all);
	json_decref(page1);
	json_decref(page2);
	sbuf_release(&err);
}

static const struct stock_level *
find_stock(const struct stock_level *s, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s[i].product_id, id) == 0)
			return &s[i];
	return NULL;
}

static void
test_epos__stock_batches_locations_fractions(void **state)
{
	static const char body[] =
		"[{\"Id\":2,\"ProductId\":1,\"LocationId\":1,\"ProductStockBatches\":["
		"{\"CurrentStock\":2.5},{\"CurrentStock\":3.75}]},"
		"{\"Id\":3,\"ProductId\":1,\"LocationId\":2,\"ProductStockBatches\":[{\"CurrentStock\":1}]},"
		"{\"Id\":4,\"ProductId\":2,\"LocationId\":1,\"ProductStockBatches\":[{\"CurrentStock\":-0.5}]},"
		"{\"Id\":5,\"ProductId\":3,\"LocationId\":2,\"ProductStockBatches\":null},"
		"{\"Id\":6,\"ProductId\":1,\"LocationId\":2,\"ProductStockBatches\":[{\"CurrentStock\":0.75},"
		"{\"CurrentStock\":null}]}]";
	struct sbuf err = SBUF_INIT;
	struct stock_level *s = NULL;
	size_t n = 0;
	json_t *j = load(body);

	(void)state;
	/* every location: 2.5 + 3.75 + 1 + 0.75 = 8 for product 1 */
	assert_int_equal(epos_stock_from_json(j, "", &s, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(s[0].product_id, "1");
	assert_int_equal(s[0].quantity, 8);
	assert_int_equal(s[0].managed, 1);
	assert_string_equal(s[0].sku, "");
	assert_int_equal(find_stock(s, n, "2")->quantity, 0);   /* -0.5 cut toward zero */
	assert_int_equal(find_stock(s, n, "3")->quantity, 0);
	free(s);
	/* location 1 only: 6.25 cut to 6 */
	assert_int_equal(epos_stock_from_json(j, "1", &s, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(find_stock(s, n, "1")->quantity, 6);
	assert_null(find_stock(s, n, "3"));
	free(s);
	/* location 2: 1 + 0.75 */
	assert_int_equal(epos_stock_from_json(j, "2", &s, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(find_stock(s, n, "1")->quantity, 1);
	free(s);
	assert_int_equal(epos_stock_from_json(j, "7", &s, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_null(s);
	json_decref(j);
	sbuf_release(&err);
}

static void
test_epos__text_cut_at_character(void **state)
{
	struct epos_tax_table t = { 0 };
	struct sbuf err = SBUF_INIT, body = SBUF_INIT;
	struct product p;
	json_t *j;

	(void)state;
	sbuf_addstr(&body, "{\"Id\":50,\"Name\":\"");
	for (int i = 0; i < 254; i++)
		sbuf_addch(&body, 'a');
	sbuf_addstr(&body, "\xc3\xa9\xc3\xa9\"}");   /* "é" straddles the 255-byte limit */
	j = load(body.buf);
	assert_int_equal(epos_product_from_json(j, &t, &p, &err), 0);
	assert_int_equal(strlen(p.name), 254);
	json_decref(j);
	/* an id too long for the model is refused, not cut */
	j = load("{\"Id\":\"1234567890123456789012345678901234567890123456789012345678901234567890"
		 "12345678901234567890123456789\"}");
	assert_int_equal(epos_product_from_json(j, &t, &p, &err), EPOS_JSON_BAD);
	json_decref(j);
	sbuf_release(&body);
	sbuf_release(&err);
}

/* ---- malformed answers: an error naming what, never a crash -------------- */

enum shape { PRODUCTS, CATEGORIES, STOCK, TAXES };

static void
expect_bad(enum shape kind, const char *body, const char *says)
{
	struct epos_tax_table t;
	struct sbuf err = SBUF_INIT;
	json_t *j = load(body);
	void *out = NULL;
	size_t n = 0;
	int rc = 0;

	tax_table(&t);
	switch (kind) {
	case PRODUCTS:
		rc = epos_products_from_json(j, &t, (struct product **)&out, &n, &err);
		break;
	case CATEGORIES:
		rc = epos_categories_from_json(j, (struct category **)&out, &n, &err);
		break;
	case STOCK:
		rc = epos_stock_from_json(j, "", (struct stock_level **)&out, &n, &err);
		break;
	case TAXES:
		rc = epos_tax_groups_from_json(j, &t, &err);
		break;
	}
	if (rc != EPOS_JSON_BAD)
		fail_msg("%s: expected an error, got %d", body, rc);
	if (!strstr(err.buf, says))
		fail_msg("%s: the message '%s' does not say '%s'", body, err.buf, says);
	free(out);
	json_decref(j);
	epos_tax_table_release(&t);
	sbuf_release(&err);
}

static void
test_epos__malformed_shapes(void **state)
{
	struct sbuf deep = SBUF_INIT;

	(void)state;
	expect_bad(PRODUCTS, "{\"Id\":1}", "list of products");
	expect_bad(PRODUCTS, "[1]", "not an object");
	expect_bad(PRODUCTS, "[{\"Name\":\"x\"}]", "no Id");
	expect_bad(PRODUCTS, "[{\"Id\":true}]", "'Id' is not an id");
	expect_bad(PRODUCTS, "[{\"Id\":1,\"SalePrice\":{\"v\":1}}]", "'SalePrice' is not a number");
	expect_bad(PRODUCTS, "[{\"Id\":1,\"SalePrice\":\"cheap\"}]", "'SalePrice'");
	expect_bad(PRODUCTS, "[{\"Id\":1,\"SalePrice\":1e3}]", "'SalePrice'");
	expect_bad(PRODUCTS, "[{\"Id\":1,\"Sku\":12}]", "'Sku' is not text");
	expect_bad(PRODUCTS, "[{\"Id\":1,\"CategoryId\":\"abc\"}]", "'CategoryId'");
	expect_bad(PRODUCTS, "[{\"Id\":1,\"CustomerProductPricingDetails\":{}}]", "not a list");
	expect_bad(PRODUCTS, "[{\"Id\":1,\"CustomerProductPricingDetails\":[7]}]", "customer price 1");
	expect_bad(PRODUCTS, "[{\"Id\":1,\"CustomerProductPricingDetails\":[{\"TypeName\":\"A\",\"Price\":[]}]}]",
		   "'Price'");
	expect_bad(PRODUCTS, "[{\"Id\":1,\"SalePriceTaxGroup\":[]}]", "'SalePriceTaxGroup'");
	expect_bad(PRODUCTS, "[{\"Id\":1,\"SalePriceTaxGroup\":{\"TaxRates\":\"20%\"}}]", "'TaxRates'");
	expect_bad(PRODUCTS, "[{\"Id\":1,\"SalePriceTaxGroup\":{\"TaxRates\":[{\"Name\":\"VAT\"}]}}]",
		   "no Percentage");
	expect_bad(CATEGORIES, "{}", "list of categories");
	expect_bad(CATEGORIES, "[{\"Name\":\"x\"}]", "no Id");
	expect_bad(CATEGORIES, "[{\"Id\":1,\"Children\":\"none\"}]", "'Children' is not a list");
	expect_bad(CATEGORIES, "[{\"Id\":1,\"Children\":[{\"Id\":2,\"Name\":5}]}]", "category 2");
	for (int i = 0; i < 40; i++)
		sbuf_addf(&deep, "[{\"Id\":%d,\"Children\":", i + 1);
	sbuf_addstr(&deep, "[]");
	for (int i = 0; i < 40; i++)
		sbuf_addstr(&deep, "}]");
	expect_bad(CATEGORIES, deep.buf, "levels deep");
	expect_bad(STOCK, "null", "list of product stock");
	expect_bad(STOCK, "[{\"LocationId\":1}]", "no ProductId");
	expect_bad(STOCK, "[{\"ProductId\":1,\"ProductStockBatches\":{}}]", "not a list");
	expect_bad(STOCK, "[{\"ProductId\":1,\"ProductStockBatches\":[{\"CurrentStock\":\"lots\"}]}]",
		   "'CurrentStock'");
	expect_bad(STOCK, "[{\"ProductId\":1,\"ProductStockBatches\":[{\"CurrentStock\":900000000000000},"
		   "{\"CurrentStock\":900000000000000}]}]", "more than we can hold");
	expect_bad(TAXES, "{\"Id\":1}", "list of tax groups");
	expect_bad(TAXES, "[{\"Name\":\"x\"}]", "no Id");
	expect_bad(TAXES, "[{\"Id\":1,\"TaxRates\":[{\"Percentage\":\"x\"}]}]", "'Percentage'");
	sbuf_release(&deep);
}

/* ---- live: the catalog ops against the sandbox --------------------------- */

static int
setup(void **state)
{
	static const char *const args[] = { "--seed", "3", "--products", "450", NULL };

	(void)state;
	return sandbox_start(args);
}

static int
teardown(void **state)
{
	(void)state;
	return sandbox_stop();
}

static void
live_products(struct connector *c, struct remote_error *re)
{
	struct change_page pg = { 1, 0 };
	size_t total = 0, checked = 0;
	int pages = 0;
	json_t *raw;

	assert_int_equal(epos("GET", "/Product?page=1", NULL, &raw), 200);
	do {
		struct product *ps = NULL;
		size_t n = 0;
		const char *sku;
		struct money price;
		json_t *o;

		if (eposnow_connector.products_page(c, &pg, &ps, &n, re) != REMOTE_OK)
			fail_msg("products page %d: %s", pg.page, re->message.buf);
		pages++;
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(ps[i].tax_percent.units, units("20"));   /* the emulator's group 1 */
			if (pg.page != 1)
				continue;
			/* the first page read as it came, field by field */
			o = json_array_get(raw, i);
			sku = json_string_value(json_object_get(o, "Sku"));
			assert_int_equal(strtoll(ps[i].id, NULL, 10), json_integer_value(json_object_get(o, "Id")));
			assert_string_equal(ps[i].sku, sku ? sku : "");
			assert_string_equal(ps[i].name, json_string_value(json_object_get(o, "Name")));
			assert_int_equal(money_parse(json_string_value(json_object_get(o, "SalePrice")), &price), 0);
			assert_int_equal(ps[i].price.units, price.units);
			assert_int_equal(ps[i].has_price, 1);
			assert_int_equal(ps[i].price_includes_tax, 1);
			assert_int_equal(strtoll(ps[i].category_id, NULL, 10),
					 json_integer_value(json_object_get(o, "CategoryId")));
			checked++;
		}
		total += n;
		if (pg.more)
			assert_int_equal(n, 200);
		free(ps);
		pg.page++;
	} while (pg.more);
	json_decref(raw);
	/* 450 catalog items, the variable ones as one product per size: 3 pages */
	assert_int_equal(pages, 3);
	assert_true(total > 400 && total < 600);
	assert_int_equal(checked, 200);
}

static void
live_categories_and_stock(struct connector *c, struct remote_error *re)
{
	struct change_page pg = { 1, 0 };
	struct category *cats = NULL;
	struct stock_level *s = NULL;
	size_t n = 0, nloc1 = 0, products = 0;
	json_t *raw, *rec;
	int64_t expect_all = 0, expect_loc1 = 0;
	size_t i;

	assert_int_equal(eposnow_connector.categories_list(c, &cats, &n, re), REMOTE_OK);
	assert_int_equal(epos("GET", "/Category?page=1", NULL, &raw), 200);
	assert_int_equal(n, json_array_size(raw));
	assert_string_equal(cats[0].name, json_string_value(json_object_get(json_array_get(raw, 0), "Name")));
	assert_string_equal(cats[0].parent_id, "");
	json_decref(raw);
	free(cats);

	/* product 1: its records summed over both locations, then location 1 alone */
	assert_int_equal(epos("GET", "/ProductStock?page=1", NULL, &raw), 200);
	json_array_foreach(raw, i, rec) {
		json_t *b = json_array_get(json_object_get(rec, "ProductStockBatches"), 0);

		if (json_integer_value(json_object_get(rec, "ProductId")) != 1)
			continue;
		expect_all += json_integer_value(json_object_get(b, "CurrentStock"));
		if (json_integer_value(json_object_get(rec, "LocationId")) == 1)
			expect_loc1 += json_integer_value(json_object_get(b, "CurrentStock"));
	}
	json_decref(raw);
	do {
		if (eposnow_connector.stock_page(c, "", &pg, &s, &n, re) != REMOTE_OK)
			fail_msg("stock page %d: %s", pg.page, re->message.buf);
		if (pg.page == 1) {
			assert_string_equal(s[0].product_id, "1");
			assert_int_equal(s[0].quantity, expect_all);
			assert_int_equal(s[0].managed, 1);
		}
		products += n;
		free(s);
		pg.page++;
	} while (pg.more);
	assert_true(products > 400 && products < 600);   /* one level per product */
	pg = (struct change_page){ 1, 0 };
	assert_int_equal(eposnow_connector.stock_page(c, "1", &pg, &s, &nloc1, re), REMOTE_OK);
	assert_string_equal(s[0].product_id, "1");
	assert_int_equal(s[0].quantity, expect_loc1);
	free(s);
}

static void
live_product_get(struct connector *c, struct remote_error *re)
{
	struct product p;
	json_t *made;
	char id[32];

	assert_int_equal(eposnow_connector.product_get(c, "1", &p, re), REMOTE_OK);
	assert_string_equal(p.id, "1");
	assert_int_equal(eposnow_connector.product_get(c, "99999", &p, re), REMOTE_NOT_FOUND);
	/* zero-rated, with a customer-type price (type 2 is "Trade") */
	assert_int_equal(epos("POST", "/Product", "{\"Name\":\"Tiered\",\"CostPrice\":1,\"SalePrice\":4.50,"
			      "\"EatOutPrice\":4.50,\"Sku\":\"TIER-1\",\"SalePriceTaxGroupId\":2,"
			      "\"CustomerProductPricingDetails\":[{\"CustomerTypeId\":2,\"SalePrice\":4.00}]}",
			      &made), 200);
	snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(made, "Id")));
	json_decref(made);
	assert_int_equal(eposnow_connector.product_get(c, id, &p, re), REMOTE_OK);
	assert_string_equal(p.sku, "TIER-1");
	assert_int_equal(p.price.units, units("4.5"));
	assert_int_equal(p.tax_percent.units, 0);
	assert_int_equal(p.ntiers, 1);
	assert_string_equal(p.tiers[0].name, "Trade");
	assert_int_equal(p.tiers[0].price.units, units("4"));
	/* a tax group /TaxGroup does not list: refused, naming product and group */
	assert_int_equal(epos("POST", "/Product", "{\"Name\":\"Odd tax\",\"CostPrice\":1,\"SalePrice\":2,"
			      "\"EatOutPrice\":2,\"SalePriceTaxGroupId\":77}", &made), 200);
	snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(made, "Id")));
	json_decref(made);
	assert_int_equal(eposnow_connector.product_get(c, id, &p, re), REMOTE_BAD_ANSWER);
	assert_non_null(strstr(re->message.buf, "tax group 77"));
	assert_non_null(strstr(re->message.buf, id));
}

static void
test_epos__live_catalog(void **state)
{
	struct remote_error re;
	struct connector *c = NULL;

	(void)state;
	NEED_SANDBOX();
	remote_error_init(&re);
	if (eposnow_connector.open(&c, sb.epos, sb.epos_creds, &re) != REMOTE_OK)
		fail_msg("open: %s", re.message.buf);
	live_products(c, &re);
	live_categories_and_stock(c, &re);
	live_product_get(c, &re);
	eposnow_connector.close(c);
	remote_error_release(&re);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epos__product_all_fields),
		cmocka_unit_test(test_epos__product_nulls),
		cmocka_unit_test(test_epos__product_tiers_beyond_max),
		cmocka_unit_test(test_epos__inline_tax_group),
		cmocka_unit_test(test_epos__unknown_tax_group_is_an_error),
		cmocka_unit_test(test_epos__categories_nested),
		cmocka_unit_test(test_epos__stock_batches_locations_fractions),
		cmocka_unit_test(test_epos__text_cut_at_character),
		cmocka_unit_test(test_epos__malformed_shapes),
		cmocka_unit_test(test_epos__live_catalog),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
