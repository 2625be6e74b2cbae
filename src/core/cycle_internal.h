/*
 * cycle_internal.h: what the feeds of a cycle share (cycle.c, cycle_stock.c).
 * Internal to src/core.
 */
#ifndef TILLSYNC_CYCLE_INTERNAL_H
#define TILLSYNC_CYCLE_INTERNAL_H

#include "core/cycle.h"

struct cycle {
	struct engine *engine;
	struct store *st;
	struct account acc;
	struct cycle_result *out;
	struct sbuf *err;
	struct retry_policy policy;
	int full;          /* queue every record, changed or not (a full sync) */
};

/* Enqueue (with payload, may be NULL) + inbound log + fingerprint for one
 * changed record, inside the caller's transaction. */
int cycle_note_change(struct cycle *c, const char *side, const char *entity, const char *queue,
		      const char *direction, const char *id, const char *fp, const char *summary, const char *payload);
/* 1 when fp differs from the stored one (or none is stored); -1 on error. */
int cycle_changed(struct cycle *c, const char *side, const char *entity, const char *id, const char *fp);

/* cycle_stock.c: the inventory push (POS stock -> Inventory Queue) and the
 * stock reconciliation (shop stock compared with the master's). */
int cycle_inventory(struct cycle *c, struct connector *pos);
int cycle_stock_check(struct cycle *c, struct connector *pos);

#endif
