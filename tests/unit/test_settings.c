#include "testutil.h"

#include "core/settings.h"

static void
test_settings__normalize_each_type(void **state)
{
	struct sbuf err = SBUF_INIT;
	char *v;

	assert_int_equal(setting_normalize(setting_def_find("customer_sync"), "yes", &v, &err), 0);
	assert_string_equal(v, "on");
	free(v);
	assert_int_equal(setting_normalize(setting_def_find("customer_sync"), "perhaps", &v, &err), -1);
	assert_non_null(strstr(err.buf, "on or off"));
	assert_int_equal(setting_normalize(setting_def_find("stock_master"), "shop", &v, &err), 0);
	assert_string_equal(v, "shop");
	free(v);
	assert_int_equal(setting_normalize(setting_def_find("stock_master"), "sho", &v, &err), -1);
	assert_int_equal(setting_normalize(setting_def_find("retry_base"), "2m", &v, &err), 0);
	assert_string_equal(v, "120000");
	free(v);
	assert_int_equal(setting_normalize(setting_def_find("retry_base"), "2d", &v, &err), -1);
	assert_int_equal(setting_normalize(setting_def_find("retry_max_attempts"), "0", &v, &err), -1);
	assert_int_equal(setting_normalize(setting_def_find("loyalty_meta_key"), "", &v, &err), -1);
	assert_null(setting_def_find("no_such_setting"));
	sbuf_release(&err);
}

static void
test_settings__defaults_and_stored(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct retry_policy p;
	int b = -1;
	int64_t acc;

	test_store_open(&ts);
	acc = test_account(ts.st, "a");
	assert_int_equal(settings_get_bool(ts.st, acc, "customer_sync", &b, &err), 0);
	assert_int_equal(b, 0);   /* off until the merchant turns it on */
	assert_int_equal(store_setting_set(ts.st, acc, "customer_sync", "on", 1, &err), 0);
	assert_int_equal(settings_get_bool(ts.st, acc, "customer_sync", &b, &err), 0);
	assert_int_equal(b, 1);
	assert_int_equal(settings_retry_policy(ts.st, acc, &p, &err), 0);
	assert_int_equal(p.base_ms, 30000);
	assert_int_equal(p.max_attempts, 8);
	assert_int_equal(settings_get_bool(ts.st, acc, "nope", &b, &err), -1);
	test_store_close(&ts);
	sbuf_release(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settings__normalize_each_type),
		cmocka_unit_test(test_settings__defaults_and_stored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
