/*
 * catalog_match.c: which shop category and which shop product a POS product
 * belongs to.
 *
 * Categories: a link, else the shop category with the same name (then
 * linked), else created or the product skipped (missing_category). Both
 * lists are read at most once per batch.
 *
 * Products: SKUs are unique in the shop, so an unlinked POS product whose
 * SKU a shop product holds is that product: it is linked and updated, never
 * created twice. A SKU held by a shop product already linked to another POS
 * product is a duplicate, unless that POS product was deleted (the POS made
 * a new id for the same article): then the link moves to the new id.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/catalog.h"
#include "core/duplicates.h"
#include "util/log.h"
#include "util/timeutil.h"

/* ---- links in the catalog's direction ------------------------------------ */

int
catalog_link_get(struct catalog_batch *b, const char *entity, const char *source_id, struct link *l)
{
	return b->reverse ? store_link_by_shop(b->st, b->account.id, entity, source_id, l, &b->err)
			  : store_link_by_pos(b->st, b->account.id, entity, source_id, l, &b->err);
}

int
catalog_link_by_target(struct catalog_batch *b, const char *entity, const char *target_id, struct link *l)
{
	return b->reverse ? store_link_by_pos(b->st, b->account.id, entity, target_id, l, &b->err)
			  : store_link_by_shop(b->st, b->account.id, entity, target_id, l, &b->err);
}

const char *
catalog_link_target(const struct catalog_batch *b, const struct link *l)
{
	return b->reverse ? l->pos_id : l->shop_id;
}

const char *
catalog_link_source(const struct catalog_batch *b, const struct link *l)
{
	return b->reverse ? l->shop_id : l->pos_id;
}

int
catalog_link_set(struct catalog_batch *b, const char *entity, const char *source_id, const char *target_id)
{
	return store_link_set(b->st, b->account.id, entity, b->reverse ? target_id : source_id,
			      b->reverse ? source_id : target_id, time_now_ms(), &b->err);
}

int
catalog_link_set_fingerprint(struct catalog_batch *b, const char *entity, const char *source_id,
			     const char *target_id, const char *fp)
{
	return store_link_set_fingerprint(b->st, b->account.id, entity, b->reverse ? target_id : source_id, fp,
					  time_now_ms(), &b->err);
}

void
catalog_item_linked(struct catalog_item *ci, const char *target_id)
{
	ci->linked = 1;
	snprintf(ci->target_id, sizeof(ci->target_id), "%s", target_id);
}

static const struct category *
category_by_id(const struct category *cats, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(cats[i].id, id) == 0)
			return &cats[i];
	return NULL;
}

static const struct category *
category_by_name(const struct category *cats, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(cats[i].name, name) == 0)
			return &cats[i];
	return NULL;
}

/* Reads a side's categories once; -1 (item ended) when that fails. */
static int
read_categories(struct catalog_batch *b, struct catalog_item *ci, struct connector *c, struct category **cats,
		size_t *n, int *read)
{
	enum remote_status rs;

	if (*read)
		return 0;
	if (!c->ops->categories_list) {
		*read = 1;   /* a remote without categories: products go without */
		return 0;
	}
	remote_error_reset(&b->re);
	rs = c->ops->categories_list(c, cats, n, &b->re);
	if (rs != REMOTE_OK) {
		catalog_end_remote(ci, flow_status_for(&ci->f, rs), COMMENT_CATEGORY_FETCH_FAILED, &b->re);
		return -1;
	}
	*read = 1;
	return 0;
}

static int
remember_shop_category(struct catalog_batch *b, const struct category *c)
{
	struct category *grown = realloc(b->dst_cats, (b->ndst_cats + 1) * sizeof(*grown));

	if (!grown)
		return -1;
	b->dst_cats = grown;
	b->dst_cats[b->ndst_cats++] = *c;
	return 0;
}

/* The category's link into ci->w: 0 linked, 1 not linked, -1 item ended. */
static int
linked_category(struct catalog_batch *b, struct catalog_item *ci)
{
	struct link l;
	int rc = catalog_link_get(b, "category", ci->p.category_id, &l);

	if (rc < 0) {
		catalog_end_store_error(ci, &b->err);
		return -1;
	}
	if (rc == 0)
		snprintf(ci->w.category_id, sizeof(ci->w.category_id), "%s", catalog_link_target(b, &l));
	return rc;
}

static int link_or_create_category(struct catalog_batch *b, struct catalog_item *ci);

/*
 * Workers of one process link a new category of an account one at a time,
 * looking again once they hold the lock: without it, every worker whose
 * first batch holds products of a category the shop lacks would create it,
 * and all but one would be refused as a duplicate term. One lock per
 * account (striped), so a slow shop does not hold up another account's
 * workers. (Other processes still may race; the shop's "term exists"
 * answer covers them.)
 */
#define CATEGORY_LOCKS 64
static pthread_mutex_t category_locks[CATEGORY_LOCKS];
static pthread_once_t category_locks_once = PTHREAD_ONCE_INIT;

static void
category_locks_init(void)
{
	for (size_t i = 0; i < CATEGORY_LOCKS; i++)
		pthread_mutex_init(&category_locks[i], NULL);
}

int
catalog_resolve_category(struct catalog_batch *b, struct catalog_item *ci)
{
	pthread_mutex_t *lock;
	int rc;

	if (!ci->p.category_id[0])
		return 0;
	if ((rc = linked_category(b, ci)) <= 0)
		return rc;
	pthread_once(&category_locks_once, category_locks_init);
	lock = &category_locks[(uint64_t)b->account.id % CATEGORY_LOCKS];
	pthread_mutex_lock(lock);
	rc = linked_category(b, ci);
	if (rc > 0)
		rc = link_or_create_category(b, ci);
	pthread_mutex_unlock(lock);
	return rc;
}

static int
link_or_create_category(struct catalog_batch *b, struct catalog_item *ci)
{
	const struct category *pc, *sc;
	struct category made;

	if (read_categories(b, ci, b->src, &b->src_cats, &b->nsrc_cats, &b->src_cats_read) < 0 ||
	    read_categories(b, ci, b->dst, &b->dst_cats, &b->ndst_cats, &b->dst_cats_read) < 0)
		return -1;
	pc = category_by_id(b->src_cats, b->nsrc_cats, ci->p.category_id);
	if (!pc) {
		sbuf_addf(&ci->f.res->detail, "category %s no longer exists in %s; sent without a category; ",
			  ci->p.category_id, b->names.pos);
		return 0;
	}
	sc = category_by_name(b->dst_cats, b->ndst_cats, pc->name);
	if (!sc && b->skip_missing_category) {
		catalog_end(ci, ITEM_SKIPPED, COMMENT_PRODUCT_CATEGORY_MISSING);
		sbuf_addf(&ci->f.res->detail, "category \"%s\"", pc->name);
		return -1;
	}
	if (!sc) {
		struct category want = *pc;
		enum remote_status rs;

		if (!b->dst->ops->category_create) {
			catalog_end(ci, ITEM_FAILED, COMMENT_CONNECTOR_UNAVAILABLE);
			return -1;
		}
		want.parent_id[0] = '\0';   /* created at the top level: the shop's tree is the merchant's */
		remote_error_reset(&b->re);
		rs = b->dst->ops->category_create(b->dst, &want, &made, &b->re);
		if (rs != REMOTE_OK) {
			catalog_end_remote(ci, flow_status_for(&ci->f, rs), COMMENT_CATEGORY_FETCH_FAILED, &b->re);
			return -1;
		}
		snprintf(made.name, sizeof(made.name), "%s", pc->name);
		if (remember_shop_category(b, &made) < 0) {
			catalog_end(ci, ITEM_RETRY, COMMENT_PRODUCT_NOT_UPDATED);
			return -1;
		}
		sc = &b->dst_cats[b->ndst_cats - 1];
		ci->category_created = 1;
		flow_log(&ci->f, LOG_INFO, "category \"%s\" created in %s (id %s) for product %s", pc->name,
			 b->names.shop, sc->id, ci->p.id);
	}
	if (catalog_link_set(b, "category", pc->id, sc->id) < 0) {
		catalog_end_store_error(ci, &b->err);
		return -1;
	}
	snprintf(ci->w.category_id, sizeof(ci->w.category_id), "%s", sc->id);
	return 0;
}

/* The target product already linked to another source product: move the
 * link when that one was deleted (recreated with a new id), else a duplicate. */
static int
claim_linked(struct catalog_batch *b, struct catalog_item *ci, const struct link *other)
{
	const char *other_source = catalog_link_source(b, other), *target = catalog_link_target(b, other);
	char *fp = NULL;
	int rc = store_fingerprint_get(b->st, b->account.id, b->src_side, "product", other_source, &fp, &b->err);
	int deleted = rc == 0 && strcmp(fp, "deleted") == 0;

	free(fp);
	if (rc < 0) {
		catalog_end_store_error(ci, &b->err);
		return -1;
	}
	if (!deleted) {
		catalog_end(ci, ITEM_FAILED, COMMENT_POS_DUPLICATE_SKU);
		sbuf_addf(&ci->f.res->detail, "SKU %s: %s product %s is linked to %s product %s", ci->p.sku,
			  b->names.pos, other_source, b->names.shop, target);
		return -1;
	}
	if (store_link_delete(b->st, b->account.id, "product", other->pos_id, &b->err) < 0) {
		catalog_end_store_error(ci, &b->err);
		return -1;
	}
	flow_log(&ci->f, LOG_INFO, "%s product %s (SKU %s) was deleted and recreated as %s: relinked to %s product %s",
		 b->names.pos, other_source, ci->p.sku, ci->p.id, b->names.shop, target);
	return 0;
}

static void
link_match(struct catalog_batch *b, struct catalog_item *ci, const struct shop_product *sp)
{
	struct link other;
	int rc = catalog_link_by_target(b, "product", sp->id, &other);

	if (rc < 0) {
		catalog_end_store_error(ci, &b->err);
		return;
	}
	if (rc == 0 && strcmp(catalog_link_source(b, &other), ci->p.id) != 0 && claim_linked(b, ci, &other) < 0)
		return;
	/* the SKU is a variable product's, made from a POS variant group's sizes */
	if (rc != 0 && !b->reverse) {
		rc = store_link_by_shop(b->st, b->account.id, "product_group", sp->id, &other, &b->err);
		if (rc < 0) {
			catalog_end_store_error(ci, &b->err);
			return;
		}
		if (rc == 0) {
			catalog_end(ci, ITEM_FAILED, COMMENT_POS_DUPLICATE_SKU);
			sbuf_addf(&ci->f.res->detail, "SKU %s is the SKU of %s variable product %s, made from the sizes "
				  "of %s variant group %s", ci->p.sku, b->names.shop, sp->id, b->names.pos, other.pos_id);
			return;
		}
	}
	if (catalog_link_set(b, "product", ci->p.id, sp->id) < 0) {
		catalog_end_store_error(ci, &b->err);
		return;
	}
	ci->matched_now = 1;
	memset(&ci->link, 0, sizeof(ci->link));
	catalog_item_linked(ci, sp->id);
}

void
catalog_match_taken(struct catalog_batch *b, struct catalog_item *ci, const char *holder_id)
{
	struct shop_product holder;

	memset(&holder, 0, sizeof(holder));
	snprintf(holder.id, sizeof(holder.id), "%s", holder_id);
	snprintf(holder.sku, sizeof(holder.sku), "%s", ci->w.sku);
	link_match(b, ci, &holder);
}

static int
same_sku(const char *a, const char *b)
{
	char ka[128], kb[128];

	sku_key(a, ka, sizeof(ka));
	sku_key(b, kb, sizeof(kb));
	return strcmp(ka, kb) == 0;
}

static int
wants_match(const struct catalog_item *ci)
{
	return !ci->ended && ci->write && !ci->linked && (ci->w.fields & PW_CATALOG);
}

/*
 * One lookup for the batch. before_create: the lookup before creates, with
 * the never-linked variable products' SKUs asked too, and SKUs the census
 * rules out not asked at all (catalog_census.c). Otherwise (what landed of
 * an unanswered write) every SKU is asked.
 */
static enum remote_status
match_by_sku(struct catalog_batch *b, struct catalog_item **set, size_t n, int before_create)
{
	int with_variants = before_create;
	size_t room = n + (with_variants && b->variants ? b->n : 0);
	const char **skus = calloc(room ? room : 1, sizeof(*skus));
	struct shop_product *found = NULL;
	size_t k = 0, nfound = 0;
	enum remote_status rs = REMOTE_OK;

	if (!skus) {
		rs = remote_fail(&b->re, REMOTE_TEMPORARY, "out of memory matching products by SKU");
		if (with_variants)
			catalog_variants_found(b, rs, NULL, 0);   /* never create what was not looked up */
		return rs;
	}
	for (size_t i = 0; i < n; i++) {
		int twice = 0;

		if (!wants_match(set[i]))
			continue;
		for (size_t j = 0; j < i && !twice; j++)
			twice = wants_match(set[j]) && same_sku(set[j]->p.sku, set[i]->p.sku);
		if (twice) {
			catalog_end(set[i], ITEM_FAILED, COMMENT_POS_DUPLICATE_SKU);
			sbuf_addf(&set[i]->f.res->detail, "SKU %s is on another %s product in the same batch",
				  set[i]->p.sku, b->names.pos);
			continue;
		}
		if (before_create && catalog_census_claim(b, &set[i], 1, set[i]->w.sku))
			continue;   /* the target holds no such SKU: created without asking */
		skus[k++] = set[i]->w.sku;   /* trimmed, as the target keeps it */
	}
	if (with_variants)
		k += catalog_variants_skus(b, skus + k, room - k);
	if (k) {
		remote_error_reset(&b->re);
		rs = b->dst->ops->products_by_sku(b->dst, skus, k, &found, &nfound, &b->re);
	}
	if (rs == REMOTE_OK)
		catalog_match_found(b, set, n, found, nfound);
	if (rs == REMOTE_OK && before_create)
		for (size_t i = 0; i < n; i++)
			if (wants_match(set[i]))   /* not found: to be created, so others look it up */
				catalog_census_note(b, set[i]->w.sku);
	if (with_variants)
		catalog_variants_found(b, rs, found, nfound);
	free(found);
	free(skus);
	return rs;
}

enum remote_status
catalog_match_by_sku(struct catalog_batch *b, struct catalog_item **set, size_t n)
{
	return match_by_sku(b, set, n, 0);
}

enum remote_status
catalog_match_before_create(struct catalog_batch *b, struct catalog_item **set, size_t n)
{
	return match_by_sku(b, set, n, 1);
}

void
catalog_match_found(struct catalog_batch *b, struct catalog_item **set, size_t n, const struct shop_product *found,
		    size_t nfound)
{
	int in_tx = nfound && store_tx_begin(b->st, &b->err) == 0;

	for (size_t i = 0; i < n; i++) {
		const struct shop_product *hit = NULL;
		int holders = 0;

		if (!wants_match(set[i]))
			continue;
		for (size_t j = 0; j < nfound; j++)
			if (same_sku(found[j].sku, set[i]->p.sku) && strcmp(found[j].status, "trash") != 0 &&
			    strcmp(found[j].status, "archived") != 0) {
				hit = &found[j];
				holders++;
			}
		if (holders > 1) {
			catalog_end(set[i], ITEM_FAILED, COMMENT_SHOP_DUPLICATE_SKU);
			sbuf_addf(&set[i]->f.res->detail, "SKU %s is held by %d %s products", set[i]->p.sku, holders,
				  b->names.shop);
		} else if (hit) {
			link_match(b, set[i], hit);
		}
	}
	if (in_tx && store_tx_commit(b->st, &b->err) < 0) {
		/* the links are lost: those items must not create; they try again */
		for (size_t i = 0; i < n; i++)
			if (set[i]->matched_now && !set[i]->ended)
				catalog_end_store_error(set[i], &b->err);
	}
}
