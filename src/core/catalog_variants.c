/*
 * catalog_variants.c: the sizes of one article (a POS variant group) as one
 * variable product in the shop, each size a variation of it
 * (docs/catalog.md, "Variable products").
 *
 * The POS keeps no record for the article itself, only its sizes sharing a
 * group id, so the variable product is derived from a size:
 *   - SKU: the size's SKU without its "-<size>" ending ("TEE-M" -> "TEE");
 *     when it has no such ending, "variant-group-<group id>"
 *   - name: the size's name without its " - <size>" ending
 *   - description and category: the size's
 *   - status: set once, when it is created (publish when a size is)
 *   - options: every size the shop's product lists, plus the batch's own
 *
 * Links: "product_group" (group -> variable product), found by that SKU
 * before it is ever created; "product" (size -> variation), found among the
 * variable product's variations by SKU before any create. Where a size was
 * last written (its variable product and option) is kept as the size's
 * shop-side "variation" fingerprint: writes that come without the group
 * (stock levels, drafts) find their variable product there. The variable
 * product is read again only when it changes, gets an unlinked size, or a
 * size changes its option, so a size's price change costs one request.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/catalog.h"
#include "core/duplicates.h"
#include "util/hash.h"
#include "util/log.h"
#include "util/timeutil.h"

struct variant_group {
	const char *id;                  /* the POS group id (a member's p.variant_group) */
	struct catalog_item **members;
	size_t n;
	int has_content;                 /* a member carries the catalog fields: w can be written */
	int linked;                      /* link holds the variable product */
	struct link link;
	struct product_write w;          /* the variable product */
	char fp[65];
	int need_read, write, ended;
	int relinked;                    /* its create was refused: the shop has it already */
	char *kept;                      /* from its read: what its write must keep (connector's) */
	int sent;                        /* its write went out with the batch's products */
};

/* The batch's groups, from catalog_variants_begin to catalog_variants_free. */
struct variant_plan {
	struct variant_group *g;
	size_t ng;
	struct catalog_item **block;     /* every group's members */
	struct variant_group **taken;    /* the groups of the last catalog_variants_take */
	size_t ntaken;
	unsigned *locks;                 /* group_locks held, ascending; nlocks of them */
	size_t nlocks;
};

/*
 * One variant group's sizes can be in two claimed batches at once (the scan
 * commits page by page while workers run). Without a lock both would look
 * its variable product up, find none and create it, or read its options and
 * write them back each without the other's. A batch holds the locks of its
 * groups (striped by account and group id, taken in ascending order so two
 * batches never wait on each other) from reading their links until their
 * variable products are written. Other processes are covered by the shop's
 * own SKU check: a second create is refused and linked instead.
 */
#define GROUP_LOCKS 4096
static pthread_mutex_t group_locks[GROUP_LOCKS];
static pthread_once_t group_locks_once = PTHREAD_ONCE_INIT;

static void
group_locks_init(void)
{
	for (size_t i = 0; i < GROUP_LOCKS; i++)
		pthread_mutex_init(&group_locks[i], NULL);
}

static unsigned
group_lock_of(int64_t account_id, const char *group)
{
	return (unsigned)(text_hash64(TEXT_HASH_SEED ^ (uint64_t)account_id, group) % GROUP_LOCKS);
}

static int
by_lock(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

/* Takes the locks of the plan's groups; 0, or -1 when out of memory. */
static int
lock_groups(struct catalog_batch *b, struct variant_plan *vp)
{
	size_t n = 0;

	pthread_once(&group_locks_once, group_locks_init);
	vp->locks = calloc(vp->ng ? vp->ng : 1, sizeof(*vp->locks));
	if (!vp->locks)
		return -1;
	for (size_t k = 0; k < vp->ng; k++)
		vp->locks[n++] = group_lock_of(b->account.id, vp->g[k].id);
	qsort(vp->locks, n, sizeof(*vp->locks), by_lock);
	vp->nlocks = 0;
	for (size_t k = 0; k < n; k++)
		if (k == 0 || vp->locks[k] != vp->locks[k - 1])
			vp->locks[vp->nlocks++] = vp->locks[k];
	for (size_t k = 0; k < vp->nlocks; k++)
		pthread_mutex_lock(&group_locks[vp->locks[k]]);
	return 0;
}

static void
unlock_groups(struct variant_plan *vp)
{
	while (vp->nlocks)
		pthread_mutex_unlock(&group_locks[vp->locks[--vp->nlocks]]);
	free(vp->locks);
	vp->locks = NULL;
}

static int
is_separator(char c)
{
	return c == ' ' || c == '-' || c == '_' || c == '/' || c == '.' || c == ',';
}

/* text without a trailing "<separators><option>"; 0 when it has none */
static int
strip_option(const char *text, const char *option, char *out, size_t len)
{
	size_t tl = strlen(text), ol = strlen(option);

	if (!ol || tl <= ol || strcasecmp(text + tl - ol, option) != 0 || !is_separator(text[tl - ol - 1]))
		return 0;
	tl -= ol;
	while (tl && is_separator(text[tl - 1]))
		tl--;
	if (!tl)
		return 0;
	snprintf(out, len, "%.*s", (int)tl, text);
	return 1;
}

/* Ends the members still open; detail (may be NULL) goes into each one's history. */
static void
end_members_saying(struct variant_group *g, enum item_status status, enum comment_id comment, const char *reason,
		   const char *detail)
{
	for (size_t i = 0; i < g->n; i++) {
		if (g->members[i]->ended)
			continue;
		catalog_end_with_reason(g->members[i], status, comment, reason);
		if (detail)
			sbuf_addstr(&g->members[i]->f.res->detail, detail);
	}
	g->ended = 1;
}

static void
end_members(struct variant_group *g, enum item_status status, enum comment_id comment, const char *reason)
{
	end_members_saying(g, status, comment, reason, NULL);
}

static void
end_members_remote(struct variant_group *g, enum item_status status, enum comment_id comment,
		   const struct remote_error *re)
{
	for (size_t i = 0; i < g->n; i++)
		if (!g->members[i]->ended)
			catalog_end_remote(g->members[i], status, comment, re);
	g->ended = 1;
}

static void
end_members_store(struct variant_group *g, const struct sbuf *err)
{
	for (size_t i = 0; i < g->n; i++)
		if (!g->members[i]->ended)
			catalog_end_store_error(g->members[i], err);
	g->ended = 1;
}

static int
has_option(const struct product_write *w, const char *option)
{
	for (size_t i = 0; i < w->noptions; i++)
		if (strcmp(w->options[i], option) == 0)
			return 1;
	return 0;
}

/* Adds option to the variable product; -1 when it would hold too many. */
static int
add_option(struct product_write *w, const char *option)
{
	if (has_option(w, option))
		return 0;
	if (w->noptions == PRODUCT_OPTIONS_MAX)
		return -1;
	snprintf(w->options[w->noptions++], PRODUCT_OPTION_LEN, "%s", option);
	return 0;
}

/* Whether POS id a comes before b: by number when both are numbers. */
static int
id_before(const char *a, const char *b)
{
	size_t la = strspn(a, "0123456789"), lb = strspn(b, "0123456789");

	if (a[la] == '\0' && b[lb] == '\0' && la != lb)
		return la < lb;
	return strcmp(a, b) < 0;
}

/* The variable product from the member with content that has the lowest
 * POS id (the same size whichever batch it is in, when it is there), and
 * published when any of them is (see the top). */
static void
derive_parent(struct variant_group *g)
{
	struct product_write *w = &g->w;
	const struct catalog_item *ci = NULL;
	int publish = 0;

	for (size_t i = 0; i < g->n; i++) {
		const struct catalog_item *m = g->members[i];

		if (m->ended || !(m->w.fields & PW_CATALOG))
			continue;
		publish |= strcmp(m->w.status, "publish") == 0;
		if (!ci || id_before(m->p.id, ci->p.id))
			ci = m;
	}
	if (ci) {
		g->has_content = 1;
		memset(w, 0, sizeof(*w));
		w->kind = PRODUCT_VARIABLE;
		w->fields = PW_CATALOG;
		if (!strip_option(ci->w.sku, ci->p.variant_option, w->sku, sizeof(w->sku)))
			snprintf(w->sku, sizeof(w->sku), "variant-group-%s", g->id);
		if (!strip_option(ci->w.name, ci->p.variant_option, w->name, sizeof(w->name)))
			snprintf(w->name, sizeof(w->name), "%s", ci->w.name);
		snprintf(w->description, sizeof(w->description), "%s", ci->w.description);
		snprintf(w->category_id, sizeof(w->category_id), "%s", ci->w.category_id);
		snprintf(w->reference, sizeof(w->reference), "group:%.80s", g->id);
		snprintf(w->status, sizeof(w->status), "%s", publish ? "publish" : "draft");
	}
}

/* What the variable product was last written as; options and status are
 * left out (options are checked by reading, status is set once). */
static void
parent_fingerprint(struct variant_group *g, const char *shop_id)
{
	struct sbuf t = SBUF_INIT;

	sbuf_addf(&t, "variable|%s|%s|%s|%s|%s", g->w.sku, g->w.name, g->w.description, g->w.category_id, shop_id);
	flow_fingerprint(t.buf, g->fp);
	sbuf_release(&t);
}

/* The batch's groups: members in batch order, the group's link loaded. */
static struct variant_group *
collect_groups(struct catalog_batch *b, size_t *ng, struct catalog_item ***block)
{
	struct variant_group *g = calloc(b->n ? b->n : 1, sizeof(*g));
	struct catalog_item **slots = calloc(b->n ? b->n : 1, sizeof(*slots));
	size_t n = 0, used = 0;

	*ng = 0;
	*block = slots;
	if (!g || !slots) {
		free(g);
		free(slots);
		*block = NULL;
		return NULL;
	}
	for (size_t i = 0; i < b->n; i++) {
		struct catalog_item *ci = &b->ci[i];
		size_t k;

		if (ci->ended || !ci->write || !ci->p.variant_group[0])
			continue;
		for (k = 0; k < n && strcmp(g[k].id, ci->p.variant_group) != 0; k++)
			;
		if (k == n) {
			g[n].id = ci->p.variant_group;
			n++;
		}
		g[k].n++;
	}
	/* members of each group side by side in one block */
	for (size_t k = 0; k < n; k++) {
		g[k].members = slots + used;
		used += g[k].n;
		g[k].n = 0;
	}
	for (size_t i = 0; i < b->n; i++) {
		struct catalog_item *ci = &b->ci[i];

		if (ci->ended || !ci->write || !ci->p.variant_group[0])
			continue;
		for (size_t k = 0; k < n; k++)
			if (strcmp(g[k].id, ci->p.variant_group) == 0) {
				g[k].members[g[k].n++] = ci;
				break;
			}
	}
	*ng = n;
	return g;
}

#define PLACEMENT_ENTITY "variation"

int
catalog_size_placement_get(struct catalog_batch *b, const char *pos_id, char *parent, size_t plen, char *option,
			   size_t olen)
{
	char *text = NULL, *tab;
	int rc = store_fingerprint_get(b->st, b->account.id, "shop", PLACEMENT_ENTITY, pos_id, &text, &b->err);

	parent[0] = option[0] = '\0';
	if (rc < 0)
		return -1;
	if (rc == 0 && (tab = strchr(text, '\t')) != NULL) {
		snprintf(parent, plen, "%.*s", (int)(tab - text), text);
		snprintf(option, olen, "%s", tab + 1);
	}
	free(text);
	return 0;
}

int
catalog_size_placement_set(struct catalog_batch *b, const char *pos_id, const char *parent, const char *option)
{
	struct sbuf t = SBUF_INIT;
	int rc;

	sbuf_addf(&t, "%s\t%s", parent, option);
	rc = t.failed ? error_set(&b->err, "out of memory")
		      : store_fingerprint_set(b->st, b->account.id, "shop", PLACEMENT_ENTITY, pos_id, t.buf,
					      time_now_ms(), &b->err);
	sbuf_release(&t);
	return rc;
}

/* 1 when the size was last written as the variation of parent with its
 * present option, 0 when not, -1 (item ended) on a store error. */
static int
placed_as(struct catalog_batch *b, struct catalog_item *ci, const char *parent)
{
	if (!ci->placement_read) {
		if (catalog_size_placement_get(b, ci->p.id, ci->placed_parent, sizeof(ci->placed_parent),
					       ci->placed_option, sizeof(ci->placed_option)) < 0) {
			catalog_end_store_error(ci, &b->err);
			return -1;
		}
		ci->placement_read = 1;
	}
	return strcmp(ci->placed_parent, parent) == 0 && strcmp(ci->placed_option, ci->w.options[0]) == 0;
}

/* Loads the group's link and decides whether the shop's copy must be read. */
static void
load_group(struct catalog_batch *b, struct variant_group *g)
{
	int rc = store_link_by_pos(b->st, b->account.id, "product_group", g->id, &g->link, &b->err);

	if (rc < 0)
		return end_members_store(g, &b->err);
	g->linked = rc == 0;
	derive_parent(g);
	if (!g->has_content || !g->linked)
		return;
	parent_fingerprint(g, g->link.shop_id);
	g->need_read = strcmp(g->fp, g->link.fingerprint) != 0;
	for (size_t i = 0; i < g->n && !g->need_read; i++) {
		struct catalog_item *ci = g->members[i];

		if (!(ci->w.fields & PW_CATALOG))
			continue;
		if (!ci->linked) {
			g->need_read = 1;
			break;
		}
		if ((rc = placed_as(b, ci, g->link.shop_id)) < 0)
			return end_members_store(g, &b->err);
		g->need_read = !rc;
	}
}

size_t
catalog_variants_skus(struct catalog_batch *b, const char **skus, size_t room)
{
	struct variant_plan *vp = b->variants;
	size_t k = 0;

	for (size_t i = 0; vp && i < vp->ng && k < room; i++) {
		struct variant_group *x = &vp->g[i];

		if (x->ended || x->linked || !x->has_content)
			continue;
		if (!catalog_census_claim(b, x->members, x->n, x->w.sku))
			skus[k++] = x->w.sku;
	}
	return k;
}

/* Groups never linked, after their variable products were looked up by SKU:
 * found ones are linked (and read later), the others will be created. */
void
catalog_variants_found(struct catalog_batch *b, enum remote_status rs, const struct shop_product *found,
		       size_t nfound)
{
	struct variant_plan *vp = b->variants;

	for (size_t i = 0; vp && i < vp->ng; i++) {
		struct variant_group *x = &vp->g[i];
		const struct shop_product *hit = NULL;
		int holders = 0;
		char ka[128], kb[128];

		if (x->ended || x->linked || !x->has_content)
			continue;
		if (rs != REMOTE_OK) {
			/* never create what cannot be checked first */
			end_members_remote(x, ITEM_RETRY, COMMENT_PRODUCT_NOT_UPDATED, &b->re);
			continue;
		}
		sku_key(x->w.sku, ka, sizeof(ka));
		for (size_t j = 0; j < nfound; j++) {
			sku_key(found[j].sku, kb, sizeof(kb));
			if (strcmp(ka, kb) == 0 && strcmp(found[j].status, "trash") != 0) {
				hit = &found[j];
				holders++;
			}
		}
		if (holders > 1) {
			char why[256];

			snprintf(why, sizeof(why), "the variable product's SKU %s is held by %d %s products", x->w.sku,
				 holders, b->names.shop);
			end_members_saying(x, ITEM_FAILED, COMMENT_SHOP_DUPLICATE_SKU, NULL, why);
			continue;
		}
		if (!hit)
			continue;   /* to be created */
		if (store_link_set(b->st, b->account.id, "product_group", x->id, hit->id, time_now_ms(), &b->err) < 0) {
			end_members_store(x, &b->err);
			continue;
		}
		x->linked = 1;
		snprintf(x->link.shop_id, sizeof(x->link.shop_id), "%s", hit->id);
		x->link.fingerprint[0] = '\0';
		x->need_read = 1;
	}
}

/* The shop's copy of a linked variable product: its options joined with the
 * batch's, its variations matched to unlinked sizes by SKU. */
static void
read_parent(struct catalog_batch *b, struct variant_group *g)
{
	struct variable_product vp;
	struct catalog_item **unlinked = calloc(g->n, sizeof(*unlinked));
	char why[320];
	size_t nu = 0;
	enum remote_status rs;

	if (!unlinked)
		return end_members(g, ITEM_RETRY, COMMENT_PRODUCT_NOT_UPDATED, "out of memory");
	remote_error_reset(&b->re);
	rs = b->dst->ops->variable_product_get(b->dst, g->link.shop_id, &vp, &b->re);
	if (rs == REMOTE_NOT_FOUND) {
		/* deleted in the shop: its variations went with it */
		int bad = store_link_delete(b->st, b->account.id, "product_group", g->id, &b->err) < 0;

		for (size_t i = 0; i < g->n && !bad; i++)
			bad = store_link_delete(b->st, b->account.id, "product", g->members[i]->p.id, &b->err) < 0;
		if (bad)
			end_members_store(g, &b->err);
		else
			end_members(g, ITEM_RETRY, COMMENT_PRODUCT_PARENT_GONE, NULL);
		free(unlinked);
		return;
	}
	if (rs != REMOTE_OK) {
		end_members_remote(g, flow_status_for(&g->members[0]->f, rs), COMMENT_PRODUCT_NOT_UPDATED, &b->re);
		free(unlinked);
		return;
	}
	if (!vp.is_variable) {
		/* not linked to it: the next try looks the SKU up again (the
		 * merchant may make it variable, or give it another SKU) */
		if (store_link_delete(b->st, b->account.id, "product_group", g->id, &b->err) < 0) {
			end_members_store(g, &b->err);
			goto out;
		}
		snprintf(why, sizeof(why), "%s product %s holds SKU %s", b->names.shop, vp.id, g->w.sku);
		end_members_saying(g, ITEM_FAILED, COMMENT_PRODUCT_PARENT_NOT_VARIABLE, NULL, why);
		goto out;
	}
	/* the write sends the batch's options; the shop's own are kept with the rest */
	free(g->kept);
	g->kept = vp.kept;
	vp.kept = NULL;
	g->w.noptions = 0;
	for (size_t i = 0; i < g->n; i++) {
		struct catalog_item *ci = g->members[i];
		int listed = 0;

		if (!(ci->w.fields & PW_CATALOG) || ci->ended)
			continue;
		for (size_t k = 0; k < vp.noptions && !listed; k++)
			listed = strcmp(vp.options[k], ci->w.options[0]) == 0;
		if (!listed)
			g->write = 1;
		if (!ci->linked)
			unlinked[nu++] = ci;
	}
	if (nu)
		catalog_match_found(b, unlinked, nu, vp.variations, vp.nvariations);
out:
	variable_product_release(&vp);
	free(unlinked);
}

/* Options of a variable product about to be written: the shop's (read) and
 * every size of the batch. */
static void
gather_options(struct variant_group *g)
{
	for (size_t i = 0; i < g->n; i++) {
		struct catalog_item *ci = g->members[i];

		if (ci->ended || !(ci->w.fields & PW_CATALOG))
			continue;
		if (add_option(&g->w, ci->w.options[0]) < 0) {
			end_members(g, ITEM_FAILED, COMMENT_PRODUCT_TOO_MANY_OPTIONS, NULL);
			return;
		}
	}
}

/* A variable product the shop took: its link and fingerprint. */
static int
parent_written(struct catalog_batch *b, struct variant_group *g, const char *shop_id)
{
	int64_t now = time_now_ms();

	if (!g->linked && store_link_set(b->st, b->account.id, "product_group", g->id, shop_id, now, &b->err) < 0)
		return -1;
	g->linked = 1;
	snprintf(g->link.shop_id, sizeof(g->link.shop_id), "%s", shop_id);
	parent_fingerprint(g, shop_id);
	return store_link_set_fingerprint(b->st, b->account.id, "product_group", g->id, g->fp, now, &b->err);
}

static void
parent_outcome(struct catalog_batch *b, struct variant_group *g, const struct write_outcome *o)
{
	char why[320];

	if (o->ok) {
		if (parent_written(b, g, o->id) < 0)
			end_members_store(g, &b->err);
		return;
	}
	if (!g->linked && o->existing_id[0] && o->sku_taken) {
		/* made meanwhile (another worker with the group's other sizes, a
		 * lost answer): link it; catalog_plan_variants reads it and goes on */
		if (store_link_set(b->st, b->account.id, "product_group", g->id, o->existing_id, time_now_ms(),
				   &b->err) < 0)
			return end_members_store(g, &b->err);
		g->linked = 1;
		snprintf(g->link.shop_id, sizeof(g->link.shop_id), "%s", o->existing_id);
		g->link.fingerprint[0] = '\0';
		g->relinked = 1;
		return;
	}
	snprintf(why, sizeof(why), "%s answered %s for variable product %s", b->names.shop, o->code, g->w.sku);
	end_members_saying(g, ITEM_FAILED, COMMENT_PRODUCT_PARENT_REFUSED, o->message, why);
}

/* The write of a group's variable product. */
static void
parent_write(const struct variant_group *g, struct product_write *w)
{
	*w = g->w;
	w->kept = g->kept;
	snprintf(w->shop_id, sizeof(w->shop_id), "%s", g->linked ? g->link.shop_id : "");
	if (!g->linked)
		w->fields |= PW_STATUS;   /* set once, at creation */
}

/* What became of a variable product's write: o when the request was answered. */
static void
parent_answered(struct catalog_batch *b, struct variant_group *g, enum remote_status rs,
		const struct write_outcome *o)
{
	g->sent = 1;
	if (rs == REMOTE_OK)
		parent_outcome(b, g, o);
	else if (b->re.may_have_landed)
		/* the next try looks the variable product up by SKU before creating it */
		end_members_remote(g, ITEM_RETRY, COMMENT_PRODUCT_WRITE_UNANSWERED, &b->re);
	else
		end_members_remote(g, flow_status_for(&g->members[0]->f, rs), COMMENT_PRODUCT_NOT_UPDATED, &b->re);
}

/* The variable products not sent with the batch's products, in the shop's batch writes. */
static void
write_parents(struct catalog_batch *b, struct variant_group *g, size_t ng)
{
	size_t max = b->dst->ops->products_write_max ? b->dst->ops->products_write_max : 1;
	struct product_write *w = calloc(max, sizeof(*w));
	struct write_outcome *o = calloc(max, sizeof(*o));
	struct variant_group **sent = calloc(max, sizeof(*sent));
	size_t i = 0;

	if (!w || !o || !sent) {
		for (size_t k = 0; k < ng; k++)
			if (g[k].write && !g[k].ended)
				end_members(&g[k], ITEM_RETRY, COMMENT_PRODUCT_NOT_UPDATED, "out of memory");
		goto out;
	}
	while (i < ng) {
		size_t k = 0;
		enum remote_status rs;

		for (; i < ng && k < max; i++) {
			if (!g[i].write || g[i].ended || g[i].sent)
				continue;
			parent_write(&g[i], &w[k]);
			sent[k++] = &g[i];
		}
		if (!k)
			break;
		remote_error_reset(&b->re);
		catalog_census_note_creates(b, w, k);
		rs = b->dst->ops->products_write(b->dst, w, k, o, &b->re);
		for (size_t j = 0; j < k; j++)
			parent_answered(b, sent[j], rs, &o[j]);
	}
out:
	free(w);
	free(o);
	free(sent);
}

/* Every open member becomes a variation of the group's variable product. */
static void
aim_members(struct catalog_batch *b, struct variant_group *g)
{
	for (size_t i = 0; i < g->n; i++) {
		struct catalog_item *ci = g->members[i];
		if (ci->ended)
			continue;
		if (ci->w.fields & PW_CATALOG) {
			ci->w.kind = PRODUCT_VARIATION;
			snprintf(ci->w.parent_id, sizeof(ci->w.parent_id), "%s", g->link.shop_id);
			/* its option goes out only when new or changed: a write of
			 * attributes replaces the variation's whole list */
			if (ci->linked && placed_as(b, ci, g->link.shop_id) > 0)
				ci->w.fields &= ~(unsigned)PW_OPTION;
			continue;
		}
		catalog_size_aim(b, ci);   /* a draft for a size */
	}
}

int
catalog_size_aim(struct catalog_batch *b, struct catalog_item *ci)
{
	char option[PRODUCT_OPTION_LEN];

	if (catalog_size_placement_get(b, ci->p.id, ci->w.parent_id, sizeof(ci->w.parent_id), option,
				       sizeof(option)) < 0) {
		catalog_end_store_error(ci, &b->err);
		return -1;
	}
	if (ci->w.parent_id[0])
		ci->w.kind = PRODUCT_VARIATION;
	return 0;
}

/* A linked variable product: read, then written if it changed or lacks a size. */
static void
plan_linked(struct catalog_batch *b, struct variant_group *g)
{
	read_parent(b, g);
	if (g->ended)
		return;
	parent_fingerprint(g, g->link.shop_id);
	if (strcmp(g->fp, g->link.fingerprint) != 0)
		g->write = 1;
	gather_options(g);
}

void
catalog_variants_begin(struct catalog_batch *b)
{
	struct variant_plan *vp = calloc(1, sizeof(*vp));

	if (vp)
		vp->g = collect_groups(b, &vp->ng, &vp->block);
	if (!vp || !vp->g) {
		free(vp);
		for (size_t i = 0; i < b->n; i++)
			if (!b->ci[i].ended && b->ci[i].p.variant_group[0])
				catalog_end(&b->ci[i], ITEM_RETRY, COMMENT_PRODUCT_NOT_UPDATED);
		return;
	}
	b->variants = vp;
	if (vp->ng && !b->dst->ops->variable_product_get) {
		for (size_t k = 0; k < vp->ng; k++)
			end_members(&vp->g[k], ITEM_FAILED, COMMENT_CONNECTOR_UNAVAILABLE, NULL);
		return;
	}
	if (lock_groups(b, vp) < 0) {
		for (size_t k = 0; k < vp->ng; k++)
			end_members(&vp->g[k], ITEM_RETRY, COMMENT_PRODUCT_NOT_UPDATED, "out of memory");
		return;
	}
	for (size_t k = 0; k < vp->ng; k++)
		load_group(b, &vp->g[k]);
}

void
catalog_variants_plan(struct catalog_batch *b)
{
	struct variant_plan *vp = b->variants;

	for (size_t k = 0; vp && k < vp->ng; k++) {
		struct variant_group *x = &vp->g[k];

		if (x->ended || !x->has_content)
			continue;
		if (!x->linked) {
			x->write = 1;   /* created with the batch's sizes */
			gather_options(x);
		} else if (x->need_read) {
			plan_linked(b, x);
		}
	}
}

size_t
catalog_variants_pending(const struct catalog_batch *b)
{
	const struct variant_plan *vp = b->variants;
	size_t n = 0;

	for (size_t k = 0; vp && k < vp->ng; k++)
		n += vp->g[k].write && !vp->g[k].ended && !vp->g[k].sent;
	return n;
}

size_t
catalog_variants_take(struct catalog_batch *b, struct product_write *w, size_t room)
{
	struct variant_plan *vp = b->variants;

	if (!vp)
		return 0;
	if (!vp->taken && !(vp->taken = calloc(vp->ng ? vp->ng : 1, sizeof(*vp->taken))))
		return 0;   /* they go on their own in catalog_variants_end */
	vp->ntaken = 0;
	for (size_t k = 0; k < vp->ng && vp->ntaken < room; k++) {
		struct variant_group *x = &vp->g[k];

		if (!x->write || x->ended || x->sent)
			continue;
		parent_write(x, &w[vp->ntaken]);
		x->sent = 1;
		vp->taken[vp->ntaken++] = x;
	}
	return vp->ntaken;
}

void
catalog_variants_answered(struct catalog_batch *b, enum remote_status rs, const struct write_outcome *o)
{
	struct variant_plan *vp = b->variants;

	for (size_t j = 0; vp && j < vp->ntaken; j++) {
		if (rs == REMOTE_REFUSED && !b->re.may_have_landed) {
			vp->taken[j]->sent = 0;   /* refused as a whole, maybe for a product: alone next */
			continue;
		}
		parent_answered(b, vp->taken[j], rs, &o[j]);
	}
	if (vp)
		vp->ntaken = 0;
}

void
catalog_variants_end(struct catalog_batch *b)
{
	struct variant_plan *vp = b->variants;
	size_t relinked = 0;

	if (!vp)
		return;
	write_parents(b, vp->g, vp->ng);   /* those that did not go with the products */
	/* creates refused because the shop has the product: now linked, once more as updates */
	for (size_t k = 0; k < vp->ng; k++)
		vp->g[k].write = vp->g[k].sent = 0;
	for (size_t k = 0; k < vp->ng; k++)
		if (vp->g[k].relinked && !vp->g[k].ended) {
			plan_linked(b, &vp->g[k]);
			relinked++;
		}
	if (relinked)
		write_parents(b, vp->g, vp->ng);
	unlock_groups(vp);   /* the variable products are written: variations need no lock */
	for (size_t k = 0; k < vp->ng; k++)
		if (!vp->g[k].ended)
			aim_members(b, &vp->g[k]);
}

void
catalog_variants_free(struct catalog_batch *b)
{
	struct variant_plan *vp = b->variants;

	if (!vp)
		return;
	unlock_groups(vp);
	for (size_t k = 0; k < vp->ng; k++)
		free(vp->g[k].kept);
	free(vp->block);
	free(vp->g);
	free(vp->taken);
	free(vp);
	b->variants = NULL;
}

int
catalog_variants_forget_parent(struct catalog_batch *b, const struct catalog_item *size)
{
	struct link l;
	int rc;

	if (!size->p.variant_group[0])
		return 0;   /* a draft of a gone size: its group is not known; the placement stays */
	rc = store_link_by_pos(b->st, b->account.id, "product_group", size->p.variant_group, &l, &b->err);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return store_link_set_fingerprint(b->st, b->account.id, "product_group", size->p.variant_group, "",
					  time_now_ms(), &b->err);
}

enum remote_status
catalog_match_variations(struct catalog_batch *b, const char *parent_id, struct catalog_item **set, size_t n)
{
	struct variable_product vp;
	enum remote_status rs;

	remote_error_reset(&b->re);
	rs = b->dst->ops->variable_product_get(b->dst, parent_id, &vp, &b->re);
	if (rs != REMOTE_OK)
		return rs;
	catalog_match_found(b, set, n, vp.variations, vp.nvariations);
	variable_product_release(&vp);
	return REMOTE_OK;
}
