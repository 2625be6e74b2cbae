/*
 * job.h: long work with visible progress ("Updating product 825 of 12403").
 *
 *	struct job_run jr;
 *	switch (job_begin(&jr, st, account_id, "products", "sync-now", &err)) {
 *	case 0: break;                       // we own a new running job
 *	case STORE_BUSY: ...                 // a live job of that kind runs: report it
 *	default: ...                         // error in err
 *	}
 *	for (...) if (job_step(&jr, "Updating product", i, total, &err) == STORE_GONE) break;
 *	job_end(&jr, JOB_SUCCEEDED, "12403 products synced", &err);
 *
 * A job whose heartbeat is older than JOB_STALE_MS counts as stuck: starting
 * the same kind again (Sync Now) marks it replaced, and the stuck runner
 * learns it on its next job_step (STORE_GONE) and stops.
 */
#ifndef TILLSYNC_JOB_H
#define TILLSYNC_JOB_H

#include <stdint.h>

#include "store/store.h"

#define JOB_STALE_MS (2 * 60 * 1000)
#define JOB_BEAT_MS 500          /* progress is written at most this often */

struct job_run {
	struct store *st;
	int64_t id;
	int64_t other;               /* the replaced job, or the running one on STORE_BUSY */
	int64_t last_beat_ms;        /* monotonic */
	char last_phase[64];
};

int job_begin(struct job_run *jr, struct store *st, int64_t account_id, const char *kind, const char *trigger,
	      int64_t stale_ms, struct sbuf *err);
/* 0, STORE_GONE (replaced or cancelled: stop working) or -1. */
int job_step(struct job_run *jr, const char *phase, int64_t done, int64_t total, struct sbuf *err);
int job_end(struct job_run *jr, enum job_state state, const char *message, struct sbuf *err);

#endif
