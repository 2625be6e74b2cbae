#include "core/scheduler.h"

#include <inttypes.h>
#include <stdlib.h>

#include "core/journal.h"
#include "util/log.h"

struct scheduler {
	struct store *st;
	int64_t last_run[4];
};

/* Every minute: one line with the queue depths, so a stuck queue shows in the logs. */
static void
duty_queue_summary(struct scheduler *s)
{
	struct sbuf err = SBUF_INIT;
	struct queue_count *qc;
	size_t n;
	int64_t by_status[ITEM_STATUS_COUNT] = { 0 };

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

static const struct {
	const char *name;
	int64_t period_ms;
	void (*run)(struct scheduler *s);
} duties[] = {
	{ "queue-summary", 60 * 1000, duty_queue_summary },
};

int
scheduler_new(struct scheduler **out, struct store *st, struct sbuf *err)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return error_set(err, "out of memory");
	(*out)->st = st;
	return 0;
}

void
scheduler_free(struct scheduler *s)
{
	free(s);
}

void
scheduler_tick(struct scheduler *s, int64_t now_mono)
{
	for (size_t i = 0; i < sizeof(duties) / sizeof(duties[0]); i++) {
		if (s->last_run[i] && now_mono - s->last_run[i] < duties[i].period_ms)
			continue;
		s->last_run[i] = now_mono;
		duties[i].run(s);
	}
}
