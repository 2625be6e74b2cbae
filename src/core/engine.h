/*
 * engine.h: what happens to a queue item. The engine looks at the item's
 * account (settings, connections, links) and runs the flow for its queue
 * through the connector interface; it never names a vendor.
 */
#ifndef TILLSYNC_ENGINE_H
#define TILLSYNC_ENGINE_H

#include "queue/worker.h"

struct engine;

int engine_new(struct engine **out, struct sbuf *err);
void engine_free(struct engine *e);

/* The worker pool's handler (work_handler_fn); ctx is the struct engine. */
int engine_handle(void *ctx, struct store *st, const struct queue_item *item, int is_retry,
		  struct work_result *res);

#endif
