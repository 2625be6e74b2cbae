#include "core/scheduler.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/cycle.h"
#include "core/journal.h"
#include "core/settings.h"
#include "util/log.h"
#include "util/timeutil.h"

struct feed_timer {
	int64_t account_id;
	int feed;
	int64_t last_run;            /* monotonic ms; 0: never */
};

struct scheduler {
	struct store *st;
	struct engine *engine;
	int64_t last_run[2];
	struct feed_timer *timers;
	size_t ntimers;
};

/* Every minute: one line with the queue depths, so a stuck queue shows in the logs. */
static void
duty_queue_summary(struct scheduler *s, int64_t now)
{
	struct sbuf err = SBUF_INIT;
	struct queue_count *qc;
	size_t n;
	int64_t by_status[ITEM_STATUS_COUNT] = { 0 };

	(void)now;
	if (store_queue_counts(s->st, 0, &qc, &n, &err) < 0) {
		log_line(LOG_ERROR, NULL, "scheduler", "cannot read queue depths: %s", err.buf);
		sbuf_release(&err);
		return;
	}
	for (size_t i = 0; i < n; i++)
		by_status[qc[i].status] += qc[i].count;
	log_line(LOG_INFO, NULL, "scheduler",
		 "queues: %" PRId64 " pending, %" PRId64 " running, %" PRId64 " to retry, %" PRId64
		 " failed (need an operator)", by_status[ITEM_PENDING], by_status[ITEM_RUNNING],
		 by_status[ITEM_RETRY], by_status[ITEM_FAILED]);
	free(qc);
	sbuf_release(&err);
}

static struct feed_timer *
timer_for(struct scheduler *s, int64_t account_id, int feed)
{
	struct feed_timer *t;

	for (size_t i = 0; i < s->ntimers; i++)
		if (s->timers[i].account_id == account_id && s->timers[i].feed == feed)
			return &s->timers[i];
	t = realloc(s->timers, (s->ntimers + 1) * sizeof(*t));
	if (!t)
		return NULL;
	s->timers = t;
	t = &s->timers[s->ntimers++];
	t->account_id = account_id;
	t->feed = feed;
	t->last_run = 0;
	return t;
}

/* Every second: run the feeds whose cycle_interval has passed. */
static void
duty_cycles(struct scheduler *s, int64_t now)
{
	struct sbuf err = SBUF_INIT;
	struct account *acc;
	size_t n;

	if (store_account_list(s->st, &acc, &n, &err) < 0) {
		log_line(LOG_ERROR, NULL, "scheduler", "cannot list accounts: %s", err.buf);
		sbuf_release(&err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		for (int f = 0; cycle_feeds[f]; f++) {
			struct feed_timer *t = timer_for(s, acc[i].id, f);
			struct cycle_result r;
			int64_t interval;

			if (settings_get_int(s->st, acc[i].id, cycle_interval_setting(cycle_feeds[f]), &interval,
					     &err) < 0)
				continue;
			if (!t || (t->last_run && now - t->last_run < interval))
				continue;
			t->last_run = now;
			sbuf_reset(&err);
			if (cycle_run(s->engine, s->st, &acc[i], cycle_feeds[f], &r, &err) < 0)
				journal(s->st, acc[i].id, acc[i].name, cycle_feeds[f], LOG_ERROR, "cycle failed: %s",
					err.buf);
			else if (r.queued)
				journal(s->st, acc[i].id, acc[i].name, cycle_feeds[f], LOG_INFO,
					"cycle: %zu read, %zu changes queued", r.seen, r.queued);
		}
	}
	free(acc);
	sbuf_release(&err);
}

static const struct {
	const char *name;
	int64_t period_ms;
	void (*run)(struct scheduler *s, int64_t now);
} duties[] = {
	{ "queue-summary", 60 * 1000, duty_queue_summary },
	{ "cycles", 1000, duty_cycles },
};

int
scheduler_new(struct scheduler **out, struct store *st, struct engine *e, struct sbuf *err)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return error_set(err, "out of memory");
	(*out)->st = st;
	(*out)->engine = e;
	return 0;
}

void
scheduler_free(struct scheduler *s)
{
	if (!s)
		return;
	free(s->timers);
	free(s);
}

void
scheduler_tick(struct scheduler *s, int64_t now_mono)
{
	for (size_t i = 0; i < sizeof(duties) / sizeof(duties[0]); i++) {
		if (s->last_run[i] && now_mono - s->last_run[i] < duties[i].period_ms)
			continue;
		s->last_run[i] = now_mono;
		duties[i].run(s, now_mono);
	}
}
