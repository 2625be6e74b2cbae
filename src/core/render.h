/*
 * render.h: store records as JSON objects, with the stable field names the
 * CLI's --json listings and the admin API share (one definition, so the two
 * never drift). Times are ISO-8601 UTC strings, or null. Secrets are never
 * rendered: connections say only whether credentials are set.
 */
#ifndef TILLSYNC_RENDER_H
#define TILLSYNC_RENDER_H

#include <jansson.h>

#include "store/store.h"

json_t *render_time(int64_t ms);
json_t *render_account(const struct account *a);
json_t *render_item(const struct queue_item *it);
json_t *render_attempt(const struct queue_attempt *a);
json_t *render_job(const struct job *j);
/* One feed of the health monitor; row may be NULL (never ran). */
json_t *render_feed_health(const char *feed, const char *state, const struct feed_health *row);
json_t *render_log(const struct log_entry *e);
json_t *render_inbound(const struct inbound_event *e);
json_t *render_link(const struct link *l, const char *account);
json_t *render_connection(const struct connection *c, const char *account);
/* Every setting of the account with defaults filled in; secrets as "(set)". */
json_t *render_settings(struct store *st, int64_t account_id, struct sbuf *err);
/* Queue depth per queue and status, every queue and status present. */
json_t *render_queue_counts(const struct queue_count *qc, size_t n);

#endif
