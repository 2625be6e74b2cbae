/*
 * catalog.h: the Products Queue's batch, shared by flow_products.c (the
 * item's path from POS product to shop write) and catalog_match.c (which
 * shop category and which shop product a POS product belongs to).
 * Internal to src/core.
 */
#ifndef TILLSYNC_CATALOG_H
#define TILLSYNC_CATALOG_H

#include "core/flow.h"
#include "core/pricing.h"

struct variant_plan;

struct catalog_item {
	struct flow f;                 /* its outcome goes through the flow_end helpers */
	struct product p;              /* the master's content */
	int ended;                     /* f.res holds the outcome */
	int linked;
	struct link link;
	char target_id[MODEL_ID_LEN];  /* when linked: the target's record */
	int write;                     /* w is to be sent */
	struct product_write w;
	char fp[65];                   /* fingerprint of w */
	int category_created;
	int matched_now;               /* linked by SKU in this batch */
	int placement_read;            /* a size: where it was last written, read once a batch */
	char placed_parent[MODEL_ID_LEN], placed_option[PRODUCT_OPTION_LEN];
};

/*
 * The catalog flows from its master (the stock_master setting) to the other
 * side: POS -> shop, or shop -> POS (reverse). src and dst are those sides'
 * connectors; names (and every item's f.names) name the source as {pos}
 * and the target as {shop}, so each Comment reads right either way.
 */
struct catalog_batch {
	int stock_only;                /* the Inventory Queue: quantities of linked products */
	int reverse;                   /* the shop is the master: shop -> POS */
	struct connector *src, *dst;   /* the catalog's source and target */
	const char *src_side;          /* "pos", or "shop" when reverse (fingerprints) */
	enum comment_id not_updated;   /* the comment when a write fails as a whole */
	struct engine *engine;
	struct store *st;
	struct account account;
	struct connector *pos, *shop;
	struct comment_names names;
	int shop_includes_tax;
	int skip_missing_category;     /* missing_category is 'skip' */
	int ignore_removed;            /* product_removed is 'ignore' */
	struct tier_rule rules[TIER_RULES_MAX];
	size_t nrules;
	struct category *src_cats, *dst_cats;
	size_t nsrc_cats, ndst_cats;
	int src_cats_read, dst_cats_read;
	struct catalog_item *ci;
	size_t n;
	struct variant_plan *variants; /* the sizes' variable products (catalog_variants.c) */
	struct remote_error re;
	struct sbuf err;
};

/* Links as the catalog's direction sees them: by source id, to a target id
 * (the store keeps them as POS id / shop id either way). */
int catalog_link_get(struct catalog_batch *b, const char *entity, const char *source_id, struct link *l);
int catalog_link_by_target(struct catalog_batch *b, const char *entity, const char *target_id, struct link *l);
const char *catalog_link_target(const struct catalog_batch *b, const struct link *l);
const char *catalog_link_source(const struct catalog_batch *b, const struct link *l);
int catalog_link_set(struct catalog_batch *b, const char *entity, const char *source_id, const char *target_id);
int catalog_link_set_fingerprint(struct catalog_batch *b, const char *entity, const char *source_id,
				 const char *target_id, const char *fp);
/* ci is linked to target_id now (ci->linked, ci->target_id, ci->link) */
void catalog_item_linked(struct catalog_item *ci, const char *target_id);

/* Sets ci->w.category_id to the shop category of the POS product's category,
 * finding it by name or creating it as missing_category says. 0 when the
 * product can be written; -1 when the item was ended (skipped or retry). */
int catalog_resolve_category(struct catalog_batch *b, struct catalog_item *ci);

/* Links the unlinked items among set[] that are about to be created to the
 * shop products holding their SKUs, in one lookup (matched_now is set).
 * Items whose SKU is taken by a product linked elsewhere, or shared, are
 * ended. Anything but REMOTE_OK: the lookup failed (b->re says why) and
 * the unmatched items are left open for the caller. */
enum remote_status catalog_match_by_sku(struct catalog_batch *b, struct catalog_item **set, size_t n);
/* The same before creating: the variable products of never-linked variant
 * groups are asked in the same lookup (catalog_variants_found gets the
 * answer), and SKUs the census rules out are not asked at all. */
enum remote_status catalog_match_before_create(struct catalog_batch *b, struct catalog_item **set, size_t n);
/*
 * catalog_census.c, the target's SKU census (sku_census.h). prepare, once
 * per batch before anything is locked, with how many products it may
 * create: takes the census when it is due and worth it, or waits while
 * another worker takes it. claim: 1 when the product(s) about to be
 * created with this SKU (a product, or the sizes of a variable product)
 * need no lookup: none was ever tried before (no earlier create can have
 * landed) and the census holds no such SKU; the SKU is taken then. 0: look
 * it up. note: a lookup found nothing for sku, it is about to be created.
 */
void catalog_census_prepare(struct catalog_batch *b, size_t creates);
int catalog_census_claim(struct catalog_batch *b, struct catalog_item *const *items, size_t n, const char *sku);
void catalog_census_note(struct catalog_batch *b, const char *sku);
/* The creates among w[] are about to be sent: later products with their SKUs are looked up. */
void catalog_census_note_creates(struct catalog_batch *b, const struct product_write *w, size_t n);
/* A create the target refused because holder_id holds its SKU: ci is linked
 * to it as a lookup would have linked it (or ended as a duplicate). */
void catalog_match_taken(struct catalog_batch *b, struct catalog_item *ci, const char *holder_id);
/* The matching step of catalog_match_by_sku over what the shop listed. */
void catalog_match_found(struct catalog_batch *b, struct catalog_item **set, size_t n, const struct shop_product *found,
			 size_t nfound);

/*
 * catalog_variants.c: the sizes among the batch's items (variant groups)
 * get their variable product found, created or updated, and their writes
 * turned into variations of it; a size whose variable product cannot be
 * written is ended. Sizes are never matched by catalog_match_by_sku. In
 * order (POS -> shop only):
 *   begin     the groups and their links
 *   skus      the SKUs of variable products never linked, for the batch's
 *             one lookup (not those the census rules out: they are
 *             created); found: what it found (or why it failed)
 *   plan      linked ones read where needed; which to write
 *   take      up to `room` variable product writes to send with products;
 *   answered  what became of them (rs, and o[] when REMOTE_OK)
 *   end       the rest written on their own; the sizes aimed at their
 *             variable products (w.kind, w.parent_id) for the variations pass
 *   free      always, once the batch is done
 */
void catalog_variants_begin(struct catalog_batch *b);
size_t catalog_variants_skus(struct catalog_batch *b, const char **skus, size_t room);
void catalog_variants_found(struct catalog_batch *b, enum remote_status rs, const struct shop_product *found,
			    size_t nfound);
void catalog_variants_plan(struct catalog_batch *b);
size_t catalog_variants_pending(const struct catalog_batch *b);   /* how many take could give */
size_t catalog_variants_take(struct catalog_batch *b, struct product_write *w, size_t room);
void catalog_variants_answered(struct catalog_batch *b, enum remote_status rs, const struct write_outcome *o);
void catalog_variants_end(struct catalog_batch *b);
void catalog_variants_free(struct catalog_batch *b);
/* A size's variable product must be read again before the next write (its
 * variation, or itself, is gone in the shop); -1 with b->err. */
int catalog_variants_forget_parent(struct catalog_batch *b, const struct catalog_item *size);
/* Where a size was last written: its variable product's shop id and its
 * option ("" both when never); -1 with b->err on a store error. */
int catalog_size_placement_get(struct catalog_batch *b, const char *pos_id, char *parent, size_t plen, char *option,
			       size_t olen);
int catalog_size_placement_set(struct catalog_batch *b, const char *pos_id, const char *parent, const char *option);
/* A write without its group's content (a draft, a stock level) for a POS
 * product that was written as a size: aimed at that variation (w.kind,
 * w.parent_id); left alone otherwise. -1 when the item was ended. */
int catalog_size_aim(struct catalog_batch *b, struct catalog_item *ci);
/* After a lost answer to variation creates: find them among parent_id's
 * variations by SKU (matched_now is set). */
enum remote_status catalog_match_variations(struct catalog_batch *b, const char *parent_id,
					    struct catalog_item **set, size_t n);

/* Ending an item (flow_products.c) */
void catalog_end(struct catalog_item *ci, enum item_status status, enum comment_id comment);
/* ... with ": reason" (the shop's words) after the comment */
void catalog_end_with_reason(struct catalog_item *ci, enum item_status status, enum comment_id comment,
			     const char *reason);
void catalog_end_remote(struct catalog_item *ci, enum item_status status, enum comment_id comment,
			const struct remote_error *re);
void catalog_end_store_error(struct catalog_item *ci, const struct sbuf *err);

#endif
