/*
 * emu_woo_customers.c - /customers, /customers/{id} and /customers/batch of
 * the WooCommerce emulator: WC_REST_Customers_V2_Controller over WC_Customer
 * and wc_create_new_customer(), as WooCommerce 7.9 has them.
 *
 * A customer is a WordPress user.  E-mail addresses are unique without
 * case (st->email_idx, as MySQL's collation compares them); user names are
 * unique too, checked by a scan because only a POST needs it.  Every write
 * runs wc_customer_apply() dry first, so a refused request changes nothing.
 * Handlers hold st->lock for the whole request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "woo.h"

/* role=: "all" and WordPress' roles with WooCommerce's two added */
static const char *const roles[] = { "all", "administrator", "editor",
	"author", "contributor", "subscriber", "customer", "shop_manager" };
#define ROLE_ALL	0
#define ROLE_CUSTOMER	6
static const char *const orderbys[] = { "id", "include", "name",
	"registered_date" };
#define NEL(a) ((int)(sizeof(a) / sizeof(a[0])))

void
wc_customer_free(void *v)
{
	struct wc_customer *c = v;

	if (c == NULL)
		return;
	free(c->email);
	free(c->first_name);
	free(c->last_name);
	free(c->username);
	free(c->role);
	wc_addr_release(&c->billing);
	wc_addr_release(&c->shipping);
	wc_meta_release(&c->meta);
	free(c);
}

static void
customer_render(struct woo *st, void *rec, struct jw *w)
{
	wc_customer_json(st, rec, w);
}

static void
customer_row(struct woo *st, long id, struct jw *w)
{
	wc_customer_json(st, tab_get(&st->customers, id), w);
}

/* ---------------------------------------------------------------- apply */

/*
 * "email": the schema's format check, then the account rules.  Creating
 * (c->id == 0): wc_create_new_customer()'s registration error.  Updating:
 * update_item() refuses an address some account has unless it is, byte for
 * byte, the one already there (so a change of case alone is refused too).
 */
static int
email_check(struct woo *st, struct wc_customer *c, json_t *o,
    struct wc_error *e)
{
	json_t *v = json_object_get(o, "email");
	const char *s;
	long owner;

	if (v == NULL)
		return 0;
	if (!json_is_string(v)) {
		wc_invalid_param(e, "email", "email is not of type string.");
		return -1;
	}
	s = json_string_value(v);
	if (!wc_is_email(s)) {
		wc_invalid_param(e, "email", "Invalid email address.");
		return -1;
	}
	if ((owner = strmap_get(&st->email_idx, s)) < 0)
		return 0;
	if (c->id == 0) {
		wc_error_set(e, 400, "registration-error-email-exists",
		    "An account is already registered with your email "
		    "address. <a href=\"#\" class=\"showlogin\">Please log "
		    "in.</a>");
		return -1;
	}
	if (c->email == NULL || strcmp(c->email, s) != 0) {
		wc_error_set(e, 400, "woocommerce_rest_customer_invalid_email",
		    "Email address is invalid.");
		return -1;
	}
	return 0;
}

/* billing.email has format "email" in the schema; "" is let through */
static int
billing_email_check(json_t *o, struct wc_error *e)
{
	const char *s = jx_str(json_object_get(o, "billing"), "email");

	if (s != NULL && *s != '\0' && !wc_is_email(s)) {
		wc_invalid_param(e, "billing", "Invalid email address.");
		return -1;
	}
	return 0;
}

/* a user name cannot change once the account exists */
static int
username_check(struct wc_customer *c, json_t *o, struct wc_error *e)
{
	json_t *v = json_object_get(o, "username");

	if (v == NULL)
		return 0;
	if (!json_is_string(v)) {
		wc_invalid_param(e, "username", "username is not of type "
		    "string.");
		return -1;
	}
	if (c->id > 0 && json_string_length(v) > 0 &&
	    strcmp(json_string_value(v), c->username != NULL ? c->username :
	    "") != 0) {
		wc_error_set(e, 400, "woocommerce_rest_customer_invalid_argument",
		    "Username isn't editable.");
		return -1;
	}
	return 0;
}

/*
 * 0, or -1 with e set; with dry nothing changes.  role, is_paying_customer
 * and the dates are read-only in the schema and ignored, as WooCommerce
 * ignores them; password is write-only and not kept.
 */
int
wc_customer_apply(struct woo *st, struct wc_customer *c, json_t *o, int dry,
    struct wc_error *e)
{
	char *pw = NULL;
	const char *email;

	if (email_check(st, c, o, e) < 0 || username_check(c, o, e) < 0 ||
	    wc_in_str(o, "first_name", &c->first_name, dry, e) < 0 ||
	    wc_in_str(o, "last_name", &c->last_name, dry, e) < 0 ||
	    wc_in_str(o, "password", &pw, 1, e) < 0 ||
	    billing_email_check(o, e) < 0 ||
	    wc_in_addr(o, "billing", &c->billing, dry, e) < 0 ||
	    wc_in_addr(o, "shipping", &c->shipping, dry, e) < 0 ||
	    wc_in_meta(st, o, &c->meta, dry, e) < 0)
		return -1;
	if (dry)
		return 0;
	if (json_object_get(o, "meta_data") != NULL)
		wc_meta_prune(&c->meta);
	if ((email = jx_str(o, "email")) != NULL) {
		if (c->email != NULL && c->id > 0)
			strmap_del(&st->email_idx, c->email, c->id);
		setstr(&c->email, email);
		if (c->id > 0)
			strmap_put(&st->email_idx, c->email, c->id);
	}
	return 0;
}

/*
 * wc_create_new_customer_username() without the uniqueness loop: the
 * e-mail's local part (its domain for sales@, info@...), sanitize_user()
 * in strict mode, lower case.
 */
static void
username_base(const char *email, struct wbuf *out)
{
	static const char *const generic[] = { "sales", "hello", "mail",
	    "contact", "info" };
	const char *at = strchr(email, '@'), *from = email, *p;
	size_t n = at != NULL ? (size_t)(at - email) : strlen(email);
	int i;

	for (i = 0; at != NULL && i < NEL(generic); i++)
		if (strlen(generic[i]) == n && strncmp(email, generic[i],
		    n) == 0) {
			from = at + 1;
			n = strcspn(from, "@");
		}
	for (p = from; p < from + n; p++) {
		char ch = *p;

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch | 0x20);
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    strchr(" _.-@", ch) != NULL)
			wbuf_addc(out, ch);
	}
}

static const char *
trimmed(const char *s, char *buf, size_t n)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	snprintf(buf, n, "%s", s);
	len = strlen(buf);
	while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		buf[--len] = '\0';
	return buf;
}

struct wc_customer *
wc_customer_create(struct woo *st, json_t *o, struct wc_error *e)
{
	struct wc_customer *c;
	const char *u = jx_str(o, "username");
	char ubuf[128];

	if (json_object_get(o, "email") == NULL) {
		wc_missing_param(e, "email");
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	if (wc_customer_apply(st, c, o, 1, e) < 0) {
		wc_customer_free(c);
		return NULL;
	}
	/* the user name first: the real apply must see it as unchanged */
	if (u != NULL && *trimmed(u, ubuf, sizeof(ubuf)) != '\0')
		c->username = xstrdup(ubuf);
	else {
		struct wbuf b = WBUF_INIT;

		username_base(jx_str(o, "email"), &b);
		c->username = wbuf_take(&b);
	}
	c->id = tab_add(&st->customers, c);
	wc_customer_apply(st, c, o, 0, e);
	c->role = xstrdup("customer");
	c->created = c->modified = now_utc();
	return c;
}

/* ---------------------------------------------------------------- create */

static int
username_taken(struct woo *st, const char *u)
{
	size_t i;

	for (i = 0; i < st->customers.n; i++) {
		struct wc_customer *c = st->customers.v[i];

		if (c != NULL && c->username != NULL &&
		    strcasecmp(c->username, u) == 0)
			return 1;
	}
	return 0;
}

/*
 * POST /customers and a batch "create" entry: create_item()'s checks in
 * its order, then the user name: given (must be free) or made from the
 * e-mail with "-NNNN" appended while taken, as WooCommerce does.
 */
static void *
customer_post(struct woo *st, json_t *o, struct wc_error *e)
{
	struct wc_customer tmp;
	json_t *idv = json_object_get(o, "id");
	const char *u = jx_str(o, "username");
	char ubuf[128];

	if (json_object_get(o, "email") == NULL) {
		wc_missing_param(e, "email");
		return NULL;
	}
	memset(&tmp, 0, sizeof(tmp));
	if (wc_customer_apply(st, &tmp, o, 1, e) < 0)
		return NULL;
	if ((json_is_integer(idv) && json_integer_value(idv) != 0) ||
	    (json_is_string(idv) && json_string_length(idv) > 0)) {
		wc_error_set(e, 400, "woocommerce_rest_customer_exists",
		    "Cannot create existing resource.");
		return NULL;
	}
	if (u != NULL && *trimmed(u, ubuf, sizeof(ubuf)) != '\0') {
		if (username_taken(st, ubuf)) {
			wc_error_set(e, 400, "registration-error-username-exists",
			    "An account is already registered with that "
			    "username. Please choose another.");
			return NULL;
		}
	} else {
		struct wbuf b = WBUF_INIT;
		size_t base;

		username_base(jx_str(o, "email"), &b);
		if (b.len == 0) {
			wbuf_release(&b);
			wc_error_set(e, 400,
			    "registration-error-invalid-username",
			    "Please provide a valid account username.");
			return NULL;
		}
		base = b.len;
		while (username_taken(st, wbuf_str(&b))) {
			b.len = base;
			b.buf[base] = '\0';
			wbuf_addf(&b, "-%04d", (int)rng_below(&st->rng, 10000));
		}
		json_object_set_new(o, "username", json_string(wbuf_str(&b)));
		wbuf_release(&b);
	}
	return wc_customer_create(st, o, e);
}

/* PUT /customers/{id} and a batch "update" entry */
static void *
customer_put(struct woo *st, long id, json_t *o, struct wc_error *e)
{
	struct wc_customer *c = tab_get(&st->customers, id);

	if (c == NULL) {
		wc_error_set(e, 400, "woocommerce_rest_invalid_id",
		    "Invalid resource ID.");
		return NULL;
	}
	if (wc_customer_apply(st, c, o, 1, e) < 0)
		return NULL;
	wc_customer_apply(st, c, o, 0, e);
	/* every save runs wp_update_user(): last_update moves */
	c->modified = now_utc();
	return c;
}

/*
 * DELETE /customers/{id}?force=true and a batch "delete" entry: the
 * customer, out of every index; the caller renders, fires and frees it.
 * The 'deleted_user' hook makes that customer's orders guest orders.
 */
static struct wc_customer *
customer_delete(struct woo *st, long id, long reassign, struct wc_error *e)
{
	struct wc_customer *c = tab_get(&st->customers, id);
	size_t i;

	if (c == NULL) {
		wc_error_set(e, 400, "woocommerce_rest_invalid_id",
		    "Invalid resource id.");
		return NULL;
	}
	if (reassign > 0 && (reassign == id ||
	    tab_get(&st->customers, reassign) == NULL)) {
		wc_error_set(e, 400, "woocommerce_rest_customer_invalid_reassign",
		    "Invalid resource id for reassignment.");
		return NULL;
	}
	if (c->email != NULL)
		strmap_del(&st->email_idx, c->email, c->id);
	tab_del(&st->customers, id);
	for (i = 0; i < st->orders.n; i++) {
		struct wc_order *ord = st->orders.v[i];

		if (ord != NULL && ord->customer_id == id)
			ord->customer_id = 0;
	}
	return c;
}

/* ---------------------------------------------------------------- list */

/* PHP's is_numeric() for a search term, near enough */
static int
numeric(const char *s)
{
	char *end;

	if (*s == '\0')
		return 0;
	(void)strtod(s, &end);
	return *end == '\0';
}

/*
 * WP_User_Query's search: WooCommerce wraps the term in '*' (both ends
 * wild); the columns depend on the term: an '@' searches user_email, a
 * number user_login and ID (exact), anything else login, e-mail and
 * display name (which is the login for accounts made by the REST API).
 */
static int
search_match(struct wc_customer *c, const char *q)
{
	char term[256];
	size_t n;

	while (*q == '*')
		q++;
	snprintf(term, sizeof(term), "%s", q);
	n = strlen(term);
	while (n > 0 && term[n - 1] == '*')
		term[--n] = '\0';
	if (strchr(term, '@') != NULL)
		return wc_has_nocase(c->email, term);
	if (numeric(term))
		return wc_has_nocase(c->username, term) ||
		    strtol(term, NULL, 10) == c->id;
	return wc_has_nocase(c->username, term) ||
	    wc_has_nocase(c->email, term);
}

struct cust_filter {
	const char	*email;
	const char	*search;
	int		 role;
	int		 has_inc;
	struct longs	 inc;
	struct longs	 exc;
};

static int
cust_match(struct wc_customer *c, const struct cust_filter *f)
{
	const char *role = c->role != NULL ? c->role : "customer";

	if (f->role != ROLE_ALL && strcmp(role, roles[f->role]) != 0)
		return 0;
	if (f->has_inc && wc_ids_pos(&f->inc, c->id) < 0)
		return 0;
	if (wc_ids_pos(&f->exc, c->id) >= 0)
		return 0;
	/* email= replaces search: user_email LIKE 'x' with no wildcard */
	if (f->email != NULL)
		return c->email != NULL && strcasecmp(c->email, f->email) == 0;
	if (f->search != NULL && *f->search != '\0')
		return search_match(c, f->search);
	return 1;
}

void
h_customers_list(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct cust_filter f;
	struct wc_sortkey *keys;
	struct wc_error e;
	struct wc_list l;
	int ob;
	size_t n = 0, j;

	if (woo_auth(st, rq, rs, P_LIST) < 0 ||
	    wc_list_parse(rq, rs, &l, "name", 0) < 0)
		return;
	memset(&f, 0, sizeof(f));
	f.email = req_param(rq, "email");
	f.search = req_param(rq, "search");
	if (f.email != NULL && *f.email == '\0')
		f.email = NULL;
	if (f.email != NULL && !wc_is_email(f.email)) {
		wc_invalid_param(&e, "email", "Invalid email address.");
		goto bad;
	}
	if (wc_param_enum(rq, "orderby", orderbys, NEL(orderbys), 2, &ob,
	    &e) < 0 || wc_param_enum(rq, "role", roles, NEL(roles),
	    ROLE_CUSTOMER, &f.role, &e) < 0 ||
	    wc_param_ids(rq, "include", &f.inc, &e) < 0 ||
	    wc_param_ids(rq, "exclude", &f.exc, &e) < 0)
		goto bad;
	f.has_inc = f.inc.n > 0;
	wc_fields(&(struct jw){ 0 }, rq, 2, &l.fields, &l.nfields);
	pthread_rwlock_rdlock(&st->lock);
	keys = xcalloc(st->customers.n + 1, sizeof(*keys));
	for (j = 0; j < st->customers.n; j++) {
		struct wc_customer *c = st->customers.v[j];
		struct wc_sortkey *k;

		if (c == NULL || !cust_match(c, &f))
			continue;
		k = &keys[n++];
		k->id = c->id;
		k->n = c->id;
		if (ob == 1 && f.has_inc)
			k->n = wc_ids_pos(&f.inc, c->id);
		else if (ob == 2)
			k->s = c->username != NULL ? c->username : "";
		else if (ob == 3)
			k->n = c->created;
	}
	wc_list_sort(keys, n, &l);
	wc_list_page(st, rq, rs, &l, keys, n, customer_row);
	pthread_rwlock_unlock(&st->lock);
	free(keys);
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
h_customer_get(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_customer *c;

	if (woo_auth(st, rq, rs, P_VIEW) < 0)
		return;
	pthread_rwlock_rdlock(&st->lock);
	if ((c = tab_get(&st->customers, rq->ids[0])) == NULL)
		wc_err(rs, 404, "woocommerce_rest_invalid_id",
		    "Invalid resource ID.");
	else {
		wc_send_one(st, rq, rs, 200, customer_render, c);
		rs->items_read = 1;
	}
	pthread_rwlock_unlock(&st->lock);
}

void
h_customer_post(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_customer *c;
	struct wc_error e;
	json_t *j;

	if (woo_auth(st, rq, rs, P_CREATE) < 0 || (j = wc_body(rq, rs)) == NULL)
		return;
	pthread_rwlock_wrlock(&st->lock);
	if ((c = customer_post(st, j, &e)) == NULL)
		wc_error_resp(&e, rs);
	else {
		wc_send_one(st, rq, rs, 201, customer_render, c);
		wc_location(st, rs, "customers", c->id);
		rs->items_written = 1;
		woo_fire(st, "customer", "created", c->id);
	}
	pthread_rwlock_unlock(&st->lock);
	json_decref(j);
}

void
h_customer_put(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_customer *c;
	struct wc_error e;
	json_t *j;

	if (woo_auth(st, rq, rs, P_EDIT) < 0 || (j = wc_body(rq, rs)) == NULL)
		return;
	pthread_rwlock_wrlock(&st->lock);
	if ((c = customer_put(st, rq->ids[0], j, &e)) == NULL)
		wc_error_resp(&e, rs);
	else {
		wc_send_one(st, rq, rs, 200, customer_render, c);
		rs->items_written = 1;
		woo_fire(st, "customer", "updated", c->id);
	}
	pthread_rwlock_unlock(&st->lock);
	json_decref(j);
}

void
h_customer_delete(void *ctx, struct req *rq, struct resp *rs)
{
	struct woo *st = ctx;
	struct wc_customer *c;
	struct wc_error e;
	const char *ra = req_param(rq, "reassign");
	long reassign = ra != NULL ? labs(strtol(ra, NULL, 10)) : 0;

	if (woo_auth(st, rq, rs, P_DELETE) < 0)
		return;
	if (!wc_force(rq)) {
		wc_err(rs, 501, "woocommerce_rest_trash_not_supported",
		    "Customers do not support trashing.");
		return;
	}
	pthread_rwlock_wrlock(&st->lock);
	if ((c = customer_delete(st, rq->ids[0], reassign, &e)) == NULL)
		wc_error_resp(&e, rs);
	else {
		wc_send_one(st, rq, rs, 200, customer_render, c);
		rs->items_written = 1;
		woo_fire(st, "customer", "deleted", c->id);
		wc_customer_free(c);
	}
	pthread_rwlock_unlock(&st->lock);
}

/* ---------------------------------------------------------------- batch */

static void *
customer_remove(struct woo *st, long id, struct wc_error *e)
{
	return customer_delete(st, id, 0, e);
}

static const struct wc_batch_ops customer_batch = {
	.resource = "customer",
	.create = customer_post,
	.update = customer_put,
	.remove = customer_remove,
	.render = customer_render,
	.release = wc_customer_free,
};

void
h_customers_batch(void *ctx, struct req *rq, struct resp *rs)
{
	wc_batch_run(ctx, rq, rs, &customer_batch);
}
