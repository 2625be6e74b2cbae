/*
 * api_jobs.c: Sync Now as a job with visible progress.
 *
 *	POST /api/jobs {"account": A, "kind": "sync-now"}   202 and the new job, or
 *	                                                    200 and the live one already running
 *	GET  /api/jobs/{id}                                 one job: phase, done of total, state, message
 *
 * DESIGN
 *   The request starts the job row (so its answer carries the id to poll)
 *   and hands the work to a thread of its own with its own store connection
 *   and engine: the request returns at once and its pooled store connection
 *   is free for the polls. The thread runs every feed's cycle in turn (what
 *   the scheduler does every cycle_interval), reporting "Customers: asking
 *   Epos Now what changed" and done = feeds finished, then ends the job with
 *   what each feed read and queued. The changes themselves are worked by the
 *   daemon's workers like any others.
 *
 *   job_begin refuses a second live job of the kind (STORE_BUSY: the running
 *   one is reported) and replaces a stuck one, so pressing Sync Now twice
 *   never runs two cycles side by side. api_jobs_drain() waits for the
 *   threads when the daemon stops (server_stop), so none outlives its store.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cycle.h"
#include "core/journal.h"
#include "core/render.h"
#include "queue/job.h"
#include "server/api_internal.h"
#include "util/parse.h"

#define SYNC_NOW_KIND "sync-now"

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_done = PTHREAD_COND_INITIALIZER;
static int jobs_running;

struct sync_job {
	char *db_path;
	connector_find_fn find;
	struct account acc;
	int64_t job_id;
};

static const char *const feed_titles[] = { "Customers", "Customer types", "Orders", "Products", "Inventory",
						     "Stock check" };

static void
sync_job_free(struct sync_job *sj)
{
	if (!sj)
		return;
	free(sj->db_path);
	free(sj);
}

/* One pass over every feed, progress after each; the summary ends the job. */
static void
sync_job_run(struct sync_job *sj)
{
	struct sbuf err = SBUF_INIT, summary = SBUF_INIT;
	struct job_run jr = { 0 };
	struct engine *e = NULL;
	struct store *st = NULL;
	int nfeeds = 0, failed = 0, gone = 0;

	while (cycle_feeds[nfeeds])
		nfeeds++;
	if (store_open(&st, sj->db_path, STORE_LOW_LATENCY, &err) < 0 || engine_new(&e, sj->find, &err) < 0) {
		if (st) {
			jr.st = st;
			jr.id = sj->job_id;
			job_end(&jr, JOB_FAILED, err.buf, &err);
		}
		log_line(LOG_ERROR, sj->acc.name, "sync-now", "cannot run: %s", err.buf);
		goto out;
	}
	jr.st = st;
	jr.id = sj->job_id;
	for (int f = 0; f < nfeeds && !gone; f++) {
		const char *title = f < (int)(sizeof(feed_titles) / sizeof(feed_titles[0])) ? feed_titles[f] : cycle_feeds[f];
		struct connection conn;
		struct cycle_result r;
		char phase[64];
		int rc;

		rc = store_connection_get(st, sj->acc.id, api_feed_role(cycle_feeds[f]), &conn, &err);
		if (rc == 0) {
			const struct connector_ops *ops = sj->find(conn.kind);

			/* the job's phase holds 63 characters */
			snprintf(phase, sizeof(phase), "%.16s: asking %.24s what changed", title,
				 ops ? ops->display_name : conn.kind);
			connection_free(&conn);
		} else {
			snprintf(phase, sizeof(phase), "%.16s", title);
		}
		sbuf_reset(&err);
		if (job_step(&jr, phase, f, nfeeds, &err) == STORE_GONE) {
			gone = 1;   /* replaced or cancelled: someone else owns the work now */
			break;
		}
		sbuf_reset(&err);
		if (summary.len)
			sbuf_addstr(&summary, "; ");
		if (cycle_run(e, st, &sj->acc, cycle_feeds[f], &r, &err) < 0) {
			failed++;
			sbuf_addf(&summary, "%s failed: %s", title, err.buf);
		} else if (r.skipped && rc == 0) {
			sbuf_addf(&summary, "%s: switched off in the settings", title);
		} else if (r.skipped) {
			sbuf_addf(&summary, "%s: no %s connection yet", title,
				  strcmp(api_feed_role(cycle_feeds[f]), "pos") == 0 ? "POS" : "shop");
		} else {
			sbuf_addf(&summary, "%s: %zu read, %zu change%s queued", title, r.seen, r.queued,
				  r.queued == 1 ? "" : "s");
		}
		sbuf_reset(&err);
		if (job_step(&jr, failed ? "Finished with errors" : "Done", f + 1, nfeeds, &err) == STORE_GONE)
			gone = 1;
	}
	if (!gone) {
		sbuf_reset(&err);
		if (job_end(&jr, failed ? JOB_FAILED : JOB_SUCCEEDED, summary.buf, &err) < 0)
			log_line(LOG_ERROR, sj->acc.name, "sync-now", "cannot end job %lld: %s", (long long)jr.id, err.buf);
		journal(st, sj->acc.id, sj->acc.name, "sync-now", failed ? LOG_ERROR : LOG_INFO, "Sync Now: %s",
			summary.buf);
	}
out:
	engine_free(e);
	store_close(st);
	sbuf_release(&err);
	sbuf_release(&summary);
}

static void *
sync_job_thread(void *arg)
{
	struct sync_job *sj = arg;

	sync_job_run(sj);
	sync_job_free(sj);
	pthread_mutex_lock(&jobs_lock);
	jobs_running--;
	pthread_cond_broadcast(&jobs_done);
	pthread_mutex_unlock(&jobs_lock);
	return NULL;
}

void
api_jobs_drain(void)
{
	pthread_mutex_lock(&jobs_lock);
	while (jobs_running > 0)
		pthread_cond_wait(&jobs_done, &jobs_lock);
	pthread_mutex_unlock(&jobs_lock);
}

static void
reply_job(struct call *c, unsigned status, int64_t id, int started)
{
	struct job j;

	if (store_job_get(c->st, id, &j, &c->err) != 0) {
		api_fail(c, 503, "the store is unavailable; try again");
		return;
	}
	api_reply(c, status, json_pack("{s:o, s:b}", "job", render_job(&j), "started", started));
	free(j.message);
}

/* POST /jobs {"account": A, "kind": "sync-now"} */
void
api_post_job(struct call *c)
{
	const char *kind = api_body_str(c, "kind");
	struct sync_job *sj = NULL;
	struct job_run jr;
	struct job snap;
	pthread_attr_t attr;
	struct account a;
	int rc;

	if (api_account(c, api_body_str(c, "account"), 1, &a) < 0)
		return;
	if (!kind || strcmp(kind, SYNC_NOW_KIND) != 0) {
		api_fail(c, 400, "kind must be \"sync-now\"");
		return;
	}
	rc = job_begin(&jr, c->st, a.id, SYNC_NOW_KIND, "sync-now", 0, &c->err);
	if (rc == STORE_BUSY) {   /* one at a time: the live one is the answer */
		reply_job(c, 200, jr.other, 0);
		return;
	}
	if (rc < 0) {
		api_fail(c, 503, "%s", c->err.buf);
		return;
	}
	sj = calloc(1, sizeof(*sj));
	if (!sj || !(sj->db_path = strdup(store_path(c->st)))) {
		sync_job_free(sj);
		job_end(&jr, JOB_FAILED, "out of memory", &c->err);
		api_fail(c, 500, "out of memory");
		return;
	}
	sj->find = c->find;
	sj->acc = a;
	sj->job_id = jr.id;
	/* the answer shows the job as it starts: a quick job may be over by the time we answer */
	if (store_job_get(c->st, jr.id, &snap, &c->err) != 0) {
		sync_job_free(sj);
		job_end(&jr, JOB_FAILED, "the store could not be read", &c->err);
		api_fail(c, 503, "the store is unavailable; try again");
		return;
	}
	pthread_mutex_lock(&jobs_lock);
	jobs_running++;
	pthread_mutex_unlock(&jobs_lock);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	{
		pthread_t t;

		rc = pthread_create(&t, &attr, sync_job_thread, sj);
	}
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		pthread_mutex_lock(&jobs_lock);
		jobs_running--;
		pthread_mutex_unlock(&jobs_lock);
		free(snap.message);
		sync_job_free(sj);
		job_end(&jr, JOB_FAILED, "could not start a thread for the job", &c->err);
		api_fail(c, 503, "could not start the job; try again");
		return;
	}
	journal(c->st, a.id, a.name, "sync-now", LOG_INFO, "%s pressed Sync Now (job %lld)", c->who.name,
		(long long)jr.id);
	api_reply(c, 202, json_pack("{s:o, s:b}", "job", render_job(&snap), "started", 1));
	free(snap.message);
}

/* GET /jobs/{id}: a job of an account the caller may see. */
void
api_get_job(struct call *c, const char *text)
{
	struct job j;
	int64_t id;
	int rc;

	if (parse_int64(text, 1, INT64_MAX, &id) < 0) {
		api_fail(c, 400, "'%s' is not a job id", text);
		return;
	}
	rc = store_job_get(c->st, id, &j, &c->err);
	if (rc == 0 && !auth_may_act_on(&c->who, j.account_id)) {
		free(j.message);
		rc = STORE_NOTFOUND;
	}
	if (rc == STORE_NOTFOUND) {
		api_fail(c, 404, "no job %lld", (long long)id);
		return;
	}
	if (rc < 0) {
		api_fail(c, 503, "the store is unavailable; try again");
		return;
	}
	api_reply(c, 200, json_pack("{s:o}", "job", render_job(&j)));
	free(j.message);
}
