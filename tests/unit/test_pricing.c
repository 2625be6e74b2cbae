/*
 * test_pricing.c: POS prices on the shop's tax basis (one rounding, exact),
 * the tier map, and the product payload's round trip.
 */
#include "testutil.h"

#include "core/pricing.h"
#include "core/product_codec.h"

static struct money
M(const char *text)
{
	struct money m = { 0 };

	if (money_parse(text, &m) < 0)
		fail_msg("bad amount '%s' in the test", text);
	return m;
}

static void
expect_basis(const char *price, int inc, const char *rate, int want_inc, const char *want)
{
	struct money out;
	char got[MONEY_TEXT_MAX];

	assert_int_equal(price_on_basis(M(price), inc, M(rate), want_inc, &out), 0);
	money_format(out, 4, got, sizeof(got));
	if (strcmp(got, want) != 0)
		fail_msg("%s %s %s%% -> %s: got %s, want %s", price, inc ? "inc" : "ex", rate,
			 want_inc ? "inc" : "ex", got, want);
}

static void
test_pricing__tax_basis(void **state)
{
	(void)state;
	expect_basis("10.00", 0, "20", 1, "12.0000");      /* ex -> inc */
	expect_basis("12.00", 1, "20", 0, "10.0000");      /* inc -> ex, exact */
	expect_basis("9.99", 1, "20", 0, "8.3300");        /* 8.325 rounds half away from zero */
	expect_basis("0.99", 0, "17.5", 1, "1.1600");      /* 1.16325 */
	expect_basis("5.00", 1, "0", 0, "5.0000");
	expect_basis("7.123", 1, "20", 1, "7.1200");       /* same basis: only the 2-decimal rounding */
	expect_basis("-2.50", 0, "20", 1, "-3.0000");      /* refunds round away from zero too */
	expect_basis("0.0083", 0, "20", 1, "0.0100");      /* 0.00996: rounded once, to cents */
}

static void
test_pricing__rejects_absurd_rates(void **state)
{
	struct money out;

	(void)state;
	assert_int_equal(price_on_basis(M("1"), 0, M("-1"), 1, &out), -1);
	assert_int_equal(price_on_basis(M("1"), 0, M("1001"), 1, &out), -1);
}

static void
test_pricing__tier_map(void **state)
{
	struct tier_rule r[TIER_RULES_MAX];
	struct sbuf err = SBUF_INIT;
	size_t n;

	(void)state;
	assert_int_equal(tier_map_parse("AA=1,AAA=10, AAAA=50", r, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(r[2].name, "AAAA");
	assert_int_equal(r[2].min_quantity, 50);
	assert_int_equal(tier_map_parse("-", r, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(tier_map_parse("AA", r, &n, &err), -1);
	assert_non_null(strstr(err.buf, "NAME=MIN_QTY"));
	sbuf_reset(&err);
	assert_int_equal(tier_map_parse("AA=0", r, &n, &err), -1);
	sbuf_reset(&err);
	assert_int_equal(tier_map_parse("=5", r, &n, &err), -1);
	sbuf_release(&err);
}

static void
test_pricing__tiers_for_shop(void **state)
{
	struct tier_rule r[TIER_RULES_MAX];
	struct quantity_price q[PRODUCT_TIERS_MAX];
	struct product p;
	size_t n, nq, unmapped;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.price_includes_tax = 0;
	p.tax_percent = M("20");
	strcpy(p.tiers[0].name, "AAAA");
	p.tiers[0].price = M("8");
	strcpy(p.tiers[1].name, "Staff");
	p.tiers[1].price = M("1");
	strcpy(p.tiers[2].name, "AA");
	p.tiers[2].price = M("9.50");
	p.ntiers = 3;
	assert_int_equal(tier_map_parse("AA=5,AAAA=20", r, &n, NULL), 0);
	assert_int_equal(tiers_for_shop(&p, r, n, 1, q, &nq, &unmapped), 0);
	assert_int_equal(nq, 2);
	assert_int_equal(unmapped, 1);
	assert_int_equal(q[0].min_quantity, 5);          /* ordered by quantity */
	assert_int_equal(q[0].price.units, M("11.40").units);
	assert_int_equal(q[1].min_quantity, 20);
	assert_int_equal(q[1].price.units, M("9.60").units);
}

static void
test_pricing__payload_round_trip(void **state)
{
	struct product p, back;
	struct sbuf err = SBUF_INIT;
	char *text, *again;

	(void)state;
	memset(&p, 0, sizeof(p));
	strcpy(p.id, "42");
	strcpy(p.sku, "OAK-1");
	strcpy(p.name, "Oak \"Table\" \xc3\xa9");
	strcpy(p.category_id, "7");
	p.has_price = 1;
	p.price = M("1234.5678");
	p.tax_percent = M("17.5");
	p.sync_to_shop = 1;
	strcpy(p.tiers[0].name, "AA");
	p.tiers[0].price = M("0.01");
	p.ntiers = 1;
	text = product_to_payload(&p);
	assert_non_null(text);
	assert_int_equal(product_from_payload(text, &back, &err), 0);
	again = product_to_payload(&back);
	assert_string_equal(text, again);                /* canonical: the fingerprint is stable */
	assert_int_equal(back.price.units, p.price.units);
	assert_string_equal(back.name, p.name);
	assert_int_equal(back.ntiers, 1);
	free(again);
	free(text);
	p.has_price = 0;
	text = product_to_payload(&p);
	assert_int_equal(product_from_payload(text, &back, &err), 0);
	assert_int_equal(back.has_price, 0);
	free(text);
	assert_int_equal(product_from_payload("{\"id\":\"1\"}", &back, &err), -1);
	assert_non_null(strstr(err.buf, "'sku'"));
	sbuf_reset(&err);
	assert_int_equal(product_from_payload("not json", &back, &err), -1);
	sbuf_release(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pricing__tax_basis),
		cmocka_unit_test(test_pricing__rejects_absurd_rates),
		cmocka_unit_test(test_pricing__tier_map),
		cmocka_unit_test(test_pricing__tiers_for_shop),
		cmocka_unit_test(test_pricing__payload_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
