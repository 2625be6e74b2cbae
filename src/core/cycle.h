/*
 * cycle.h: ask one remote what changed for one account and feed, and queue
 * it (see cycle.c). Run by the scheduler every cycle_interval, and by
 * `tillsync cycle` on demand.
 */
#ifndef TILLSYNC_CYCLE_H
#define TILLSYNC_CYCLE_H

#include <stddef.h>

#include "core/engine.h"

extern const char *const cycle_feeds[];   /* NULL-terminated */
/* 1 when the account's settings switch the feed off (product_sync=off), 0 when on, -1 on error. */
int cycle_feed_off(struct store *st, int64_t account_id, const char *feed, struct sbuf *err);
/* The setting that says how often a feed runs: "cycle_interval" or "catalog_interval". */
const char *cycle_interval_setting(const char *feed);

struct cycle_result {
	size_t seen;      /* records read from the remote */
	size_t queued;    /* changes put in a queue */
	int skipped;      /* nothing to ask: no connection for this feed yet, or it is switched off */
	int webhooks_repaired;  /* webhooks created or re-enabled in this cycle */
	int corrections;        /* shop stock set back to the master's (stock_check) */
};

int cycle_run(struct engine *e, struct store *st, const struct account *acc, const char *feed,
	      struct cycle_result *out, struct sbuf *err);
/* The same, queueing every record whether it changed or not (Sync Now of
 * products or inventory: the shop is brought in line with the master). */
int cycle_run_full(struct engine *e, struct store *st, const struct account *acc, const char *feed,
		   struct cycle_result *out, struct sbuf *err);

#endif
