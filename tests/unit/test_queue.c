#include "testutil.h"

#include "queue/queue.h"

#define T0 1000000   /* test clock, ms */

static struct queue_new_item
item(int64_t account, const char *queue, const char *subject, int priority)
{
	struct queue_new_item it = { account, queue, "customer", subject, DIRECTION_POS_TO_SHOP, REASON_CYCLE,
				     priority, 3, 0, NULL, "" };
	return it;
}

static int64_t
add(struct store *st, struct queue_new_item it, int64_t now, int *coalesced)
{
	struct sbuf err = SBUF_INIT;
	int64_t id = 0;

	if (store_queue_enqueue(st, &it, 1, now, &id, coalesced, &err) < 0)
		fail_msg("enqueue: %s", err.buf);
	sbuf_release(&err);
	return id;
}

static size_t
claim(struct store *st, const char *owner, int64_t now, size_t max, struct queue_item **out)
{
	struct sbuf err = SBUF_INIT;
	size_t n = 0;

	if (store_queue_claim(st, owner, now, 1000, max, NULL, out, &n, &err) < 0)
		fail_msg("claim: %s", err.buf);
	sbuf_release(&err);
	return n;
}

static void
finish(struct store *st, const char *owner, const struct queue_item *it, enum item_status s, int64_t next,
       const char *comment, int64_t now, size_t expect_lost)
{
	struct queue_outcome o = { it->id, it->attempts, s, next, now, comment, NULL };
	struct sbuf err = SBUF_INIT;
	size_t lost = 99;

	if (store_queue_finish(st, owner, &o, 1, now, &lost, &err) < 0)
		fail_msg("finish: %s", err.buf);
	assert_int_equal(lost, expect_lost);
	sbuf_release(&err);
}

static enum item_status
status_of(struct store *st, int64_t id)
{
	struct sbuf err = SBUF_INIT;
	struct queue_item it;
	enum item_status s;

	assert_int_equal(store_queue_get(st, id, &it, &err), 0);
	s = it.status;
	free(it.comment);
	free(it.payload);
	sbuf_release(&err);
	return s;
}

static void
test_queue__enqueue_coalesces_pending(void **state)
{
	struct test_store ts;
	struct queue_new_item it;
	struct queue_item *got;
	int64_t acc, a, b, c;
	int co = -1;

	test_store_open(&ts);
	acc = test_account(ts.st, "a");
	it = item(acc, "customers", "42", 20);
	it.payload = "{\"v\":1}";
	a = add(ts.st, it, T0, &co);
	assert_int_equal(co, 0);
	it.payload = "{\"v\":2}";
	b = add(ts.st, it, T0 + 1, &co);
	assert_int_equal(co, 1);
	assert_int_equal(a, b);                       /* same item */
	c = add(ts.st, item(acc, "customers", "43", 20), T0, &co);
	assert_int_not_equal(a, c);

	assert_int_equal(claim(ts.st, "w", T0 + 5, 10, &got), 2);
	assert_int_equal(got[0].id, a);
	assert_string_equal(got[0].payload, "{\"v\":2}");   /* the newest change */
	assert_int_equal(got[0].coalesced, 1);
	assert_int_equal(got[0].attempts, 1);
	assert_int_equal(got[0].status, ITEM_RUNNING);
	/* a change while the item runs is a new item: the runner may have read old data */
	it.payload = "{\"v\":3}";
	b = add(ts.st, it, T0 + 6, &co);
	assert_int_not_equal(a, b);
	assert_int_equal(co, 0);
	queue_items_free(got, 2);
	test_store_close(&ts);
}

static void
test_queue__claim_order_priority_then_due(void **state)
{
	struct test_store ts;
	struct queue_item *got;
	struct queue_new_item later;
	int64_t acc, product, order, early;

	test_store_open(&ts);
	acc = test_account(ts.st, "a");
	product = add(ts.st, item(acc, "products", "p1", 70), T0, NULL);
	order = add(ts.st, item(acc, "orders", "o1", 10), T0 + 10, NULL);
	later = item(acc, "orders", "o2", 10);
	later.not_before = T0 + 100000;            /* not due yet */
	add(ts.st, later, T0, NULL);
	early = add(ts.st, item(acc, "orders", "o0", 10), T0 - 5, NULL);

	assert_int_equal(claim(ts.st, "w", T0 + 20, 1, &got), 1);
	assert_int_equal(got[0].id, early);        /* best priority, earliest due */
	queue_items_free(got, 1);
	assert_int_equal(claim(ts.st, "w", T0 + 20, 5, &got), 1);
	assert_int_equal(got[0].id, order);        /* the not-yet-due order waits */
	queue_items_free(got, 1);
	assert_int_equal(claim(ts.st, "w", T0 + 20, 5, &got), 1);
	assert_int_equal(got[0].id, product);      /* catalog work after orders */
	queue_items_free(got, 1);
	assert_int_equal(claim(ts.st, "w", T0 + 20, 5, &got), 0);
	test_store_close(&ts);
}

static void
test_queue__fairness_across_accounts(void **state)
{
	struct test_store ts;
	struct queue_item *got;
	int64_t big, small1, small2;
	char subj[16];
	int seen_small1 = 0, seen_small2 = 0;

	test_store_open(&ts);
	big = test_account(ts.st, "big");
	small1 = test_account(ts.st, "small1");
	small2 = test_account(ts.st, "small2");
	for (int i = 0; i < 200; i++) {
		snprintf(subj, sizeof(subj), "b%d", i);
		add(ts.st, item(big, "products", subj, 70), T0 - 1000, NULL);   /* older backlog */
	}
	add(ts.st, item(small1, "products", "s1", 70), T0, NULL);
	add(ts.st, item(small2, "products", "s2", 70), T0, NULL);
	/* three claims of 10: every account is served although "big" has older items */
	for (int round = 0; round < 3; round++) {
		size_t n = claim(ts.st, "w", T0 + 1, 10, &got);

		assert_true(n >= 1);
		for (size_t i = 0; i < n; i++) {
			seen_small1 |= got[i].account_id == small1;
			seen_small2 |= got[i].account_id == small2;
			/* a batch never mixes accounts */
			assert_int_equal(got[i].account_id, got[0].account_id);
		}
		queue_items_free(got, n);
	}
	assert_true(seen_small1);
	assert_true(seen_small2);
	test_store_close(&ts);
}

static void
test_queue__finish_transitions_and_history(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct queue_item *got;
	struct queue_attempt *at;
	size_t n;
	int64_t acc, id;

	test_store_open(&ts);
	acc = test_account(ts.st, "a");
	id = add(ts.st, item(acc, "customers", "c1", 20), T0, NULL);

	/* failed, will retry: not claimable before its next try */
	assert_int_equal(claim(ts.st, "w", T0, 1, &got), 1);
	finish(ts.st, "w", &got[0], ITEM_RETRY, T0 + 500, "Customer Endpoint Point call api failed", T0 + 1, 0);
	queue_items_free(got, 1);
	assert_int_equal(status_of(ts.st, id), ITEM_RETRY);
	assert_int_equal(claim(ts.st, "w", T0 + 100, 1, &got), 0);
	assert_int_equal(claim(ts.st, "w", T0 + 500, 1, &got), 1);
	assert_int_equal(got[0].attempts, 2);
	finish(ts.st, "w", &got[0], ITEM_SUCCEEDED, 0, "Successfully Updated", T0 + 501, 0);
	queue_items_free(got, 1);
	assert_int_equal(status_of(ts.st, id), ITEM_SUCCEEDED);

	assert_int_equal(store_queue_attempts(ts.st, id, &at, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(at[0].outcome, "retry");
	assert_string_equal(at[0].comment, "Customer Endpoint Point call api failed");
	assert_string_equal(at[1].outcome, "succeeded");
	assert_string_equal(at[1].comment, "Successfully Updated");
	queue_attempts_free(at, n);

	/* skipped and failed are final too */
	id = add(ts.st, item(acc, "customers", "c2", 20), T0, NULL);
	assert_int_equal(claim(ts.st, "w", T0 + 600, 1, &got), 1);
	finish(ts.st, "w", &got[0], ITEM_SKIPPED, 0, "Customer sync is not enabled", T0 + 601, 0);
	queue_items_free(got, 1);
	assert_int_equal(status_of(ts.st, id), ITEM_SKIPPED);
	id = add(ts.st, item(acc, "customers", "c3", 20), T0, NULL);
	assert_int_equal(claim(ts.st, "w", T0 + 700, 1, &got), 1);
	finish(ts.st, "w", &got[0], ITEM_FAILED, 0, "Customer is not linked", T0 + 701, 0);
	queue_items_free(got, 1);
	assert_int_equal(status_of(ts.st, id), ITEM_FAILED);
	assert_int_equal(claim(ts.st, "w", T0 + 100000, 1, &got), 0);
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_queue__failing_item_does_not_block(void **state)
{
	struct test_store ts;
	struct queue_item *got;
	int64_t acc, bad, good;

	test_store_open(&ts);
	acc = test_account(ts.st, "a");
	bad = add(ts.st, item(acc, "orders", "bad", 10), T0 - 10, NULL);
	good = add(ts.st, item(acc, "orders", "good", 10), T0, NULL);
	assert_int_equal(claim(ts.st, "w", T0, 1, &got), 1);
	assert_int_equal(got[0].id, bad);
	finish(ts.st, "w", &got[0], ITEM_RETRY, T0 + 60000, "down", T0, 0);
	queue_items_free(got, 1);
	assert_int_equal(claim(ts.st, "w", T0 + 1, 1, &got), 1);
	assert_int_equal(got[0].id, good);
	queue_items_free(got, 1);
	test_store_close(&ts);
}

static void
test_queue__lease_expiry_reclaims(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct queue_item *got;
	struct queue_attempt *at;
	size_t n;
	int64_t acc, id;

	test_store_open(&ts);
	acc = test_account(ts.st, "a");
	id = add(ts.st, item(acc, "customers", "c1", 20), T0, NULL);
	assert_int_equal(claim(ts.st, "dead-worker", T0, 1, &got), 1);    /* lease until T0+1000 */
	queue_items_free(got, 1);
	assert_int_equal(claim(ts.st, "w2", T0 + 999, 1, &got), 0);        /* still leased */
	assert_int_equal(claim(ts.st, "w2", T0 + 1000, 1, &got), 1);       /* expired: taken over */
	assert_int_equal(got[0].id, id);
	assert_int_equal(got[0].attempts, 2);                              /* told it is a retry */
	/* the dead worker wakes up and tries to finish: refused, counted as lost */
	{
		struct queue_item stale = got[0];

		stale.attempts = 1;
		finish(ts.st, "dead-worker", &stale, ITEM_SUCCEEDED, 0, "late", T0 + 1001, 1);
	}
	finish(ts.st, "w2", &got[0], ITEM_SUCCEEDED, 0, "Successfully Updated", T0 + 1002, 0);
	queue_items_free(got, 1);
	assert_int_equal(store_queue_attempts(ts.st, id, &at, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(at[0].outcome, "abandoned");
	assert_string_equal(at[0].worker, "dead-worker");
	assert_string_equal(at[1].outcome, "succeeded");
	queue_attempts_free(at, n);
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_queue__lease_expiry_without_attempts_left_fails(void **state)
{
	struct test_store ts;
	struct queue_item *got;
	struct queue_new_item it;
	int64_t acc, id;

	test_store_open(&ts);
	acc = test_account(ts.st, "a");
	it = item(acc, "customers", "c1", 20);
	it.max_attempts = 1;
	id = add(ts.st, it, T0, NULL);
	assert_int_equal(claim(ts.st, "dead", T0, 1, &got), 1);
	queue_items_free(got, 1);
	assert_int_equal(claim(ts.st, "w2", T0 + 5000, 1, &got), 0);
	assert_int_equal(status_of(ts.st, id), ITEM_FAILED);
	test_store_close(&ts);
}

static void
test_queue__release_gives_back_untouched(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct queue_item *got;
	int64_t acc, id;

	test_store_open(&ts);
	acc = test_account(ts.st, "a");
	id = add(ts.st, item(acc, "customers", "c1", 20), T0, NULL);
	assert_int_equal(claim(ts.st, "w", T0, 1, &got), 1);
	assert_int_equal(store_queue_release(ts.st, "w", &id, 1, T0 + 1, &err), 0);
	queue_items_free(got, 1);
	assert_int_equal(status_of(ts.st, id), ITEM_PENDING);
	assert_int_equal(claim(ts.st, "w", T0 + 2, 1, &got), 1);
	assert_int_equal(got[0].attempts, 1);     /* the released claim did not count */
	queue_items_free(got, 1);
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_queue__operator_retry_and_cancel(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct queue_item *got;
	int64_t acc, id, newer = 0, id2;
	size_t count = 0;

	test_store_open(&ts);
	acc = test_account(ts.st, "a");
	id = add(ts.st, item(acc, "customers", "c1", 20), T0, NULL);
	assert_int_equal(store_queue_retry(ts.st, id, T0, 3, NULL, &err), -1);   /* already pending */
	assert_int_equal(claim(ts.st, "w", T0, 1, &got), 1);
	assert_int_equal(store_queue_cancel(ts.st, id, T0, "x", &err), -1);      /* running */
	assert_non_null(strstr(err.buf, "being processed"));
	finish(ts.st, "w", &got[0], ITEM_FAILED, 0, "Customer is not linked", T0 + 1, 0);
	queue_items_free(got, 1);

	/* the cause is fixed: retry succeeds with fresh attempts */
	assert_int_equal(store_queue_retry(ts.st, id, T0 + 2, 3, &newer, &err), 0);
	assert_int_equal(status_of(ts.st, id), ITEM_PENDING);
	assert_int_equal(claim(ts.st, "w", T0 + 3, 1, &got), 1);
	assert_string_equal(got[0].reason, "retry");
	assert_true(got[0].max_attempts >= got[0].attempts + 2);
	finish(ts.st, "w", &got[0], ITEM_FAILED, 0, "Customer is not linked", T0 + 4, 0);
	queue_items_free(got, 1);

	/* a newer change waits: retrying the old item hands over to it */
	id2 = add(ts.st, item(acc, "customers", "c1", 20), T0 + 5, NULL);
	assert_int_equal(store_queue_retry(ts.st, id, T0 + 6, 3, &newer, &err), STORE_GONE);
	assert_int_equal(newer, id2);
	assert_int_equal(status_of(ts.st, id), ITEM_CANCELLED);

	assert_int_equal(store_queue_cancel(ts.st, id2, T0 + 7, "Cancelled by an operator", &err), 0);
	assert_int_equal(status_of(ts.st, id2), ITEM_CANCELLED);
	assert_int_equal(store_queue_cancel(ts.st, id2, T0 + 7, "again", &err), -1);
	assert_int_equal(store_queue_retry(ts.st, 999999, T0, 3, NULL, &err), -1);
	assert_non_null(strstr(err.buf, "no queue item"));
	(void)count;
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_queue__bulk_retry_and_cancel_by_comment(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct queue_item *got;
	int64_t acc, ids[4];
	const char *comments[4] = { "Customer is not linked", "Customer is not linked",
				    "WooCommerce customer not updated", "Customer is not linked" };
	char subj[8];
	size_t count = 0;

	test_store_open(&ts);
	acc = test_account(ts.st, "a");
	for (int i = 0; i < 4; i++) {
		snprintf(subj, sizeof(subj), "c%d", i);
		ids[i] = add(ts.st, item(acc, "customers", subj, 20), T0 + i, NULL);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(claim(ts.st, "w", T0 + 10, 1, &got), 1);
		finish(ts.st, "w", &got[0], i == 3 ? ITEM_RETRY : ITEM_FAILED, T0 + 99999, comments[i], T0 + 11, 0);
		queue_items_free(got, 1);
	}
	assert_int_equal(store_queue_retry_failed(ts.st, acc, "customers", "Customer is not linked", T0 + 20, 3,
						  &count, &err), 0);
	assert_int_equal(count, 3);   /* failed and retrying alike */
	assert_int_equal(status_of(ts.st, ids[0]), ITEM_PENDING);
	assert_int_equal(status_of(ts.st, ids[3]), ITEM_PENDING);
	assert_int_equal(status_of(ts.st, ids[2]), ITEM_FAILED);
	assert_int_equal(store_queue_cancel_failed(ts.st, 0, "customers", NULL, T0 + 30, "Cancelled by an operator",
						   &count, &err), 0);
	assert_int_equal(count, 1);
	assert_int_equal(status_of(ts.st, ids[2]), ITEM_CANCELLED);
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_queue__list_counts_and_filters(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct queue_item *items, *got;
	struct queue_count *qc;
	struct queue_filter f = { 0, NULL, -1, NULL, 0, 100 };
	size_t n;
	int64_t a, b;

	test_store_open(&ts);
	a = test_account(ts.st, "a");
	b = test_account(ts.st, "b");
	add(ts.st, item(a, "customers", "c1", 20), T0, NULL);
	add(ts.st, item(a, "orders", "o1", 10), T0, NULL);
	add(ts.st, item(b, "customers", "c2", 20), T0, NULL);
	assert_int_equal(claim(ts.st, "w", T0, 1, &got), 1);   /* a's order */
	finish(ts.st, "w", &got[0], ITEM_FAILED, 0, "Customer Id Not Matched with EPOSNOW", T0, 0);
	queue_items_free(got, 1);

	assert_int_equal(store_queue_list(ts.st, &f, &items, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_true(items[0].id > items[1].id);               /* newest first */
	queue_items_free(items, n);
	f.account_id = a;
	f.queue = "customers";
	assert_int_equal(store_queue_list(ts.st, &f, &items, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].account, "a");
	queue_items_free(items, n);
	f.queue = NULL;
	f.account_id = 0;
	f.text = "Not Matched";
	assert_int_equal(store_queue_list(ts.st, &f, &items, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].subject_id, "o1");
	queue_items_free(items, n);
	f.text = NULL;
	f.status = ITEM_PENDING;
	f.limit = 1;
	assert_int_equal(store_queue_list(ts.st, &f, &items, &n, &err), 0);
	assert_int_equal(n, 1);
	f.before_id = items[0].id;                           /* next page */
	queue_items_free(items, n);
	assert_int_equal(store_queue_list(ts.st, &f, &items, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_true(items[0].id < f.before_id);
	queue_items_free(items, n);

	assert_int_equal(store_queue_counts(ts.st, 0, &qc, &n, &err), 0);
	assert_int_equal(n, 2);   /* customers/pending: 2, orders/failed: 1 */
	for (size_t i = 0; i < n; i++)
		if (strcmp(qc[i].queue, "customers") == 0)
			assert_int_equal(qc[i].count, 2);
	free(qc);
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_queue__enqueue_rejects_bad_input(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	int64_t acc, id;
	char longid[200];

	test_store_open(&ts);
	acc = test_account(ts.st, "a");
	assert_int_equal(queue_enqueue(ts.st, acc, "nope", "customer", "1", DIRECTION_POS_TO_SHOP, REASON_CYCLE,
				       NULL, NULL, T0, &id, NULL, &err), -1);
	assert_non_null(strstr(err.buf, "unknown queue"));
	assert_int_equal(queue_enqueue(ts.st, acc, "customers", "customer", "1", "sideways", REASON_CYCLE, NULL,
				       NULL, T0, &id, NULL, &err), -1);
	memset(longid, '9', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	assert_int_equal(queue_enqueue(ts.st, acc, "customers", "customer", longid, DIRECTION_POS_TO_SHOP,
				       REASON_CYCLE, NULL, NULL, T0, &id, NULL, &err), -1);
	assert_non_null(strstr(err.buf, "too long"));
	assert_int_equal(queue_enqueue(ts.st, 4242, "customers", "customer", "1", DIRECTION_POS_TO_SHOP,
				       REASON_CYCLE, NULL, NULL, T0, &id, NULL, &err), -1);
	assert_non_null(strstr(err.buf, "no account"));
	assert_int_equal(queue_enqueue(ts.st, acc, "customers", "customer", "1", DIRECTION_POS_TO_SHOP,
				       REASON_WEBHOOK, NULL, NULL, T0, &id, NULL, &err), 0);
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_queue__backoff_bounds(void **state)
{
	struct retry_policy p = { 1000, 60000, 8 };
	struct rng r;

	rng_seed(&r, 7);
	for (int attempt = 1; attempt <= 12; attempt++) {
		int64_t d = 1000;

		for (int i = 1; i < attempt && d < 60000; i++)
			d *= 2;
		if (d > 60000)
			d = 60000;
		for (int k = 0; k < 500; k++) {
			int64_t got = queue_backoff_ms(&p, attempt, &r);

			assert_true(got >= d / 2);
			assert_true(got <= d);
		}
	}
	/* jitter: two items failing together do not all retry together */
	{
		int64_t first = queue_backoff_ms(&p, 3, &r);
		int differs = 0;

		for (int k = 0; k < 20; k++)
			differs |= queue_backoff_ms(&p, 3, &r) != first;
		assert_true(differs);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue__enqueue_coalesces_pending),
		cmocka_unit_test(test_queue__claim_order_priority_then_due),
		cmocka_unit_test(test_queue__fairness_across_accounts),
		cmocka_unit_test(test_queue__finish_transitions_and_history),
		cmocka_unit_test(test_queue__failing_item_does_not_block),
		cmocka_unit_test(test_queue__lease_expiry_reclaims),
		cmocka_unit_test(test_queue__lease_expiry_without_attempts_left_fails),
		cmocka_unit_test(test_queue__release_gives_back_untouched),
		cmocka_unit_test(test_queue__operator_retry_and_cancel),
		cmocka_unit_test(test_queue__bulk_retry_and_cancel_by_comment),
		cmocka_unit_test(test_queue__list_counts_and_filters),
		cmocka_unit_test(test_queue__enqueue_rejects_bad_input),
		cmocka_unit_test(test_queue__backoff_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
