/*
 * duplicates.h: products that share a SKU on one side, the top cause of
 * "duplicate products after sync", found by reading both sides' catalogs,
 * and the merge that fixes one: link the POS product to the shop product
 * to keep, and set the other shop copies to draft.
 *
 * SKUs are compared trimmed and without case, as shops and tills treat
 * "OAK-1" and "oak-1 " as the same article.
 */
#ifndef TILLSYNC_DUPLICATES_H
#define TILLSYNC_DUPLICATES_H

#include <jansson.h>
#include <stddef.h>

#include "core/engine.h"

struct duplicate_member {
	char id[MODEL_ID_LEN];
	char sku[128];                   /* as that side spells it */
	char name[256];                  /* "" where the side's listing has none */
	char linked_to[MODEL_ID_LEN];    /* the other side's id, "" when unlinked */
};

struct duplicate_group {
	const char *side;                /* "pos" or "shop" */
	char sku[128];                   /* normalised: trimmed, lower case */
	struct duplicate_member *members;
	size_t n;
};

struct duplicate_report {
	struct duplicate_group *groups;
	size_t n;
	size_t pos_products, shop_products;   /* how many were read */
};

void duplicate_report_release(struct duplicate_report *r);
/* {"account","pos_products","shop_products","groups":[{"side","sku","products":[{"id","sku","name","linked_to"}]}]}
 * for the CLI's --json and the API alike. */
json_t *duplicates_json(const struct duplicate_report *r, const char *account);

/* Leading and trailing blanks dropped, in place. */
void sku_trim(char *s);
/* A SKU as compared: leading and trailing blanks dropped, lower case. */
void sku_key(const char *sku, char *out, size_t len);

/* Reads the account's POS catalog and the shop's products and groups
 * same-SKU products per side. -1 with err when a side cannot be read. */
int duplicates_find(struct engine *e, struct store *st, const struct account *acc, struct duplicate_report *out,
		    struct sbuf *err);

/* Links POS product pos_id to shop product keep_shop_id (taking the link
 * from whichever POS product had it), sets every other shop product with
 * the same SKU as keep to draft, and queues the product for an update.
 * What was done goes to *said (one line per step). */
int duplicates_merge(struct engine *e, struct store *st, const struct account *acc, const char *pos_id,
		     const char *keep_shop_id, struct sbuf *said, struct sbuf *err);

#endif
