/*
 * test_health.c: the store operations behind the dashboard's health
 * monitor, status page and chart (health_record/list, queue_hourly,
 * queue_activity).
 */
#include "testutil.h"

#define HOUR (3600 * 1000LL)

static void
test_health__success_then_failure_keeps_last_success(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct feed_health *h = NULL;
	size_t n = 0;
	int64_t a;

	test_store_open(&ts);
	a = test_account(ts.st, "shop1");
	assert_int_equal(store_health_record(ts.st, a, "customers", 10 * HOUR, 1, 50, NULL, 2, &err), 0);
	assert_int_equal(store_health_record(ts.st, a, "customers", 11 * HOUR, 0, 0, "Epos Now: 503", 1, &err), 0);
	assert_int_equal(store_health_list(ts.st, a, &h, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].feed, "customers");
	assert_int_equal(h[0].last_run_at, 11 * HOUR);
	assert_int_equal(h[0].last_success_at, 10 * HOUR);   /* a failure keeps the last success */
	assert_int_equal(h[0].synced_count, 50);
	assert_int_equal(h[0].errors_last_run, 1);
	assert_string_equal(h[0].last_error, "Epos Now: 503");
	assert_int_equal(h[0].corrections, 3);               /* a running total */
	free(h);

	/* the next success clears the error */
	assert_int_equal(store_health_record(ts.st, a, "customers", 12 * HOUR, 1, 51, "ignored", 0, &err), 0);
	assert_int_equal(store_health_list(ts.st, a, &h, &n, &err), 0);
	assert_int_equal(h[0].last_success_at, 12 * HOUR);
	assert_int_equal(h[0].errors_last_run, 0);
	assert_string_equal(h[0].last_error, "");
	free(h);
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_health__long_error_cut_between_characters(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct feed_health *h = NULL;
	char msg[600];
	size_t n = 0, len;
	int64_t a;

	test_store_open(&ts);
	a = test_account(ts.st, "shop1");
	/* "é" is two bytes: 300 of them straddle the 255-byte bound */
	msg[0] = '\0';
	for (int i = 0; i < 299; i++)
		strcat(msg, "\xc3\xa9");
	assert_int_equal(store_health_record(ts.st, a, "orders", HOUR, 0, 0, msg, 0, &err), 0);
	assert_int_equal(store_health_list(ts.st, a, &h, &n, &err), 0);
	len = strlen(h[0].last_error);
	assert_true(len > 0 && len <= 255);
	assert_int_equal(len % 2, 0);                         /* whole characters only */
	free(h);
	test_store_close(&ts);
	sbuf_release(&err);
}

/* enqueue, claim and finish one item of queue for account a with outcome s at time t */
static int64_t
one_attempt(struct store *st, int64_t a, const char *queue, const char *subject, enum item_status s, int64_t t)
{
	struct queue_new_item it = { a, queue, "customer", subject, "pos_to_shop", "manual", 20, 8, 0, NULL, "" };
	struct queue_outcome o = { 0 };
	struct sbuf err = SBUF_INIT;
	struct queue_item *got = NULL;
	size_t n = 0, lost = 0;
	int64_t id = 0;

	it.not_before = t;
	assert_int_equal(store_queue_enqueue(st, &it, 1, t, &id, NULL, &err), 0);
	assert_int_equal(store_queue_claim(st, "w", t, 60000, 1, NULL, &got, &n, &err), 0);
	assert_int_equal(n, 1);
	o.item_id = got[0].id;
	o.attempt = got[0].attempts;
	o.status = s;
	o.started_at = t;
	o.comment = s == ITEM_SUCCEEDED ? "Successfully Updated" : "Customer is not linked";
	assert_int_equal(store_queue_finish(st, "w", &o, 1, t, &lost, &err), 0);
	queue_items_free(got, n);
	sbuf_release(&err);
	return id;
}

static void
test_health__hourly_counts_by_outcome(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct hour_count *hc = NULL;
	size_t n = 0;
	int64_t a, b;

	test_store_open(&ts);
	a = test_account(ts.st, "shop1");
	b = test_account(ts.st, "shop2");
	one_attempt(ts.st, a, "customers", "1", ITEM_SUCCEEDED, 100 * HOUR + 5);
	one_attempt(ts.st, a, "customers", "2", ITEM_SUCCEEDED, 100 * HOUR + 50);
	one_attempt(ts.st, a, "customers", "3", ITEM_FAILED, 101 * HOUR + 1);
	one_attempt(ts.st, a, "orders", "4", ITEM_SUCCEEDED, 101 * HOUR + 2);
	one_attempt(ts.st, b, "customers", "5", ITEM_SUCCEEDED, 101 * HOUR + 3);
	one_attempt(ts.st, a, "customers", "6", ITEM_SUCCEEDED, 90 * HOUR);   /* before the window */

	assert_int_equal(store_queue_hourly(ts.st, a, "customers", 100 * HOUR, &hc, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(hc[0].hour, 100 * HOUR);
	assert_string_equal(hc[0].outcome, "succeeded");
	assert_int_equal(hc[0].count, 2);
	assert_int_equal(hc[1].hour, 101 * HOUR);
	assert_string_equal(hc[1].outcome, "failed");
	assert_int_equal(hc[1].count, 1);
	free(hc);

	/* every queue of every account */
	assert_int_equal(store_queue_hourly(ts.st, 0, NULL, 100 * HOUR, &hc, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(hc[2].hour, 101 * HOUR);
	assert_string_equal(hc[2].outcome, "succeeded");
	assert_int_equal(hc[2].count, 2);
	free(hc);
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_health__activity_per_queue(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct queue_activity *qa = NULL;
	size_t n = 0;
	int64_t a;

	test_store_open(&ts);
	a = test_account(ts.st, "shop1");
	one_attempt(ts.st, a, "customers", "1", ITEM_SUCCEEDED, 5 * HOUR);
	one_attempt(ts.st, a, "customers", "2", ITEM_FAILED, 6 * HOUR);
	one_attempt(ts.st, a, "orders", "3", ITEM_FAILED, 7 * HOUR);
	assert_int_equal(store_queue_activity(ts.st, a, &qa, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(qa[0].queue, "customers");
	assert_int_equal(qa[0].last_success_at, 5 * HOUR);
	assert_int_equal(qa[0].last_activity_at, 6 * HOUR);
	assert_int_equal(qa[0].items, 2);
	assert_string_equal(qa[1].queue, "orders");
	assert_int_equal(qa[1].last_success_at, 0);           /* nothing succeeded yet */
	free(qa);
	test_store_close(&ts);
	sbuf_release(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_health__success_then_failure_keeps_last_success),
		cmocka_unit_test(test_health__long_error_cut_between_characters),
		cmocka_unit_test(test_health__hourly_counts_by_outcome),
		cmocka_unit_test(test_health__activity_per_queue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
