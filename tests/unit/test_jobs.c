#include "testutil.h"

#include "queue/job.h"

static void
test_jobs__start_busy_replace(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct job j;
	int64_t acc, id1 = 0, id2 = 0, other = 0;

	test_store_open(&ts);
	acc = test_account(ts.st, "a");
	assert_int_equal(store_job_start(ts.st, acc, "products", "schedule", 1000, 60000, &id1, &other, &err), 0);
	assert_int_equal(other, 0);
	/* a live job of the same kind: Sync Now reports it instead of starting a second */
	assert_int_equal(store_job_start(ts.st, acc, "products", "sync-now", 2000, 60000, &id2, &other, &err),
			 STORE_BUSY);
	assert_int_equal(other, id1);
	/* another kind runs alongside */
	assert_int_equal(store_job_start(ts.st, acc, "inventory", "sync-now", 2000, 60000, &id2, &other, &err), 0);
	/* progress keeps it alive */
	assert_int_equal(store_job_progress(ts.st, id1, "Updating product", 825, 12403, 50000, &err), 0);
	assert_int_equal(store_job_start(ts.st, acc, "products", "sync-now", 100000, 60000, &id2, &other, &err),
			 STORE_BUSY);
	/* no heartbeat for longer than the stale limit: replaced by the new job */
	assert_int_equal(store_job_start(ts.st, acc, "products", "sync-now", 111000, 60000, &id2, &other, &err), 0);
	assert_int_equal(other, id1);
	assert_int_not_equal(id1, id2);
	assert_int_equal(store_job_get(ts.st, id1, &j, &err), 0);
	assert_int_equal(j.state, JOB_REPLACED);
	assert_int_equal(j.done, 825);
	assert_int_equal(j.total, 12403);
	assert_string_equal(j.phase, "Updating product");
	free(j.message);
	/* the stuck runner learns it lost the job */
	assert_int_equal(store_job_progress(ts.st, id1, "Updating product", 826, 12403, 112000, &err), STORE_GONE);
	assert_int_equal(store_job_finish(ts.st, id1, JOB_SUCCEEDED, "done", 112000, &err), STORE_GONE);
	assert_int_equal(store_job_finish(ts.st, id2, JOB_SUCCEEDED, "12403 products synced", 113000, &err), 0);
	assert_int_equal(store_job_get(ts.st, id2, &j, &err), 0);
	assert_int_equal(j.state, JOB_SUCCEEDED);
	assert_string_equal(j.message, "12403 products synced");
	assert_string_equal(j.trigger, "sync-now");
	free(j.message);
	test_store_close(&ts);
	sbuf_release(&err);
}

static void
test_jobs__job_run_throttles_but_keeps_last_step(void **state)
{
	struct test_store ts;
	struct sbuf err = SBUF_INIT;
	struct job_run jr;
	struct job j;
	int64_t acc;

	test_store_open(&ts);
	acc = test_account(ts.st, "a");
	assert_int_equal(job_begin(&jr, ts.st, acc, "inventory", "sync-now", 0, &err), 0);
	for (int i = 1; i <= 1000; i++)
		assert_int_equal(job_step(&jr, "Pushing stock", i, 1000, &err), 0);
	assert_int_equal(store_job_get(ts.st, jr.id, &j, &err), 0);
	assert_int_equal(j.done, 1000);      /* the last step is always written */
	free(j.message);
	assert_int_equal(job_end(&jr, JOB_SUCCEEDED, "1000 stock levels pushed", &err), 0);
	{
		struct job *list;
		size_t n;

		assert_int_equal(store_job_list(ts.st, acc, 10, &list, &n, &err), 0);
		assert_int_equal(n, 1);
		assert_int_equal(list[0].state, JOB_SUCCEEDED);
		assert_string_equal(list[0].message, "1000 stock levels pushed");
		jobs_free(list, n);
	}
	test_store_close(&ts);
	sbuf_release(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jobs__start_busy_replace),
		cmocka_unit_test(test_jobs__job_run_throttles_but_keeps_last_step),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
