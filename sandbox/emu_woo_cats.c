/*
 * emu_woo_cats.c - /products/categories[/{id}] and /products/categories/batch
 * of the WooCommerce emulator: WC_REST_Product_Categories_Controller over
 * wp_insert_term(), wp_update_term() and wp_delete_term().
 *
 * Terms follow WordPress, quirks included: a name is stored as
 * wp_filter_kses() leaves it ("A & B" becomes "A &amp; B"); a slug is made
 * unique (the parents' slugs appended, then -2, -3...) on insert; the same
 * name twice under one parent is refused with term_exists; an update that
 * WordPress refuses without a status (empty name, slug in use) answers 500,
 * because WooCommerce passes the WP_Error on as it is.  "count" is kept by
 * the product code.  Handlers hold st->lock for the whole request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "woo.h"

static const char *const displays[] = { "default", "products",
	"subcategories", "both" };
static const char *const orderbys[] = { "id", "include", "name", "slug",
	"term_group", "description", "count" };
#define NEL(a) ((int)(sizeof(a) / sizeof(a[0])))

void
wc_cat_free(void *v)
{
	struct wc_cat *c = v;

	if (c == NULL)
		return;
	free(c->name);
	free(c->slug);
	free(c->description);
	free(c->display);
	free(c);
}

static void
cat_render(struct woo *st, void *rec, struct jw *w)
{
	wc_cat_json(st, rec, w);
}

static void
cat_row(struct woo *st, long id, struct jw *w)
{
	wc_cat_json(st, tab_get(&st->cats, id), w);
}

/* the slug as served: stored, or derived from the name (seed data) */
static void
cat_slug(const struct wc_cat *c, struct wbuf *b)
{
	if (c->slug != NULL)
		wbuf_adds(b, c->slug);
	else
		wc_slug(c->name, b);
}

/* the category using slug, other than self; NULL: free */
static struct wc_cat *
slug_owner(struct woo *st, const char *slug, long self)
{
	struct wbuf b = WBUF_INIT;
	struct wc_cat *hit = NULL;
	size_t i;

	for (i = 0; i < st->cats.n && hit == NULL; i++) {
		struct wc_cat *c = st->cats.v[i];

		if (c == NULL || c->id == self)
			continue;
		wbuf_reset(&b);
		cat_slug(c, &b);
		if (strcmp(wbuf_str(&b), slug) == 0)
			hit = c;
	}
	wbuf_release(&b);
	return hit;
}

/* wp_unique_term_slug(): the parents' slugs appended, then "-N" */
static void
unique_slug(struct woo *st, long parent, long self, struct wbuf *b)
{
	struct wc_cat *p;
	size_t base;
	int num;

	if (slug_owner(st, wbuf_str(b), self) == NULL)
		return;
	for (p = tab_get(&st->cats, parent); p != NULL;
	    p = tab_get(&st->cats, p->parent)) {
		wbuf_addc(b, '-');
		cat_slug(p, b);
		if (slug_owner(st, wbuf_str(b), self) == NULL || p->parent == 0)
			break;
	}
	base = b->len;
	for (num = 2; slug_owner(st, wbuf_str(b), self) != NULL; num++) {
		b->len = base;
		b->buf[base] = '\0';
		wbuf_addf(b, "-%d", num);
	}
}

/* sanitize_title(): lower case, anything else a single dash */
static void
slug_of(const char *s, struct wbuf *b)
{
	wbuf_reset(b);
	wc_slug(s, b);
}

/* the name as wp_insert_term() stores it: trimmed, bare '&' as "&amp;" */
static char *
term_name(const char *raw)
{
	struct wbuf b = WBUF_INIT;
	const char *p = raw, *end;

	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\n'))
		end--;
	for (; p < end; p++) {
		size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789#");

		if (*p == '&' && !(n > 0 && p[1 + n] == ';'))
			wbuf_adds(&b, "&amp;");
		else
			wbuf_addc(&b, *p);
	}
	return wbuf_take(&b);
}

static int
is_below(struct woo *st, long id, long anc)
{
	struct wc_cat *c;
	int guard = 0;

	for (c = tab_get(&st->cats, id); c != NULL && guard < 1000;
	    c = tab_get(&st->cats, c->parent), guard++)
		if (c->parent == anc)
			return 1;
	return 0;
}

/*
 * 0, or -1 with e set; with dry nothing changes.  Sets what the request
 * gives (slug sanitised, not yet unique: the callers do that); image is
 * accepted and not kept.  A parent that would make a loop becomes 0, as
 * wp_check_term_hierarchy_for_loops() does.
 */
int
wc_cat_apply(struct woo *st, struct wc_cat *c, json_t *o, int dry,
    struct wc_error *e)
{
	char *name = NULL, *slug = NULL;
	long parent = c->parent, mo = c->menu_order;
	int disp = 0, rc = -1;

	if (wc_in_str(o, "name", &name, 0, e) < 0 ||
	    wc_in_str(o, "slug", &slug, 0, e) < 0 ||
	    wc_in_str(o, "description", &c->description, dry, e) < 0 ||
	    wc_in_enum(o, "display", displays, NEL(displays), &disp, dry,
	    e) < 0 ||
	    wc_in_long(o, "menu_order", &mo, dry, e) < 0 ||
	    wc_in_long(o, "parent", &parent, 0, e) < 0)
		goto out;
	if (name != NULL && name[strspn(name, " \t\n")] == '\0') {
		/* wp_insert_term() and wp_update_term() refuse it */
		wc_error_set(e, c->id == 0 ? 400 : 500, "empty_term_name",
		    "A name is required for this term.");
		goto out;
	}
	if (parent != 0 && json_object_get(o, "parent") != NULL &&
	    tab_get(&st->cats, parent) == NULL) {
		wc_error_set(e, 404, "woocommerce_rest_term_invalid",
		    "Parent resource does not exist.");
		goto out;
	}
	rc = 0;
	if (dry)
		goto out;
	if (name != NULL) {
		free(c->name);
		c->name = term_name(name);
	}
	if (slug != NULL) {
		struct wbuf b = WBUF_INIT;

		slug_of(slug, &b);
		free(c->slug);
		c->slug = b.len > 0 ? wbuf_take(&b) : NULL;
		wbuf_release(&b);
	}
	if (jx_str(o, "display") != NULL)
		setstr(&c->display, displays[disp]);
	c->menu_order = mo;
	if (json_object_get(o, "parent") != NULL)
		c->parent = parent == c->id || (c->id > 0 &&
		    is_below(st, parent, c->id)) ? 0 : parent;
out:
	free(name);
	free(slug);
	return rc;
}

/* ---------------------------------------------------------------- create */

/*
 * POST /products/categories and a batch "create" entry: wp_insert_term()'s
 * duplicate rules, then a unique slug.
 */
static void *
cat_post(struct woo *st, json_t *o, struct wc_error *e)
{
	struct wc_cat tmp, *c, *nm = NULL, *sm;
	struct wbuf want = WBUF_INIT;
	const char *slug = jx_str(o, "slug");
	long parent = 0;
	char *name;
	size_t i;

	if (json_object_get(o, "name") == NULL) {
		wc_missing_param(e, "name");
		return NULL;
	}
	memset(&tmp, 0, sizeof(tmp));
	if (wc_cat_apply(st, &tmp, o, 1, e) < 0)
		return NULL;
	wc_in_long(o, "parent", &parent, 0, e);
	name = term_name(jx_str(o, "name"));
	if (slug != NULL && *slug != '\0')
		slug_of(slug, &want);
	for (i = 0; i < st->cats.n && nm == NULL; i++) {
		struct wc_cat *s = st->cats.v[i];

		if (s != NULL && s->parent == parent && s->name != NULL &&
		    strcmp(s->name, name) == 0)
			nm = s;
	}
	free(name);
	if (nm != NULL) {
		struct wbuf ns = WBUF_INIT;

		cat_slug(nm, &ns);
		sm = want.len > 0 ? slug_owner(st, wbuf_str(&want), 0) : NULL;
		if (want.len == 0 || strcmp(wbuf_str(&ns), wbuf_str(&want)) == 0)
			sm = nm;
		else if (sm != NULL && sm->parent != parent)
			sm = NULL;
		wbuf_release(&ns);
		if (sm != NULL) {
			wc_error_set(e, 400, "term_exists", "A term with the "
			    "name provided already exists with this parent.");
			snprintf(e->extra, sizeof(e->extra), "\"resource_id\":%ld",
			    sm->id);
			wbuf_release(&want);
			return NULL;
		}
	}
	c = xcalloc(1, sizeof(*c));
	c->id = tab_add(&st->cats, c);
	wc_cat_apply(st, c, o, 0, e);
	if (want.len == 0)
		wc_slug(jx_str(o, "name"), &want);
	if (want.len == 0)
		wbuf_addf(&want, "%ld", c->id);
	unique_slug(st, c->parent, c->id, &want);
	free(c->slug);
	c->slug = wbuf_take(&want);
	wbuf_release(&want);
	return c;
}

/*
 * PUT /products/categories/{id} and a batch "update" entry.  A slug in use
 * elsewhere is refused (500 duplicate_term_slug) unless it came from the
 * name (empty slug sent) or the parent moved: then it is made unique.
 */
static void *
cat_put(struct woo *st, long id, json_t *o, struct wc_error *e)
{
	struct wc_cat *c = tab_get(&st->cats, id);
	struct wbuf want = WBUF_INIT;
	const char *slug = jx_str(o, "slug");
	long parent;
	int empty = slug != NULL && *slug == '\0';

	if (c == NULL) {
		wc_error_set(e, 404, "woocommerce_rest_term_invalid",
		    "Resource does not exist.");
		return NULL;
	}
	parent = c->parent;
	if (wc_cat_apply(st, c, o, 1, e) < 0)
		return NULL;
	wc_in_long(o, "parent", &parent, 0, e);
	if (slug != NULL) {
		if (empty)
			wc_slug(jx_str(o, "name") != NULL ? jx_str(o, "name") :
			    c->name, &want);
		else
			slug_of(slug, &want);
		if (slug_owner(st, wbuf_str(&want), c->id) != NULL) {
			if (!empty && parent == c->parent) {
				wc_error_set(e, 500, "duplicate_term_slug", "The "
				    "slug &#8220;%.100s&#8221; is already in use "
				    "by another term.", wbuf_str(&want));
				wbuf_release(&want);
				return NULL;
			}
			unique_slug(st, parent, c->id, &want);
		}
	}
	wc_cat_apply(st, c, o, 0, e);
	if (slug != NULL) {
		free(c->slug);
		c->slug = wbuf_take(&want);
	}
	wbuf_release(&want);
	return c;
}

/*
 * DELETE ?force=true and a batch "delete" entry: wp_delete_term() moves
 * the children up to the deleted term's parent and drops the term from
 * every product.  The default category cannot go (500).
 */
static void *
cat_delete(struct woo *st, long id, struct wc_error *e)
{
	struct wc_cat *c = tab_get(&st->cats, id);
	struct wbuf s = WBUF_INIT;
	size_t i;
	int dflt;

	if (c == NULL) {
		wc_error_set(e, 404, "woocommerce_rest_term_invalid",
		    "Resource does not exist.");
		return NULL;
	}
	cat_slug(c, &s);
	dflt = strcmp(wbuf_str(&s), "uncategorized") == 0;
	wbuf_release(&s);
	if (dflt) {
		wc_error_set(e, 500, "woocommerce_rest_cannot_delete",
		    "The resource cannot be deleted.");
		return NULL;
	}
	for (i = 0; i < st->cats.n; i++) {
		struct wc_cat *k = st->cats.v[i];

		if (k != NULL && k->parent == id)
			k->parent = c->parent;
	}
	for (i = 0; i < st->products.n; i++) {
		struct wc_product *p = st->products.v[i];

		if (p != NULL && p->cats.n > 0)
			longs_del(&p->cats, id);
	}
	tab_del(&st->cats, id);
	return c;
}

/* ---------------------------------------------------------------- list */

/*
 * hide_empty on a hierarchical taxonomy keeps a term whose descendants
 * hold products (WP_Term_Query): mark every non-empty term's ancestors.
 */
static unsigned char *
nonempty_map(struct woo *st)
{
	unsigned char *m = xcalloc(st->cats.n + 1, 1);
	size_t i;

	for (i = 0; i < st->cats.n; i++) {
		struct wc_cat *c = st->cats.v[i];
		int guard = 0;

		if (c == NULL || c->count <= 0)
			continue;
		for (; c != NULL && guard < 1000; guard++) {
			m[c->id - st->cats.base] = 1;
			c = tab_get(&st->cats, c->parent);
		}
	}
	return m;
}

struct cat_filter {
	const char		*search;
	const char		*slug;
	long			 parent;	/* -1: any */
	int			 hide_empty;
	unsigned char		*nonempty;
	const struct wc_product	*product;
	int			 has_inc;
	struct longs		 inc;
	struct longs		 exc;
};

static int
cat_match(struct woo *st, struct wc_cat *c, const struct cat_filter *f)
{
	struct wbuf s = WBUF_INIT;
	int ok = 1;

	if ((f->parent >= 0 && c->parent != f->parent) ||
	    (f->has_inc && wc_ids_pos(&f->inc, c->id) < 0) ||
	    wc_ids_pos(&f->exc, c->id) >= 0 ||
	    (f->hide_empty && !f->nonempty[c->id - st->cats.base]) ||
	    (f->product != NULL && wc_ids_pos(&f->product->cats, c->id) < 0))
		return 0;
	if (f->slug == NULL && (f->search == NULL || *f->search == '\0'))
		return 1;
	cat_slug(c, &s);
	if (f->slug != NULL && strcmp(wbuf_str(&s), f->slug) != 0)
		ok = 0;
	/* get_terms(search): name LIKE '%s%' OR slug LIKE '%s%' */
	if (ok && f->search != NULL && *f->search != '\0')
		ok = wc_has_nocase(c->name, f->search) ||
		    wc_has_nocase(wbuf_str(&s), f->search);
	wbuf_release(&s);
	return ok;
}

static void
cat_key(struct wc_sortkey *k, struct wc_cat *c, int ob,
    const struct cat_filter *f)
{
	k->id = c->id;
	k->n = c->id;
	k->s = NULL;
	switch (ob) {
	case 1:
		if (f->has_inc)
			k->n = wc_ids_pos(&f->inc, c->id);
		break;
	case 2:
		k->s = c->name != NULL ? c->name : "";
		break;
	case 3:		/* the stored slug; seed data's derive from the name */
		k->s = c->slug != NULL ? c->slug : c->name != NULL ? c->name :
		    "";
		break;
	case 5:
		k->s = c->description != NULL ? c->description : "";
		break;
	case 6:
		k->n = c->count;
		break;
	}
}

void
h_cats_list(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct cat_filter f;
	struct wc_sortkey *keys;
	struct wc_error e;
	struct wc_list l;
	const char *v;
	int ob;
	size_t n = 0, j;

	if (woo_auth(st, rq, rs, P_LIST) < 0 ||
	    wc_list_parse(rq, rs, &l, "name", 0) < 0)
		return;
	memset(&f, 0, sizeof(f));
	f.search = req_param(rq, "search");
	f.slug = req_param(rq, "slug");
	f.parent = -1;
	f.hide_empty = wc_param_bool(rq, "hide_empty");
	if (wc_param_enum(rq, "orderby", orderbys, NEL(orderbys), 2, &ob,
	    &e) < 0 || wc_param_ids(rq, "include", &f.inc, &e) < 0 ||
	    wc_param_ids(rq, "exclude", &f.exc, &e) < 0)
		goto bad;
	f.has_inc = f.inc.n > 0;
	if ((v = req_param(rq, "parent")) != NULL &&
	    parse_long(v, &f.parent) < 0) {
		wc_invalid_param(&e, "parent", "parent is not of type integer.");
		goto bad;
	}
	wc_fields(&(struct jw){ 0 }, rq, 2, &l.fields, &l.nfields);
	pthread_rwlock_rdlock(&st->lock);
	if ((v = req_param(rq, "product")) != NULL) {
		f.product = tab_get(&st->products, strtol(v, NULL, 10));
		if (f.product == NULL) {
			/* wp_get_object_terms() of no post: nothing */
			static const struct wc_product none;

			f.product = &none;
		}
	}
	if (f.hide_empty)
		f.nonempty = nonempty_map(st);
	keys = xcalloc(st->cats.n + 1, sizeof(*keys));
	for (j = 0; j < st->cats.n; j++) {
		struct wc_cat *c = st->cats.v[j];

		if (c != NULL && cat_match(st, c, &f))
			cat_key(&keys[n++], c, ob, &f);
	}
	wc_list_sort(keys, n, &l);
	wc_list_page(st, rq, rs, &l, keys, n, cat_row);
	pthread_rwlock_unlock(&st->lock);
	free(keys);
	free(f.nonempty);
	goto out;
bad:
	wc_error_resp(&e, rs);
out:
	free(f.inc.v);
	free(f.exc.v);
	wc_list_release(&l);
}

/* ---------------------------------------------------------------- items */

void
h_cat_get(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_cat *c;

	if (woo_auth(st, rq, rs, P_VIEW) < 0)
		return;
	pthread_rwlock_rdlock(&st->lock);
	if ((c = tab_get(&st->cats, rq->ids[0])) == NULL)
		wc_err(rs, 404, "woocommerce_rest_term_invalid",
		    "Resource does not exist.");
	else {
		wc_send_one(st, rq, rs, 200, cat_render, c);
		rs->items_read = 1;
	}
	pthread_rwlock_unlock(&st->lock);
}

static void
cat_write(struct woo *st, struct req *rq, struct resp *rs, int create)
{
	struct wc_cat *c;
	struct wc_error e;
	json_t *j;

	if (woo_auth(st, rq, rs, create ? P_CREATE : P_EDIT) < 0 ||
	    (j = wc_body(rq, rs)) == NULL)
		return;
	pthread_rwlock_wrlock(&st->lock);
	c = create ? cat_post(st, j, &e) : cat_put(st, rq->ids[0], j, &e);
	if (c == NULL)
		wc_error_resp(&e, rs);
	else {
		wc_send_one(st, rq, rs, create ? 201 : 200, cat_render, c);
		if (create)
			wc_location(st, rs, "products/categories", c->id);
		rs->items_written = 1;
	}
	pthread_rwlock_unlock(&st->lock);
	json_decref(j);
}

void
h_cat_post(void *ctx, struct req *rq, struct resp *rs)
{
	cat_write(ctx, rq, rs, 1);
}

void
h_cat_put(void *ctx, struct req *rq, struct resp *rs)
{
	cat_write(ctx, rq, rs, 0);
}

void
h_cat_delete(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_cat *c;
	struct wc_error e;

	if (woo_auth(st, rq, rs, P_DELETE) < 0)
		return;
	pthread_rwlock_wrlock(&st->lock);
	/* the permission check finds a missing term before the force test */
	if (tab_get(&st->cats, rq->ids[0]) != NULL && !wc_force(rq))
		wc_err(rs, 501, "woocommerce_rest_trash_not_supported",
		    "Resource does not support trashing.");
	else if ((c = cat_delete(st, rq->ids[0], &e)) == NULL)
		wc_error_resp(&e, rs);
	else {
		wc_send_one(st, rq, rs, 200, cat_render, c);
		rs->items_written = 1;
		wc_cat_free(c);
	}
	pthread_rwlock_unlock(&st->lock);
}

/* ---------------------------------------------------------------- batch */

static const struct wc_batch_ops cat_batch = {
	.resource = NULL,	/* no webhook topic for terms */
	.create = cat_post,
	.update = cat_put,
	.remove = cat_delete,
	.render = cat_render,
	.release = wc_cat_free,
};

void
h_cats_batch(void *ctx, struct req *rq, struct resp *rs)
{
	wc_batch_run(ctx, rq, rs, &cat_batch);
}
