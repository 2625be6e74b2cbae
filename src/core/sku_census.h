/*
 * sku_census.h: which SKUs a catalog target may already hold, per account
 * and direction, kept in one process, so that a first sync into an empty
 * or small shop does not look up every batch's SKUs before creating them.
 *
 * A census is the SKUs the target listed when it was taken (a small target
 * only: SKU_CENSUS_MAX_RECORDS) together with every SKU this process has
 * since decided to create. A SKU outside it is held by no record the target
 * had then and by none this process made; a record made since by anyone
 * else is refused by the target itself, whose SKUs are unique (only such a
 * target offers the listing), so a create is still made at most once.
 *
 * The set is a Bloom filter of fixed size: "may hold" can be wrong (it then
 * costs the lookup it would have cost anyway), "cannot hold" never is, and
 * memory does not grow with the catalog. Times are a monotonic clock's
 * milliseconds (time_mono_ms), so a clock step neither stales nor
 * prolongs a census. A census is trusted for
 * SKU_CENSUS_TTL_MS after it was taken; then it is taken again, and a target
 * grown beyond SKU_CENSUS_MAX_RECORDS goes back to a lookup per batch.
 */
#ifndef TILLSYNC_SKU_CENSUS_H
#define TILLSYNC_SKU_CENSUS_H

#include <stddef.h>
#include <stdint.h>

#define SKU_CENSUS_TTL_MS (5 * 60 * 1000)
#define SKU_CENSUS_MAX_RECORDS 2000
/* after a census could not be read: lookups until then */
#define SKU_CENSUS_RETRY_MS (60 * 1000)
/* a census is taken for a lookup of at least this many products to create:
 * fewer are cheaper to look up (a bulk create, a first sync, pays for it) */
#define SKU_CENSUS_MIN_CREATES 50
/* how long a worker waits for the census another worker is taking */
#define SKU_CENSUS_WAIT_MS (30 * 1000)

struct sku_census;

enum sku_census_result {
	SKU_CENSUS_COMPLETE,    /* skus[] is everything the target holds */
	SKU_CENSUS_TOO_MANY,    /* more than SKU_CENSUS_MAX_RECORDS: look up per batch */
	SKU_CENSUS_FAILED,      /* the listing failed: look up, try again later */
};

/* -1 when out of memory */
int sku_census_new(struct sku_census **out);
void sku_census_free(struct sku_census *c);

/* 1 when the caller is to take the census of (account, reverse) now: it is
 * marked as being taken, and the caller ends with sku_census_taken. 0 when
 * it is fresh, being taken by another caller, or not due again yet. */
int sku_census_due(struct sku_census *c, int64_t account_id, int reverse, int64_t now);
/* What the census found (skus[] only read with SKU_CENSUS_COMPLETE). */
void sku_census_taken(struct sku_census *c, int64_t account_id, int reverse, enum sku_census_result result,
		      const char *const *skus, size_t n, int64_t now);

/* Returns once (account, reverse) is not being taken by another caller,
 * or after wait_ms: its census is worth waiting for, lookups are not. */
void sku_census_wait(struct sku_census *c, int64_t account_id, int reverse, int64_t wait_ms);

/* 1 when the census is fresh and sku is not in it: the caller may create it
 * without a lookup, and sku is in it from now on (anyone else asking about
 * it looks it up). 0: look it up first. */
int sku_census_claim(struct sku_census *c, int64_t account_id, int reverse, const char *sku, int64_t now);
/* sku is about to be created (after a lookup found nothing): later claims
 * of it look it up. */
void sku_census_note(struct sku_census *c, int64_t account_id, int reverse, const char *sku, int64_t now);
/* Whether claims can succeed now (the census is taken and fresh). */
int sku_census_fresh(struct sku_census *c, int64_t account_id, int reverse, int64_t now);

#endif
