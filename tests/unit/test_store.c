#include "testutil.h"

#include <sqlite3.h>
#include <sys/stat.h>

static void
test_store__created_owner_only(void **state)
{
	struct test_store ts;
	struct stat sb;
	int version = 0;
	struct sbuf err = SBUF_INIT;

	test_store_open(&ts);
	assert_int_equal(stat(ts.path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(store_schema_version(ts.st, &version, &err), 0);
	assert_int_equal(version, store_schema_latest());
	assert_string_equal(store_backend_name(ts.st), "sqlite");
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_store__missing_file_not_created_without_flag(void **state)
{
	struct sbuf err = SBUF_INIT;
	struct store *st = NULL;

	assert_int_equal(store_open(&st, "/nonexistent-dir/x.db", 0, &err), -1);
	assert_null(st);
	assert_non_null(strstr(err.buf, "tillsync init"));
	sbuf_release(&err);
}

static void
set_user_version(const char *path, int v)
{
	sqlite3 *db;
	char sql[64];

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
test_store__refuses_newer_schema(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct store *st = NULL;

	test_store_open(&ts);
	store_close(ts.st);
	set_user_version(ts.path, store_schema_latest() + 1);
	assert_int_equal(store_open(&st, ts.path, 0, &err), -1);
	assert_non_null(strstr(err.buf, "newer tillsync"));
	/* the file was not touched: still the newer version */
	set_user_version(ts.path, store_schema_latest());
	assert_int_equal(store_open(&ts.st, ts.path, 0, &err), 0);
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_store__refuses_foreign_database(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct store *st = NULL;
	char path[400];
	sqlite3 *db;

	test_store_open(&ts);
	snprintf(path, sizeof(path), "%s/other.db", ts.dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(&st, path, 0, &err), -1);
	assert_non_null(strstr(err.buf, "not a tillsync store"));
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_store__accounts(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct account a, *list;
	size_t n;
	int64_t id;

	test_store_open(&ts);
	id = test_account(ts.st, "corner-shop");
	test_account(ts.st, "bakery");
	assert_int_equal(store_account_add(ts.st, "corner-shop", 1, NULL, &err), -1);
	assert_non_null(strstr(err.buf, "already exists"));
	assert_int_equal(store_account_add(ts.st, "", 1, NULL, &err), -1);
	assert_int_equal(store_account_find(ts.st, "corner-shop", &a, &err), 0);
	assert_int_equal(a.id, id);
	assert_int_equal(store_account_find(ts.st, "nobody", &a, &err), STORE_NOTFOUND);
	assert_int_equal(store_account_list(ts.st, &list, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].name, "bakery");   /* sorted by name */
	free(list);
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_store__settings_and_cursors(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct setting *s;
	size_t n;
	char *v;
	int64_t acc;

	test_store_open(&ts);
	acc = test_account(ts.st, "a");
	assert_int_equal(store_setting_get(ts.st, acc, "customer_sync", &v, &err), STORE_NOTFOUND);
	assert_int_equal(store_setting_set(ts.st, acc, "customer_sync", "on", 5, &err), 0);
	assert_int_equal(store_setting_set(ts.st, acc, "customer_sync", "off", 6, &err), 0);
	assert_int_equal(store_setting_get(ts.st, acc, "customer_sync", &v, &err), 0);
	assert_string_equal(v, "off");
	free(v);
	assert_int_equal(store_setting_list(ts.st, acc, &s, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(s[0].updated_at, 6);
	settings_free(s, n);

	assert_int_equal(store_cursor_get(ts.st, acc, "orders", &v, &err), STORE_NOTFOUND);
	assert_int_equal(store_cursor_set(ts.st, acc, "orders", "2026-11-23T10:00:00", 7, &err), 0);
	assert_int_equal(store_cursor_get(ts.st, acc, "orders", &v, &err), 0);
	assert_string_equal(v, "2026-11-23T10:00:00");
	free(v);
	test_store_close(&ts);
	sbuf_release(&err);
}

/* live ids: what a full scan saw last, less what it found deleted, per account/side/entity */
static int
not_three(void *ctx, const char *id)
{
	(void)ctx;
	return strcmp(id, "3") != 0;
}

static void
test_store__fingerprint_live_ids(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	char **ids;
	size_t n;
	int64_t acc, other;

	test_store_open(&ts);
	acc = test_account(ts.st, "a");
	other = test_account(ts.st, "b");
	assert_int_equal(store_fingerprint_set(ts.st, acc, "pos", "customer_type", "7", "f7", 1, &err), 0);
	assert_int_equal(store_fingerprint_set(ts.st, acc, "pos", "customer_type", "3", "f3", 1, &err), 0);
	assert_int_equal(store_fingerprint_set(ts.st, acc, "pos", "customer_type", "9", "deleted", 1, &err), 0);
	assert_int_equal(store_fingerprint_set(ts.st, acc, "shop", "customer_type", "4", "f4", 1, &err), 0);
	assert_int_equal(store_fingerprint_set(ts.st, other, "pos", "customer_type", "5", "f5", 1, &err), 0);
	assert_int_equal(store_fingerprint_live_ids(ts.st, acc, "pos", "customer_type", NULL, NULL, &ids, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ids[0], "3");
	assert_string_equal(ids[1], "7");
	free(ids[0]);
	free(ids[1]);
	free(ids);
	/* only those the filter keeps: a scan asks for the ones it did not see */
	assert_int_equal(store_fingerprint_live_ids(ts.st, acc, "pos", "customer_type", not_three, NULL, &ids, &n, &err),
			 0);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], "7");
	free(ids[0]);
	free(ids);
	assert_int_equal(store_fingerprint_live_ids(ts.st, acc, "pos", "customer", NULL, NULL, &ids, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_null(ids);
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_store__connections_keep_credentials(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct connection c, *list;
	size_t n;
	int64_t acc;

	test_store_open(&ts);
	acc = test_account(ts.st, "a");
	assert_int_equal(store_connection_set(ts.st, acc, "till", "eposnow", "http://x", "{}", 1, &err), -1);
	assert_int_equal(store_connection_set(ts.st, acc, "pos", "eposnow", "http://x", "{\"key\":\"k\"}", 1, &err), 0);
	assert_int_equal(store_connection_set(ts.st, acc, "pos", "eposnow", "http://y", "{\"key\":\"k2\"}", 2, &err), 0);
	assert_int_equal(store_connection_get(ts.st, acc, "pos", &c, &err), 0);
	assert_string_equal(c.base_url, "http://y");
	assert_string_equal(c.credentials, "{\"key\":\"k2\"}");
	connection_free(&c);
	assert_int_equal(store_connection_get(ts.st, acc, "shop", &c, &err), STORE_NOTFOUND);
	assert_int_equal(store_connection_list(ts.st, 0, &list, &n, &err), 0);
	assert_int_equal(n, 1);
	connections_free(list, n);
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_store__links_are_one_to_one(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct link l, *list;
	size_t n;
	int64_t acc;

	test_store_open(&ts);
	acc = test_account(ts.st, "a");
	assert_int_equal(store_link_set(ts.st, acc, "customer", "501", "77", 1, &err), 0);
	assert_int_equal(store_link_by_pos(ts.st, acc, "customer", "501", &l, &err), 0);
	assert_string_equal(l.shop_id, "77");
	assert_int_equal(store_link_by_shop(ts.st, acc, "customer", "77", &l, &err), 0);
	assert_string_equal(l.pos_id, "501");
	/* one shop record cannot be linked to two POS records */
	assert_int_equal(store_link_set(ts.st, acc, "customer", "502", "77", 1, &err), -1);
	assert_non_null(strstr(err.buf, "already linked"));
	/* relinking a POS record moves it */
	assert_int_equal(store_link_set(ts.st, acc, "customer", "501", "78", 2, &err), 0);
	assert_int_equal(store_link_by_shop(ts.st, acc, "customer", "77", &l, &err), STORE_NOTFOUND);
	assert_int_equal(store_link_list(ts.st, acc, "customer", &list, &n, &err), 0);
	assert_int_equal(n, 1);
	free(list);
	assert_int_equal(store_link_delete(ts.st, acc, "customer", "501", &err), 0);
	assert_int_equal(store_link_delete(ts.st, acc, "customer", "501", &err), STORE_NOTFOUND);
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_store__logs_filter(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct log_entry *e;
	struct log_filter f = { 0, -1, NULL, 10 };
	size_t n;
	int64_t a, b;

	test_store_open(&ts);
	a = test_account(ts.st, "a");
	b = test_account(ts.st, "b");
	assert_int_equal(store_log_add(ts.st, a, "woocommerce", 1, "shop refused", 1, &err), 0);
	assert_int_equal(store_log_add(ts.st, a, "eposnow", 0, "cycle done", 2, &err), 0);
	assert_int_equal(store_log_add(ts.st, b, "eposnow", 2, "e-mailed", 3, &err), 0);
	assert_int_equal(store_log_add(ts.st, 0, "daemon", 0, "started", 4, &err), 0);
	assert_int_equal(store_log_list(ts.st, &f, &e, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(e[0].message, "started");   /* newest first */
	log_entries_free(e, n);
	f.account_id = a;
	f.type = 1;
	assert_int_equal(store_log_list(ts.st, &f, &e, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].service, "woocommerce");
	assert_string_equal(e[0].account, "a");
	log_entries_free(e, n);
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_store__rollback_leaves_nothing(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct account a;

	test_store_open(&ts);
	assert_int_equal(store_tx_begin(ts.st, &err), 0);
	assert_int_equal(store_tx_begin(ts.st, &err), -1);   /* no nesting */
	assert_int_equal(store_account_add(ts.st, "ghost", 1, NULL, &err), 0);
	store_tx_rollback(ts.st);
	assert_int_equal(store_account_find(ts.st, "ghost", &a, &err), STORE_NOTFOUND);
	assert_int_equal(store_tx_begin(ts.st, &err), 0);
	assert_int_equal(store_account_add(ts.st, "kept", 1, NULL, &err), 0);
	assert_int_equal(store_tx_commit(ts.st, &err), 0);
	assert_int_equal(store_account_find(ts.st, "kept", &a, &err), 0);
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_store__op_stats_count_calls(void **state)
{
	struct test_store ts;
	struct store_op_stat stats[64];
	size_t n, found = 0;

	test_store_open(&ts);
	test_account(ts.st, "a");
	test_account(ts.st, "b");
	n = store_op_stats(ts.st, stats, 64);
	for (size_t i = 0; i < n; i++)
		if (strcmp(stats[i].op, "account_add") == 0) {
			assert_int_equal(stats[i].calls, 2);
			found = 1;
		}
	assert_true(found);
	test_store_close(&ts);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store__created_owner_only),
		cmocka_unit_test(test_store__missing_file_not_created_without_flag),
		cmocka_unit_test(test_store__refuses_newer_schema),
		cmocka_unit_test(test_store__refuses_foreign_database),
		cmocka_unit_test(test_store__accounts),
		cmocka_unit_test(test_store__settings_and_cursors),
		cmocka_unit_test(test_store__fingerprint_live_ids),
		cmocka_unit_test(test_store__connections_keep_credentials),
		cmocka_unit_test(test_store__links_are_one_to_one),
		cmocka_unit_test(test_store__logs_filter),
		cmocka_unit_test(test_store__rollback_leaves_nothing),
		cmocka_unit_test(test_store__op_stats_count_calls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
