/*
 * queue.h: the durable work queues, one per domain.
 *
 * An item's life (the only transitions; each one is one store transaction):
 *
 *	enqueue ──► pending ──claim──► running ──finish──► succeeded | skipped
 *	   ▲  (coalesces into        │  │                 failed (final, needs an operator)
 *	   │   a pending item of      │  └──finish──► retry ──(due)──► claimed again
 *	   │   the same subject)      └──lease expires──► pending (attempt recorded as abandoned)
 *	   └──── operator: retry (from any ended state or retry), cancel (pending/retry/failed)
 *
 * A failing item never blocks the ones behind it: failure moves it to retry
 * with a backoff, and claims take whatever else is due.
 */
#ifndef TILLSYNC_QUEUE_H
#define TILLSYNC_QUEUE_H

#include <stdint.h>

#include "store/store.h"
#include "util/rand.h"

struct queue_def {
	const char *name;        /* "customers": CLI, API and storage name */
	const char *title;       /* "Customers Queue": what merchants read */
	int priority;            /* lower runs first: orders and customers before catalog */
	size_t claim;            /* items a worker takes at once; 0: the pool's batch */
};

extern const struct queue_def queue_defs[];
extern const size_t queue_def_count;
const struct queue_def *queue_def_find(const char *name);
/* queue_claim_limit_fn for the worker pool: a queue's own claim size. */
size_t queue_claim_limit(int priority, size_t dflt);

/* Directions and reasons as stored. */
#define DIRECTION_POS_TO_SHOP "pos_to_shop"
#define DIRECTION_SHOP_TO_POS "shop_to_pos"
#define REASON_CYCLE   "cycle"
#define REASON_WEBHOOK "webhook"
#define REASON_MANUAL  "manual"
#define REASON_RETRY   "retry"
int queue_direction_valid(const char *d);
int queue_reason_valid(const char *r);

struct retry_policy {
	int64_t base_ms;         /* delay after the first failure */
	int64_t cap_ms;          /* longest delay */
	int max_attempts;        /* then the item fails for good */
};
#define RETRY_POLICY_DEFAULT { 30 * 1000, 60 * 60 * 1000, 8 }

/*
 * Delay before the next try after the attempt-th failure (attempt >= 1):
 * d = min(cap, base * 2^(attempt-1)), returned uniformly in [d/2, d] so
 * items that failed together do not retry together.
 */
int64_t queue_backoff_ms(const struct retry_policy *p, int attempt, struct rng *r);

/* Adds one change; fills defaults (priority from the queue, max attempts). */
int queue_enqueue(struct store *st, int64_t account_id, const char *queue, const char *subject_type,
		  const char *subject_id, const char *direction, const char *reason, const char *payload,
		  const struct retry_policy *policy, int64_t now, int64_t *id, int *coalesced, struct sbuf *err);

#endif
