/*
 * queue_bench: enqueue, claim + finish, and the whole pipeline, in items/s.
 *
 * DESIGN
 *   Every phase uses a fresh store file opened by store_open(), so it runs at
 *   the durability the daemon runs at (WAL, synchronous=FULL): each
 *   store_queue_enqueue() call and each claim or finish batch is one fsynced
 *   commit. The handler does nothing, so what is measured is the queue's own
 *   cost: SQL, commits, and the worker pool's bookkeeping.
 *
 *     enqueue       N items, `batch` per store_queue_enqueue() call
 *     claim_finish  N items queued beforehand (not timed), drained by the
 *                   real worker pool (src/queue/worker.c) with `threads`
 *                   threads claiming `batch` items at a time
 *     pipeline      a producer enqueues N items in calls of 100 while the
 *                   pool drains them; timed from the first enqueue to the
 *                   last recorded outcome
 *
 *   One JSON object per line on stdout, one line per phase and setting;
 *   bench/run-queue-bench.sh runs this several times and prints medians.
 *
 * Usage: queue_bench [items]        (default 100000; TMPDIR picks the disk)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "queue/queue.h"
#include "queue/worker.h"
#include "store/store.h"
#include "util/sbuf.h"
#include "util/timeutil.h"

#define PIPELINE_ENQUEUE_BATCH 100   /* a cycle's page of changes, not a bulk load */
#define DRAIN_TIMEOUT_MS       (10 * 60 * 1000)

struct bench {
	char dir[256];
	char path[300];
	size_t items;
	int run;              /* numbers each phase's store file */
	int64_t account;
	struct queue_new_item *batch;
	char (*subjects)[24];
};

static void
report(const char *phase, int threads, size_t batch, size_t items, int64_t elapsed_us)
{
	double s = (double)elapsed_us / 1e6;

	printf("{\"phase\":\"%s\",\"threads\":%d,\"batch\":%zu,\"items\":%zu,\"seconds\":%.3f,"
	       "\"items_per_s\":%.0f}\n", phase, threads, batch, items, s, s > 0 ? (double)items / s : 0.0);
	fflush(stdout);
}

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
noop_handler(void *ctx, struct store *st, const struct queue_item *item, int is_retry, struct work_result *res)
{
	res->status = ITEM_SUCCEEDED;
	return 0;
}

/* A fresh store with one account; the last phase's file is removed first. */
static int
fresh_store(struct bench *b, struct store **st, struct sbuf *err)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char old[320];

	for (size_t i = 0; b->run && i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(old, sizeof(old), "%s%s", b->path, suffixes[i]);
		unlink(old);
	}
	snprintf(b->path, sizeof(b->path), "%s/bench-%d.db", b->dir, ++b->run);
	if (store_open(st, b->path, STORE_CREATE, err) < 0)
		return -1;
	if (store_account_add(*st, "bench-shop", time_now_ms(), &b->account, err) < 0) {
		store_close(*st);
		*st = NULL;
		return -1;
	}
	return 0;
}

/* Items [from, from + n) of the run; subject ids are unique so nothing coalesces. */
static int
enqueue_range(struct bench *b, struct store *st, size_t from, size_t n, struct sbuf *err)
{
	for (size_t i = 0; i < n; i++) {
		struct queue_new_item *it = &b->batch[i];

		snprintf(b->subjects[i], sizeof(b->subjects[i]), "c%zu", from + i);
		memset(it, 0, sizeof(*it));
		it->account_id = b->account;
		it->queue = "customers";
		it->subject_type = "customer";
		it->subject_id = b->subjects[i];
		it->direction = DIRECTION_POS_TO_SHOP;
		it->reason = REASON_CYCLE;
		it->priority = 20;
		it->max_attempts = 8;
		it->comment = "";
	}
	return store_queue_enqueue(st, b->batch, n, time_now_ms(), NULL, NULL, err);
}

static int
enqueue_all(struct bench *b, struct store *st, size_t per_call, struct sbuf *err)
{
	for (size_t done = 0; done < b->items; done += per_call) {
		size_t n = b->items - done < per_call ? b->items - done : per_call;

		if (enqueue_range(b, st, done, n, err) < 0)
			return -1;
	}
	return 0;
}

static int
bench_enqueue(struct bench *b, size_t per_call, struct sbuf *err)
{
	struct store *st = NULL;
	int64_t t0;
	int rc = -1;

	if (fresh_store(b, &st, err) < 0)
		goto out;
	t0 = now_us();
	if (enqueue_all(b, st, per_call, err) < 0)
		goto out;
	report("enqueue", 0, per_call, b->items, now_us() - t0);
	rc = 0;
out:
	store_close(st);
	return rc;
}

/* Waits until the pool has recorded `items` successes. */
static int
drain(struct worker_pool *pool, size_t items, struct sbuf *err)
{
	int64_t deadline = time_mono_ms() + DRAIN_TIMEOUT_MS;
	struct worker_stats s;

	for (;;) {
		worker_pool_stats(pool, &s);
		if (s.store_errors)
			return error_set(err, "the pool hit %" PRIu64 " store errors", s.store_errors);
		if (s.by_status[ITEM_SUCCEEDED] >= items)
			return 0;
		if (time_mono_ms() > deadline)
			return error_set(err, "only %" PRIu64 " of %zu items done in time",
					 s.by_status[ITEM_SUCCEEDED], items);
		time_sleep_ms(1);
	}
}

static int
start_pool(struct bench *b, int threads, size_t batch, struct worker_pool **pool, struct sbuf *err)
{
	struct worker_pool_config cfg = WORKER_POOL_CONFIG_INIT;

	cfg.db_path = b->path;
	cfg.threads = threads;
	cfg.batch = batch;
	cfg.handle = noop_handler;
	cfg.owner_prefix = "bench";
	return worker_pool_start(pool, &cfg, err);
}

static int
bench_claim_finish(struct bench *b, int threads, size_t batch, struct sbuf *err)
{
	struct worker_pool *pool = NULL;
	struct store *st = NULL;
	int64_t t0;
	int rc = -1;

	if (fresh_store(b, &st, err) < 0 || enqueue_all(b, st, 1000, err) < 0)
		goto out;
	t0 = now_us();
	if (start_pool(b, threads, batch, &pool, err) < 0 || drain(pool, b->items, err) < 0)
		goto out;
	report("claim_finish", threads, batch, b->items, now_us() - t0);
	rc = 0;
out:
	worker_pool_stop(pool);
	store_close(st);
	return rc;
}

static int
bench_pipeline(struct bench *b, int threads, size_t batch, struct sbuf *err)
{
	struct worker_pool *pool = NULL;
	struct store *st = NULL;
	int64_t t0;
	int rc = -1;

	if (fresh_store(b, &st, err) < 0 || start_pool(b, threads, batch, &pool, err) < 0)
		goto out;
	t0 = now_us();
	if (enqueue_all(b, st, PIPELINE_ENQUEUE_BATCH, err) < 0 || drain(pool, b->items, err) < 0)
		goto out;
	report("pipeline", threads, batch, b->items, now_us() - t0);
	rc = 0;
out:
	worker_pool_stop(pool);
	store_close(st);
	return rc;
}

int
main(int argc, char **argv)
{
	static const int threads[] = { 1, 2 };
	static const size_t batches[] = { 64, 256 };
	struct bench b = { .items = 100000 };
	struct sbuf err = SBUF_INIT;
	const char *tmp = getenv("TMPDIR");
	char cmd[300];
	int rc = 1;

	if (argc > 1) {
		char *end;

		errno = 0;
		b.items = strtoul(argv[1], &end, 10);
		if (errno || *end || b.items == 0) {
			fprintf(stderr, "usage: queue_bench [items]\n");
			return 2;
		}
	}
	snprintf(b.dir, sizeof(b.dir), "%s/queue_bench.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(b.dir)) {
		fprintf(stderr, "queue_bench: cannot create '%s': %s\n", b.dir, strerror(errno));
		return 1;
	}
	b.batch = calloc(1000, sizeof(*b.batch));
	b.subjects = calloc(1000, sizeof(*b.subjects));
	if (!b.batch || !b.subjects) {
		error_set(&err, "out of memory");
		goto out;
	}

	if (bench_enqueue(&b, 100, &err) < 0 || bench_enqueue(&b, 1000, &err) < 0)
		goto out;
	for (size_t t = 0; t < sizeof(threads) / sizeof(threads[0]); t++)
		for (size_t k = 0; k < sizeof(batches) / sizeof(batches[0]); k++)
			if (bench_claim_finish(&b, threads[t], batches[k], &err) < 0)
				goto out;
	if (bench_pipeline(&b, 1, 256, &err) < 0 || bench_pipeline(&b, 2, 256, &err) < 0)
		goto out;
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "queue_bench: %s\n", err.buf);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", b.dir);
	if (system(cmd) != 0)
		fprintf(stderr, "queue_bench: cannot remove '%s'\n", b.dir);
	free(b.batch);
	free(b.subjects);
	sbuf_release(&err);
	return rc;
}
