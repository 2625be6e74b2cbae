#include "queue/worker.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"
#include "util/metrics.h"
#include "util/rand.h"
#include "util/timeutil.h"

struct worker_thread {
	struct worker_pool *pool;
	pthread_t tid;
	int index;
	int started;
	char owner[48];
};

struct worker_pool {
	struct worker_pool_config cfg;
	char *db_path;
	atomic_int stop;
	struct worker_thread *threads;
	pthread_mutex_t stats_lock;
	struct worker_stats stats;
};

static void
result_reset(struct work_result *r)
{
	r->status = ITEM_FAILED;
	sbuf_reset(&r->comment);
	sbuf_reset(&r->detail);
	r->retry_after_ms = 0;
	r->has_policy = 0;
}

/* Turn the handler's verdict into the durable outcome: retries, give-ups. */
static void
decide_outcome(struct worker_thread *w, const struct queue_item *it, struct work_result *res,
	       struct rng *rng, int64_t started, struct queue_outcome *o)
{
	const struct retry_policy *p = res->has_policy ? &res->policy : &w->pool->cfg.retry;

	memset(o, 0, sizeof(*o));
	o->item_id = it->id;
	o->attempt = it->attempts;
	o->status = res->status;
	o->started_at = started;
	if (o->status != ITEM_SUCCEEDED && o->status != ITEM_SKIPPED && o->status != ITEM_RETRY &&
	    o->status != ITEM_FAILED)
		o->status = ITEM_FAILED;
	if (o->status == ITEM_RETRY) {
		if (it->attempts >= it->max_attempts) {
			o->status = ITEM_FAILED;
			sbuf_addf(&res->detail, "%sgave up after %d attempts", res->detail.len ? "; " : "",
				  it->attempts);
		} else {
			int64_t delay = queue_backoff_ms(p, it->attempts, rng);

			if (res->retry_after_ms > delay)
				delay = res->retry_after_ms;
			o->next_try_at = time_now_ms() + delay;
		}
	}
	if (!res->comment.len)
		sbuf_addstr(&res->comment, o->status == ITEM_SUCCEEDED ? "Successfully Updated" : "Failed");
}

static void
count(struct worker_pool *pool, size_t claimed, const struct queue_outcome *o, size_t n, size_t lost,
      int store_error)
{
	pthread_mutex_lock(&pool->stats_lock);
	pool->stats.claimed += claimed;
	for (size_t i = 0; i < n; i++)
		pool->stats.by_status[o[i].status]++;
	pool->stats.lost_leases += lost;
	pool->stats.store_errors += (uint64_t)store_error;
	pthread_mutex_unlock(&pool->stats_lock);
}

/*
 * Record outcomes[0..n). The comment/detail strings live in the per-item
 * sbufs, which stay valid until the batch ends.
 */
static int
flush(struct worker_thread *w, struct store *st, struct queue_outcome *o, size_t n, struct sbuf *err)
{
	size_t lost = 0;

	if (!n)
		return 0;
	if (store_queue_finish(st, w->owner, o, n, time_now_ms(), &lost, err) < 0) {
		log_line(LOG_ERROR, NULL, "worker", "%s: cannot record %zu outcomes: %s", w->owner, n, err->buf);
		count(w->pool, 0, NULL, 0, 0, 1);
		return -1;
	}
	if (lost)
		log_line(LOG_ERROR, NULL, "worker", "%s: %zu items were taken over after the lease expired",
			 w->owner, lost);
	count(w->pool, 0, o, n, lost, 0);
	return 0;
}

static void
count_outcomes(const struct queue_item *items, const struct queue_outcome *o, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		metrics_item_outcome(items[i].queue, item_status_name(o[i].status));
		if (o[i].status == ITEM_RETRY)
			metrics_event("retry_scheduled");
	}
}

static int
extend_leases(struct worker_thread *w, struct store *st, const struct queue_item *items, size_t n,
	      int64_t lease_until, struct sbuf *err)
{
	int64_t *ids = calloc(n ? n : 1, sizeof(*ids));
	int rc;

	if (!ids)
		return error_set(err, "out of memory");
	for (size_t i = 0; i < n; i++)
		ids[i] = items[i].id;
	rc = store_queue_extend(st, w->owner, ids, n, lease_until, err);
	free(ids);
	return rc;
}

/* The claimed items as one call of the batch handler; 0 when it declined them. */
static int
run_together(struct worker_thread *w, struct store *st, struct queue_item *items, size_t n, struct rng *rng)
{
	struct worker_pool *pool = w->pool;
	struct queue_outcome *o;
	struct work_result *res;
	struct sbuf err = SBUF_INIT;
	int64_t started = time_now_ms();
	int rc;

	for (size_t i = 1; i < n; i++)
		if (strcmp(items[i].queue, items[0].queue) != 0)
			return 0;
	o = calloc(n, sizeof(*o));
	res = calloc(n, sizeof(*res));
	if (!o || !res) {
		free(o);
		free(res);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		sbuf_init(&res[i].comment, SBUF_CAP_COMMENT);
		sbuf_init(&res[i].detail, SBUF_CAP_REMOTE);
		result_reset(&res[i]);
	}
	rc = pool->cfg.handle_batch(pool->cfg.handler_ctx, st, items, n, res);
	if (rc != 0) {
		for (size_t i = 0; i < n; i++) {
			if (rc < 0) {
				res[i].status = ITEM_FAILED;
				if (!res[i].comment.len)
					sbuf_addstr(&res[i].comment, "Internal error while processing this item");
			}
			decide_outcome(w, &items[i], &res[i], rng, started, &o[i]);
			count_outcomes(&items[i], &o[i], 1);
			o[i].comment = res[i].comment.buf;
			o[i].detail = res[i].detail.len ? res[i].detail.buf : NULL;
		}
		flush(w, st, o, n, &err);
	}
	for (size_t i = 0; i < n; i++) {
		sbuf_release(&res[i].comment);
		sbuf_release(&res[i].detail);
	}
	free(res);
	free(o);
	sbuf_release(&err);
	return rc != 0;
}

static void
run_batch(struct worker_thread *w, struct store *st, struct queue_item *items, size_t n, struct rng *rng)
{
	struct worker_pool *pool = w->pool;
	struct queue_outcome *o = calloc(n, sizeof(*o));
	struct work_result *res = calloc(n, sizeof(*res));
	struct sbuf err = SBUF_INIT;
	size_t done = 0, flushed = 0;
	int64_t first_unflushed = 0, lease_until = time_now_ms() + pool->cfg.lease_ms;

	if (!o || !res) {
		/* let the lease expire; another try will come */
		log_line(LOG_ERROR, NULL, "worker", "%s: out of memory", w->owner);
		goto out;
	}
	for (; done < n; done++) {
		struct queue_item *it = &items[done];
		int64_t started = time_now_ms();

		if (atomic_load(&pool->stop))
			break;
		if (lease_until - started < pool->cfg.lease_ms / 2) {
			/* renew the rest of the batch, and the outcomes not yet recorded, in one commit */
			lease_until = started + pool->cfg.lease_ms;
			if (extend_leases(w, st, items + flushed, n - flushed, lease_until, &err) < 0)
				log_line(LOG_ERROR, NULL, "worker", "%s: cannot renew leases: %s", w->owner, err.buf);
		}
		sbuf_init(&res[done].comment, SBUF_CAP_COMMENT);
		sbuf_init(&res[done].detail, SBUF_CAP_REMOTE);
		result_reset(&res[done]);
		if (pool->cfg.handle(pool->cfg.handler_ctx, st, it, it->attempts > 1, &res[done]) < 0) {
			res[done].status = ITEM_FAILED;
			if (!res[done].comment.len)
				sbuf_addstr(&res[done].comment, "Internal error while processing this item");
		}
		decide_outcome(w, it, &res[done], rng, started, &o[done]);
		count_outcomes(it, &o[done], 1);
		o[done].comment = res[done].comment.buf;
		o[done].detail = res[done].detail.len ? res[done].detail.buf : NULL;
		if (!first_unflushed)
			first_unflushed = time_mono_ms();
		if (time_mono_ms() - first_unflushed >= pool->cfg.flush_ms) {
			flush(w, st, o + flushed, done + 1 - flushed, &err);
			flushed = done + 1;
			first_unflushed = 0;
		}
	}
	flush(w, st, o + flushed, done - flushed, &err);
	if (done < n) {
		int64_t *ids = calloc(n - done, sizeof(*ids));

		for (size_t i = done; ids && i < n; i++)
			ids[i - done] = items[i].id;
		if (ids && store_queue_release(st, w->owner, ids, n - done, time_now_ms(), &err) < 0)
			log_line(LOG_ERROR, NULL, "worker", "%s: cannot release items: %s", w->owner, err.buf);
		free(ids);
	}
out:
	for (size_t i = 0; res && i < done; i++) {
		sbuf_release(&res[i].comment);
		sbuf_release(&res[i].detail);
	}
	free(res);
	free(o);
	sbuf_release(&err);
}

static void *
worker_main(void *arg)
{
	struct worker_thread *w = arg;
	struct worker_pool *pool = w->pool;
	struct sbuf err = SBUF_INIT;
	struct store *st = NULL;
	struct rng rng;

	rng_seed_random(&rng);
	while (!atomic_load(&pool->stop) && store_open(&st, pool->db_path, 0, &err) < 0) {
		log_line(LOG_ERROR, NULL, "worker", "%s: %s", w->owner, err.buf);
		time_sleep_ms(1000);
	}
	while (st && !atomic_load(&pool->stop)) {
		struct queue_item *items = NULL;
		size_t n = 0;

		if (store_queue_claim(st, w->owner, time_now_ms(), pool->cfg.lease_ms, pool->cfg.batch,
				      queue_claim_limit, &items, &n, &err) < 0) {
			log_line(LOG_ERROR, NULL, "worker", "%s: cannot claim: %s", w->owner, err.buf);
			count(pool, 0, NULL, 0, 0, 1);
			time_sleep_ms(pool->cfg.idle_sleep_ms * 5);
			continue;
		}
		if (!n) {
			time_sleep_ms(pool->cfg.idle_sleep_ms);
			continue;
		}
		count(pool, n, NULL, 0, 0, 0);
		if (!pool->cfg.handle_batch || !run_together(w, st, items, n, &rng))
			run_batch(w, st, items, n, &rng);
		queue_items_free(items, n);
	}
	store_close(st);
	sbuf_release(&err);
	return NULL;
}

int
worker_pool_start(struct worker_pool **out, const struct worker_pool_config *cfg, struct sbuf *err)
{
	struct worker_pool *pool;
	char host[32] = "host";

	*out = NULL;
	if (!cfg->handle || !cfg->db_path)
		return error_set(err, "worker pool needs a handler and a store path");
	if (cfg->threads < 1 || cfg->threads > 256)
		return error_set(err, "worker threads must be between 1 and 256");
	pool = calloc(1, sizeof(*pool));
	if (!pool)
		return error_set(err, "out of memory starting workers");
	pool->cfg = *cfg;
	if (!pool->cfg.batch)
		pool->cfg.batch = 1;
	pool->db_path = strdup(cfg->db_path);
	pool->threads = calloc((size_t)cfg->threads, sizeof(*pool->threads));
	pthread_mutex_init(&pool->stats_lock, NULL);
	if (!pool->db_path || !pool->threads) {
		worker_pool_stop(pool);
		return error_set(err, "out of memory starting workers");
	}
	gethostname(host, sizeof(host) - 1);
	for (int i = 0; i < cfg->threads; i++) {
		struct worker_thread *w = &pool->threads[i];

		w->pool = pool;
		w->index = i;
		if (cfg->owner_prefix)
			snprintf(w->owner, sizeof(w->owner), "%s/%d", cfg->owner_prefix, i);
		else
			snprintf(w->owner, sizeof(w->owner), "%.20s:%d/%d", host, (int)getpid(), i);
		if (pthread_create(&w->tid, NULL, worker_main, w) != 0) {
			worker_pool_stop(pool);
			return error_set(err, "cannot start worker thread %d", i);
		}
		w->started = 1;
	}
	*out = pool;
	return 0;
}

void
worker_pool_request_stop(struct worker_pool *pool)
{
	if (pool)
		atomic_store(&pool->stop, 1);
}

void
worker_pool_stop(struct worker_pool *pool)
{
	if (!pool)
		return;
	atomic_store(&pool->stop, 1);
	for (int i = 0; pool->threads && i < pool->cfg.threads; i++)
		if (pool->threads[i].started)
			pthread_join(pool->threads[i].tid, NULL);
	pthread_mutex_destroy(&pool->stats_lock);
	free(pool->threads);
	free(pool->db_path);
	free(pool);
}

void
worker_pool_stats(struct worker_pool *pool, struct worker_stats *out)
{
	pthread_mutex_lock(&pool->stats_lock);
	*out = pool->stats;
	pthread_mutex_unlock(&pool->stats_lock);
}
