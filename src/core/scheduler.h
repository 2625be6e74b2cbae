/*
 * scheduler.h: the daemon's periodic duties, run from one loop (as Redis's
 * serverCron): each duty has a period, and scheduler_tick() runs the ones
 * that are due. The cycle duty runs each account's feeds every
 * cycle_interval (account setting).
 */
#ifndef TILLSYNC_SCHEDULER_H
#define TILLSYNC_SCHEDULER_H

#include <stdint.h>

#include "core/engine.h"
#include "store/store.h"

struct scheduler;

int scheduler_new(struct scheduler **out, struct store *st, struct engine *e, struct sbuf *err);
void scheduler_free(struct scheduler *s);
/* Runs every duty whose period has passed; now is monotonic milliseconds. */
void scheduler_tick(struct scheduler *s, int64_t now_mono);

#endif
