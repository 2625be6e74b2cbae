/*
 * crash_queue: kill a worker process at random moments until the queue drains.
 *
 * DESIGN
 *   A child process runs the real worker pool (src/queue/worker.c) over 1,000
 *   queued items with a handler that models a remote write: it commits an
 *   "effect" row to a separate SQLite file (effects.db) before it returns
 *   success. The parent SIGKILLs the child after a random 5-80 ms and starts
 *   a new one, round after round, then lets a last child run unkilled until
 *   every item has ended. A kill can land anywhere: inside a claim or finish
 *   transaction, inside the handler, or between the effect's commit and the
 *   batch's finish, which is the window that makes a second effect.
 *
 *   The promise under test (worker.h): outcomes not recorded when a process
 *   dies are redone after the lease expires and the handler is told it is a
 *   retry. So at the end:
 *     1. every item succeeded; none is missing;
 *     2. every item has at least one effect, and the claim that succeeded
 *        left one (its attempt number is the item's last);
 *     3. an item's effects after the first all carry is_retry = 1, each
 *        effect's flag agrees with its attempt number, and no attempt
 *        number appears twice (one claim never runs the handler twice);
 *     4. the attempt history has one row per attempt: 'abandoned' for each
 *        killed claim, 'succeeded' for the last.
 *
 *   The parent never runs a thread and holds no SQLite connection across
 *   fork(): SQLite's POSIX lock bookkeeping is per process and must not be
 *   inherited. Children leave with _exit() so nothing of the parent's is
 *   flushed or torn down twice.
 *
 *   CRASH_SEED=<n> replays a run's kill timings (the seed is printed).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "queue/queue.h"
#include "queue/worker.h"
#include "store/store.h"
#include "util/rand.h"
#include "util/sbuf.h"
#include "util/timeutil.h"

#define ITEMS          1000
#define MAX_ROUNDS     400
#define KILL_PHASE_MS  (30 * 1000)   /* then stop killing; the last run finishes */
#define FINAL_RUN_MS   (120 * 1000)  /* the unkilled run, generous for sanitizers */
#define LEASE_MS       300
#define KILL_MIN_MS    5
#define KILL_MAX_MS    80
#define MAX_REPORTS    10            /* violations printed before going quiet */

struct paths {
	char dir[256];
	char store[300];
	char effects[300];
};

/* One effects.db connection per worker thread, closed when the thread ends. */
struct effects_conn {
	sqlite3 *db;
	sqlite3_stmt *insert;
};

static pthread_key_t effects_key;
static const char *effects_path;

static int failures;

static void
check_failed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
check_failed(const char *fmt, ...)
{
	va_list ap;

	failures++;
	if (failures > MAX_REPORTS)
		return;
	fputs("crash_queue: FAIL: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
effects_conn_free(void *arg)
{
	struct effects_conn *c = arg;

	sqlite3_finalize(c->insert);
	sqlite3_close(c->db);
	free(c);
}

static struct effects_conn *
effects_conn_get(struct sbuf *why)
{
	struct effects_conn *c = pthread_getspecific(effects_key);

	if (c)
		return c;
	c = calloc(1, sizeof(*c));
	if (!c) {
		sbuf_addstr(why, "out of memory opening effects.db");
		return NULL;
	}
	if (sqlite3_open_v2(effects_path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(c->db, 10000);
	/* a remote's write survives power loss once acknowledged: model that */
	if (sqlite3_exec(c->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_prepare_v2(c->db,
			       "INSERT INTO effects(item_id, account_id, attempt, is_retry, pid) "
			       "VALUES(?1, ?2, ?3, ?4, ?5)", -1, &c->insert, NULL) != SQLITE_OK)
		goto fail;
	if (pthread_setspecific(effects_key, c) != 0) {
		sbuf_addstr(why, "cannot keep the effects.db connection");
		effects_conn_free(c);
		return NULL;
	}
	return c;
fail:
	sbuf_addf(why, "cannot open '%s': %s", effects_path, c->db ? sqlite3_errmsg(c->db) : "out of memory");
	effects_conn_free(c);
	return NULL;
}

/*
 * The recording handler. The effect is committed before success is
 * returned, as a remote applies a write before it answers; the short sleep
 * after it is the answer's way back, and widens the window in which a kill
 * leaves an effect whose outcome was never recorded.
 */
static int
record_effect(void *ctx, struct store *st, const struct queue_item *item, int is_retry, struct work_result *res)
{
	struct effects_conn *c = effects_conn_get(&res->comment);
	int rc;

	if (!c)
		return -1;
	sqlite3_reset(c->insert);
	sqlite3_bind_int64(c->insert, 1, item->id);
	sqlite3_bind_int64(c->insert, 2, item->account_id);
	sqlite3_bind_int(c->insert, 3, item->attempts);
	sqlite3_bind_int(c->insert, 4, is_retry);
	sqlite3_bind_int(c->insert, 5, (int)getpid());
	rc = sqlite3_step(c->insert);
	sqlite3_reset(c->insert);
	if (rc != SQLITE_DONE) {
		sbuf_addf(&res->comment, "cannot record the effect: %s", sqlite3_errmsg(c->db));
		return -1;
	}
	time_sleep_ms(2);
	res->status = ITEM_SUCCEEDED;
	return 0;
}

/* Items per status, or -1 with a message on stderr. */
static int
count_items(struct store *st, int64_t by_status[ITEM_STATUS_COUNT])
{
	struct sbuf err = SBUF_INIT;
	struct queue_count *c = NULL;
	size_t n = 0;
	int rc = -1;

	memset(by_status, 0, sizeof(int64_t) * ITEM_STATUS_COUNT);
	if (store_queue_counts(st, 0, &c, &n, &err) < 0) {
		fprintf(stderr, "crash_queue: cannot count items: %s\n", err.buf);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		by_status[c[i].status] += c[i].count;
	rc = 0;
out:
	free(c);
	sbuf_release(&err);
	return rc;
}

/*
 * The child: the real pool, plus a watcher on the main thread that ends the
 * run once every item has succeeded. Never returns.
 */
static void
child_run(const struct paths *p, int round, int64_t deadline_ms)
{
	struct worker_pool_config cfg = WORKER_POOL_CONFIG_INIT;
	struct worker_pool *pool = NULL;
	struct sbuf err = SBUF_INIT;
	struct store *st = NULL;
	char owner[32];
	int code = 1;

	effects_path = p->effects;
	if (pthread_key_create(&effects_key, effects_conn_free) != 0) {
		fprintf(stderr, "crash_queue: child: cannot create a thread key\n");
		_exit(1);
	}
	snprintf(owner, sizeof(owner), "crash-r%d", round);
	cfg.db_path = p->store;
	cfg.threads = 2;
	cfg.batch = 8;
	cfg.lease_ms = LEASE_MS;
	cfg.idle_sleep_ms = 20;
	cfg.flush_ms = 10;
	cfg.retry.max_attempts = ITEMS;
	cfg.handle = record_effect;
	cfg.owner_prefix = owner;
	if (store_open(&st, p->store, 0, &err) < 0) {
		fprintf(stderr, "crash_queue: child: %s\n", err.buf);
		goto out;
	}
	if (worker_pool_start(&pool, &cfg, &err) < 0) {
		fprintf(stderr, "crash_queue: child: %s\n", err.buf);
		goto out;
	}
	for (;;) {
		int64_t by_status[ITEM_STATUS_COUNT];

		time_sleep_ms(10);
		if (count_items(st, by_status) < 0)
			goto out;
		if (by_status[ITEM_SUCCEEDED] + by_status[ITEM_FAILED] + by_status[ITEM_SKIPPED] +
			    by_status[ITEM_CANCELLED] == ITEMS)
			break;
		if (time_mono_ms() > deadline_ms) {
			fprintf(stderr, "crash_queue: child: the queue did not drain in time\n");
			goto out;
		}
	}
	code = 0;
out:
	worker_pool_stop(pool);
	store_close(st);
	sbuf_release(&err);
	_exit(code);
}

static int
setup(struct paths *p, int64_t *ids, struct sbuf *err)
{
	struct queue_new_item *items = NULL;
	char (*subjects)[16] = NULL;
	struct store *st = NULL;
	sqlite3 *db = NULL;
	int64_t account, now = time_now_ms();
	const char *tmp = getenv("TMPDIR");
	int rc = -1;

	snprintf(p->dir, sizeof(p->dir), "%s/crash_queue.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(p->dir)) {
		error_set(err, "cannot create '%s': %s", p->dir, strerror(errno));
		goto out;
	}
	snprintf(p->store, sizeof(p->store), "%s/tillsync.db", p->dir);
	snprintf(p->effects, sizeof(p->effects), "%s/effects.db", p->dir);

	if (store_open(&st, p->store, STORE_CREATE, err) < 0 ||
	    store_account_add(st, "corner-shop", now, &account, err) < 0)
		goto out;
	items = calloc(ITEMS, sizeof(*items));
	subjects = calloc(ITEMS, sizeof(*subjects));
	if (!items || !subjects) {
		error_set(err, "out of memory");
		goto out;
	}
	for (int i = 0; i < ITEMS; i++) {
		snprintf(subjects[i], sizeof(subjects[i]), "c%d", i);
		items[i].account_id = account;
		items[i].queue = "customers";
		items[i].subject_type = "customer";
		items[i].subject_id = subjects[i];
		items[i].direction = DIRECTION_POS_TO_SHOP;
		items[i].reason = REASON_CYCLE;
		items[i].priority = queue_def_find("customers")->priority;
		items[i].max_attempts = ITEMS;   /* kills must never exhaust an item */
		items[i].comment = "";
	}
	if (store_queue_enqueue(st, items, ITEMS, now, ids, NULL, err) < 0)
		goto out;

	if (sqlite3_open_v2(p->effects, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
	    sqlite3_exec(db,
			 "PRAGMA journal_mode = WAL;"
			 "CREATE TABLE effects(id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL, "
			 "  account_id INTEGER NOT NULL, attempt INTEGER NOT NULL, is_retry INTEGER NOT NULL, "
			 "  pid INTEGER NOT NULL)", NULL, NULL, NULL) != SQLITE_OK) {
		error_set(err, "cannot create '%s': %s", p->effects, db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(db);
	store_close(st);
	free(items);
	free(subjects);
	return rc;
}

/*
 * When nothing is due, every unfinished item sits under a dead child's
 * lease: wait the leases out so the next round has work, rather than
 * spending rounds on a child that can only idle.
 */
static int
wait_for_due_items(const struct paths *p, int64_t *by_status, struct sbuf *err)
{
	struct queue_filter f = { 0, "customers", ITEM_RUNNING, NULL, 0, ITEMS };
	struct queue_item *running = NULL;
	struct store *st = NULL;
	size_t n = 0;
	int64_t last = 0;
	int rc = -1;

	if (store_open(&st, p->store, 0, err) < 0)
		goto out;
	if (count_items(st, by_status) < 0) {
		error_set(err, "cannot count items");
		goto out;
	}
	if (by_status[ITEM_PENDING] + by_status[ITEM_RETRY] == 0 && by_status[ITEM_RUNNING] > 0) {
		if (store_queue_list(st, &f, &running, &n, err) < 0)
			goto out;
		for (size_t i = 0; i < n; i++)
			if (running[i].lease_until > last)
				last = running[i].lease_until;
		if (last > time_now_ms())
			time_sleep_ms(last - time_now_ms() + 5);
	}
	rc = 0;
out:
	queue_items_free(running, n);
	store_close(st);
	return rc;
}

struct run_stats {
	int rounds;
	int kills;
	int early_exits;   /* the child drained the queue before its kill */
};

/* Fork, wait a random moment, SIGKILL; until done or out of rounds or time. */
static int
kill_rounds(const struct paths *p, struct rng *rng, struct run_stats *rs, struct sbuf *err)
{
	int64_t start = time_mono_ms();

	for (;;) {
		int64_t by_status[ITEM_STATUS_COUNT];
		int status;
		pid_t pid;

		if (wait_for_due_items(p, by_status, err) < 0)
			return -1;
		if (by_status[ITEM_SUCCEEDED] == ITEMS)
			return 0;
		if (rs->rounds >= MAX_ROUNDS || time_mono_ms() - start > KILL_PHASE_MS)
			return 0;
		rs->rounds++;
		fflush(NULL);   /* or the child's _exit could not, but a later exit would print twice */
		pid = fork();
		if (pid < 0)
			return error_set(err, "fork: %s", strerror(errno));
		if (pid == 0)
			child_run(p, rs->rounds, time_mono_ms() + FINAL_RUN_MS);
		time_sleep_ms(KILL_MIN_MS + (int64_t)rng_below(rng, KILL_MAX_MS - KILL_MIN_MS + 1));
		kill(pid, SIGKILL);
		if (waitpid(pid, &status, 0) < 0)
			return error_set(err, "waitpid: %s", strerror(errno));
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			rs->kills++;
		else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			rs->early_exits++;
		else
			return error_set(err, "round %d: the child failed on its own (status 0x%x)", rs->rounds,
					 (unsigned)status);
	}
}

static int
final_run(const struct paths *p, struct run_stats *rs, struct sbuf *err)
{
	int64_t deadline = time_mono_ms() + FINAL_RUN_MS;
	int status;
	pid_t pid;

	rs->rounds++;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return error_set(err, "fork: %s", strerror(errno));
	if (pid == 0)
		child_run(p, rs->rounds, deadline);
	if (waitpid(pid, &status, 0) < 0)
		return error_set(err, "waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return error_set(err, "the final, unkilled run failed (status 0x%x)", (unsigned)status);
	return 0;
}

struct item_check {
	int64_t id;
	int effects;
	int last_attempt;   /* of the latest effect seen, rowid order */
};

static int
by_id(const void *key, const void *elem)
{
	int64_t k = *(const int64_t *)key, e = ((const struct item_check *)elem)->id;

	return k < e ? -1 : k > e;
}

static int
item_order(const void *a, const void *b)
{
	return by_id(&((const struct item_check *)a)->id, b);
}

static int
integrity_ok(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	int ok = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		ok = strcmp((const char *)sqlite3_column_text(q, 0), "ok") == 0;
	sqlite3_finalize(q);
	sqlite3_close(db);
	return ok;
}

struct verdict {
	int64_t effects;
	int64_t items_with_dups;
	int64_t dups;           /* effects after an item's first */
	int64_t flagged_dups;   /* of those, the handler was told it was a retry */
	int64_t abandoned;
	int max_attempts;
};

/* Effects, in the order they were committed, against what the store says. */
static int
check_effects(const struct paths *p, struct item_check *chk, struct verdict *v, struct sbuf *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	int rc = -1, step;

	if (sqlite3_open_v2(p->effects, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT item_id, attempt, is_retry FROM effects ORDER BY id", -1, &q,
			       NULL) != SQLITE_OK) {
		error_set(err, "cannot read '%s': %s", p->effects, db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);
		int attempt = sqlite3_column_int(q, 1), is_retry = sqlite3_column_int(q, 2);
		struct item_check *c = bsearch(&id, chk, ITEMS, sizeof(*chk), by_id);

		v->effects++;
		if (!c) {
			check_failed("an effect names item %" PRId64 ", which was never queued", id);
			continue;
		}
		if (is_retry != (attempt > 1))
			check_failed("item %" PRId64 " attempt %d: handler told is_retry=%d", id, attempt, is_retry);
		if (c->effects && !is_retry)
			check_failed("item %" PRId64 ": effect %d (attempt %d) repeats an earlier one but was "
				     "not flagged as a retry", id, c->effects + 1, attempt);
		if (c->effects && attempt <= c->last_attempt)
			check_failed("item %" PRId64 ": attempt %d ran the handler after attempt %d did", id,
				     attempt, c->last_attempt);
		if (c->effects)
			v->dups++;
		if (c->effects && is_retry)
			v->flagged_dups++;
		if (c->effects == 1)
			v->items_with_dups++;
		c->effects++;
		c->last_attempt = attempt;
	}
	if (step != SQLITE_DONE) {
		error_set(err, "reading '%s': %s", p->effects, sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(q);
	sqlite3_close(db);
	return rc;
}

/* Each item's row and attempt history against its effects. */
static int
check_items(const struct paths *p, struct item_check *chk, struct verdict *v, struct sbuf *err)
{
	struct queue_filter f = { 0, "customers", -1, NULL, 0, 2 * ITEMS };
	struct queue_item *items = NULL;
	struct store *st = NULL;
	size_t n = 0;
	int rc = -1;

	if (store_open(&st, p->store, 0, err) < 0 || store_queue_list(st, &f, &items, &n, err) < 0)
		goto out;
	if (n != ITEMS)
		check_failed("the store holds %zu items, %d were queued", n, ITEMS);
	for (int i = 0; i < ITEMS; i++) {
		struct item_check *c = &chk[i];
		struct queue_attempt *a = NULL;
		struct queue_item it;
		size_t na = 0;

		if (store_queue_get(st, c->id, &it, err) != 0) {
			check_failed("item %" PRId64 " is lost: %s", c->id, err->buf);
			continue;
		}
		if (it.attempts > v->max_attempts)
			v->max_attempts = it.attempts;
		if (it.status != ITEM_SUCCEEDED)
			check_failed("item %" PRId64 " ended %s after %d attempts: %s", c->id,
				     item_status_name(it.status), it.attempts, it.comment);
		if (!c->effects)
			check_failed("item %" PRId64 " has no effect", c->id);
		else if (c->last_attempt != it.attempts)
			check_failed("item %" PRId64 ": the last effect is from attempt %d but attempt %d succeeded",
				     c->id, c->last_attempt, it.attempts);
		if (store_queue_attempts(st, c->id, &a, &na, err) < 0) {
			free(it.comment);
			free(it.payload);
			goto out;
		}
		if (na != (size_t)it.attempts)
			check_failed("item %" PRId64 ": %zu attempt rows for %d attempts", c->id, na, it.attempts);
		for (size_t k = 0; k < na; k++) {
			const char *want = k + 1 == na ? "succeeded" : "abandoned";

			if (a[k].attempt != (int)k + 1 || strcmp(a[k].outcome, want) != 0)
				check_failed("item %" PRId64 ": attempt row %zu is #%d '%s', want #%zu '%s'", c->id,
					     k + 1, a[k].attempt, a[k].outcome, k + 1, want);
			if (!strcmp(a[k].outcome, "abandoned"))
				v->abandoned++;
		}
		queue_attempts_free(a, na);
		free(it.comment);
		free(it.payload);
	}
	rc = 0;
out:
	queue_items_free(items, n);
	store_close(st);
	return rc;
}

int
main(void)
{
	struct sbuf err = SBUF_INIT;
	struct item_check *chk = NULL;
	struct run_stats rs = { 0 };
	struct verdict v = { 0 };
	int64_t *ids = NULL, start = time_mono_ms();
	const char *seed_env = getenv("CRASH_SEED");
	struct paths p;
	struct rng rng;
	char cmd[400];
	int rc = 1;

	if (seed_env && *seed_env)
		rng_seed(&rng, strtoull(seed_env, NULL, 0));
	else
		rng_seed_random(&rng);
	printf("crash_queue: seed %" PRIu64 " (CRASH_SEED=%" PRIu64 " replays the kill timings)\n", rng.s, rng.s);

	ids = calloc(ITEMS, sizeof(*ids));
	chk = calloc(ITEMS, sizeof(*chk));
	if (!ids || !chk) {
		error_set(&err, "out of memory");
		goto out;
	}
	if (setup(&p, ids, &err) < 0 || kill_rounds(&p, &rng, &rs, &err) < 0 || final_run(&p, &rs, &err) < 0)
		goto out;

	for (int i = 0; i < ITEMS; i++)
		chk[i].id = ids[i];
	qsort(chk, ITEMS, sizeof(*chk), item_order);   /* for bsearch; a fresh store's ids ascend anyway */
	if (check_effects(&p, chk, &v, &err) < 0 || check_items(&p, chk, &v, &err) < 0)
		goto out;
	if (!integrity_ok(p.store))
		check_failed("'%s' fails PRAGMA integrity_check", p.store);
	if (!integrity_ok(p.effects))
		check_failed("'%s' fails PRAGMA integrity_check", p.effects);

	printf("crash_queue: %d rounds, %d kills, %d runs drained before their kill, %.1f s\n", rs.rounds, rs.kills,
	       rs.early_exits, (double)(time_mono_ms() - start) / 1000.0);
	printf("crash_queue: %d items, %" PRId64 " effects, %" PRId64 " items redone after a kill "
	       "(%" PRId64 " duplicate effects, %" PRId64 " of them flagged as retries), %" PRId64 " abandoned "
	       "attempts, at most %d attempts per item\n", ITEMS, v.effects, v.items_with_dups, v.dups, v.flagged_dups,
	       v.abandoned,
	       v.max_attempts);
	if (failures) {
		fprintf(stderr, "crash_queue: %d check(s) failed; store and effects kept in '%s'\n", failures, p.dir);
		goto out;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p.dir);
	if (system(cmd) != 0)
		fprintf(stderr, "crash_queue: cannot remove '%s'\n", p.dir);
	printf("crash_queue: ok\n");
	rc = 0;
out:
	if (err.len)
		fprintf(stderr, "crash_queue: %s\n", err.buf);
	free(ids);
	free(chk);
	sbuf_release(&err);
	return rc;
}
