#include "queue/job.h"

#include <stdio.h>
#include <string.h>

#include "util/timeutil.h"

int
job_begin(struct job_run *jr, struct store *st, int64_t account_id, const char *kind, const char *trigger,
	  int64_t stale_ms, struct sbuf *err)
{
	memset(jr, 0, sizeof(*jr));
	jr->st = st;
	jr->last_beat_ms = time_mono_ms();
	return store_job_start(st, account_id, kind, trigger, time_now_ms(), stale_ms ? stale_ms : JOB_STALE_MS,
			       &jr->id, &jr->other, err);
}

int
job_step(struct job_run *jr, const char *phase, int64_t done, int64_t total, struct sbuf *err)
{
	int64_t now = time_mono_ms();
	int phase_changed = strcmp(phase ? phase : "", jr->last_phase) != 0;

	/* throttle writes, but never skip a phase change or the last step */
	if (!phase_changed && done != total && now - jr->last_beat_ms < JOB_BEAT_MS)
		return 0;
	jr->last_beat_ms = now;
	snprintf(jr->last_phase, sizeof(jr->last_phase), "%s", phase ? phase : "");
	return store_job_progress(jr->st, jr->id, phase, done, total, time_now_ms(), err);
}

int
job_end(struct job_run *jr, enum job_state state, const char *message, struct sbuf *err)
{
	return store_job_finish(jr->st, jr->id, state, message, time_now_ms(), err);
}
