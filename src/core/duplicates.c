#include "core/duplicates.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/catalog_read.h"
#include "core/journal.h"
#include "queue/queue.h"
#include "util/log.h"
#include "util/timeutil.h"

/* one product of a side's listing, with its normalised SKU */
struct listed {
	char key[128];
	struct duplicate_member m;
};

struct listing {
	struct listed *v;
	size_t n, alloc;
};

void
sku_trim(char *s)
{
	size_t skip = 0, n;

	while (isspace((unsigned char)s[skip]))
		skip++;
	memmove(s, s + skip, strlen(s + skip) + 1);
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

void
sku_key(const char *sku, char *out, size_t len)
{
	size_t n = 0;

	while (isspace((unsigned char)*sku))
		sku++;
	for (; *sku && n + 1 < len; sku++)
		out[n++] = (char)tolower((unsigned char)*sku);
	while (n && isspace((unsigned char)out[n - 1]))
		n--;
	out[n] = '\0';
}

static int
list_add(struct listing *l, const char *id, const char *sku, const char *name)
{
	struct listed *x;

	if (!sku[0])
		return 0;   /* no SKU: nothing to compare */
	if (l->n == l->alloc) {
		size_t want = l->alloc ? l->alloc * 2 : 256;
		struct listed *grown = realloc(l->v, want * sizeof(*grown));

		if (!grown)
			return -1;
		l->v = grown;
		l->alloc = want;
	}
	x = &l->v[l->n++];
	memset(x, 0, sizeof(*x));
	sku_key(sku, x->key, sizeof(x->key));
	snprintf(x->m.id, sizeof(x->m.id), "%s", id);
	snprintf(x->m.sku, sizeof(x->m.sku), "%s", sku);
	snprintf(x->m.name, sizeof(x->m.name), "%s", name);
	return 0;
}

static int
by_key(const void *a, const void *b)
{
	int c = strcmp(((const struct listed *)a)->key, ((const struct listed *)b)->key);

	return c ? c : strcmp(((const struct listed *)a)->m.id, ((const struct listed *)b)->m.id);
}

struct listing_into {
	struct listing *l;
	struct sbuf *err;
};

static int
list_products(void *ctx, const struct product *ps, size_t n)
{
	struct listing_into *in = ctx;

	for (size_t i = 0; i < n; i++)
		if (list_add(in->l, ps[i].id, ps[i].sku, ps[i].name) < 0)
			return error_set(in->err, "out of memory reading products");
	return 0;
}

static int
list_stock(void *ctx, const struct stock_level *s, size_t n)
{
	struct listing_into *in = ctx;

	for (size_t i = 0; i < n; i++)
		if (list_add(in->l, s[i].product_id, s[i].sku, "") < 0)
			return error_set(in->err, "out of memory reading products");
	return 0;
}

/* Runs of the same key with more than one product become groups. */
static int
group(struct store *st, const struct account *acc, const char *side, struct listing *l,
      struct duplicate_report *out, struct sbuf *err)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), by_key);
	for (size_t i = 0; i < l->n;) {
		size_t k = i + 1;
		struct duplicate_group *g, *grown;

		while (k < l->n && strcmp(l->v[k].key, l->v[i].key) == 0)
			k++;
		if (k - i < 2) {
			i = k;
			continue;
		}
		grown = realloc(out->groups, (out->n + 1) * sizeof(*grown));
		if (!grown)
			return error_set(err, "out of memory");
		out->groups = grown;
		g = &out->groups[out->n++];
		memset(g, 0, sizeof(*g));
		g->side = side;
		snprintf(g->sku, sizeof(g->sku), "%s", l->v[i].key);
		g->members = calloc(k - i, sizeof(*g->members));
		if (!g->members)
			return error_set(err, "out of memory");
		for (size_t j = i; j < k; j++) {
			struct duplicate_member *m = &g->members[g->n++];
			struct link lk;
			int rc;

			*m = l->v[j].m;
			rc = strcmp(side, "pos") == 0 ? store_link_by_pos(st, acc->id, "product", m->id, &lk, err)
						      : store_link_by_shop(st, acc->id, "product", m->id, &lk, err);
			if (rc < 0)
				return -1;
			if (rc == 0)
				snprintf(m->linked_to, sizeof(m->linked_to), "%s",
					 strcmp(side, "pos") == 0 ? lk.shop_id : lk.pos_id);
		}
		i = k;
	}
	return 0;
}

json_t *
duplicates_json(const struct duplicate_report *r, const char *account)
{
	json_t *groups = json_array();

	for (size_t i = 0; i < r->n; i++) {
		const struct duplicate_group *g = &r->groups[i];
		json_t *members = json_array();

		for (size_t k = 0; k < g->n; k++)
			json_array_append_new(members, json_pack("{s:s, s:s, s:s, s:s}", "id", g->members[k].id, "sku",
								 g->members[k].sku, "name", g->members[k].name,
								 "linked_to", g->members[k].linked_to));
		json_array_append_new(groups, json_pack("{s:s, s:s, s:o}", "side", g->side, "sku", g->sku, "products",
							members));
	}
	return json_pack("{s:s, s:I, s:I, s:o}", "account", account, "pos_products", (json_int_t)r->pos_products,
			 "shop_products", (json_int_t)r->shop_products, "groups", groups);
}

void
duplicate_report_release(struct duplicate_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->groups[i].members);
	free(r->groups);
	memset(r, 0, sizeof(*r));
}

static int
open_both(struct engine *e, struct store *st, const struct account *acc, struct connector **pos,
	  struct connector **shop, struct sbuf *err)
{
	struct remote_error re;
	int rc;

	*pos = *shop = NULL;
	remote_error_init(&re);
	rc = engine_open_connector(e, st, acc->id, "pos", pos, &re, err);
	if (rc == 0)
		rc = engine_open_connector(e, st, acc->id, "shop", shop, &re, err);
	remote_error_release(&re);
	if (rc == STORE_NOTFOUND)
		error_set(err, "account %s needs both connections ('tillsync connection add')", acc->name);
	if (rc != 0) {
		if (*pos)
			(*pos)->ops->close(*pos);
		*pos = NULL;
		return -1;
	}
	return 0;
}

int
duplicates_find(struct engine *e, struct store *st, const struct account *acc, struct duplicate_report *out,
		struct sbuf *err)
{
	struct listing pl = { 0 }, sl = { 0 };
	struct connector *pos, *shop;
	int rc;

	memset(out, 0, sizeof(*out));
	if (open_both(e, st, acc, &pos, &shop, err) < 0)
		return -1;
	{
		struct listing_into pin = { &pl, err }, sin = { &sl, err };

		/* the shop's stock listing carries every product's id and SKU, and nothing more */
		rc = catalog_read_products(pos, list_products, &pin, err);
		if (rc == 0)
			rc = catalog_read_stock(shop, "", list_stock, &sin, err);
	}
	out->pos_products = pl.n;
	out->shop_products = sl.n;
	if (rc == 0)
		rc = group(st, acc, "pos", &pl, out, err);
	if (rc == 0)
		rc = group(st, acc, "shop", &sl, out, err);
	if (rc < 0)
		duplicate_report_release(out);
	free(pl.v);
	free(sl.v);
	pos->ops->close(pos);
	shop->ops->close(shop);
	return rc;
}

/* The other shop copies of the SKU to draft, in one batch write. */
static int
draft_others(struct connector *shop, const struct shop_product *found, size_t n, const char *keep,
	     struct sbuf *said, struct sbuf *err)
{
	struct product_write *w = calloc(n ? n : 1, sizeof(*w));
	struct write_outcome *o = calloc(n ? n : 1, sizeof(*o));
	struct remote_error re;
	size_t k = 0;
	int rc = 0;

	if (!w || !o) {
		free(w);
		free(o);
		return error_set(err, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(found[i].id, keep) == 0 || strcmp(found[i].status, "draft") == 0 ||
		    strcmp(found[i].status, "trash") == 0)
			continue;
		w[k].fields = PW_STATUS;
		snprintf(w[k].shop_id, sizeof(w[k].shop_id), "%s", found[i].id);
		snprintf(w[k].status, sizeof(w[k].status), "draft");
		k++;
	}
	remote_error_init(&re);
	if (k && shop->ops->products_write(shop, w, k, o, &re) != REMOTE_OK)
		rc = error_set(err, "the link is set, but the other copies could not be set to draft: %s",
			       re.message.buf);
	for (size_t i = 0; rc == 0 && i < k; i++) {
		if (o[i].ok)
			sbuf_addf(said, "%s product %s set to draft\n", shop->ops->display_name, w[i].shop_id);
		else
			sbuf_addf(said, "%s product %s could not be set to draft: %s\n", shop->ops->display_name,
				  w[i].shop_id, o[i].message);
	}
	remote_error_release(&re);
	free(w);
	free(o);
	return rc;
}

static int
relink(struct store *st, const struct account *acc, const char *pos_id, const char *keep, struct sbuf *said,
       struct sbuf *err)
{
	struct link other;
	int rc = store_tx_begin(st, err);

	if (rc == 0 && (rc = store_link_by_shop(st, acc->id, "product", keep, &other, err)) == 0 &&
	    strcmp(other.pos_id, pos_id) != 0) {
		rc = store_link_delete(st, acc->id, "product", other.pos_id, err);
		if (rc == 0)
			sbuf_addf(said, "POS product %s is no longer linked to shop product %s\n", other.pos_id, keep);
	}
	if (rc == STORE_NOTFOUND)
		rc = 0;
	if (rc == 0)
		rc = store_link_set(st, acc->id, "product", pos_id, keep, time_now_ms(), err);
	if (rc == 0)
		rc = store_link_set_fingerprint(st, acc->id, "product", pos_id, "", time_now_ms(), err);
	if (rc == 0)
		rc = queue_enqueue(st, acc->id, "products", "product", pos_id, DIRECTION_POS_TO_SHOP, REASON_MANUAL,
				   NULL, NULL, time_now_ms(), NULL, NULL, err);
	if (rc == 0)
		return store_tx_commit(st, err);
	store_tx_rollback(st);
	return -1;
}

int
duplicates_merge(struct engine *e, struct store *st, const struct account *acc, const char *pos_id,
		 const char *keep_shop_id, struct sbuf *said, struct sbuf *err)
{
	struct connector *pos, *shop;
	struct shop_product *found = NULL;
	struct remote_error re;
	struct product p;
	const char *sku;
	size_t n = 0;
	int holds = 0, rc = -1;

	if (open_both(e, st, acc, &pos, &shop, err) < 0)
		return -1;
	remote_error_init(&re);
	if (!pos->ops->product_get || !shop->ops->products_by_sku || !shop->ops->products_write) {
		error_set(err, "these connections cannot merge products");
		goto out;
	}
	if (pos->ops->product_get(pos, pos_id, &p, &re) != REMOTE_OK) {
		error_set(err, "POS product %s: %s", pos_id, re.message.buf);
		goto out;
	}
	if (!p.sku[0]) {
		error_set(err, "POS product %s has no SKU: give it one in the POS first", pos_id);
		goto out;
	}
	sku_trim(p.sku);   /* as the shop keeps it */
	sku = p.sku;
	remote_error_reset(&re);
	if (shop->ops->products_by_sku(shop, &sku, 1, &found, &n, &re) != REMOTE_OK) {
		error_set(err, "%s", re.message.buf);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		holds |= strcmp(found[i].id, keep_shop_id) == 0;
	if (!holds) {
		error_set(err, "%s product %s does not hold SKU %s; 'tillsync duplicates' lists the candidates",
			  shop->ops->display_name, keep_shop_id, p.sku);
		goto out;
	}
	if (relink(st, acc, pos_id, keep_shop_id, said, err) < 0)
		goto out;
	sbuf_addf(said, "POS product %s (SKU %s) is linked to %s product %s and queued for an update\n", pos_id, p.sku,
		  shop->ops->display_name, keep_shop_id);
	journal(st, acc->id, acc->name, "products", LOG_INFO, "duplicates merged: POS product %s linked to %s "
		"product %s (SKU %s)", pos_id, shop->ops->display_name, keep_shop_id, p.sku);
	rc = draft_others(shop, found, n, keep_shop_id, said, err);
out:
	free(found);
	remote_error_release(&re);
	pos->ops->close(pos);
	shop->ops->close(shop);
	return rc;
}
