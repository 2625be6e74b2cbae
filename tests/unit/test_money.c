#include "testutil.h"

#include "util/json_decimal.h"
#include "util/money.h"

static void
check_parse(const char *text, int64_t units)
{
	struct money m;

	if (money_parse(text, &m) < 0)
		fail_msg("'%s' did not parse", text);
	if (m.units != units)
		fail_msg("'%s' parsed as %lld, want %lld", text, (long long)m.units, (long long)units);
}

static void
test_money__parse_exact(void **state)
{
	struct money m;

	check_parse("21.99", 219900);
	check_parse("0.1", 1000);
	check_parse("-4.5", -45000);
	check_parse("7", 70000);
	check_parse("+3.25", 32500);
	check_parse("1234.56785", 12345679);   /* 5th decimal rounds half away from zero */
	check_parse("0.00004", 0);
	check_parse("-0.00005", -1);
	assert_int_equal(money_parse("", &m), -1);
	assert_int_equal(money_parse("12,50", &m), -1);
	assert_int_equal(money_parse("1e2", &m), -1);
	assert_int_equal(money_parse(".", &m), -1);
	assert_int_equal(money_parse("99999999999999999999", &m), -1);
}

static void
test_money__format_rounds_half_away(void **state)
{
	char buf[MONEY_TEXT_MAX];
	struct money m;

	money_parse("2.345", &m);
	money_format(m, 2, buf, sizeof(buf));
	assert_string_equal(buf, "2.35");
	money_parse("-2.345", &m);
	money_format(m, 2, buf, sizeof(buf));
	assert_string_equal(buf, "-2.35");
	money_parse("-0.004", &m);
	money_format(m, 2, buf, sizeof(buf));
	assert_string_equal(buf, "0.00");   /* no negative zero */
	money_parse("10", &m);
	money_format(m, 0, buf, sizeof(buf));
	assert_string_equal(buf, "10");
	money_format(m, 4, buf, sizeof(buf));
	assert_string_equal(buf, "10.0000");
}

static void
test_money__scale_for_tax(void **state)
{
	struct money net, gross, back;
	char buf[MONEY_TEXT_MAX];

	money_parse("10.00", &net);
	assert_int_equal(money_scale(net, 120, 100, &gross), 0);   /* +20% VAT */
	money_format(gross, 2, buf, sizeof(buf));
	assert_string_equal(buf, "12.00");
	assert_int_equal(money_scale(gross, 100, 120, &back), 0);
	assert_true(money_equal_at(back, net, 2));
	money_parse("0.01", &net);
	assert_int_equal(money_scale(net, 1, 3, &back), 0);
	assert_int_equal(back.units, 33);
	assert_int_equal(money_scale(net, 1, 0, &back), -1);
	assert_int_equal(money_mul_int((struct money){ INT64_MAX / 2 }, 3, &back), -1);
}

static void
test_json_decimal__reals_become_text(void **state)
{
	const char *body = "[{\"Id\":5,\"SalePrice\":4.50,\"Cost\":1e2,\"Name\":\"3.14 \\\"pi\\\"\",\"Neg\":-0.10}]";
	struct sbuf err = SBUF_INIT;
	json_t *v = json_decimal_loads(body, strlen(body), &err), *o;

	assert_non_null(v);
	o = json_array_get(v, 0);
	assert_true(json_is_integer(json_object_get(o, "Id")));
	assert_string_equal(json_string_value(json_object_get(o, "SalePrice")), "4.50");
	assert_string_equal(json_string_value(json_object_get(o, "Cost")), "1e2");
	assert_string_equal(json_string_value(json_object_get(o, "Name")), "3.14 \"pi\"");
	assert_string_equal(json_string_value(json_object_get(o, "Neg")), "-0.10");
	json_decref(v);
	assert_null(json_decimal_loads("{\"a\":\"open", 10, &err));
	assert_non_null(strstr(err.buf, "not valid JSON"));
	assert_null(json_decimal_loads("<html>", 6, &err));
	sbuf_release(&err);
}

static void
test_json_decimal__marked_numbers_print_bare(void **state)
{
	json_t *o = json_pack("{s:o, s:s, s:i}", "UnitPrice", json_decimal_mark("4.50"), "Note", "4.50", "Qty", 2);
	char *s = json_decimal_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);

	assert_string_equal(s, "{\"Note\":\"4.50\",\"Qty\":2,\"UnitPrice\":4.50}");
	free(s);
	json_decref(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_money__parse_exact),
		cmocka_unit_test(test_money__format_rounds_half_away),
		cmocka_unit_test(test_money__scale_for_tax),
		cmocka_unit_test(test_json_decimal__reals_become_text),
		cmocka_unit_test(test_json_decimal__marked_numbers_print_bare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
