/*
 * test_eposnow_json.c: the Epos Now connector's catalog. The JSON -> model
 * mapping (eposnow_json.c) and the write bodies on canned data, then the
 * catalog ops, Epos Now as master (reading) and as target (categories,
 * products by SKU, writes), against the sandbox's Epos Now emulator (a real
 * child process: $SANDBOX) when it is set; without it the live tests skip.
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
#include "connectors/eposnow/eposnow_internal.h"
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

/* ---- the catalog's target: bodies and answers ----------------------------- */

/* A body as it goes out: money as bare numbers, keys sorted for comparing. */
static char *
body_text(const json_t *j)
{
	char *s = json_decimal_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	assert_non_null(s);
	return s;
}

static void
test_epos__category_write(void **state)
{
	struct sbuf err = SBUF_INIT;
	struct category in = { "", "", "Tea & Coffee" }, out;
	char *text;
	json_t *j;

	(void)state;
	j = epos_category_create_json(&in, &err);
	text = body_text(j);
	assert_string_equal(text, "{\"Name\":\"Tea & Coffee\"}");   /* no ParentId at the top */
	free(text);
	json_decref(j);
	snprintf(in.parent_id, sizeof(in.parent_id), "4");
	j = epos_category_create_json(&in, &err);
	text = body_text(j);
	assert_string_equal(text, "{\"Name\":\"Tea & Coffee\",\"ParentId\":4}");
	free(text);
	json_decref(j);
	snprintf(in.parent_id, sizeof(in.parent_id), "4a");
	assert_null(epos_category_create_json(&in, &err));
	assert_non_null(strstr(err.buf, "parent"));
	in.parent_id[0] = '\0';
	snprintf(in.name, sizeof(in.name), "\xff");
	assert_null(epos_category_create_json(&in, &err));
	assert_non_null(strstr(err.buf, "'Name'"));
	in.name[0] = '\0';
	assert_null(epos_category_create_json(&in, &err));
	assert_non_null(strstr(err.buf, "name"));

	j = load("{\"Id\":12,\"ParentId\":4,\"RootParentId\":4,\"Name\":\"Tea\",\"Children\":[]}");
	assert_int_equal(epos_category_from_json(j, &out, &err), 0);
	assert_string_equal(out.id, "12");
	assert_string_equal(out.parent_id, "4");
	assert_string_equal(out.name, "Tea");
	json_decref(j);
	j = load("{\"Name\":\"Tea\"}");
	assert_int_equal(epos_category_from_json(j, &out, &err), EPOS_JSON_BAD);
	json_decref(j);
	j = load("[]");
	assert_int_equal(epos_category_from_json(j, &out, &err), EPOS_JSON_BAD);
	json_decref(j);
	sbuf_release(&err);
}

static void
test_epos__shop_product_status(void **state)
{
	struct sbuf err = SBUF_INIT, body = SBUF_INIT;
	struct shop_product p;
	json_t *j = load("[{\"Id\":1,\"Sku\":\"A\",\"SellOnWeb\":true,\"IsArchived\":false},"
			 "{\"Id\":2,\"Sku\":\"A\",\"SellOnWeb\":false,\"IsArchived\":false},"
			 "{\"Id\":3,\"Sku\":null,\"SellOnWeb\":true,\"IsArchived\":true},"
			 "{\"Id\":4,\"Sku\":7},{\"Sku\":\"B\"}]");

	(void)state;
	assert_int_equal(epos_shop_product_from_json(json_array_get(j, 0), &p, &err), 0);
	assert_string_equal(p.id, "1");
	assert_string_equal(p.sku, "A");
	assert_string_equal(p.status, "publish");
	assert_int_equal(epos_shop_product_from_json(json_array_get(j, 1), &p, &err), 0);
	assert_string_equal(p.status, "draft");
	assert_int_equal(epos_shop_product_from_json(json_array_get(j, 2), &p, &err), 0);
	assert_string_equal(p.sku, "");
	assert_string_equal(p.status, "archived");   /* archived wins over SellOnWeb */
	assert_int_equal(epos_shop_product_from_json(json_array_get(j, 3), &p, &err), EPOS_JSON_BAD);
	assert_non_null(strstr(err.buf, "product 4"));
	assert_int_equal(epos_shop_product_from_json(json_array_get(j, 4), &p, &err), EPOS_JSON_BAD);
	json_decref(j);
	/* a SKU too long for the model is left out, never cut into another one */
	sbuf_addstr(&body, "{\"Id\":5,\"Sku\":\"");
	for (int i = 0; i < 200; i++)
		sbuf_addch(&body, 'K');
	sbuf_addstr(&body, "\"}");
	j = load(body.buf);
	assert_int_equal(epos_shop_product_from_json(j, &p, &err), 0);
	assert_string_equal(p.sku, "");
	json_decref(j);
	sbuf_release(&body);
	sbuf_release(&err);
}

static void
fill_write(struct product_write *w, const char *shop_id, const char *sku, const char *name, const char *price)
{
	memset(w, 0, sizeof(*w));
	w->fields = PW_CATALOG | PW_STATUS;
	snprintf(w->shop_id, sizeof(w->shop_id), "%s", shop_id);
	snprintf(w->sku, sizeof(w->sku), "%s", sku);
	snprintf(w->name, sizeof(w->name), "%s", name);
	snprintf(w->description, sizeof(w->description), "Blue");
	snprintf(w->reference, sizeof(w->reference), "WC-%s", sku);
	snprintf(w->status, sizeof(w->status), "publish");
	w->regular_price = money_of(price);
	w->price_includes_tax = 1;
}

static void
test_epos__product_write_bodies(void **state)
{
	struct sbuf err = SBUF_INIT;
	struct product_write w[8];
	struct write_outcome out[8];
	unsigned char sent[8];
	json_t *j, *creates, *updates;
	char *text;

	(void)state;
	fill_write(&w[0], "", "MUG-1", "Mug", "12.5");
	snprintf(w[0].category_id, sizeof(w[0].category_id), "5");
	j = epos_product_write_json(&w[0], &err);
	text = body_text(j);
	/* a create: what Epos Now requires of a new product too */
	assert_string_equal(text, "{\"CategoryId\":5,\"CostPrice\":0.00,\"Description\":\"Blue\",\"EatOutPrice\":12.50,"
				  "\"IsEatOutPriceIncTax\":true,\"IsSalePriceIncTax\":true,\"Name\":\"Mug\","
				  "\"SalePrice\":12.50,\"SellOnWeb\":true,\"Sku\":\"MUG-1\"}");
	free(text);
	json_decref(j);

	/* an update: the sale price on the shop's basis, no eat-out or cost price, null leaves the category */
	fill_write(&w[1], "93", "MUG-2", "Mug 2", "1234567.899");
	w[1].price_includes_tax = 0;
	snprintf(w[1].status, sizeof(w[1].status), "draft");
	j = epos_product_write_json(&w[1], &err);
	text = body_text(j);
	assert_string_equal(text, "{\"CategoryId\":null,\"Description\":\"Blue\",\"Id\":93,\"IsSalePriceIncTax\":false,"
				  "\"Name\":\"Mug 2\",\"SalePrice\":1234567.90,\"SellOnWeb\":false,\"Sku\":\"MUG-2\"}");
	free(text);
	json_decref(j);
	w[1].fields = PW_STATUS;
	j = epos_product_write_json(&w[1], &err);
	text = body_text(j);
	assert_string_equal(text, "{\"Id\":93,\"SellOnWeb\":false}");
	free(text);
	json_decref(j);

	/* what Epos Now cannot take is refused here, naming why */
	fill_write(&w[2], "", "V-S", "Tee", "5");
	w[2].kind = PRODUCT_VARIATION;
	assert_null(epos_product_write_json(&w[2], &err));
	assert_non_null(strstr(err.buf, "variation"));
	fill_write(&w[3], "", "V", "Tee", "5");
	w[3].kind = PRODUCT_VARIABLE;
	assert_null(epos_product_write_json(&w[3], &err));
	assert_non_null(strstr(err.buf, "variable product"));
	fill_write(&w[4], "94", "S", "Stock", "5");
	w[4].fields = PW_CATALOG | PW_STOCK;
	assert_null(epos_product_write_json(&w[4], &err));
	assert_non_null(strstr(err.buf, "stock"));
	fill_write(&w[5], "", "NEW", "New", "5");
	w[5].fields = PW_STATUS;
	assert_null(epos_product_write_json(&w[5], &err));
	assert_non_null(strstr(err.buf, "catalog fields"));
	w[5].fields = 0;
	snprintf(w[5].shop_id, sizeof(w[5].shop_id), "95");
	assert_null(epos_product_write_json(&w[5], &err));
	assert_non_null(strstr(err.buf, "nothing"));
	fill_write(&w[6], "12a", "X", "X", "5");
	assert_null(epos_product_write_json(&w[6], &err));
	assert_non_null(strstr(err.buf, "12a"));
	fill_write(&w[6], "", "X", "X", "5");
	snprintf(w[6].category_id, sizeof(w[6].category_id), "tea");
	assert_null(epos_product_write_json(&w[6], &err));
	assert_non_null(strstr(err.buf, "category"));
	fill_write(&w[7], "", "BAD", "\xff\xfe", "5");
	assert_null(epos_product_write_json(&w[7], &err));
	assert_non_null(strstr(err.buf, "'Name'"));

	/* the two bodies: creates and updates apart, in input order, the refused left out */
	fill_write(&w[2], "", "OK-2", "Second", "3");
	w[1].fields = PW_CATALOG | PW_STATUS;
	assert_int_equal(epos_products_write_json(w, 8, sent, out, &creates, &updates, &err), 0);
	assert_memory_equal(sent, ((unsigned char[]){ 1, 1, 1, 0, 0, 0, 0, 0 }), 8);
	assert_int_equal(json_array_size(creates), 2);
	assert_string_equal(jstr(json_array_get(creates, 1), "Sku"), "OK-2");
	assert_int_equal(json_array_size(updates), 1);
	assert_false(out[0].ok);
	assert_string_equal(out[0].code, "");
	assert_string_equal(out[3].code, EPOS_CODE_NOT_SENT);
	assert_non_null(strstr(out[3].message, "variable product"));
	assert_string_equal(out[7].code, EPOS_CODE_NOT_SENT);
	json_decref(creates);
	json_decref(updates);
	sbuf_release(&err);
}

static void
test_epos__write_answers(void **state)
{
	struct sbuf err = SBUF_INIT;
	struct product_write w[4];
	struct write_outcome out[4];
	const unsigned char sent[4] = { 1, 1, 1, 0 };
	const char *refusal = "{\"Message\":\"The request is invalid.\",\"ModelState\":{\"CategoryId\":"
			      "[\"The category does not exist.\"],\"Name\":[\"A\\nB\"]}}";
	char why[128];
	json_t *j;

	(void)state;
	fill_write(&w[0], "", "A", "A", "1");
	fill_write(&w[1], "93", "B", "B", "1");
	fill_write(&w[2], "", "C", "C", "1");
	fill_write(&w[3], "", "D", "D", "1");   /* not sent: left alone */
	memset(out, 0, sizeof(out));
	snprintf(out[3].code, sizeof(out[3].code), "kept");
	j = load("[{\"Id\":501,\"Sku\":\"A\",\"SalePrice\":1.00},{\"Id\":\"502\",\"Sku\":\"C\"}]");
	assert_int_equal(epos_write_outcomes(j, w, 4, sent, 0, out, &err), 0);
	assert_true(out[0].ok);
	assert_string_equal(out[0].id, "501");
	assert_true(out[2].ok);
	assert_string_equal(out[2].id, "502");
	assert_false(out[1].ok);   /* an update: not in this answer */
	assert_string_equal(out[3].code, "kept");
	json_decref(j);
	/* one update sent: its record alone is an answer too */
	j = load("{\"Id\":93,\"Name\":\"B\"}");
	assert_int_equal(epos_write_outcomes(j, w, 4, sent, 1, out, &err), 0);
	assert_true(out[1].ok);
	assert_string_equal(out[1].id, "93");
	json_decref(j);

	/* answers that cannot be matched to what was sent */
	j = load("[{\"Id\":501}]");
	assert_int_equal(epos_write_outcomes(j, w, 4, sent, 0, out, &err), EPOS_JSON_BAD);   /* one short */
	assert_non_null(strstr(err.buf, "1 products for the 2 sent"));
	json_decref(j);
	j = load("[{\"Id\":94}]");
	assert_int_equal(epos_write_outcomes(j, w, 4, sent, 1, out, &err), EPOS_JSON_BAD);   /* another product */
	assert_non_null(strstr(err.buf, "not 93"));
	json_decref(j);
	j = load("[{\"Id\":501},{\"Name\":\"C\"}]");
	assert_int_equal(epos_write_outcomes(j, w, 4, sent, 0, out, &err), EPOS_JSON_BAD);
	assert_non_null(strstr(err.buf, "no Id"));
	json_decref(j);
	j = load("{\"Message\":\"ok\"}");
	assert_int_equal(epos_write_outcomes(j, w, 4, sent, 0, out, &err), EPOS_JSON_BAD);
	json_decref(j);

	/* Epos Now's own words for a refusal, on one line */
	assert_int_equal(epos_error_text(refusal, strlen(refusal), why, sizeof(why)), 0);
	assert_string_equal(why, "The request is invalid. CategoryId: The category does not exist. Name: A B");
	assert_int_equal(epos_error_text("<html>", 6, why, sizeof(why)), -1);
	assert_int_equal(epos_error_text("", 0, why, sizeof(why)), -1);
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
	struct change_page pg = { 1, 0, 0 };
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
	struct change_page pg = { 1, 0, 0 };
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
	pg = (struct change_page){ 1, 0, 0 };
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

/* ---- live: Epos Now as the catalog's target ------------------------------- */

/* Requests the emulator counted on one Epos Now endpoint ("POST /Product"). */
static long
epos_requests(const char *endpoint)
{
	char url[256];
	json_t *j = NULL;
	long n;

	snprintf(url, sizeof(url), "%s/counters?target=eposnow", sb.control);
	assert_int_equal(http("GET", url, NULL, &j), 200);
	n = (long)json_integer_value(json_object_get(
		json_object_get(json_object_get(json_object_get(j, "eposnow"), "endpoints"), endpoint), "requests"));
	json_decref(j);
	return n;
}

/* The Id of a record as text. */
static void
id_of(const json_t *rec, char *id, size_t len)
{
	snprintf(id, len, "%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(rec, "Id")));
}

/* GET /Product/{id}, as the emulator holds it. */
static json_t *
epos_product(const char *id)
{
	char path[128];
	json_t *j = NULL;

	snprintf(path, sizeof(path), "/Product/%s", id);
	assert_int_equal(epos("GET", path, NULL, &j), 200);
	return j;
}

static void
live_category_create(struct connector *c, struct remote_error *re, struct category *tea)
{
	struct category in = { "", "", "Web Teas" }, green;
	char path[128];
	json_t *raw;
	long before;

	if (eposnow_connector.category_create(c, &in, tea, re) != REMOTE_OK)
		fail_msg("category_create: %s", re->message.buf);
	assert_true(tea->id[0]);
	assert_string_equal(tea->name, "Web Teas");
	assert_string_equal(tea->parent_id, "");
	snprintf(path, sizeof(path), "/Category/%s", tea->id);
	assert_int_equal(epos("GET", path, NULL, &raw), 200);
	assert_string_equal(jstr(raw, "Name"), "Web Teas");
	json_decref(raw);

	snprintf(in.name, sizeof(in.name), "Green");
	snprintf(in.parent_id, sizeof(in.parent_id), "%s", tea->id);
	assert_int_equal(eposnow_connector.category_create(c, &in, &green, re), REMOTE_OK);
	assert_string_equal(green.parent_id, tea->id);
	snprintf(path, sizeof(path), "/Category/%s", green.id);
	assert_int_equal(epos("GET", path, NULL, &raw), 200);
	assert_int_equal(json_integer_value(json_object_get(raw, "ParentId")), strtoll(tea->id, NULL, 10));
	json_decref(raw);

	/* a parent that is not an Epos Now id: refused without a request */
	before = epos_requests("POST /Category");
	snprintf(in.parent_id, sizeof(in.parent_id), "x1");
	assert_int_equal(eposnow_connector.category_create(c, &in, &green, re), REMOTE_REFUSED);
	assert_non_null(strstr(re->message.buf, "Green"));
	assert_int_equal(epos_requests("POST /Category"), before);
}

static const struct shop_product *
find_id(const struct shop_product *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	fail_msg("product %s is not in the answer", id);
	return NULL;
}

static void
live_products_by_sku(struct connector *c, struct remote_error *re)
{
	const char *ask[] = { "TWIN-1", "NO-SUCH-SKU", "", "TWIN-1" };
	struct shop_product *v = NULL;
	char a[32], b[32], other_case[32], body[128];
	size_t n = 99;
	json_t *made;
	long before;

	/* two products with one SKU (Epos Now does not keep SKUs unique), one in another case */
	assert_int_equal(epos("POST", "/Product", "[{\"Name\":\"Twin A\",\"Sku\":\"TWIN-1\",\"CostPrice\":1,"
			      "\"SalePrice\":2,\"EatOutPrice\":2,\"SellOnWeb\":true},{\"Name\":\"Twin B\",\"Sku\":"
			      "\"TWIN-1\",\"CostPrice\":1,\"SalePrice\":2,\"EatOutPrice\":2,\"SellOnWeb\":false},"
			      "{\"Name\":\"Twin c\",\"Sku\":\"twin-1\",\"CostPrice\":1,\"SalePrice\":2,\"EatOutPrice\":2}]",
			      &made), 200);
	id_of(json_array_get(made, 0), a, sizeof(a));
	id_of(json_array_get(made, 1), b, sizeof(b));
	id_of(json_array_get(made, 2), other_case, sizeof(other_case));
	json_decref(made);

	before = epos_requests("GET /Product");
	if (eposnow_connector.products_by_sku(c, ask, 4, &v, &n, re) != REMOTE_OK)
		fail_msg("products_by_sku: %s", re->message.buf);
	/* one request per SKU asked (the empty one skipped: it would list everything) */
	assert_int_equal(epos_requests("GET /Product"), before + 3);
	/* all three, once each: the one whose SKU differs in case too (the engine's
	 * matching ignores case, so it must see it to call it a duplicate) */
	assert_int_equal(n, 3);
	assert_string_equal(find_id(v, n, other_case)->sku, "twin-1");
	assert_string_equal(find_id(v, n, a)->sku, "TWIN-1");
	assert_string_equal(find_id(v, n, a)->status, "publish");
	assert_string_equal(find_id(v, n, b)->status, "draft");
	free(v);

	/* an archived product still holds its SKU */
	snprintf(body, sizeof(body), "[{\"Id\":%s,\"IsArchived\":true}]", b);
	assert_int_equal(epos("PUT", "/Product", body, &made), 200);
	json_decref(made);
	assert_int_equal(eposnow_connector.products_by_sku(c, ask, 1, &v, &n, re), REMOTE_OK);
	assert_int_equal(n, 3);
	assert_string_equal(find_id(v, n, b)->status, "archived");
	free(v);

	/* none: an answer, not an error */
	v = (struct shop_product *)1;
	assert_int_equal(eposnow_connector.products_by_sku(c, ask + 1, 2, &v, &n, re), REMOTE_OK);
	assert_int_equal(n, 0);
	assert_null(v);
}

static void
live_products_write(struct connector *c, struct remote_error *re, const struct category *tea)
{
	struct product_write w[3], refused[2], *big;
	struct write_outcome out[3];
	long posts, puts;
	json_t *p, *old;

	fill_write(&w[0], "", "EW-1", "Web Mug", "12.5");
	snprintf(w[0].category_id, sizeof(w[0].category_id), "%s", tea->id);
	fill_write(&w[1], "", "EW-2", "Web Cup", "7.25");
	w[1].price_includes_tax = 0;
	snprintf(w[1].status, sizeof(w[1].status), "draft");
	fill_write(&w[2], "2", "EW-3", "Renamed", "3.10");
	w[2].price_includes_tax = 0;
	snprintf(w[2].category_id, sizeof(w[2].category_id), "%s", tea->id);
	old = epos_product("2");

	posts = epos_requests("POST /Product");
	puts = epos_requests("PUT /Product");
	if (eposnow_connector.products_write(c, w, 3, out, re) != REMOTE_OK)
		fail_msg("products_write: %s", re->message.buf);
	/* the creates in one request, the update in another */
	assert_int_equal(epos_requests("POST /Product"), posts + 1);
	assert_int_equal(epos_requests("PUT /Product"), puts + 1);
	assert_true(out[0].ok && out[1].ok && out[2].ok);
	assert_string_equal(out[2].id, "2");
	assert_string_not_equal(out[0].id, out[1].id);

	/* what landed: prices exactly, each on its basis */
	p = epos_product(out[0].id);
	assert_string_equal(jstr(p, "Sku"), "EW-1");
	assert_string_equal(jstr(p, "Name"), "Web Mug");
	assert_string_equal(jstr(p, "SalePrice"), "12.50");
	assert_true(json_is_true(json_object_get(p, "IsSalePriceIncTax")));
	assert_string_equal(jstr(p, "EatOutPrice"), "12.50");
	assert_true(json_is_true(json_object_get(p, "IsEatOutPriceIncTax")));
	assert_string_equal(jstr(p, "CostPrice"), "0.00");
	assert_true(json_is_true(json_object_get(p, "SellOnWeb")));
	assert_int_equal(json_integer_value(json_object_get(p, "CategoryId")), strtoll(tea->id, NULL, 10));
	json_decref(p);
	p = epos_product(out[1].id);
	assert_string_equal(jstr(p, "SalePrice"), "7.25");
	assert_false(json_is_true(json_object_get(p, "IsSalePriceIncTax")));
	assert_false(json_is_true(json_object_get(p, "IsEatOutPriceIncTax")));
	assert_false(json_is_true(json_object_get(p, "SellOnWeb")));
	assert_true(json_is_null(json_object_get(p, "CategoryId")));
	json_decref(p);
	p = epos_product("2");
	assert_string_equal(jstr(p, "Name"), "Renamed");
	assert_string_equal(jstr(p, "Sku"), "EW-3");
	assert_string_equal(jstr(p, "SalePrice"), "3.10");
	assert_false(json_is_true(json_object_get(p, "IsSalePriceIncTax")));
	assert_true(json_is_true(json_object_get(p, "SellOnWeb")));
	assert_int_equal(json_integer_value(json_object_get(p, "CategoryId")), strtoll(tea->id, NULL, 10));
	/* an update leaves the merchant's eat-out and cost prices alone */
	assert_string_equal(jstr(p, "EatOutPrice"), jstr(old, "EatOutPrice"));
	assert_string_equal(jstr(p, "CostPrice"), jstr(old, "CostPrice"));
	json_decref(p);
	json_decref(old);

	/* nothing Epos Now can take: refused per item, no request */
	fill_write(&refused[0], "", "EW-S", "Size", "1");
	refused[0].kind = PRODUCT_VARIATION;
	fill_write(&refused[1], out[0].id, "EW-1", "Web Mug", "12.5");
	refused[1].fields = PW_STOCK;
	assert_int_equal(eposnow_connector.products_write(c, refused, 2, out, re), REMOTE_OK);
	assert_false(out[0].ok || out[1].ok);
	assert_string_equal(out[0].code, EPOS_CODE_NOT_SENT);
	assert_string_equal(out[1].code, EPOS_CODE_NOT_SENT);
	assert_int_equal(epos_requests("POST /Product") + epos_requests("PUT /Product"), posts + puts + 2);

	/* more than one request takes */
	assert_int_equal(eposnow_connector.products_write_max, 100);
	big = calloc(eposnow_connector.products_write_max + 1, sizeof(*big));
	assert_non_null(big);
	assert_int_equal(eposnow_connector.products_write(c, big, eposnow_connector.products_write_max + 1, out, re),
			 REMOTE_REFUSED);
	free(big);
}

static size_t
count_sku(struct connector *c, const char *sku)
{
	struct remote_error re;
	struct shop_product *v = NULL;
	size_t n = 0;

	remote_error_init(&re);
	assert_int_equal(eposnow_connector.products_by_sku(c, &sku, 1, &v, &n, &re), REMOTE_OK);
	free(v);
	remote_error_release(&re);
	return n;
}

static void
live_products_write_fails(struct connector *c, struct remote_error *re)
{
	struct product_write w[2];
	struct write_outcome out[2];

	/* the second create names a category Epos Now does not have: the
	 * request fails as a whole, and the first create was made anyway */
	fill_write(&w[0], "", "HALF-1", "Half one", "4");
	fill_write(&w[1], "", "HALF-2", "Half two", "4");
	snprintf(w[1].category_id, sizeof(w[1].category_id), "999999");
	assert_int_equal(eposnow_connector.products_write(c, w, 2, out, re), REMOTE_REFUSED);
	assert_int_equal(re->http_status, 400);
	assert_true(re->may_have_landed);
	assert_non_null(strstr(re->message.buf, "creating 2 products in Epos Now"));
	assert_non_null(strstr(re->message.buf, "CategoryId: The category does not exist."));
	assert_int_equal(count_sku(c, "HALF-1"), 1);   /* look it up before sending it again */
	assert_int_equal(count_sku(c, "HALF-2"), 0);

	/* an update of a product Epos Now no longer has: nothing was created */
	fill_write(&w[0], "999999", "GONE-1", "Gone", "4");
	assert_int_equal(eposnow_connector.products_write(c, w, 1, out, re), REMOTE_NOT_FOUND);
	assert_false(re->may_have_landed);
	assert_non_null(strstr(re->message.buf, "999999"));
}

static void
test_epos__live_catalog_target(void **state)
{
	struct remote_error re;
	struct connector *c = NULL;
	struct category tea;

	(void)state;
	NEED_SANDBOX();
	remote_error_init(&re);
	if (eposnow_connector.open(&c, sb.epos, sb.epos_creds, &re) != REMOTE_OK)
		fail_msg("open: %s", re.message.buf);
	live_category_create(c, &re, &tea);
	live_products_by_sku(c, &re);
	live_products_write(c, &re, &tea);
	live_products_write_fails(c, &re);
	eposnow_connector.close(c);
	remote_error_release(&re);
}

/* A listing never ends silently at the page cap: every record after it would look deleted. */
static void
test_epos__page_cap_is_an_error(void **state)
{
	struct remote_error re;
	int more = -1;

	(void)state;
	remote_error_init(&re);
	assert_int_equal(epos_page_more(1, EPOS_PAGE_SIZE, &more, &re, "reading products"), REMOTE_OK);
	assert_int_equal(more, 1);
	assert_int_equal(epos_page_more(7, EPOS_PAGE_SIZE - 1, &more, &re, "reading products"), REMOTE_OK);
	assert_int_equal(more, 0);   /* a short page is the last */
	assert_int_equal(epos_page_more(EPOS_MAX_PAGES, 3, &more, &re, "reading products"), REMOTE_OK);
	assert_int_equal(more, 0);   /* the cap's page itself, not full: the end */
	assert_int_equal(epos_page_more(EPOS_MAX_PAGES, EPOS_PAGE_SIZE, &more, &re, "reading products"),
			 REMOTE_BAD_ANSWER);
	assert_non_null(strstr(re.message.buf, "reading products: Epos Now lists more than 1000000 records"));
	remote_error_release(&re);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epos__page_cap_is_an_error),
		cmocka_unit_test(test_epos__product_all_fields),
		cmocka_unit_test(test_epos__product_nulls),
		cmocka_unit_test(test_epos__product_tiers_beyond_max),
		cmocka_unit_test(test_epos__inline_tax_group),
		cmocka_unit_test(test_epos__unknown_tax_group_is_an_error),
		cmocka_unit_test(test_epos__categories_nested),
		cmocka_unit_test(test_epos__stock_batches_locations_fractions),
		cmocka_unit_test(test_epos__text_cut_at_character),
		cmocka_unit_test(test_epos__malformed_shapes),
		cmocka_unit_test(test_epos__category_write),
		cmocka_unit_test(test_epos__shop_product_status),
		cmocka_unit_test(test_epos__product_write_bodies),
		cmocka_unit_test(test_epos__write_answers),
		cmocka_unit_test(test_epos__live_catalog),
		cmocka_unit_test(test_epos__live_catalog_target),   /* after: it adds products */
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
