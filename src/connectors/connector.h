/*
 * connector.h: how tillsync talks to a remote system.
 *
 * Adding a connector
 *   1. Make src/connectors/<kind>/ with <kind>.c exporting one
 *      `const struct connector_ops <kind>_connector` filled with designated
 *      initializers; leave a slot NULL when the remote has no such thing
 *      (the engine then says so in the item's Comment).
 *   2. Add it to the table in registry.c and to src/connectors/CMakeLists.txt.
 *   3. Add its emulator to sandbox/ and test the connector against it.
 *
 * A connector translates: model.h records to the vendor's JSON and back,
 * vendor errors to struct remote_error. It never touches the store, never
 * decides what to sync, and never logs secrets. One struct connector is one
 * authenticated HTTP connection, used by one thread at a time.
 *
 * Every call returns an enum remote_status. REMOTE_OK fills the out-record;
 * anything else fills *re: a human message naming what failed and, where
 * the remote answered, its status and body (kept with the queue attempt so
 * support sees exactly what the remote said).
 */
#ifndef TILLSYNC_CONNECTOR_H
#define TILLSYNC_CONNECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "connectors/model.h"
#include "util/sbuf.h"

enum remote_status {
	REMOTE_OK = 0,
	REMOTE_NOT_FOUND,     /* the record does not exist (404 or an empty match) */
	REMOTE_TEMPORARY,     /* down, timeout, 5xx, 429, maintenance: try again later */
	REMOTE_REFUSED,       /* the remote understood and said no (validation, 4xx) */
	REMOTE_AUTH,          /* credentials wrong, revoked or without permission */
	REMOTE_BAD_ANSWER,    /* an answer we cannot read (not JSON, wrong shape) */
	REMOTE_UNSUPPORTED,   /* this remote has no such operation */
};

struct remote_error {
	enum remote_status status;
	long http_status;          /* 0 when no HTTP answer */
	int64_t retry_after_ms;    /* the remote asked us to wait this long */
	int may_have_landed;       /* a write whose answer was lost: look before resending */
	struct sbuf message;       /* one human line */
	struct sbuf body;          /* the remote's answer text, capped */
};

void remote_error_init(struct remote_error *re);
void remote_error_reset(struct remote_error *re);
void remote_error_release(struct remote_error *re);
/* Sets status and message; returns status so `return remote_fail(re, ...)` reads well. */
enum remote_status remote_fail(struct remote_error *re, enum remote_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *remote_status_name(enum remote_status s);

struct connector;

/* A page of changes; `more` says whether to ask for the next page. */
struct change_page {
	int page;                  /* 1-based */
	int more;
	int pages;                 /* how many pages the remote says it has; 0 when it does not say */
};

/* One change a remote pushed to us. */
struct webhook_event {
	int is_ping;                     /* a test delivery: answer 200, store nothing */
	char entity[32];                 /* "order", "customer", "product", "coupon" */
	char remote_id[MODEL_ID_LEN];
	char topic[64];                  /* the remote's own word, for the inbound log */
	int deleted;
};

/* Request headers, looked up by name (case-insensitive); NULL when absent. */
typedef const char *(*webhook_header_fn)(void *ctx, const char *name);

struct connector_ops {
	const char *kind;          /* "eposnow": what connection add --kind takes */
	const char *role;          /* "pos" or "shop" */
	const char *display_name;  /* "Epos Now": merchant-facing */
	const char *compact_name;  /* "EposNow": as some help texts write it */
	const char *upper_name;    /* "EPOSNOW" */

	/* credentials is the JSON object stored by `connection add` */
	enum remote_status (*open)(struct connector **out, const char *base_url, const char *credentials,
				   struct remote_error *re);
	void (*close)(struct connector *c);
	/* Reads something cheap and, where possible, checks write permission. */
	enum remote_status (*test)(struct connector *c, struct remote_error *re);

	/* Customers */
	enum remote_status (*customer_get)(struct connector *c, const char *id, struct customer *out,
					   struct remote_error *re);
	/* All customers, a page at a time (remotes without a change filter). */
	enum remote_status (*customers_page)(struct connector *c, struct change_page *pg, struct customer **out,
					     size_t *n, struct remote_error *re);
	/* Every customer with this e-mail (several are possible in some POS):
	 * REMOTE_OK with *n == 0 and *out NULL when there is none. *out is one
	 * malloc'd array the caller frees. */
	enum remote_status (*customers_by_email)(struct connector *c, const char *email, struct customer **out,
						 size_t *n, struct remote_error *re);
	enum remote_status (*customer_create)(struct connector *c, const struct customer *in, struct customer *out,
					      struct remote_error *re);
	enum remote_status (*customer_update)(struct connector *c, const char *id, const struct customer_update *u,
					      struct remote_error *re);

	/* Customer types (POS) */
	enum remote_status (*customer_type_get)(struct connector *c, const char *id, struct customer_type *out,
						struct remote_error *re);
	enum remote_status (*customer_types_list)(struct connector *c, struct customer_type **out, size_t *n,
						  struct remote_error *re);

	/* Customer groups (shop): the POS's customer types, where the shop has groups.
	 * NULL when it has none (WooCommerce): the type then travels on each customer. */
	enum remote_status (*customer_group_save)(struct connector *c, const struct customer_type *t,
						  struct remote_error *re);
	enum remote_status (*customer_group_delete)(struct connector *c, const char *pos_type_id,
						    struct remote_error *re);

	/* Orders (shop): changed since `since` (UTC ms), oldest first */
	enum remote_status (*orders_changed)(struct connector *c, int64_t since, struct change_page *pg,
					     struct order **out, size_t *n, struct remote_error *re);
	enum remote_status (*order_get)(struct connector *c, const char *id, struct order *out,
					struct remote_error *re);

	/* Sales (POS): the shop's orders written into the till */
	enum remote_status (*sale_find)(struct connector *c, const char *reference, int64_t around,
					struct pos_sale *out, struct remote_error *re);
	enum remote_status (*sale_create)(struct connector *c, const struct pos_sale *in, struct pos_sale *out,
					  struct remote_error *re);

	/* Products: just enough for matching order lines */
	enum remote_status (*product_find_by_sku)(struct connector *c, const char *sku, char *id_out, size_t id_len,
						  struct remote_error *re);
	/* id is "<product>" or, for a variation, "<parent>/<variation>". */
	enum remote_status (*product_get_sku)(struct connector *c, const char *id, char *sku_out, size_t sku_len,
					      struct remote_error *re);

	/* ---- Catalog. Arrays in *out are one malloc'd block the caller frees. ---- */

	/* Catalog master: the catalog a page at a time (a POS: each product with its
	 * tax rate and tiers; a shop: its products, not their variations). */
	enum remote_status (*products_page)(struct connector *c, struct change_page *pg, struct product **out,
					    size_t *n, struct remote_error *re);
	/* Catalog master: one product (a change pushed without its content). */
	enum remote_status (*product_get)(struct connector *c, const char *id, struct product *out,
					  struct remote_error *re);
	/* Both: every category. */
	enum remote_status (*categories_list)(struct connector *c, struct category **out, size_t *n,
					      struct remote_error *re);
	/* Make a category (parent_id is the remote's); out gets its id. */
	enum remote_status (*category_create)(struct connector *c, const struct category *in, struct category *out,
					      struct remote_error *re);
	/* Both: stock a page at a time. location "" sums every location (POS). */
	enum remote_status (*stock_page)(struct connector *c, const char *location, struct change_page *pg,
					 struct stock_level **out, size_t *n, struct remote_error *re);
	/* Catalog target: the products holding any of these SKUs (REMOTE_OK and *n
	 * == 0 when none; a POS may list several for one SKU). */
	enum remote_status (*products_by_sku)(struct connector *c, const char *const *skus, size_t nskus,
					      struct shop_product **out, size_t *n, struct remote_error *re);
	/* Catalog target whose SKUs are unique (it refuses a create whose SKU
	 * another record holds), and only such a target: its products' ids,
	 * SKUs and statuses a page at a time, the list products_by_sku
	 * searches; pg->pages set. For the SKU census of a small target
	 * (core/sku_census.h). */
	enum remote_status (*product_skus_page)(struct connector *c, struct change_page *pg,
						struct shop_product **out, size_t *n, struct remote_error *re);
	/* Catalog target: create or update up to products_write_max products in one request.
	 * REMOTE_OK means the request was answered: out[i] then says what became
	 * of w[i] (some may be refused). Anything else: the request as a whole
	 * failed; with re->may_have_landed some creates may exist anyway, so look
	 * them up by SKU before sending them again. One call writes products
	 * (simple or variable), or variations of one variable product (every
	 * w[i].kind PRODUCT_VARIATION with the same parent_id), not both. */
	enum remote_status (*products_write)(struct connector *c, const struct product_write *w, size_t n,
					     struct write_outcome *out, struct remote_error *re);
	size_t products_write_max;
	/* Shop: a variable product's options and every variation (id, SKU as
	 * stored, status); REMOTE_NOT_FOUND when the shop no longer has it. */
	enum remote_status (*variable_product_get)(struct connector *c, const char *shop_id,
						   struct variable_product *out, struct remote_error *re);

	/* Webhooks: check a delivery's signature against our secret (in constant
	 * time) and read which record changed. REMOTE_AUTH for a missing or bad
	 * signature: the caller answers 401 and stores nothing. */
	enum remote_status (*webhook_verify)(const char *secret, webhook_header_fn header, void *header_ctx,
					     const char *body, size_t len, struct webhook_event *ev,
					     struct remote_error *re);
	/* Webhooks: make sure ours exist and are active; *repaired counts fixes */
	enum remote_status (*webhooks_ensure)(struct connector *c, const char *delivery_url, const char *secret,
					      const char *const *topics, size_t ntopics, int *repaired,
					      struct remote_error *re);
};

struct connector {
	const struct connector_ops *ops;
};



const struct connector_ops *connector_find(const char *kind);
/* NULL-terminated list of every built-in connector. */
extern const struct connector_ops *const connector_table[];

#endif
