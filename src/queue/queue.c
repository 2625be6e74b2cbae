#include "queue/queue.h"

#include <string.h>

const struct queue_def queue_defs[] = {
	{ "orders", "Orders Queue", 10, 0 },
	{ "customers", "Customers Queue", 20, 0 },
	{ "customer_types", "Customer Types Queue", 30, 0 },
	/* catalog queues are written in the shop's batches (100 a request) */
	{ "inventory", "Inventory Queue", 40, 100 },
	{ "promotions", "Promotions Queue", 50, 0 },
	{ "categories", "Categories Queue", 60, 0 },
	{ "products", "Products Queue", 70, 100 },
};
const size_t queue_def_count = sizeof(queue_defs) / sizeof(queue_defs[0]);

const struct queue_def *
queue_def_find(const char *name)
{
	for (size_t i = 0; name && i < queue_def_count; i++)
		if (strcmp(queue_defs[i].name, name) == 0)
			return &queue_defs[i];
	return NULL;
}

size_t
queue_claim_limit(int priority, size_t dflt)
{
	for (size_t i = 0; i < queue_def_count; i++)
		if (queue_defs[i].priority == priority && queue_defs[i].claim)
			return queue_defs[i].claim;
	return dflt;
}

int
queue_direction_valid(const char *d)
{
	return d && (strcmp(d, DIRECTION_POS_TO_SHOP) == 0 || strcmp(d, DIRECTION_SHOP_TO_POS) == 0);
}

int
queue_reason_valid(const char *r)
{
	return r && (strcmp(r, REASON_CYCLE) == 0 || strcmp(r, REASON_WEBHOOK) == 0 ||
		     strcmp(r, REASON_MANUAL) == 0 || strcmp(r, REASON_RETRY) == 0);
}

int64_t
queue_backoff_ms(const struct retry_policy *p, int attempt, struct rng *r)
{
	int64_t d = p->base_ms;

	if (attempt < 1)
		attempt = 1;
	for (int i = 1; i < attempt && d < p->cap_ms; i++)
		d *= 2;
	if (d > p->cap_ms)
		d = p->cap_ms;
	if (d <= 1)
		return d;
	return d / 2 + (int64_t)rng_below(r, (uint64_t)(d - d / 2) + 1);
}

int
queue_enqueue(struct store *st, int64_t account_id, const char *queue, const char *subject_type,
	      const char *subject_id, const char *direction, const char *reason, const char *payload,
	      const struct retry_policy *policy, int64_t now, int64_t *id, int *coalesced, struct sbuf *err)
{
	const struct queue_def *q = queue_def_find(queue);
	struct retry_policy def = RETRY_POLICY_DEFAULT;
	struct queue_new_item it;

	if (!q)
		return error_set(err, "unknown queue '%s' (one of: orders, customers, customer_types, "
				 "inventory, promotions, categories, products)", queue ? queue : "");
	if (!queue_direction_valid(direction))
		return error_set(err, "direction must be '%s' or '%s'", DIRECTION_POS_TO_SHOP, DIRECTION_SHOP_TO_POS);
	if (!queue_reason_valid(reason))
		return error_set(err, "reason must be cycle, webhook, manual or retry");
	if (!policy)
		policy = &def;
	memset(&it, 0, sizeof(it));
	it.account_id = account_id;
	it.queue = q->name;
	it.subject_type = subject_type;
	it.subject_id = subject_id;
	it.direction = direction;
	it.reason = reason;
	it.priority = q->priority;
	it.max_attempts = policy->max_attempts;
	it.payload = payload;
	it.comment = "";
	return store_queue_enqueue(st, &it, 1, now, id, coalesced, err);
}
