/*
 * metrics.h: process-wide counters for Prometheus (GET /metrics). Cheap and
 * thread-safe; label values come from small fixed sets (connector kinds,
 * queue names, outcomes), so series do not multiply.
 */
#ifndef TILLSYNC_METRICS_H
#define TILLSYNC_METRICS_H

#include <stdint.h>

#include "util/sbuf.h"

/* One call to a remote: outcome is "ok", "4xx", "5xx", "429", "transport". */
void metrics_remote_call(const char *remote, const char *outcome, int64_t elapsed_us);
/* A queue item ended an attempt with status (succeeded, skipped, retry, failed). */
void metrics_item_outcome(const char *queue, const char *status);
/* Named events: "rate_limited", "retry_scheduled", "webhook_accepted", "webhook_refused". */
void metrics_event(const char *name);
/* Appends the exposition text of everything counted so far. */
void metrics_render(struct sbuf *out);

#endif
