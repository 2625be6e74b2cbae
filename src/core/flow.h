/*
 * flow.h: what every flow (one per queue) gets, and the small helpers they
 * share. Internal to src/core.
 */
#ifndef TILLSYNC_FLOW_H
#define TILLSYNC_FLOW_H

#include "connectors/connector.h"
#include "core/comments.h"
#include "core/engine.h"
#include "queue/worker.h"

struct flow {
	struct engine *engine;
	struct store *st;
	const struct queue_item *it;
	int is_retry;
	struct work_result *res;
	struct account account;
	struct connector *pos;
	struct connector *shop;
	struct comment_names names;
	struct remote_error re;
	struct sbuf err;
};

/* End the item: status plus the catalogue comment, and what the remote said. */
int flow_end(struct flow *f, enum item_status status, enum comment_id comment);
int flow_end_remote(struct flow *f, enum item_status status, enum comment_id comment);
/* Status for a remote failure: temporary -> RETRY (with the remote's wait), else FAILED. */
enum item_status flow_status_for(struct flow *f, enum remote_status rs);
/* A store error inside a flow: try again later, the detail says why. */
int flow_store_error(struct flow *f);
/* SHA-256 hex of text: fingerprints of what was last synced. */
void flow_fingerprint(const char *text, char out[65]);
int flow_log(struct flow *f, int type, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Opens the account's connector for role; on failure ends the item with a plain comment, -1. */
int flow_open_side(struct flow *f, const char *role, struct connector **out);
/* The process's SKU census (sku_census.h), one for every worker. */
struct sku_census *engine_sku_census(struct engine *e);

/* The connectors' merchant-facing names into f->names. */
void flow_set_names(struct flow *f);

int flow_customers(struct flow *f);
int flow_customer_types(struct flow *f);
int flow_orders(struct flow *f);
/* The Products Queue: the claimed items of one account together (batch writes). */
int flow_products_batch(struct engine *e, struct store *st, const struct queue_item *items, size_t n,
			struct work_result *res);
/* The Inventory Queue: quantities to the shop, in the same batch writes. */
int flow_inventory_batch(struct engine *e, struct store *st, const struct queue_item *items, size_t n,
			 struct work_result *res);

#endif
