/*
 * engine.c: per-item dispatch. Guard clauses first (each with why), then one
 * call into the flow for the item's queue. Flows arrive with the connectors
 * (customers, customer types, orders, catalog); a queue without a flow in
 * this build fails the item with a plain comment instead of guessing.
 */
#include "core/engine.h"

#include <stdlib.h>
#include <string.h>

#include "core/comments.h"

struct engine {
	int unused;
};

typedef int (*flow_fn)(struct engine *e, struct store *st, const struct queue_item *it, int is_retry,
		       struct work_result *res);

static const struct {
	const char *queue;
	flow_fn run;
} flows[] = {
	{ NULL, NULL },
};

int
engine_new(struct engine **out, struct sbuf *err)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : error_set(err, "out of memory");
}

void
engine_free(struct engine *e)
{
	free(e);
}

static int
has_connection(struct store *st, int64_t account_id, const char *role, int *has, struct sbuf *err)
{
	struct connection c;
	int rc = store_connection_get(st, account_id, role, &c, err);

	if (rc < 0)
		return -1;
	*has = rc == 0;
	connection_free(&c);
	return 0;
}

int
engine_handle(void *ctx, struct store *st, const struct queue_item *it, int is_retry, struct work_result *res)
{
	struct engine *e = ctx;
	struct sbuf err = SBUF_INIT;
	int has_pos, has_shop;

	/* both sides must be configured before anything can be carried across */
	if (has_connection(st, it->account_id, "pos", &has_pos, &err) < 0 ||
	    has_connection(st, it->account_id, "shop", &has_shop, &err) < 0) {
		res->status = ITEM_RETRY;  /* the store hiccuped: try again later */
		sbuf_addstr(&res->comment, "Could not read the account's connections");
		sbuf_addstr(&res->detail, err.buf);
		sbuf_release(&err);
		return 0;
	}
	sbuf_release(&err);
	if (!has_pos) {
		res->status = ITEM_FAILED;
		sbuf_addstr(&res->comment, comment_text(COMMENT_NO_POS_CONNECTION));
		return 0;
	}
	if (!has_shop) {
		res->status = ITEM_FAILED;
		sbuf_addstr(&res->comment, comment_text(COMMENT_NO_SHOP_CONNECTION));
		return 0;
	}
	for (size_t i = 0; i < sizeof(flows) / sizeof(flows[0]); i++)
		if (flows[i].queue && strcmp(flows[i].queue, it->queue) == 0)
			return flows[i].run(e, st, it, is_retry, res);
	res->status = ITEM_FAILED;
	sbuf_addstr(&res->comment, comment_text(COMMENT_UNKNOWN_QUEUE));
	return 0;
}
