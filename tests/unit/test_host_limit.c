/*
 * test_host_limit.c: the per-host bound on requests in flight: its key, the
 * additive increase and multiplicative decrease, the floor and the cap, and
 * that a thread over the bound waits for a slot.
 */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "http/host_limit.h"

static void
test_host_limit__key(void **state)
{
	char k[160];

	(void)state;
	host_limit_key("https://Shop.Example:8443/wp-json/wc/v3/products?page=2", k, sizeof(k));
	assert_string_equal(k, "https://shop.example:8443");
	host_limit_key("http://127.0.0.1:9/api/V4", k, sizeof(k));
	assert_string_equal(k, "http://127.0.0.1:9");
	host_limit_key("not a url", k, sizeof(k));
	assert_string_equal(k, "");
}

static int
limit_of(const char *key)
{
	int limit, in_flight;

	host_limit_state(key, &limit, &in_flight);
	return limit;
}

/* n requests one after another, each answered with status */
static void
answer(const char *key, int n, long status)
{
	for (int i = 0; i < n; i++) {
		struct host_slot s;

		host_limit_acquire(key, &s);
		host_limit_release(&s, status);
	}
}

static void
test_host_limit__probes_up_and_backs_off(void **state)
{
	const char *key = "http://aimd.test:1";
	struct host_slot a, b;

	(void)state;
	assert_int_equal(limit_of(key), HOST_LIMIT_START);
	answer(key, HOST_LIMIT_START, 200);             /* one round of good answers: +1 */
	assert_int_equal(limit_of(key), HOST_LIMIT_START + 1);
	/* two requests of the same round both refused: the limit halves once */
	host_limit_acquire(key, &a);
	host_limit_acquire(key, &b);
	host_limit_release(&a, 429);
	host_limit_release(&b, 503);
	assert_int_equal(limit_of(key), (HOST_LIMIT_START + 1) / 2);
	answer(key, 5, 429);                            /* each its own round: down to the floor */
	assert_int_equal(limit_of(key), 1);
	answer(key, 1, 0);                              /* a transport failure says nothing */
	assert_int_equal(limit_of(key), 1);
	answer(key, 5000, 200);                         /* and back up, never above the cap */
	assert_int_equal(limit_of(key), HOST_LIMIT_MAX);
}

static atomic_int got_slot;

static void *
fifth(void *arg)
{
	struct host_slot s;

	host_limit_acquire(arg, &s);
	atomic_store(&got_slot, 1);
	host_limit_release(&s, 200);
	return NULL;
}

static void
test_host_limit__waits_for_a_slot(void **state)
{
	const char *key = "http://busy.test:1";
	struct host_slot s[HOST_LIMIT_START];
	pthread_t t;
	int limit, in_flight;

	(void)state;
	for (int i = 0; i < HOST_LIMIT_START; i++)
		host_limit_acquire(key, &s[i]);
	host_limit_state(key, &limit, &in_flight);
	assert_int_equal(in_flight, HOST_LIMIT_START);
	assert_int_equal(pthread_create(&t, NULL, fifth, (void *)key), 0);
	usleep(100 * 1000);
	assert_int_equal(atomic_load(&got_slot), 0);     /* over the bound: waiting */
	host_limit_release(&s[0], 200);
	pthread_join(t, NULL);
	assert_int_equal(atomic_load(&got_slot), 1);
	for (int i = 1; i < HOST_LIMIT_START; i++)
		host_limit_release(&s[i], 200);
	host_limit_state(key, &limit, &in_flight);
	assert_int_equal(in_flight, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_limit__key),
		cmocka_unit_test(test_host_limit__probes_up_and_backs_off),
		cmocka_unit_test(test_host_limit__waits_for_a_slot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
