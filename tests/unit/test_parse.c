#include "testutil.h"

#include "util/parse.h"
#include "util/timeutil.h"

static void
test_parse__int64_strict(void **state)
{
	int64_t v;

	assert_int_equal(parse_int64("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_int64("-5", -10, 10, &v), 0);
	assert_int_equal(v, -5);
	assert_int_equal(parse_int64("", 0, 100, &v), -1);
	assert_int_equal(parse_int64("12x", 0, 100, &v), -1);
	assert_int_equal(parse_int64(" 12", 0, 100, &v), -1);
	assert_int_equal(parse_int64("101", 0, 100, &v), -1);
	assert_int_equal(parse_int64("99999999999999999999", INT64_MIN, INT64_MAX, &v), -1);
}

static void
test_parse__bool(void **state)
{
	int b;

	assert_int_equal(parse_bool("on", &b), 0);
	assert_true(b);
	assert_int_equal(parse_bool("Disabled", &b), 0);
	assert_false(b);
	assert_int_equal(parse_bool("maybe", &b), -1);
}

static void
test_parse__duration(void **state)
{
	int64_t v;

	assert_int_equal(parse_duration_ms("30s", &v), 0);
	assert_int_equal(v, 30000);
	assert_int_equal(parse_duration_ms("5m", &v), 0);
	assert_int_equal(v, 300000);
	assert_int_equal(parse_duration_ms("250ms", &v), 0);
	assert_int_equal(v, 250);
	assert_int_equal(parse_duration_ms("2", &v), 0);
	assert_int_equal(v, 2000);
	assert_int_equal(parse_duration_ms("5 m", &v), -1);
	assert_int_equal(parse_duration_ms("-1s", &v), -1);
	assert_int_equal(parse_duration_ms("3w", &v), -1);
}

static void
test_time__iso_is_utc(void **state)
{
	char buf[TIME_ISO_LEN];

	time_format_iso(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	time_format_iso(1795000000123LL, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-18T11:06:40.123Z");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse__int64_strict),
		cmocka_unit_test(test_parse__bool),
		cmocka_unit_test(test_parse__duration),
		cmocka_unit_test(test_time__iso_is_utc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
