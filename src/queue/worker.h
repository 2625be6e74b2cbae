/*
 * worker.h: a pool of threads that claim queue items and run a handler.
 *
 *	struct worker_pool_config cfg = WORKER_POOL_CONFIG_INIT;
 *	struct worker_pool *pool;
 *
 *	cfg.db_path = "tillsync.db";
 *	cfg.handle = engine_handle;      // decides each item's outcome
 *	cfg.handler_ctx = engine;
 *	if (worker_pool_start(&pool, &cfg, &err) < 0) ...
 *	...
 *	worker_pool_stop(pool);          // finishes the item in hand, releases the rest
 *
 * Each thread opens its own store connection. A thread claims a batch from
 * one account, runs the handler item by item, and records outcomes in one
 * transaction per batch (or sooner when results have waited flush_ms), so a
 * fast handler is not held back by one commit per item. Outcomes not yet
 * recorded when a process dies are redone after the lease expires, and the
 * handler is then told it is a retry: handlers make their effects idempotent.
 */
#ifndef TILLSYNC_WORKER_H
#define TILLSYNC_WORKER_H

#include <stdint.h>

#include "queue/queue.h"
#include "store/store.h"
#include "util/sbuf.h"

/* What a handler decides for one item. */
struct work_result {
	enum item_status status;   /* SUCCEEDED, SKIPPED, RETRY (temporary) or FAILED (needs an operator) */
	struct sbuf comment;       /* the merchant-facing Comment */
	struct sbuf detail;        /* e.g. the remote's response; kept with the attempt */
	int64_t retry_after_ms;    /* > 0: the remote said when to come back */
	/* the item's own backoff (e.g. its account's settings) instead of the pool's */
	int has_policy;
	struct retry_policy policy;
};

/*
 * Called on a worker thread with that thread's store. is_retry is set when
 * this item was tried before (attempt > 1), including after a crash part-way
 * through: the handler must then look for its earlier effect before acting.
 * Returns 0; -1 means a bug-level failure and the item fails with res->comment.
 */
typedef int (*work_handler_fn)(void *ctx, struct store *st, const struct queue_item *item, int is_retry,
			       struct work_result *res);

/*
 * Optional: the claimed items (one account, one queue) handled together, so
 * a flow can write them in one remote request. res[i] is for items[i] (an
 * item with attempts > 1 is a retry, as above). Returns 1 when handled, 0
 * when this queue is handled item by item (the pool then calls the item
 * handler), -1 as the item handler does, for every item.
 */
typedef int (*work_batch_handler_fn)(void *ctx, struct store *st, const struct queue_item *items, size_t n,
				     struct work_result *res);

struct worker_pool_config {
	const char *db_path;
	int threads;
	size_t batch;              /* items per claim */
	int64_t lease_ms;
	int64_t idle_sleep_ms;     /* pause when nothing is due */
	int64_t flush_ms;          /* record outcomes at least this often */
	struct retry_policy retry;
	work_handler_fn handle;
	work_batch_handler_fn handle_batch;   /* may be NULL */
	void *handler_ctx;
	const char *owner_prefix;  /* lease owner names: "<prefix>/<thread>"; default host:pid */
};
#define WORKER_POOL_CONFIG_INIT \
	{ NULL, 2, 16, 5 * 60 * 1000, 200, 250, RETRY_POLICY_DEFAULT, NULL, NULL, NULL, NULL }

struct worker_stats {
	uint64_t claimed;
	uint64_t by_status[ITEM_STATUS_COUNT];
	uint64_t lost_leases;
	uint64_t store_errors;
};

struct worker_pool;

int worker_pool_start(struct worker_pool **out, const struct worker_pool_config *cfg, struct sbuf *err);
/* Asks threads to stop after the item in hand; claimed items not started go back. */
void worker_pool_request_stop(struct worker_pool *pool);
/* request_stop + join + free. */
void worker_pool_stop(struct worker_pool *pool);
void worker_pool_stats(struct worker_pool *pool, struct worker_stats *out);

#endif
