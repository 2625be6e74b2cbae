/*
 * flow_products.c: the Products Queue, POS -> shop, a claimed batch at a time
 * (docs/catalog.md).
 *
 * Each item is one POS product, its content carried in the payload by the
 * full product scan (or read from the POS when the item has none). The
 * batch goes through these steps, and an item leaves at the first one that
 * decides its outcome, with its own comment:
 *
 *   1. product sync off, or the shop is master           skipped
 *   2. archived / unmarked for the web / gone in the POS  skipped, or set to draft when linked
 *   3. validation: name, SKU, sale price (a size: Size)   failed, naming the field; nothing sent
 *   4. category: linked, found by name, or created        (or skipped, per missing_category)
 *   4b. sizes: their variable product found, created or updated (catalog_variants.c)
 *   5. unlinked products are matched by SKU in one lookup (the shop's SKUs are unique)
 *   6. content equal to what was last written             succeeded, nothing sent
 *   7. the rest in the shop's batch writes (100 a request; products, then the
 *      variations of each variable product); each item ends with its own
 *      answer: ok, or the shop's reason
 *
 * A batch answered with a timeout, 429 or 5xx is not resent blindly: the
 * items whose creates may have landed are looked up by SKU right away and
 * linked when found; the rest retry, and their next try looks up by SKU
 * again before creating (step 5). So a product is created at most once.
 *
 * Status rule: publish when the product has a sale price above zero, draft
 * otherwise (a product at 0.00 is not ready to sell).
 *
 * The Inventory Queue goes the same way with less to decide: each item
 * carries the quantity the shop should show (cycle_stock.c); a linked
 * product gets it in the same batch writes, an unlinked one waits for its
 * product to be synced.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/duplicates.h"
#include "core/product_codec.h"
#include "core/settings.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/timeutil.h"

static void
end_all(struct catalog_batch *b, enum item_status status, enum comment_id comment)
{
	for (size_t i = 0; i < b->n; i++)
		if (!b->ci[i].ended) {
			flow_end(&b->ci[i].f, status, comment);
			b->ci[i].ended = 1;
		}
}

/* Every open item ends like src (a connection that could not be opened). */
static void
end_all_like(struct catalog_batch *b, const struct catalog_item *src)
{
	for (size_t i = 0; i < b->n; i++) {
		struct catalog_item *ci = &b->ci[i];

		if (ci == src || ci->ended)
			continue;
		ci->f.res->status = src->f.res->status;
		sbuf_reset(&ci->f.res->comment);
		sbuf_addstr(&ci->f.res->comment, src->f.res->comment.buf);
		sbuf_addstr(&ci->f.res->detail, src->f.res->detail.buf);
		ci->ended = 1;
	}
}

void
catalog_end(struct catalog_item *ci, enum item_status status, enum comment_id comment)
{
	flow_end(&ci->f, status, comment);
	ci->ended = 1;
}

void
catalog_end_with_reason(struct catalog_item *ci, enum item_status status, enum comment_id comment,
			const char *reason)
{
	flow_end(&ci->f, status, comment);
	if (reason && *reason)
		sbuf_addf(&ci->f.res->comment, ": %s", reason);
	ci->ended = 1;
}

void
catalog_end_remote(struct catalog_item *ci, enum item_status status, enum comment_id comment,
		   const struct remote_error *re)
{
	flow_end(&ci->f, status, comment);
	if (re->message.len)
		sbuf_addstr(&ci->f.res->detail, re->message.buf);
	if (re->body.len)
		sbuf_addf(&ci->f.res->detail, "%sresponse: %s", ci->f.res->detail.len ? "\n" : "", re->body.buf);
	if (status == ITEM_RETRY && re->retry_after_ms > ci->f.res->retry_after_ms)
		ci->f.res->retry_after_ms = re->retry_after_ms;
	ci->ended = 1;
}

void
catalog_end_store_error(struct catalog_item *ci, const struct sbuf *err)
{
	sbuf_reset(&ci->f.err);
	sbuf_addstr(&ci->f.err, err->buf);
	flow_store_error(&ci->f);
	ci->ended = 1;
}

static int
read_settings(struct catalog_batch *b, int *enabled, int *pos_master)
{
	char *master = NULL, *missing = NULL, *removed = NULL, *tiers = NULL;
	int rc = -1;

	if (settings_get_bool(b->st, b->account.id, b->stock_only ? "inventory_sync" : "product_sync", enabled,
			      &b->err) < 0 ||
	    settings_get_bool(b->st, b->account.id, "prices_include_tax", &b->shop_includes_tax, &b->err) < 0 ||
	    settings_get_string(b->st, b->account.id, "stock_master", &master, &b->err) < 0 ||
	    settings_get_string(b->st, b->account.id, "missing_category", &missing, &b->err) < 0 ||
	    settings_get_string(b->st, b->account.id, "product_removed", &removed, &b->err) < 0 ||
	    settings_get_string(b->st, b->account.id, "tier_map", &tiers, &b->err) < 0)
		goto out;
	*pos_master = strcmp(master, "pos") == 0;
	b->reverse = !*pos_master && !b->stock_only;
	b->skip_missing_category = strcmp(missing, "skip") == 0;
	b->ignore_removed = strcmp(removed, "ignore") == 0;
	rc = tier_map_parse(tiers, b->rules, &b->nrules, &b->err);
out:
	free(master);
	free(missing);
	free(removed);
	free(tiers);
	return rc;
}

/* The POS content: the payload, or a read of the POS. 0 when ci->p is set;
 * 1 when the product no longer exists; -1 when the item was ended. */
static int
load_product(struct catalog_batch *b, struct catalog_item *ci)
{
	enum remote_status rs;

	if (ci->f.it->payload && *ci->f.it->payload) {
		if (product_from_payload(ci->f.it->payload, &ci->p, &b->err) == 0 &&
		    strcmp(ci->p.id, ci->f.it->subject_id) == 0)
			return 0;
		/* unreadable: the POS has the truth */
		sbuf_reset(&b->err);
	}
	if (!b->src->ops->product_get) {
		catalog_end(ci, ITEM_FAILED, COMMENT_CONNECTOR_UNAVAILABLE);
		return -1;
	}
	remote_error_reset(&b->re);
	rs = b->src->ops->product_get(b->src, ci->f.it->subject_id, &ci->p, &b->re);
	if (rs == REMOTE_NOT_FOUND)
		return 1;
	if (rs != REMOTE_OK) {
		catalog_end_remote(ci, flow_status_for(&ci->f, rs), COMMENT_PRODUCT_FETCH_FAILED, &b->re);
		return -1;
	}
	return 0;
}

/* Steps 2 and 3 for one item: removal and validation. */
static void
classify(struct catalog_batch *b, struct catalog_item *ci, int gone)
{
	int removed = gone || ci->p.archived || !ci->p.sync_to_shop;

	if (removed) {
		if (!ci->linked)
			catalog_end(ci, ITEM_SKIPPED, gone ? COMMENT_PRODUCT_GONE_UNLINKED
					 : ci->p.archived ? COMMENT_PRODUCT_ARCHIVED_UNLINKED
					 : b->reverse ? COMMENT_PRODUCT_NOT_PUBLISHED
					 : COMMENT_PRODUCT_NOT_FOR_WEB);
		else if (b->ignore_removed)
			catalog_end(ci, ITEM_SKIPPED, COMMENT_PRODUCT_REMOVAL_IGNORED);
		else {
			ci->w.fields = PW_STATUS;   /* a draft in a shop; unmarked for the web in a POS */
			snprintf(ci->w.status, sizeof(ci->w.status), "draft");
			ci->write = 1;
		}
		return;
	}
	if (b->reverse && ci->p.variant_group[0]) {
		catalog_end(ci, ITEM_SKIPPED, COMMENT_PRODUCT_VARIABLE_TO_POS_NOT_YET);
		return;
	}
	if (!ci->p.name[0])
		catalog_end(ci, ITEM_FAILED, COMMENT_PRODUCT_MISSING_NAME);
	else if (!ci->p.sku[0])
		catalog_end(ci, ITEM_FAILED, COMMENT_PRODUCT_MISSING_SKU);
	else if (!ci->p.has_price)
		catalog_end(ci, ITEM_FAILED, COMMENT_PRODUCT_MISSING_PRICE);
	else if (ci->p.price.units < 0)
		catalog_end(ci, ITEM_FAILED, COMMENT_PRODUCT_NEGATIVE_PRICE);
	else if (ci->p.variant_group[0] && !ci->p.variant_option[0])
		catalog_end(ci, ITEM_FAILED, COMMENT_PRODUCT_MISSING_OPTION);
}

/* The shop's copy of a valid product, on the shop's tax basis. */
static int
build_write(struct catalog_batch *b, struct catalog_item *ci)
{
	struct product_write *w = &ci->w;
	size_t unmapped = 0;

	w->fields = PW_CATALOG | PW_STATUS;
	snprintf(w->sku, sizeof(w->sku), "%s", ci->p.sku);
	sku_trim(w->sku);   /* the shops trim SKUs when they save them; so do we, before matching */
	snprintf(w->name, sizeof(w->name), "%s", ci->p.name);
	snprintf(w->description, sizeof(w->description), "%s", ci->p.description);
	if (b->reverse) {
		/* the shop's price goes as it is, with its basis: the POS keeps a flag per price */
		w->regular_price = ci->p.price;
		w->price_includes_tax = b->shop_includes_tax;
		snprintf(w->status, sizeof(w->status), "%s", ci->p.sync_to_shop ? "publish" : "draft");
		ci->write = 1;
		return 0;
	}
	if (price_on_basis(ci->p.price, ci->p.price_includes_tax, ci->p.tax_percent, b->shop_includes_tax,
			   &w->regular_price) < 0 ||
	    tiers_for_shop(&ci->p, b->rules, b->nrules, b->shop_includes_tax, w->tiers, &w->ntiers, &unmapped) < 0) {
		catalog_end(ci, ITEM_FAILED, COMMENT_PRODUCT_NEGATIVE_PRICE);
		sbuf_addstr(&ci->f.res->detail, "a price or tax rate is out of range");
		return -1;
	}
	if (unmapped)
		sbuf_addf(&ci->f.res->detail, "%zu price tier%s not in tier_map, not sent; ", unmapped,
			  unmapped == 1 ? "" : "s");
	snprintf(w->status, sizeof(w->status), "%s", w->regular_price.units > 0 ? "publish" : "draft");
	if (ci->p.variant_group[0]) {   /* its variable product: catalog_variants.c */
		w->kind = PRODUCT_VARIATION;
		w->fields |= PW_OPTION;
		snprintf(w->options[0], sizeof(w->options[0]), "%s", ci->p.variant_option);
		w->noptions = 1;
	}
	ci->write = 1;
	return 0;
}

static void
fingerprint_write(struct catalog_item *ci)
{
	const struct product_write *w = &ci->w;
	struct sbuf t = SBUF_INIT;
	char price[MONEY_TEXT_MAX];

	money_format(w->regular_price, 2, price, sizeof(price));
	/* whether the option is sent does not change what the shop holds */
	sbuf_addf(&t, "%u|%s|%s|%s|%s|%s|%s|%s", w->fields & ~(unsigned)PW_OPTION, w->sku, w->name, w->description, w->category_id, price,
		  w->status, ci->target_id);
	if (w->kind == PRODUCT_VARIATION)
		sbuf_addf(&t, "|variation of %s|%s", w->parent_id, w->noptions ? w->options[0] : "");
	if (w->price_includes_tax)   /* the basis a POS keeps with the price (shop -> POS) */
		sbuf_addstr(&t, "|incl");
	for (size_t i = 0; i < w->ntiers; i++) {
		money_format(w->tiers[i].price, 2, price, sizeof(price));
		sbuf_addf(&t, "|%lld=%s", (long long)w->tiers[i].min_quantity, price);
	}
	flow_fingerprint(t.buf, ci->fp);
	sbuf_release(&t);
}

/* What a written (or already equal) item says. */
static enum comment_id
written_comment(const struct catalog_batch *b, const struct catalog_item *ci)
{
	if (ci->w.fields == PW_STATUS)
		return b->reverse ? COMMENT_PRODUCT_UNMARKED_IN_POS : COMMENT_PRODUCT_SET_TO_DRAFT;
	if (ci->w.kind == PRODUCT_VARIATION)
		return COMMENT_PRODUCT_VARIATION_UPDATED;
	return ci->category_created ? COMMENT_PRODUCT_CATEGORY_CREATED : COMMENT_SUCCESSFULLY_UPDATED;
}

/* A write the target took: link or fingerprint, then the item's outcome. */
static void
wrote(struct catalog_batch *b, struct catalog_item *ci, const char *target_id)
{
	int rc;

	if (!ci->linked && catalog_link_set(b, "product", ci->p.id, target_id) == 0)
		catalog_item_linked(ci, target_id);
	if (ci->linked && ci->w.kind == PRODUCT_VARIATION && (ci->w.fields & PW_CATALOG) &&
	    catalog_size_placement_set(b, ci->p.id, ci->w.parent_id, ci->w.options[0]) < 0)
		ci->linked = 0;   /* reported below as a link not saved */
	if (b->stock_only) {
		catalog_end(ci, ITEM_SUCCEEDED, COMMENT_SUCCESSFULLY_UPDATED);
		return;
	}
	fingerprint_write(ci);   /* the shop id is part of it */
	rc = ci->linked ? catalog_link_set_fingerprint(b, "product", ci->p.id, target_id, ci->fp) : -1;
	if (rc < 0) {
		/* the target has it: the next try finds it by SKU and only updates */
		flow_log(&ci->f, LOG_ERROR, "product %s was written to %s (id %s) but its link was not saved: %s",
			 ci->p.id, b->names.shop, target_id, b->err.buf);
		catalog_end_store_error(ci, &b->err);
		return;
	}
	catalog_end(ci, ITEM_SUCCEEDED, written_comment(b, ci));
}

/* Which of the chunk's creates landed anyway? Those are linked and end as
 * written; the others are left open. Anything but REMOTE_OK: the lookup failed. */
static enum remote_status
link_landed(struct catalog_batch *b, struct catalog_item **chunk, size_t n)
{
	enum remote_status rs;
	size_t creates = 0;

	/* only what went out as a create: an item linked by an earlier lookup
	 * in this batch went out as an update, and is not known to have landed */
	for (size_t i = 0; i < n; i++) {
		chunk[i]->matched_now = 0;
		creates += !chunk[i]->linked;
	}
	if (!creates)
		return REMOTE_OK;
	rs = chunk[0]->w.kind == PRODUCT_VARIATION ? catalog_match_variations(b, chunk[0]->w.parent_id, chunk, n)
						   : catalog_match_by_sku(b, chunk, n);

	for (size_t i = 0; i < n; i++)
		if (!chunk[i]->ended && chunk[i]->matched_now) {
			wrote(b, chunk[i], chunk[i]->target_id);
			sbuf_addf(&chunk[i]->f.res->detail, "the write was not answered as a whole; the product was "
				  "found by SKU in %s", b->names.shop);
		}
	return rs;
}

/* After a lost answer: which creates landed? Link those; the rest retry. */
static void
recover_lost_creates(struct catalog_batch *b, struct catalog_item **chunk, size_t n)
{
	struct remote_error lost;

	/* what the target said about the write goes into every item's history */
	remote_error_init(&lost);
	sbuf_addstr(&lost.message, b->re.message.buf);
	sbuf_addstr(&lost.body, b->re.body.buf);
	lost.retry_after_ms = b->re.retry_after_ms;
	if (link_landed(b, chunk, n) != REMOTE_OK)
		sbuf_addf(&lost.message, "; looking up what landed failed too: %s", b->re.message.buf);
	for (size_t i = 0; i < n; i++)
		if (!chunk[i]->ended)
			catalog_end_remote(chunk[i], ITEM_RETRY, COMMENT_PRODUCT_WRITE_UNANSWERED, &lost);
	remote_error_release(&lost);
}

/*
 * Loop detection: products sent again and again while the shop never takes
 * the batch (it errors or times out every time) mean something is wrong on
 * the shop's side; a Notification says so instead of silent retries.
 */
#define LOOP_ATTEMPTS 3

static void
note_loop(struct catalog_batch *b, struct catalog_item **chunk, size_t n)
{
	size_t looping = 0;

	for (size_t i = 0; i < n; i++)
		looping += chunk[i]->f.it->attempts >= LOOP_ATTEMPTS;
	if (looping)
		flow_log(&chunk[0]->f, LOG_NOTIFICATION,
			 "Loop detected: %zu %s sent %d times or more without %s taking them (last answer: %s). "
			 "Check the shop's error log and hosting limits; tillsync keeps retrying with longer waits",
			 looping, b->stock_only ? "stock levels" : "products", LOOP_ATTEMPTS, b->names.shop,
			 b->re.message.buf);
}

/* A size's variation (or its variable product) is gone in the shop: the
 * size is unlinked and its variable product read again on the next try,
 * which links it by SKU or creates it again, as for a variable product
 * found deleted. (A simple product deleted in the target is not made
 * again behind the merchant's back: it fails with the target's reason.) */
static void
forget_target(struct catalog_batch *b, struct catalog_item *ci)
{
	const char *pos_id = b->reverse ? ci->target_id : ci->p.id;

	if ((ci->linked && store_link_delete(b->st, b->account.id, "product", pos_id, &b->err) < 0) ||
	    (ci->w.kind == PRODUCT_VARIATION && catalog_variants_forget_parent(b, ci) < 0)) {
		catalog_end_store_error(ci, &b->err);
		return;
	}
	catalog_end(ci, ITEM_RETRY, COMMENT_PRODUCT_PARENT_GONE);
	sbuf_addf(&ci->f.res->detail, "%s answered: %s", b->names.shop, b->re.message.len ? b->re.message.buf
											 : "not found");
}

/* New variations refused because their SKU is taken: one of this variable
 * product's own variations (a lost answer, another worker) is linked and
 * updated next; a record elsewhere holding it is a duplicate. */
static void
claim_variations(struct catalog_batch *b, struct catalog_item **set, size_t n)
{
	enum remote_status rs = catalog_match_variations(b, set[0]->w.parent_id, set, n);

	for (size_t i = 0; i < n; i++) {
		struct catalog_item *ci = set[i];

		if (ci->ended)
			continue;
		if (rs != REMOTE_OK) {
			catalog_end_remote(ci, ITEM_RETRY, b->not_updated, &b->re);
		} else if (ci->matched_now) {
			catalog_end(ci, ITEM_RETRY, COMMENT_PRODUCT_LINKED_BY_SKU);
			ci->f.res->retry_after_ms = 1000;
		} else {
			catalog_end(ci, ITEM_FAILED, COMMENT_SHOP_DUPLICATE_SKU);
			sbuf_addf(&ci->f.res->detail, "SKU %s is held by a %s record that is not a variation of "
				  "product %s", ci->p.sku, b->names.shop, ci->w.parent_id);
		}
	}
}

static void
send_chunk(struct catalog_batch *b, struct catalog_item **chunk, size_t n, int with_parents)
{
	size_t max = b->dst->ops->products_write_max ? b->dst->ops->products_write_max : 1;
	size_t room = with_parents ? catalog_variants_pending(b) : 0;
	struct product_write *w;
	struct write_outcome *o;
	size_t nparents = 0, ntaken = 0;
	struct catalog_item **taken = calloc(n, sizeof(*taken));
	enum remote_status rs;
	int in_tx;

	if (n + room > max)
		room = max > n ? max - n : 0;
	w = calloc(n + room, sizeof(*w));
	o = calloc(n + room, sizeof(*o));
	if (!w || !o || !taken) {
		for (size_t i = 0; i < n; i++)
			catalog_end(chunk[i], ITEM_RETRY, b->not_updated);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		w[i] = chunk[i]->w;
		snprintf(w[i].shop_id, sizeof(w[i].shop_id), "%s", chunk[i]->linked ? chunk[i]->target_id : "");
		snprintf(w[i].reference, sizeof(w[i].reference), "%s", chunk[i]->p.id);
	}
	/* variable products the sizes need ride along with products, where there is room */
	if (room && chunk[0]->w.kind != PRODUCT_VARIATION)
		nparents = catalog_variants_take(b, w + n, room);
	remote_error_reset(&b->re);
	catalog_census_note_creates(b, w, n + nparents);
	rs = b->dst->ops->products_write(b->dst, w, n + nparents, o, &b->re);
	if (nparents)
		catalog_variants_answered(b, rs, o + n);   /* refused as a whole: they go alone later */
	if (rs == REMOTE_REFUSED && (n > 1 || nparents)) {
		/*
		 * Refused as a whole without saying for which item (a POS that
		 * applies an array until the first bad item): creates that
		 * landed before it are found by SKU, the rest go one by one so
		 * only the bad one fails, with the target's reason.
		 */
		if (b->re.may_have_landed && link_landed(b, chunk, n) != REMOTE_OK) {
			/* cannot tell what landed: nothing is sent again until it can */
			for (size_t i = 0; i < n; i++)
				if (!chunk[i]->ended)
					catalog_end_remote(chunk[i], ITEM_RETRY, COMMENT_PRODUCT_WRITE_UNANSWERED, &b->re);
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			if (!chunk[i]->ended)
				send_chunk(b, &chunk[i], 1, 0);
		goto out;
	}
	if ((rs == REMOTE_REFUSED || rs == REMOTE_NOT_FOUND) && n == 1 && !b->stock_only) {
		catalog_end_with_reason(chunk[0], ITEM_FAILED, COMMENT_PRODUCT_REFUSED, b->re.message.buf);
		if (b->re.body.len)
			sbuf_addf(&chunk[0]->f.res->detail, "response: %s", b->re.body.buf);
		goto out;
	}
	if (rs == REMOTE_NOT_FOUND && !b->stock_only && chunk[0]->w.kind == PRODUCT_VARIATION) {
		/* the variable product itself is gone: read it again next time */
		for (size_t i = 0; i < n; i++)
			forget_target(b, chunk[i]);
		goto out;
	}
	if (rs == REMOTE_NOT_FOUND && n > 1) {
		/* one record of the request is gone; which, the target did not say */
		for (size_t i = 0; i < n; i++)
			if (!chunk[i]->ended)
				send_chunk(b, &chunk[i], 1, 0);
		goto out;
	}
	if (rs != REMOTE_OK) {
		note_loop(b, chunk, n);
		if ((rs == REMOTE_TEMPORARY || rs == REMOTE_BAD_ANSWER) && b->re.may_have_landed) {
			recover_lost_creates(b, chunk, n);
		} else {
			for (size_t i = 0; i < n; i++)
				catalog_end_remote(chunk[i], flow_status_for(&chunk[i]->f, rs), b->not_updated, &b->re);
		}
		goto out;
	}
	/* one store transaction for the chunk's links, not two per item */
	in_tx = store_tx_begin(b->st, &b->err) == 0;
	for (size_t i = 0; i < n; i++) {
		struct catalog_item *ci = chunk[i];

		if (o[i].ok) {
			wrote(b, ci, o[i].id);
		} else if (o[i].gone && ci->linked && ci->w.kind == PRODUCT_VARIATION && !b->stock_only) {
			forget_target(b, ci);
		} else if (!ci->linked && o[i].sku_taken && ci->w.kind == PRODUCT_VARIATION) {
			taken[ntaken++] = ci;   /* whose is it? after the links are saved */
		} else if (!ci->linked && o[i].sku_taken) {
			/* made meanwhile (the merchant, another process, an earlier lost
			 * answer): linked as a lookup would have, and updated next */
			if (o[i].existing_id[0])
				catalog_match_taken(b, ci, o[i].existing_id);
			if (!ci->ended) {
				catalog_end(ci, ITEM_RETRY, ci->linked ? COMMENT_PRODUCT_LINKED_BY_SKU
								       : COMMENT_PRODUCT_NOT_UPDATED);
				ci->f.res->retry_after_ms = 1000;
				sbuf_addf(&ci->f.res->detail, "%s answered that %s product %s holds SKU %s",
					  b->names.shop, b->names.shop, o[i].existing_id[0] ? o[i].existing_id : "(not said)",
					  ci->p.sku);
			}
		} else {
			catalog_end_with_reason(ci, ITEM_FAILED, COMMENT_PRODUCT_REFUSED, o[i].message);
			sbuf_addf(&ci->f.res->detail, "%s answered %s: %s", b->names.shop, o[i].code, o[i].message);
		}
	}
	if (in_tx && store_tx_commit(b->st, &b->err) < 0) {
		/* the shop has them but the links are lost: the next try finds them by SKU */
		for (size_t i = 0; i < n; i++)
			if (chunk[i]->f.res->status == ITEM_SUCCEEDED)
				catalog_end_store_error(chunk[i], &b->err);
	}
	if (ntaken)
		claim_variations(b, taken, ntaken);
out:
	free(taken);
	free(w);
	free(o);
}

/* Products first, then the variations of each variable product together:
 * one request writes one or the other. */
static int
by_write_target(const void *x, const void *y)
{
	const struct catalog_item *a = *(struct catalog_item *const *)x, *b = *(struct catalog_item *const *)y;
	int va = a->w.kind == PRODUCT_VARIATION, vb = b->w.kind == PRODUCT_VARIATION;

	if (va != vb)
		return va - vb;
	if (va) {
		int c = strcmp(a->w.parent_id, b->w.parent_id);

		if (c)
			return c;
	}
	return a < b ? -1 : a > b;   /* batch order within a target */
}

static int
same_target(const struct catalog_item *a, const struct catalog_item *b)
{
	int va = a->w.kind == PRODUCT_VARIATION, vb = b->w.kind == PRODUCT_VARIATION;

	return va == vb && (!va || strcmp(a->w.parent_id, b->w.parent_id) == 0);
}

/* Which items a pass of send_writes takes: the sizes (variations) go after
 * their variable products were written with the products. */
enum write_pass { PASS_ALL, PASS_PRODUCTS, PASS_SIZES };

static int
in_pass(const struct catalog_item *ci, enum write_pass pass)
{
	int size = ci->p.variant_group[0] != '\0' || ci->w.kind == PRODUCT_VARIATION;

	return pass == PASS_ALL || (pass == PASS_SIZES) == size;
}

/* Step 6 and 7: drop what the target already holds, send the rest in batches. */
static void
send_writes(struct catalog_batch *b, enum write_pass pass)
{
	size_t max = b->dst->ops->products_write_max ? b->dst->ops->products_write_max : 1;
	struct catalog_item **todo = calloc(b->n ? b->n : 1, sizeof(*todo));
	size_t n = 0, start = 0;

	if (!todo) {
		end_all(b, ITEM_RETRY, b->not_updated);
		return;
	}
	for (size_t i = 0; i < b->n; i++) {
		struct catalog_item *ci = &b->ci[i];

		if (ci->ended || !ci->write || !in_pass(ci, pass))
			continue;
		fingerprint_write(ci);
		if (!b->stock_only && ci->linked && strcmp(ci->fp, ci->link.fingerprint) == 0) {
			catalog_end(ci, ITEM_SUCCEEDED, written_comment(b, ci));
			sbuf_addstr(&ci->f.res->detail, "the shop already has these values; nothing sent");
			continue;
		}
		todo[n++] = ci;
	}
	qsort(todo, n, sizeof(*todo), by_write_target);
	for (size_t i = 1; i <= n; i++)
		if (i == n || i - start == max || !same_target(todo[start], todo[i])) {
			send_chunk(b, todo + start, i - start, 1);
			start = i;
		}
	free(todo);
}

/* Step 5 for every unlinked product about to be created. */
static int
match_unlinked(struct catalog_batch *b)
{
	struct catalog_item **set = calloc(b->n, sizeof(*set));
	size_t k = 0;

	if (!set) {
		end_all(b, ITEM_RETRY, COMMENT_PRODUCT_NOT_UPDATED);
		return -1;
	}
	for (size_t i = 0; i < b->n; i++)
		if (!b->ci[i].ended && b->ci[i].write && !b->ci[i].linked && b->ci[i].w.kind != PRODUCT_VARIATION)
			set[k++] = &b->ci[i];
	if ((b->variants || k ? catalog_match_before_create(b, set, k) : REMOTE_OK) != REMOTE_OK) {
		/* never create what cannot be checked first */
		for (size_t i = 0; i < k; i++)
			if (!set[i]->ended)
				catalog_end_remote(set[i], ITEM_RETRY, COMMENT_PRODUCT_NOT_UPDATED, &b->re);
	}
	free(set);
	return 0;
}

/* How many of the batch's products may be created: the unlinked ones. */
static size_t
creates_ahead(const struct catalog_batch *b)
{
	size_t creates = 0;

	for (size_t i = 0; i < b->n; i++)
		creates += !b->ci[i].ended && b->ci[i].write && !b->ci[i].linked;
	return creates;
}

static int
open_sides(struct catalog_batch *b)
{
	struct catalog_item *first = &b->ci[0];

	if (flow_open_side(&first->f, "pos", &b->pos) < 0 || flow_open_side(&first->f, "shop", &b->shop) < 0) {
		first->ended = 1;
		end_all_like(b, first);
		return -1;
	}
	b->src = b->reverse ? b->shop : b->pos;
	b->dst = b->reverse ? b->pos : b->shop;
	b->src_side = b->reverse ? "shop" : "pos";
	for (size_t i = 0; i < b->n; i++) {
		b->ci[i].f.pos = b->pos;
		b->ci[i].f.shop = b->shop;
		flow_set_names(&b->ci[i].f);
		if (b->reverse) {   /* {pos} names the source, {shop} the target */
			b->ci[i].f.names.pos = b->shop->ops->display_name;
			b->ci[i].f.names.pos_compact = b->shop->ops->compact_name;
			b->ci[i].f.names.pos_upper = b->shop->ops->upper_name;
			b->ci[i].f.names.shop = b->pos->ops->display_name;
		}
	}
	b->names = first->f.names;
	if (!b->dst->ops->products_write || !b->dst->ops->products_by_sku) {
		end_all(b, ITEM_FAILED, COMMENT_CONNECTOR_UNAVAILABLE);
		return -1;
	}
	return 0;
}

/* Inventory items: the quantity to a linked product's shop record. */
static void
plan_stock(struct catalog_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct catalog_item *ci = &b->ci[i];
		int64_t qty;
		int rc;

		if (!ci->f.it->payload || parse_int64(ci->f.it->payload, 0, INT64_MAX, &qty) < 0) {
			catalog_end(ci, ITEM_SKIPPED, COMMENT_INVENTORY_NO_QUANTITY);
			continue;
		}
		rc = store_link_by_pos(b->st, b->account.id, "product", ci->f.it->subject_id, &ci->link, &b->err);
		if (rc < 0) {
			catalog_end_store_error(ci, &b->err);
			continue;
		}
		if (rc == STORE_NOTFOUND) {
			catalog_end(ci, ITEM_SKIPPED, COMMENT_INVENTORY_NOT_LINKED);
			continue;
		}
		catalog_item_linked(ci, ci->link.shop_id);
		snprintf(ci->p.id, sizeof(ci->p.id), "%s", ci->f.it->subject_id);
		if (catalog_size_aim(b, ci) < 0)   /* a size: to its variation */
			continue;
		ci->w.fields = PW_STOCK;
		ci->w.stock = qty;
		ci->write = 1;
	}
}

static void
run(struct catalog_batch *b)
{
	int enabled = 0, pos_master = 1;

	if (store_account_get(b->st, b->ci[0].f.it->account_id, &b->account, &b->err) != 0 ||
	    read_settings(b, &enabled, &pos_master) < 0) {
		for (size_t i = 0; i < b->n; i++)
			catalog_end_store_error(&b->ci[i], &b->err);
		return;
	}
	for (size_t i = 0; i < b->n; i++)
		b->ci[i].f.account = b->account;
	if (open_sides(b) < 0)
		return;
	if (!enabled)
		return end_all(b, ITEM_SKIPPED, b->stock_only ? COMMENT_INVENTORY_SYNC_DISABLED
							      : COMMENT_PRODUCT_SYNC_DISABLED);
	if (b->stock_only) {
		if (!pos_master)
			return end_all(b, ITEM_SKIPPED, COMMENT_INVENTORY_NEEDS_POS_MASTER);
		plan_stock(b);
		send_writes(b, PASS_ALL);
		return;
	}

	for (size_t i = 0; i < b->n; i++) {
		struct catalog_item *ci = &b->ci[i];
		const char *direction = b->reverse ? DIRECTION_SHOP_TO_POS : DIRECTION_POS_TO_SHOP;
		int gone, rc;

		if (strcmp(ci->f.it->direction, direction) != 0) {
			/* queued before the stock master changed sides */
			catalog_end(ci, ITEM_SKIPPED, COMMENT_PRODUCT_MASTER_CHANGED);
			continue;
		}
		gone = load_product(b, ci);
		if (gone < 0)
			continue;
		rc = catalog_link_get(b, "product", ci->f.it->subject_id, &ci->link);
		if (rc < 0) {
			catalog_end_store_error(ci, &b->err);
			continue;
		}
		if (rc == 0)
			catalog_item_linked(ci, catalog_link_target(b, &ci->link));
		if (gone)
			snprintf(ci->p.id, sizeof(ci->p.id), "%s", ci->f.it->subject_id);
		classify(b, ci, gone);
		if (gone && ci->write && !b->reverse)
			catalog_size_aim(b, ci);   /* gone: no content, so no group; maybe a size */
		if (!ci->ended && !ci->write && build_write(b, ci) == 0)
			catalog_resolve_category(b, ci);
	}
	/* before any variant group is locked: a census read holds up no other batch */
	catalog_census_prepare(b, creates_ahead(b));
	if (b->reverse) {
		if (match_unlinked(b) == 0)
			send_writes(b, PASS_ALL);
		return;
	}
	catalog_variants_begin(b);
	if (match_unlinked(b) < 0)
		return;
	catalog_variants_plan(b);
	send_writes(b, PASS_PRODUCTS);   /* with the variable products */
	catalog_variants_end(b);
	send_writes(b, PASS_SIZES);
}

static int
catalog_batch_run(struct engine *e, struct store *st, const struct queue_item *items, size_t n,
		  struct work_result *res, int stock_only)
{
	struct catalog_batch b;

	memset(&b, 0, sizeof(b));
	b.stock_only = stock_only;
	b.not_updated = stock_only ? COMMENT_INVENTORY_NOT_UPDATED : COMMENT_PRODUCT_NOT_UPDATED;
	b.engine = e;
	b.st = st;
	b.n = n;
	b.ci = calloc(n, sizeof(*b.ci));
	if (!b.ci)
		return -1;
	remote_error_init(&b.re);
	sbuf_init(&b.err, SBUF_CAP_ERROR);
	for (size_t i = 0; i < n; i++) {
		struct flow *f = &b.ci[i].f;

		f->engine = e;
		f->st = st;
		f->it = &items[i];
		f->is_retry = items[i].attempts > 1;
		f->res = &res[i];
		remote_error_init(&f->re);
		sbuf_init(&f->err, SBUF_CAP_ERROR);
	}
	run(&b);
	for (size_t i = 0; i < n; i++) {
		if (!b.ci[i].ended)
			flow_end(&b.ci[i].f, ITEM_RETRY, b.not_updated);   /* a path left open: a bug */
		remote_error_release(&b.ci[i].f.re);
		sbuf_release(&b.ci[i].f.err);
	}
	if (b.pos)
		b.pos->ops->close(b.pos);
	if (b.shop)
		b.shop->ops->close(b.shop);
	catalog_variants_free(&b);
	free(b.src_cats);
	free(b.dst_cats);
	free(b.ci);
	remote_error_release(&b.re);
	sbuf_release(&b.err);
	return 0;
}

int
flow_products_batch(struct engine *e, struct store *st, const struct queue_item *items, size_t n,
		    struct work_result *res)
{
	return catalog_batch_run(e, st, items, n, res, 0);
}

int
flow_inventory_batch(struct engine *e, struct store *st, const struct queue_item *items, size_t n,
		     struct work_result *res)
{
	return catalog_batch_run(e, st, items, n, res, 1);
}
