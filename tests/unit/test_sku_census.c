/*
 * test_sku_census.c: the per-process SKU census (core/sku_census.h): when a
 * census is taken, what it rules out, that a SKU is claimed once, and that
 * it is trusted only while fresh and only for a small target.
 */
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "core/sku_census.h"

#define T0 1700000000000LL

static struct sku_census *
ready(const char *const *skus, size_t n)
{
	struct sku_census *c;

	assert_int_equal(sku_census_new(&c), 0);
	assert_int_equal(sku_census_due(c, 1, 0, T0), 1);
	sku_census_taken(c, 1, 0, SKU_CENSUS_COMPLETE, skus, n, T0);
	return c;
}

static void
test_sku_census__rules_out_only_what_the_target_lacks(void **state)
{
	const char *held[] = { "MUG-1", " Tee-Red ", NULL, "" };
	struct sku_census *c = ready(held, 4);

	(void)state;
	/* held: trimmed and without case, as the matching compares */
	assert_int_equal(sku_census_claim(c, 1, 0, "MUG-1", T0 + 1), 0);
	assert_int_equal(sku_census_claim(c, 1, 0, "mug-1", T0 + 1), 0);
	assert_int_equal(sku_census_claim(c, 1, 0, "TEE-RED", T0 + 1), 0);
	/* not held: claimed once; the second product with it is looked up */
	assert_int_equal(sku_census_claim(c, 1, 0, "MUG-2", T0 + 1), 1);
	assert_int_equal(sku_census_claim(c, 1, 0, " mug-2", T0 + 2), 0);
	/* no SKU: nothing to rule out */
	assert_int_equal(sku_census_claim(c, 1, 0, "", T0 + 1), 0);
	/* another account, or the other direction, has no census */
	assert_int_equal(sku_census_claim(c, 2, 0, "MUG-3", T0 + 1), 0);
	assert_int_equal(sku_census_claim(c, 1, 1, "MUG-3", T0 + 1), 0);
	/* fresh: not taken again */
	assert_int_equal(sku_census_due(c, 1, 0, T0 + 10), 0);
	sku_census_free(c);
}

static void
test_sku_census__creates_noted_are_looked_up(void **state)
{
	struct sku_census *c = ready(NULL, 0);

	(void)state;
	sku_census_note(c, 1, 0, "NEW-1", T0 + 2);   /* a create after a lookup found nothing */
	assert_int_equal(sku_census_claim(c, 1, 0, "new-1", T0 + 5), 0);
	assert_int_equal(sku_census_claim(c, 1, 0, "NEW-2", T0 + 5), 1);
	sku_census_free(c);
}

static void
test_sku_census__stale_census_is_taken_again(void **state)
{
	const char *later[] = { "LATE-1" };
	struct sku_census *c = ready(NULL, 0);
	int64_t stale = T0 + SKU_CENSUS_TTL_MS;

	(void)state;
	assert_int_equal(sku_census_claim(c, 1, 0, "A-1", T0 + 1), 1);
	/* too old: no claims until it is taken again, and only one caller takes it */
	assert_int_equal(sku_census_claim(c, 1, 0, "A-2", stale), 0);
	assert_int_equal(sku_census_due(c, 1, 0, stale), 1);
	assert_int_equal(sku_census_due(c, 1, 0, stale), 0);
	assert_int_equal(sku_census_claim(c, 1, 0, "A-2", stale), 0);   /* being taken */
	sku_census_taken(c, 1, 0, SKU_CENSUS_COMPLETE, later, 1, stale + 1);
	assert_int_equal(sku_census_claim(c, 1, 0, "LATE-1", stale + 2), 0);
	/* what this process claimed before is kept */
	assert_int_equal(sku_census_claim(c, 1, 0, "A-1", stale + 2), 0);
	assert_int_equal(sku_census_claim(c, 1, 0, "A-2", stale + 2), 1);
	/* a clock that went back does not make it fresh for longer */
	assert_int_equal(sku_census_claim(c, 1, 0, "A-3", stale - 10), 0);
	sku_census_free(c);
}

static void
test_sku_census__long_unused_census_gives_its_memory_back(void **state)
{
	struct sku_census *c = ready(NULL, 0);
	int64_t later = T0 + 100 + 2 * (int64_t)SKU_CENSUS_TTL_MS;

	(void)state;
	assert_int_equal(sku_census_claim(c, 1, 0, "A-1", T0 + 1), 1);
	sku_census_note(c, 1, 0, "A-0", T0 + 100);   /* in use until then */
	/* another account's work, just under two lifetimes after: account 1's filter is kept */
	assert_int_equal(sku_census_due(c, 2, 0, later - 1), 1);
	sku_census_taken(c, 2, 0, SKU_CENSUS_TOO_MANY, NULL, 0, later - 1);
	assert_int_equal(sku_census_due(c, 1, 0, later - 1), 1);
	sku_census_taken(c, 1, 0, SKU_CENSUS_COMPLETE, NULL, 0, later - 1);
	assert_int_equal(sku_census_claim(c, 1, 0, "A-0", later - 1), 0);   /* still noted */
	sku_census_free(c);

	/* two lifetimes without use: given back */
	c = ready(NULL, 0);
	later = T0 + 1 + 2 * (int64_t)SKU_CENSUS_TTL_MS;
	assert_int_equal(sku_census_claim(c, 1, 0, "A-1", T0 + 1), 1);
	assert_int_equal(sku_census_due(c, 2, 0, later), 1);
	sku_census_taken(c, 2, 0, SKU_CENSUS_TOO_MANY, NULL, 0, later);
	sku_census_note(c, 1, 0, "A-2", later);   /* no filter: nothing to note in */
	/* account 1's next census starts empty: what it made then, the shop now lists */
	assert_int_equal(sku_census_due(c, 1, 0, later), 1);
	sku_census_taken(c, 1, 0, SKU_CENSUS_COMPLETE, NULL, 0, later);
	assert_int_equal(sku_census_claim(c, 1, 0, "A-1", later + 1), 1);
	assert_int_equal(sku_census_claim(c, 1, 0, "A-2", later + 1), 1);
	sku_census_free(c);
}

static void
test_sku_census__big_or_unreadable_target_is_looked_up(void **state)
{
	struct sku_census *c;

	(void)state;
	assert_int_equal(sku_census_new(&c), 0);
	/* before any census: look everything up */
	assert_int_equal(sku_census_claim(c, 1, 0, "X-1", T0), 0);
	assert_int_equal(sku_census_due(c, 1, 0, T0), 1);
	sku_census_taken(c, 1, 0, SKU_CENSUS_TOO_MANY, NULL, 0, T0);
	assert_int_equal(sku_census_claim(c, 1, 0, "X-1", T0 + 1), 0);
	/* not asked again until the census would have gone stale */
	assert_int_equal(sku_census_due(c, 1, 0, T0 + SKU_CENSUS_TTL_MS - 1), 0);
	assert_int_equal(sku_census_due(c, 1, 0, T0 + SKU_CENSUS_TTL_MS), 1);
	sku_census_taken(c, 1, 0, SKU_CENSUS_FAILED, NULL, 0, T0 + SKU_CENSUS_TTL_MS);
	assert_int_equal(sku_census_claim(c, 1, 0, "X-1", T0 + SKU_CENSUS_TTL_MS + 1), 0);
	/* a failed listing is tried again sooner */
	assert_int_equal(sku_census_due(c, 1, 0, T0 + SKU_CENSUS_TTL_MS + SKU_CENSUS_RETRY_MS - 1), 0);
	assert_int_equal(sku_census_due(c, 1, 0, T0 + SKU_CENSUS_TTL_MS + SKU_CENSUS_RETRY_MS), 1);
	sku_census_free(c);
}

struct taker {
	struct sku_census *c;
	const char *const *skus;
};

static void *
take_later(void *arg)
{
	struct taker *t = arg;
	struct timespec pause = { 0, 50 * 1000000L };

	nanosleep(&pause, NULL);
	sku_census_taken(t->c, 1, 0, SKU_CENSUS_COMPLETE, t->skus, 1, T0 + 1);
	return NULL;
}

static void
test_sku_census__failed_retake_keeps_what_is_being_created(void **state)
{
	struct sku_census *c = ready(NULL, 0);
	int64_t stale = T0 + SKU_CENSUS_TTL_MS;

	(void)state;
	assert_int_equal(sku_census_claim(c, 1, 0, "MADE-1", T0 + 1), 1);
	assert_int_equal(sku_census_due(c, 1, 0, stale), 1);
	sku_census_note(c, 1, 0, "MADE-2", stale);   /* created while the census is read again */
	sku_census_taken(c, 1, 0, SKU_CENSUS_FAILED, NULL, 0, stale);
	assert_int_equal(sku_census_due(c, 1, 0, stale + SKU_CENSUS_RETRY_MS), 1);
	sku_census_taken(c, 1, 0, SKU_CENSUS_COMPLETE, NULL, 0, stale + SKU_CENSUS_RETRY_MS);
	/* neither is listed yet by the shop, both are still looked up */
	assert_int_equal(sku_census_claim(c, 1, 0, "MADE-1", stale + SKU_CENSUS_RETRY_MS + 1), 0);
	assert_int_equal(sku_census_claim(c, 1, 0, "MADE-2", stale + SKU_CENSUS_RETRY_MS + 1), 0);
	sku_census_free(c);
}

static void
test_sku_census__workers_wait_for_the_census_being_taken(void **state)
{
	const char *held[] = { "HELD-1" };
	struct sku_census *c;
	struct taker t;
	pthread_t th;

	(void)state;
	assert_int_equal(sku_census_new(&c), 0);
	sku_census_wait(c, 1, 0, 60000);   /* nothing being taken: returns at once */
	assert_int_equal(sku_census_due(c, 1, 0, T0), 1);
	sku_census_wait(c, 1, 0, 20);      /* being taken, nobody ends it: gives up */
	assert_int_equal(sku_census_claim(c, 1, 0, "NEW-1", T0 + 1), 0);
	t.c = c;
	t.skus = held;
	assert_int_equal(pthread_create(&th, NULL, take_later, &t), 0);
	sku_census_wait(c, 1, 0, 60000);   /* woken when it is taken */
	assert_int_equal(sku_census_claim(c, 1, 0, "HELD-1", T0 + 2), 0);
	assert_int_equal(sku_census_claim(c, 1, 0, "NEW-1", T0 + 2), 1);
	pthread_join(th, NULL);
	sku_census_free(c);
}

static void
test_sku_census__never_a_false_rule_out(void **state)
{
	enum { HELD = 100000, OTHERS = 10000 };
	static char names[HELD][16];
	static const char *skus[HELD];
	struct sku_census *c;
	size_t wrongly_held = 0;

	(void)state;
	for (size_t i = 0; i < HELD; i++) {
		snprintf(names[i], sizeof(names[i]), "SKU-%zu", i);
		skus[i] = names[i];
	}
	c = ready(skus, HELD);
	for (size_t i = 0; i < HELD; i++)
		if (sku_census_claim(c, 1, 0, skus[i], T0 + 1))
			fail_msg("census ruled out %s, which the target holds", skus[i]);
	/* SKUs it does not hold: a few may be "held" wrongly (a wasted lookup);
	 * about 1 in 4,000 at this size */
	for (size_t i = 0; i < OTHERS; i++) {
		char other[24];

		snprintf(other, sizeof(other), "NEW-%zu", i);
		wrongly_held += !sku_census_claim(c, 1, 0, other, T0 + 1);
	}
	if (wrongly_held > OTHERS / 200)
		fail_msg("%zu of %d SKUs wrongly held: more lookups than the filter's size promises", wrongly_held,
			 OTHERS);
	sku_census_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sku_census__rules_out_only_what_the_target_lacks),
		cmocka_unit_test(test_sku_census__creates_noted_are_looked_up),
		cmocka_unit_test(test_sku_census__stale_census_is_taken_again),
		cmocka_unit_test(test_sku_census__long_unused_census_gives_its_memory_back),
		cmocka_unit_test(test_sku_census__big_or_unreadable_target_is_looked_up),
		cmocka_unit_test(test_sku_census__failed_retake_keeps_what_is_being_created),
		cmocka_unit_test(test_sku_census__workers_wait_for_the_census_being_taken),
		cmocka_unit_test(test_sku_census__never_a_false_rule_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
