/*
 * cmd-sync-now.c: a full product, price or inventory sync of one account,
 * now, as a job with visible progress ("Updating product 825 of 12403").
 *
 * The job reads the whole catalog (or stock) from the master and queues
 * every record, whether it changed or not, then works the queue off with
 * its own workers until nothing of it is pending or running, saying how
 * far it got. A job of the same kind whose heartbeat stopped (a stuck or
 * killed sync) is replaced; a live one is reported and left alone.
 * Unchanged products cost the shop nothing: each write is compared with
 * what was last written across its link.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "connectors/connector.h"
#include "core/cycle.h"
#include "queue/job.h"
#include "queue/worker.h"
#include "util/parse.h"
#include "util/timeutil.h"

static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
	stopping = sig;
}

static const struct {
	const char *feed;         /* what the user types */
	const char *cycle_feed;   /* the scan that queues it */
	const char *queue;
	const char *noun;         /* "Updating product 825 of 12403" */
} kinds[] = {
	{ "products", "products", "products", "product" },
	/* prices travel with the product: the same scan, said in its words */
	{ "prices", "products", "products", "price" },
	{ "inventory", "inventory", "inventory", "stock level" },
};

/* Items of the queue still pending or running, and waiting to retry. */
static int
open_items(struct store *st, int64_t account_id, const char *queue, int64_t *busy, int64_t *waiting,
	   int64_t *failed, struct sbuf *err)
{
	struct queue_count *qc = NULL;
	size_t n = 0;

	*busy = *waiting = *failed = 0;
	if (store_queue_counts(st, account_id, &qc, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(qc[i].queue, queue) != 0)
			continue;
		if (qc[i].status == ITEM_PENDING || qc[i].status == ITEM_RUNNING)
			*busy += qc[i].count;
		else if (qc[i].status == ITEM_RETRY)
			*waiting += qc[i].count;
		else if (qc[i].status == ITEM_FAILED)
			*failed += qc[i].count;
	}
	free(qc);
	return 0;
}

static void
draw(int tty, const char *phase, int64_t done, int64_t total)
{
	char bar[31];
	int fill = total ? (int)(done * 30 / total) : 30;

	if (!tty)
		return;
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '.', (size_t)(30 - fill));
	bar[30] = '\0';
	printf("\r%-40s [%s] %3d%%", phase, bar, total ? (int)(done * 100 / total) : 100);
	fflush(stdout);
}

static int
run_sync_now(struct cli *cli, int argc, char **argv)
{
	struct worker_pool_config cfg = WORKER_POOL_CONFIG_INIT;
	struct worker_pool *pool = NULL;
	struct sbuf err = SBUF_INIT;
	struct engine *engine = NULL;
	struct cycle_result r;
	struct job_run jr;
	struct account a;
	const char *account = NULL, *feed = NULL;
	char kind[32], phase[64], message[160];
	int64_t v, busy = 0, waiting = 0, failed_before = 0, failed = 0;
	int k = -1, rc, tty = isatty(STDOUT_FILENO), gone = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--account") == 0 && i + 1 < argc) {
			account = argv[++i];
		} else if (strcmp(argv[i], "--feed") == 0 && i + 1 < argc) {
			feed = argv[++i];
		} else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
			if (parse_int64(argv[++i], 1, 64, &v) < 0)
				return cli_usage_error(&cmd_sync_now, "--threads must be 1 to 64");
			cfg.threads = (int)v;
		} else {
			return cli_usage_error(&cmd_sync_now, "unexpected argument '%s'", argv[i]);
		}
	}
	for (size_t i = 0; feed && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].feed, feed) == 0)
			k = (int)i;
	if (k < 0)
		return cli_usage_error(&cmd_sync_now, "--feed must be products, prices or inventory");
	if ((rc = cli_account(cli, account, &a)))
		return rc;

	snprintf(kind, sizeof(kind), "sync-%s", kinds[k].feed);
	switch (job_begin(&jr, cli->st, a.id, kind, "sync-now", 0, &err)) {
	case 0:
		break;
	case STORE_BUSY:
		return cli_error("a %s sync of %s is already running (job %lld, see 'tillsync jobs'); a job "
				 "that stops making progress for %d minutes is replaced", kinds[k].feed, a.name,
				 (long long)jr.other, JOB_STALE_MS / 60000);
	default:
		rc = cli_error("%s", err.buf);
		sbuf_release(&err);
		return rc;
	}
	if (jr.other)
		printf("replaced job %lld, which had stopped making progress\n", (long long)jr.other);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	snprintf(phase, sizeof(phase), "Reading the %s", strcmp(kinds[k].queue, "products") == 0 ? "catalog" : "stock");
	job_step(&jr, phase, 0, 0, &err);
	draw(tty, phase, 0, 0);
	if (open_items(cli->st, a.id, kinds[k].queue, &busy, &waiting, &failed_before, &err) < 0 ||
	    engine_new(&engine, connector_find, &err) < 0 ||
	    cycle_run_full(engine, cli->st, &a, kinds[k].cycle_feed, &r, &err) < 0)
		goto fail;
	if (r.skipped) {
		sbuf_addf(&err, "%s sync is switched off or a connection is missing for %s (see 'tillsync account "
			  "show %s')", kinds[k].feed, a.name, a.name);
		goto fail;
	}

	engine_worker_config(engine, cli->db_path, &cfg);
	if (worker_pool_start(&pool, &cfg, &err) < 0)
		goto fail;
	snprintf(phase, sizeof(phase), "Updating %s", kinds[k].noun);
	for (;;) {
		int64_t total = (int64_t)r.queued, done;

		if (open_items(cli->st, a.id, kinds[k].queue, &busy, &waiting, &failed, &err) < 0)
			break;
		done = total - (busy < total ? busy : total);
		draw(tty, phase, done, total);
		if (job_step(&jr, phase, done, total, &err) == STORE_GONE) {
			gone = 1;   /* replaced or cancelled: someone else owns the work now */
			break;
		}
		if (!busy || stopping)
			break;
		time_sleep_ms(200);
	}
	worker_pool_stop(pool);
	engine_free(engine);
	if (tty)
		printf("\n");
	if (gone) {
		printf("this sync was replaced or cancelled; the other job carries on\n");
		sbuf_release(&err);
		return 1;
	}
	snprintf(message, sizeof(message), "%zu %s%s read, %zu queued; %lld failed, %lld waiting to retry%s",
		 r.seen, kinds[k].noun, r.seen == 1 ? "" : "s", r.queued,
		 (long long)(failed > failed_before ? failed - failed_before : 0), (long long)waiting,
		 stopping ? " (stopped early)" : "");
	job_end(&jr, stopping ? JOB_CANCELLED : JOB_SUCCEEDED, message, &err);
	printf("%s\n", message);
	sbuf_release(&err);
	return stopping ? 1 : 0;
fail:
	worker_pool_stop(pool);
	engine_free(engine);
	if (tty)
		printf("\n");
	job_end(&jr, JOB_FAILED, err.buf, NULL);
	rc = cli_error("%s", err.buf);
	sbuf_release(&err);
	return rc;
}

const struct cmd cmd_sync_now = {
	"sync-now", run_sync_now, NEEDS_STORE, "a full product, price or inventory sync now, with progress",
	"usage: tillsync sync-now --account NAME --feed products|prices|inventory [--threads N]\n"
	"\n"
	"Reads every product (or stock level) from the master, queues each one and\n"
	"works the queue off, showing 'Updating product 825 of 12403' (a bar on a\n"
	"terminal; 'tillsync jobs' and the dashboard show it too). Products the shop\n"
	"already holds as they are cost no request. A sync of the same kind that\n"
	"stopped making progress is replaced; a live one is left to finish.\n",
};
