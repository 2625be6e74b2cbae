/*
 * sku_census.c: the per-process SKU census (sku_census.h).
 *
 * One entry per (account, direction), each with a Bloom filter of
 * SKU_BLOOM_BITS bits and SKU_BLOOM_PROBES probes: 256 KB, so that 100,000
 * SKUs leave one SKU in about 4,000 wrongly "may hold" (a wasted lookup for
 * one batch of 100 in 40). SKUs are compared as the matching does
 * (sku_key: trimmed, without case).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/duplicates.h"
#include "core/sku_census.h"
#include "util/hash.h"

#define SKU_BLOOM_BITS ((size_t)1 << 21)
#define SKU_BLOOM_PROBES 6

enum census_state { CENSUS_NONE, CENSUS_TAKING, CENSUS_READY, CENSUS_TOO_MANY };

struct census_entry {
	int64_t account_id;
	int reverse;
	enum census_state state;
	int64_t taken_at;       /* READY: when the listing was read */
	int64_t again_at;       /* NONE, TOO_MANY: not taken before this */
	int64_t used_at;        /* the last census, claim or note */
	uint64_t *bits;         /* TAKING, READY, and NONE after a failed read: SKU_BLOOM_BITS bits */
};

struct sku_census {
	pthread_mutex_t lock;
	pthread_cond_t taken;   /* a census being taken was taken (or given up) */
	struct census_entry *v;
	size_t n;
};

int
sku_census_new(struct sku_census **out)
{
	pthread_condattr_t attr;

	*out = calloc(1, sizeof(**out));
	if (!*out)
		return -1;

	pthread_mutex_init(&(*out)->lock, NULL);
	/* waits are measured on the clock the census' times come from */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&(*out)->taken, &attr);
	pthread_condattr_destroy(&attr);
	return 0;
}

void
sku_census_free(struct sku_census *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].bits);
	free(c->v);
	pthread_cond_destroy(&c->taken);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* The entry, made when absent (NULL when out of memory). Under c->lock. */
static struct census_entry *
entry(struct sku_census *c, int64_t account_id, int reverse, int make)
{
	struct census_entry *grown;

	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].account_id == account_id && c->v[i].reverse == reverse)
			return &c->v[i];
	if (!make)
		return NULL;
	grown = realloc(c->v, (c->n + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	c->v = grown;
	memset(&c->v[c->n], 0, sizeof(c->v[c->n]));
	c->v[c->n].account_id = account_id;
	c->v[c->n].reverse = reverse;
	return &c->v[c->n++];
}

static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The SKU's probe positions; 0 when it has nothing to compare (no SKU). */
static int
probes(const char *sku, size_t pos[SKU_BLOOM_PROBES])
{
	char key[128];
	uint64_t h1, h2;

	sku_key(sku, key, sizeof(key));
	if (!key[0])
		return 0;
	h1 = mix64(text_hash64(TEXT_HASH_SEED, key));
	h2 = mix64(h1 ^ 0x9e3779b97f4a7c15ULL) | 1;
	for (size_t i = 0; i < SKU_BLOOM_PROBES; i++)
		pos[i] = (size_t)((h1 + i * h2) & (SKU_BLOOM_BITS - 1));
	return 1;
}

static int
bloom_has(const uint64_t *bits, const size_t pos[SKU_BLOOM_PROBES])
{
	for (size_t i = 0; i < SKU_BLOOM_PROBES; i++)
		if (!(bits[pos[i] / 64] & ((uint64_t)1 << (pos[i] % 64))))
			return 0;
	return 1;
}

static void
bloom_add(uint64_t *bits, const size_t pos[SKU_BLOOM_PROBES])
{
	for (size_t i = 0; i < SKU_BLOOM_PROBES; i++)
		bits[pos[i] / 64] |= (uint64_t)1 << (pos[i] % 64);
}

static int
fresh(const struct census_entry *e, int64_t now)
{
	return e->state == CENSUS_READY && now - e->taken_at < SKU_CENSUS_TTL_MS && now >= e->taken_at;
}

/* Filters of censuses long out of use (no census, claim or note for two
 * lifetimes: nothing of theirs can still be on its way) are given back, so
 * an account that is done creating holds no memory for it. Under c->lock. */
static void
sweep(struct sku_census *c, int64_t now)
{
	for (size_t i = 0; i < c->n; i++) {
		struct census_entry *e = &c->v[i];

		if (e->bits && e->state != CENSUS_TAKING && now - e->used_at >= 2 * (int64_t)SKU_CENSUS_TTL_MS) {
			free(e->bits);
			e->bits = NULL;
			e->state = CENSUS_NONE;
			e->again_at = 0;
		}
	}
}

int
sku_census_due(struct sku_census *c, int64_t account_id, int reverse, int64_t now)
{
	struct census_entry *e;
	int due = 0;

	pthread_mutex_lock(&c->lock);
	sweep(c, now);
	e = entry(c, account_id, reverse, 1);
	if (!e || e->state == CENSUS_TAKING || fresh(e, now) ||
	    ((e->state == CENSUS_NONE || e->state == CENSUS_TOO_MANY) && now < e->again_at))
		goto out;
	/* kept while taken again: what this process is creating stays in it */
	if (!e->bits && !(e->bits = calloc(SKU_BLOOM_BITS / 64, sizeof(uint64_t))))
		goto out;
	e->state = CENSUS_TAKING;
	due = 1;
out:
	pthread_mutex_unlock(&c->lock);
	return due;
}

void
sku_census_taken(struct sku_census *c, int64_t account_id, int reverse, enum sku_census_result result,
		 const char *const *skus, size_t n, int64_t now)
{
	struct census_entry *e;
	size_t pos[SKU_BLOOM_PROBES];

	pthread_mutex_lock(&c->lock);
	e = entry(c, account_id, reverse, 0);
	if (!e || e->state != CENSUS_TAKING || !e->bits)
		goto out;
	e->used_at = now;
	if (result == SKU_CENSUS_TOO_MANY) {
		/* lookups from now on: nothing to keep */
		free(e->bits);
		e->bits = NULL;
		e->state = CENSUS_TOO_MANY;
		e->again_at = now + SKU_CENSUS_TTL_MS;
		goto out;
	}
	if (result == SKU_CENSUS_FAILED) {
		/* what this process is creating stays noted for the next census */
		e->state = CENSUS_NONE;
		e->again_at = now + SKU_CENSUS_RETRY_MS;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (skus[i] && probes(skus[i], pos))
			bloom_add(e->bits, pos);
	e->state = CENSUS_READY;
	e->taken_at = now;
out:
	pthread_cond_broadcast(&c->taken);
	pthread_mutex_unlock(&c->lock);
}

void
sku_census_wait(struct sku_census *c, int64_t account_id, int reverse, int64_t wait_ms)
{
	struct census_entry *e;
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)(wait_ms / 1000);
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&c->lock);
	/* the entry array may move while waiting: look it up each time */
	while ((e = entry(c, account_id, reverse, 0)) && e->state == CENSUS_TAKING)
		if (pthread_cond_timedwait(&c->taken, &c->lock, &until) != 0)
			break;
	pthread_mutex_unlock(&c->lock);
}

int
sku_census_fresh(struct sku_census *c, int64_t account_id, int reverse, int64_t now)
{
	struct census_entry *e;
	int yes;

	pthread_mutex_lock(&c->lock);
	e = entry(c, account_id, reverse, 0);
	yes = e && fresh(e, now);
	pthread_mutex_unlock(&c->lock);
	return yes;
}

int
sku_census_claim(struct sku_census *c, int64_t account_id, int reverse, const char *sku, int64_t now)
{
	struct census_entry *e;
	size_t pos[SKU_BLOOM_PROBES];
	int claimed = 0;

	if (!probes(sku, pos))
		return 0;
	pthread_mutex_lock(&c->lock);
	sweep(c, now);
	e = entry(c, account_id, reverse, 0);
	if (e && fresh(e, now) && !bloom_has(e->bits, pos)) {
		bloom_add(e->bits, pos);
		e->used_at = now;
		claimed = 1;
	}
	pthread_mutex_unlock(&c->lock);
	return claimed;
}

void
sku_census_note(struct sku_census *c, int64_t account_id, int reverse, const char *sku, int64_t now)
{
	struct census_entry *e;
	size_t pos[SKU_BLOOM_PROBES];

	if (!probes(sku, pos))
		return;
	pthread_mutex_lock(&c->lock);
	e = entry(c, account_id, reverse, 0);
	if (e && e->bits) {
		bloom_add(e->bits, pos);
		e->used_at = now;
	}
	pthread_mutex_unlock(&c->lock);
}
