/*
 * emu_woo_coupons.c - /coupons and /coupons/{id} of the WooCommerce
 * emulator: WC_REST_Coupons_Controller over WC_Coupon (a shop_coupon post).
 *
 * Codes go through wc_format_coupon_code() (trimmed, lower case) and are
 * unique among published coupons, compared without case as
 * wc_get_coupon_id_by_code() does in MySQL.  DELETE without force moves
 * the coupon to the trash and answers with it as it was before, as
 * WC_REST_CRUD_Controller::delete_item() renders before deleting; only the
 * trashing fires coupon.deleted (its one hook is wp_trash_post).  Handlers
 * hold st->lock for the whole request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "woo.h"

static const char *const dtypes[] = { "percent", "fixed_cart",
	"fixed_product" };
static const char *const orderbys[] = { "date", "id", "include", "title",
	"slug", "modified" };
/* the post statuses a coupon may be written with (not trash) */
static const char *const cstatus[] = { "draft", "pending", "private",
	"publish", "future" };
#define NEL(a) ((int)(sizeof(a) / sizeof(a[0])))

void
wc_coupon_free(void *v)
{
	struct wc_coupon *c = v;
	int i;

	if (c == NULL)
		return;
	free(c->code);
	free(c->discount_type);
	free(c->description);
	free(c->product_ids.v);
	free(c->excluded_product_ids.v);
	for (i = 0; i < c->nemails; i++)
		free(c->emails[i]);
	free(c->emails);
	wc_meta_release(&c->meta);
	free(c);
}

static void
coupon_render(struct woo *st, void *rec, struct jw *w)
{
	wc_coupon_json(st, rec, w);
}

static void
coupon_row(struct woo *st, long id, struct jw *w)
{
	wc_coupon_json(st, tab_get(&st->coupons, id), w);
}

/* wc_format_coupon_code(): trimmed and lower case */
static char *
coupon_code(const char *raw)
{
	char *s, *p;
	size_t n;

	while (*raw == ' ' || *raw == '\t' || *raw == '\n')
		raw++;
	s = xstrdup(raw);
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\n'))
		s[--n] = '\0';
	for (p = s; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p | 0x20);
	return s;
}

/* the published coupon with this code, other than self */
static struct wc_coupon *
code_owner(struct woo *st, const char *code, long self)
{
	size_t i;

	for (i = 0; i < st->coupons.n; i++) {
		struct wc_coupon *c = st->coupons.v[i];

		if (c != NULL && c->id != self && c->status == WS_PUBLISH &&
		    c->code != NULL && strcasecmp(c->code, code) == 0)
			return c;
	}
	return NULL;
}

/*
 * date_expires (site time unless the text has a zone) or date_expires_gmt;
 * "" clears it.  null is skipped, as prepare_object_for_database() skips
 * every null value.
 */
static int
expiry_in(struct woo *st, json_t *o, const char *k, int gmt, int64_t *dst,
    int dry, struct wc_error *e)
{
	json_t *v = json_object_get(o, k);
	int64_t wall;
	int hz, zm;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		char msg[96];

		snprintf(msg, sizeof(msg), "%s is not of type string,null.", k);
		wc_invalid_param(e, k, msg);
		return -1;
	}
	if (json_string_length(v) == 0) {
		if (!dry)
			*dst = 0;
		return 0;
	}
	if (date_parse(json_string_value(v), &wall, &hz, &zm) < 0) {
		wc_invalid_param(e, k, "Invalid date.");
		return -1;
	}
	if (!dry)
		*dst = wall - (int64_t)(hz ? zm : gmt ? 0 : st->zone) * 60;
	return 0;
}

/* email_restrictions: lower-cased, each one a valid address */
static int
emails_in(struct wc_coupon *c, json_t *o, int dry, struct wc_error *e)
{
	json_t *v = json_object_get(o, "email_restrictions"), *x;
	size_t i;
	int k;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v)) {
		wc_invalid_param(e, "email_restrictions", "email_restrictions is "
		    "not of type array.");
		return -1;
	}
	json_array_foreach(v, i, x)
		if (!json_is_string(x) || (json_string_length(x) > 0 &&
		    !wc_is_email(json_string_value(x)))) {
			wc_error_set(e, 400, "coupon_invalid_email_address",
			    "Invalid email address restriction");
			return -1;
		}
	if (dry)
		return 0;
	for (k = 0; k < c->nemails; k++)
		free(c->emails[k]);
	free(c->emails);
	c->emails = xcalloc(json_array_size(v) + 1, sizeof(char *));
	c->nemails = 0;
	json_array_foreach(v, i, x)
		if (json_string_length(x) > 0)
			c->emails[c->nemails++] = coupon_code(
			    json_string_value(x));
	return 0;
}

/* usage limits: absint(), 0 meaning none */
static int
limit_in(json_t *o, const char *k, long *dst, int dry, struct wc_error *e)
{
	long n = 0;

	if (json_is_null(json_object_get(o, k)))
		return 0;
	if (wc_in_long(o, k, &n, 1, e) < 0)
		return -1;
	if (!dry && json_object_get(o, k) != NULL) {
		wc_in_long(o, k, &n, 0, e);
		*dst = n < 0 ? -n : n;
	}
	return 0;
}

/*
 * 0, or -1 with e set; with dry nothing changes.  A code in use by another
 * published coupon: 400 woocommerce_rest_coupon_code_already_exists.
 */
int
wc_coupon_apply(struct woo *st, struct wc_coupon *c, json_t *o, int dry,
    struct wc_error *e)
{
	int dt = 1, s = c->status, i;
	const char *code = jx_str(o, "code");

	for (i = 0; c->discount_type != NULL && i < NEL(dtypes); i++)
		if (strcmp(dtypes[i], c->discount_type) == 0)
			dt = i;
	if (wc_in_enum(o, "discount_type", dtypes, NEL(dtypes), &dt, dry,
	    e) < 0 ||
	    (c->status != WS_TRASH && wc_in_enum(o, "status", cstatus,
	    NEL(cstatus), &s, dry, e) < 0) ||
	    wc_in_money(o, "amount", &c->amount, dry, e) < 0 ||
	    wc_in_money(o, "minimum_amount", &c->minimum_amount, dry, e) < 0 ||
	    wc_in_money(o, "maximum_amount", &c->maximum_amount, dry, e) < 0 ||
	    wc_in_str(o, "description", &c->description, dry, e) < 0 ||
	    wc_in_bool(o, "individual_use", &c->individual_use, dry, e) < 0 ||
	    wc_in_bool(o, "free_shipping", &c->free_shipping, dry, e) < 0 ||
	    wc_in_bool(o, "exclude_sale_items", &c->exclude_sale_items, dry,
	    e) < 0 ||
	    wc_in_ids(o, "product_ids", &c->product_ids, dry, e) < 0 ||
	    wc_in_ids(o, "excluded_product_ids", &c->excluded_product_ids, dry,
	    e) < 0 ||
	    limit_in(o, "usage_limit", &c->usage_limit, dry, e) < 0 ||
	    limit_in(o, "usage_limit_per_user", &c->usage_limit_per_user, dry,
	    e) < 0 ||
	    expiry_in(st, o, "date_expires", 0, &c->expires, dry, e) < 0 ||
	    expiry_in(st, o, "date_expires_gmt", 1, &c->expires, dry, e) < 0 ||
	    emails_in(c, o, dry, e) < 0 ||
	    wc_in_meta(st, o, &c->meta, dry, e) < 0)
		return -1;
	if (json_object_get(o, "code") != NULL && code == NULL) {
		wc_invalid_param(e, "code", "code is not of type string.");
		return -1;
	}
	if (code != NULL) {
		char *f = coupon_code(code);
		struct wc_coupon *other = *f != '\0' ? code_owner(st, f, c->id) :
		    NULL;

		if (other != NULL) {
			free(f);
			wc_error_set(e, 400,
			    "woocommerce_rest_coupon_code_already_exists",
			    "The coupon code already exists");
			return -1;
		}
		if (dry)
			free(f);
		else {
			free(c->code);
			c->code = f;
		}
	}
	if (dry)
		return 0;
	if (json_object_get(o, "meta_data") != NULL)
		wc_meta_prune(&c->meta);
	if (jx_str(o, "discount_type") != NULL || c->discount_type == NULL)
		setstr(&c->discount_type, dtypes[dt]);
	c->status = s;
	return 0;
}

/* ---------------------------------------------------------------- list */

static int
coupon_match(struct wc_coupon *c, struct req *rq, const char *code,
    const struct longs *inc, const struct longs *exc, const int64_t *d,
    const int *has)
{
	const char *q = req_param(rq, "search"), *status = req_param(rq,
	    "status");

	/* the REST query asks for every status but trash */
	if (status != NULL && strcmp(status, "any") != 0 ?
	    strcmp(wc_post_status_name(c->status), status) != 0 :
	    c->status == WS_TRASH)
		return 0;
	/* code=: wc_get_coupon_id_by_code(), published coupons only */
	if (code != NULL && (c->status != WS_PUBLISH || c->code == NULL ||
	    strcasecmp(c->code, code) != 0))
		return 0;
	if ((inc->n > 0 && wc_ids_pos(inc, c->id) < 0) ||
	    wc_ids_pos(exc, c->id) >= 0)
		return 0;
	/* WP_Query's s: post_title (the code), excerpt (description) */
	if (q != NULL && *q != '\0' && !wc_has_nocase(c->code, q) &&
	    !wc_has_nocase(c->description, q))
		return 0;
	if ((has[0] && c->modified <= d[0]) || (has[1] && c->modified >= d[1]) ||
	    (has[2] && c->created <= d[2]) || (has[3] && c->created >= d[3]))
		return 0;
	return 1;
}

void
h_coupons_list(void *ctx, struct req *rq, struct resp *rs)
{
	static const char *const dn[] = { "modified_after", "modified_before",
	    "after", "before" };
	struct woo *st = ctx;
	struct longs inc = { 0 }, exc = { 0 };
	struct wc_sortkey *keys;
	struct wc_error e;
	struct wc_list l;
	int64_t d[4] = { 0, 0, 0, 0 };
	int has[4], i, ob;
	char *code = NULL;
	size_t n = 0, j;

	if (woo_auth(st, rq, rs, P_LIST) < 0 ||
	    wc_list_parse(rq, rs, &l, "date", 1) < 0)
		return;
	for (i = 0; i < 4; i++)
		if ((has[i] = wc_date_param(st, rq, dn[i], &d[i], &e)) < 0)
			goto bad;
	if (wc_param_enum(rq, "orderby", orderbys, NEL(orderbys), 0, &ob,
	    &e) < 0 || wc_param_ids(rq, "include", &inc, &e) < 0 ||
	    wc_param_ids(rq, "exclude", &exc, &e) < 0)
		goto bad;
	if (req_param(rq, "code") != NULL && *req_param(rq, "code") != '\0')
		code = coupon_code(req_param(rq, "code"));
	wc_fields(&(struct jw){ 0 }, rq, 2, &l.fields, &l.nfields);
	pthread_rwlock_rdlock(&st->lock);
	keys = xcalloc(st->coupons.n + 1, sizeof(*keys));
	for (j = 0; j < st->coupons.n; j++) {
		struct wc_coupon *c = st->coupons.v[j];
		struct wc_sortkey *k;

		if (c == NULL || !coupon_match(c, rq, code, &inc, &exc, d, has))
			continue;
		k = &keys[n++];
		k->id = c->id;
		k->n = ob == 0 ? c->created : ob == 5 ? c->modified : ob == 2 &&
		    inc.n > 0 ? wc_ids_pos(&inc, c->id) : c->id;
		if (ob == 3 || ob == 4)
			k->s = c->code != NULL ? c->code : "";
	}
	wc_list_sort(keys, n, &l);
	wc_list_page(st, rq, rs, &l, keys, n, coupon_row);
	pthread_rwlock_unlock(&st->lock);
	free(keys);
	goto out;
bad:
	wc_error_resp(&e, rs);
out:
	free(code);
	free(inc.v);
	free(exc.v);
	wc_list_release(&l);
}

/* ---------------------------------------------------------------- items */

void
h_coupon_get(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_coupon *c;

	if (woo_auth(st, rq, rs, P_VIEW) < 0)
		return;
	pthread_rwlock_rdlock(&st->lock);
	if ((c = tab_get(&st->coupons, rq->ids[0])) == NULL)
		wc_err(rs, 404, "woocommerce_rest_shop_coupon_invalid_id",
		    "Invalid ID.");
	else {
		wc_send_one(st, rq, rs, 200, coupon_render, c);
		rs->items_read = 1;
	}
	pthread_rwlock_unlock(&st->lock);
}

void
h_coupon_post(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_coupon *c;
	struct wc_error e;
	const char *code;
	json_t *j, *idv;

	if (woo_auth(st, rq, rs, P_CREATE) < 0 || (j = wc_body(rq, rs)) == NULL)
		return;
	code = jx_str(j, "code");
	idv = json_object_get(j, "id");
	pthread_rwlock_wrlock(&st->lock);
	c = xcalloc(1, sizeof(*c));
	c->status = WS_PUBLISH;
	c->amount = c->minimum_amount = c->maximum_amount = money_cents(0);
	if (json_is_integer(idv) && json_integer_value(idv) != 0) {
		wc_err(rs, 400, "woocommerce_rest_shop_coupon_exists",
		    "Cannot create existing shop_coupon.");
		wc_coupon_free(c);
	} else if (code == NULL || code[strspn(code, " \t\n")] == '\0') {
		wc_err(rs, 400, "woocommerce_rest_empty_coupon_code",
		    "The coupon code cannot be empty.");
		wc_coupon_free(c);
	} else if (wc_coupon_apply(st, c, j, 1, &e) < 0) {
		wc_error_resp(&e, rs);
		wc_coupon_free(c);
	} else {
		wc_coupon_apply(st, c, j, 0, &e);
		c->created = c->modified = now_utc();
		c->id = tab_add(&st->coupons, c);
		wc_send_one(st, rq, rs, 201, coupon_render, c);
		wc_location(st, rs, "coupons", c->id);
		rs->items_written = 1;
		woo_fire(st, "coupon", "created", c->id);
	}
	pthread_rwlock_unlock(&st->lock);
	json_decref(j);
}

void
h_coupon_put(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_coupon *c;
	struct wc_error e;
	json_t *j;

	if (woo_auth(st, rq, rs, P_EDIT) < 0 || (j = wc_body(rq, rs)) == NULL)
		return;
	pthread_rwlock_wrlock(&st->lock);
	if ((c = tab_get(&st->coupons, rq->ids[0])) == NULL)
		wc_err(rs, 400, "woocommerce_rest_shop_coupon_invalid_id",
		    "Invalid ID.");
	else if (wc_coupon_apply(st, c, j, 1, &e) < 0)
		wc_error_resp(&e, rs);
	else {
		wc_coupon_apply(st, c, j, 0, &e);
		c->modified = now_utc();
		wc_send_one(st, rq, rs, 200, coupon_render, c);
		rs->items_written = 1;
		woo_fire(st, "coupon", "updated", c->id);
	}
	pthread_rwlock_unlock(&st->lock);
	json_decref(j);
}

void
h_coupon_delete(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_coupon *c;
	int force = wc_force(rq);

	if (woo_auth(st, rq, rs, P_DELETE) < 0)
		return;
	pthread_rwlock_wrlock(&st->lock);
	if ((c = tab_get(&st->coupons, rq->ids[0])) == NULL)
		wc_err(rs, 404, "woocommerce_rest_shop_coupon_invalid_id",
		    "Invalid ID.");
	else if (!force && c->status == WS_TRASH)
		wc_err(rs, 410, "woocommerce_rest_already_trashed",
		    "The shop_coupon has already been deleted.");
	else {
		wc_send_one(st, rq, rs, 200, coupon_render, c);
		rs->items_written = 1;
		if (force) {
			tab_del(&st->coupons, c->id);
			wc_coupon_free(c);
		} else {
			c->status = WS_TRASH;
			c->modified = now_utc();
			woo_fire(st, "coupon", "deleted", c->id);
		}
	}
	pthread_rwlock_unlock(&st->lock);
}
