/*
 * engine.h: what happens to a queue item. The engine looks at the item's
 * account (settings, connections, links) and runs the flow for its queue
 * through the connector interface; it never names a vendor. The connectors
 * themselves are handed in (connector_find), so the engine library links
 * only the interface.
 */
#ifndef TILLSYNC_ENGINE_H
#define TILLSYNC_ENGINE_H

#include "connectors/connector.h"
#include "queue/worker.h"

struct engine;

typedef const struct connector_ops *(*connector_find_fn)(const char *kind);

int engine_new(struct engine **out, connector_find_fn find, struct sbuf *err);
void engine_free(struct engine *e);

/* The worker pool's handler (work_handler_fn); ctx is the struct engine. */
int engine_handle(void *ctx, struct store *st, const struct queue_item *item, int is_retry,
		  struct work_result *res);

/* A worker pool that runs this engine: both handlers, so catalog queues are
 * written in batches wherever workers run. */
void engine_worker_config(struct engine *e, const char *db_path, struct worker_pool_config *cfg);

/* The worker pool's batch handler (work_batch_handler_fn): catalog queues
 * are written to the shop a batch at a time; others decline (0). */
int engine_handle_batch(void *ctx, struct store *st, const struct queue_item *items, size_t n,
			struct work_result *res);

/* Opens the account's connector for role "pos" or "shop". STORE_NOTFOUND when
 * the account has no such connection. *ops may be passed NULL. */
int engine_open_connector(struct engine *e, struct store *st, int64_t account_id, const char *role,
			  struct connector **out, struct remote_error *re, struct sbuf *err);

/* Test Connection for one side: what `connection test` and the API report. */
struct connection_check {
	const char *role;            /* "pos" or "shop" */
	int configured;              /* the account has this connection */
	int opened;                  /* its connector could be opened: kind and name are set */
	int ok;                      /* the remote answered the connector's test */
	const char *kind;            /* "eposnow" */
	const char *display_name;    /* "Epos Now" */
	char message[512];           /* why not, in plain words; "" when ok */
};

/* Opens and tests the account's POS, then its shop (out[0], out[1]).
 * Returns how many of the two are not ok. */
int engine_test_connections(struct engine *e, struct store *st, int64_t account_id, struct connection_check out[2]);

#endif
