/*
 * concurrency: several worker processes, several threads each, one store.
 *
 * DESIGN
 *   3 processes x 3 worker threads (the real pool, src/queue/worker.c) drain
 *   3,000 items spread over 3 accounts, with no kills and leases far longer
 *   than the run. The handler records each call as an effect row in a
 *   separate SQLite file (effects.db), committed before it returns. Then:
 *     1. every item succeeded, with exactly one effect, from attempt 1 and
 *        not flagged as a retry; one attempt row, 'succeeded';
 *     2. the pools saw no lost lease and no store error, and claimed 3,000
 *        items between them;
 *     3. fairness: account A's items were queued first, so a plain FIFO
 *        would serve A alone for a long while; the claim rotation must
 *        instead serve all three accounts within the first 300 effects
 *        (effects.db rowids give the order handlers ran in).
 *
 *   Children are forked before the parent starts any thread or holds a
 *   SQLite connection; each sends its pool's stats back over a pipe and
 *   leaves with _exit().
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
#include "util/sbuf.h"
#include "util/timeutil.h"

#define PROCS          3
#define THREADS        3
#define ACCOUNTS       3
#define PER_ACCOUNT    1000
#define ITEMS          (ACCOUNTS * PER_ACCOUNT)
#define FAIR_WINDOW    300    /* the first effects, all accounts still backlogged */
#define FAIR_MIN_SHARE 30     /* of FAIR_WINDOW per account: 10%, a third is the ideal */
#define RUN_MS         (150 * 1000)
#define MAX_REPORTS    10

struct paths {
	char dir[256];
	char store[300];
	char effects[300];
};

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
	fputs("concurrency: FAIL: ", stderr);
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

/* Commits the effect before answering, as a remote applies a write before it replies. */
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
	res->status = ITEM_SUCCEEDED;
	return 0;
}

static int
items_ended(struct store *st, int64_t *ended)
{
	struct sbuf err = SBUF_INIT;
	struct queue_count *c = NULL;
	size_t n = 0;
	int rc = -1;

	*ended = 0;
	if (store_queue_counts(st, 0, &c, &n, &err) < 0) {
		fprintf(stderr, "concurrency: cannot count items: %s\n", err.buf);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (item_status_is_final(c[i].status))
			*ended += c[i].count;
	rc = 0;
out:
	free(c);
	sbuf_release(&err);
	return rc;
}

/* One worker process: run the pool until the whole queue has ended, report, _exit. */
static void
child_run(const struct paths *p, int index, int report_fd)
{
	struct worker_pool_config cfg = WORKER_POOL_CONFIG_INIT;
	struct worker_pool *pool = NULL;
	struct worker_stats stats;
	struct sbuf err = SBUF_INIT;
	struct store *st = NULL;
	int64_t deadline = time_mono_ms() + RUN_MS;
	char owner[32];
	int code = 1;

	effects_path = p->effects;
	if (pthread_key_create(&effects_key, effects_conn_free) != 0)
		_exit(1);
	snprintf(owner, sizeof(owner), "proc%d", index);
	cfg.db_path = p->store;
	cfg.threads = THREADS;
	cfg.idle_sleep_ms = 20;
	cfg.handle = record_effect;
	cfg.owner_prefix = owner;
	if (store_open(&st, p->store, 0, &err) < 0 || worker_pool_start(&pool, &cfg, &err) < 0) {
		fprintf(stderr, "concurrency: process %d: %s\n", index, err.buf);
		goto out;
	}
	for (;;) {
		int64_t ended;

		time_sleep_ms(10);
		if (items_ended(st, &ended) < 0)
			goto out;
		if (ended == ITEMS)
			break;
		if (time_mono_ms() > deadline) {
			fprintf(stderr, "concurrency: process %d: the queue did not drain in time\n", index);
			goto out;
		}
	}
	/*
	 * The queue has ended, so every claim of ours is recorded; a thread may
	 * still be between its commit and its stats update, and the pool has no
	 * join-without-free, so wait until the stats add up.
	 */
	for (;;) {
		uint64_t outcomes = 0;

		worker_pool_stats(pool, &stats);
		for (int k = 0; k < ITEM_STATUS_COUNT; k++)
			outcomes += stats.by_status[k];
		if (outcomes + stats.lost_leases >= stats.claimed)
			break;
		if (time_mono_ms() > deadline) {
			fprintf(stderr, "concurrency: process %d: stats never added up\n", index);
			goto out;
		}
		time_sleep_ms(1);
	}
	if (write(report_fd, &stats, sizeof(stats)) != (ssize_t)sizeof(stats))
		goto out;
	code = 0;
out:
	worker_pool_stop(pool);
	store_close(st);
	sbuf_release(&err);
	_exit(code);
}

static int
setup(struct paths *p, int64_t *accounts, struct sbuf *err)
{
	struct queue_new_item *items = NULL;
	char (*subjects)[16] = NULL;
	struct store *st = NULL;
	sqlite3 *db = NULL;
	int64_t now = time_now_ms();
	const char *tmp = getenv("TMPDIR");
	int rc = -1;

	snprintf(p->dir, sizeof(p->dir), "%s/concurrency.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(p->dir)) {
		error_set(err, "cannot create '%s': %s", p->dir, strerror(errno));
		goto out;
	}
	snprintf(p->store, sizeof(p->store), "%s/tillsync.db", p->dir);
	snprintf(p->effects, sizeof(p->effects), "%s/effects.db", p->dir);
	if (store_open(&st, p->store, STORE_CREATE, err) < 0)
		goto out;
	for (int a = 0; a < ACCOUNTS; a++) {
		char name[16];

		snprintf(name, sizeof(name), "shop-%c", 'a' + a);
		if (store_account_add(st, name, now, &accounts[a], err) < 0)
			goto out;
	}
	items = calloc(ITEMS, sizeof(*items));
	subjects = calloc(ITEMS, sizeof(*subjects));
	if (!items || !subjects) {
		error_set(err, "out of memory");
		goto out;
	}
	/* account by account: FIFO order alone would serve shop-a's 1,000 first */
	for (int i = 0; i < ITEMS; i++) {
		snprintf(subjects[i], sizeof(subjects[i]), "c%d", i % PER_ACCOUNT);
		items[i].account_id = accounts[i / PER_ACCOUNT];
		items[i].queue = "customers";
		items[i].subject_type = "customer";
		items[i].subject_id = subjects[i];
		items[i].direction = DIRECTION_POS_TO_SHOP;
		items[i].reason = REASON_CYCLE;
		items[i].priority = queue_def_find("customers")->priority;
		items[i].max_attempts = 8;
		items[i].comment = "";
	}
	if (store_queue_enqueue(st, items, ITEMS, now, NULL, NULL, err) < 0)
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

/* Starts the processes, waits for them, adds up their stats. */
static int
run_workers(const struct paths *p, struct worker_stats *total, struct sbuf *err)
{
	pid_t pids[PROCS] = { 0 };
	int fds[PROCS][2];
	int rc = -1, started = 0;

	memset(total, 0, sizeof(*total));
	fflush(NULL);
	for (; started < PROCS; started++) {
		if (pipe(fds[started]) < 0) {
			error_set(err, "pipe: %s", strerror(errno));
			goto out;
		}
		pids[started] = fork();
		if (pids[started] < 0) {
			error_set(err, "fork: %s", strerror(errno));
			close(fds[started][0]);
			close(fds[started][1]);
			goto out;
		}
		if (pids[started] == 0) {
			close(fds[started][0]);
			child_run(p, started, fds[started][1]);
		}
		close(fds[started][1]);
	}
	rc = 0;
out:
	/* every started child is waited for, even after a failure, so none outlives the test */
	for (int i = 0; i < started; i++) {
		struct worker_stats s;
		int status;

		if (rc < 0)
			kill(pids[i], SIGKILL);
		if (waitpid(pids[i], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			if (rc == 0)
				rc = error_set(err, "worker process %d failed", i);
		} else if (read(fds[i][0], &s, sizeof(s)) != (ssize_t)sizeof(s)) {
			if (rc == 0)
				rc = error_set(err, "worker process %d sent no stats", i);
		} else {
			total->claimed += s.claimed;
			for (int k = 0; k < ITEM_STATUS_COUNT; k++)
				total->by_status[k] += s.by_status[k];
			total->lost_leases += s.lost_leases;
			total->store_errors += s.store_errors;
			printf("concurrency: process %d claimed %" PRIu64 " items\n", i, s.claimed);
		}
		close(fds[i][0]);
	}
	return rc;
}

struct item_check {
	int64_t id;
	int64_t account_id;
	int effects;
};

static int
check_items(const struct paths *p, struct item_check *chk, struct sbuf *err)
{
	struct queue_filter f = { 0, "customers", -1, NULL, 0, 2 * ITEMS };
	struct queue_item *items = NULL;
	struct store *st = NULL;
	size_t n = 0;
	int rc = -1;

	if (store_open(&st, p->store, 0, err) < 0 || store_queue_list(st, &f, &items, &n, err) < 0)
		goto out;
	if (n != ITEMS) {
		check_failed("the store holds %zu items, %d were queued", n, ITEMS);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct queue_attempt *a = NULL;
		size_t na = 0;

		/* listings come newest first; keep chk in id order for bsearch */
		chk[n - 1 - i].id = items[i].id;
		chk[n - 1 - i].account_id = items[i].account_id;
		if (items[i].status != ITEM_SUCCEEDED || items[i].attempts != 1)
			check_failed("item %" PRId64 " is %s after %d attempts: %s", items[i].id,
				     item_status_name(items[i].status), items[i].attempts, items[i].comment);
		if (store_queue_attempts(st, items[i].id, &a, &na, err) < 0)
			goto out;
		if (na != 1 || strcmp(a[0].outcome, "succeeded") != 0)
			check_failed("item %" PRId64 ": %zu attempt rows, the first '%s'", items[i].id, na,
				     na ? a[0].outcome : "");
		queue_attempts_free(a, na);
	}
	rc = 0;
out:
	queue_items_free(items, n);
	store_close(st);
	return rc;
}

static int
by_id(const void *key, const void *elem)
{
	int64_t k = *(const int64_t *)key, e = ((const struct item_check *)elem)->id;

	return k < e ? -1 : k > e;
}

static int
check_effects(const struct paths *p, struct item_check *chk, const int64_t *accounts, struct sbuf *err)
{
	int64_t share[ACCOUNTS] = { 0 }, rows = 0;
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	int rc = -1, step;

	if (sqlite3_open_v2(p->effects, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT item_id, account_id, attempt, is_retry FROM effects ORDER BY id", -1,
			       &q, NULL) != SQLITE_OK) {
		error_set(err, "cannot read '%s': %s", p->effects, db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0), account = sqlite3_column_int64(q, 1);
		int attempt = sqlite3_column_int(q, 2), is_retry = sqlite3_column_int(q, 3);
		struct item_check *c = bsearch(&id, chk, ITEMS, sizeof(*chk), by_id);

		for (int a = 0; rows < FAIR_WINDOW && a < ACCOUNTS; a++)
			share[a] += account == accounts[a];
		rows++;
		if (!c) {
			check_failed("an effect names item %" PRId64 ", which was never queued", id);
			continue;
		}
		c->effects++;
		if (c->effects > 1)
			check_failed("item %" PRId64 " was processed %d times", id, c->effects);
		if (attempt != 1 || is_retry)
			check_failed("item %" PRId64 " ran as attempt %d, is_retry=%d", id, attempt, is_retry);
	}
	if (step != SQLITE_DONE) {
		error_set(err, "reading '%s': %s", p->effects, sqlite3_errmsg(db));
		goto out;
	}
	for (int i = 0; i < ITEMS; i++)
		if (chk[i].effects != 1)
			check_failed("item %" PRId64 " has %d effects", chk[i].id, chk[i].effects);
	printf("concurrency: first %d effects by account: %" PRId64 " / %" PRId64 " / %" PRId64 "\n", FAIR_WINDOW,
	       share[0], share[1], share[2]);
	for (int a = 0; a < ACCOUNTS; a++)
		if (share[a] < FAIR_MIN_SHARE)
			check_failed("account %d got %" PRId64 " of the first %d effects (want >= %d): "
				     "claims are not rotating between accounts", a, share[a], FAIR_WINDOW,
				     FAIR_MIN_SHARE);
	rc = 0;
out:
	sqlite3_finalize(q);
	sqlite3_close(db);
	return rc;
}

int
main(void)
{
	struct sbuf err = SBUF_INIT;
	struct item_check *chk = NULL;
	struct worker_stats total;
	int64_t accounts[ACCOUNTS], start = time_mono_ms();
	struct paths p;
	char cmd[400];
	int rc = 1;

	chk = calloc(ITEMS, sizeof(*chk));
	if (!chk) {
		error_set(&err, "out of memory");
		goto out;
	}
	if (setup(&p, accounts, &err) < 0 || run_workers(&p, &total, &err) < 0)
		goto out;
	printf("concurrency: %d processes x %d threads drained %d items in %.1f s\n", PROCS, THREADS, ITEMS,
	       (double)(time_mono_ms() - start) / 1000.0);
	if (total.claimed != ITEMS || total.by_status[ITEM_SUCCEEDED] != ITEMS)
		check_failed("the pools claimed %" PRIu64 " and recorded %" PRIu64 " successes for %d items",
			     total.claimed, total.by_status[ITEM_SUCCEEDED], ITEMS);
	if (total.lost_leases || total.store_errors)
		check_failed("%" PRIu64 " lost leases, %" PRIu64 " store errors", total.lost_leases,
			     total.store_errors);
	if (check_items(&p, chk, &err) < 0 || check_effects(&p, chk, accounts, &err) < 0)
		goto out;
	if (failures) {
		fprintf(stderr, "concurrency: %d check(s) failed; store and effects kept in '%s'\n", failures, p.dir);
		goto out;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p.dir);
	if (system(cmd) != 0)
		fprintf(stderr, "concurrency: cannot remove '%s'\n", p.dir);
	printf("concurrency: ok\n");
	rc = 0;
out:
	if (err.len)
		fprintf(stderr, "concurrency: %s\n", err.buf);
	free(chk);
	sbuf_release(&err);
	return rc;
}
