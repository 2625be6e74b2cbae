/*
 * woo_input.c - what the WooCommerce emulator reads from a request: list
 * parameters and pagination headers, ?_fields=, and JSON bodies checked the
 * way WordPress' rest_validate_value_from_schema() checks them (a price sent
 * as a number is refused, a numeric string is an integer, and so on).
 *
 * Every wc_in_* leaves dst alone when the key is absent, checks only when
 * dry is set, and returns 0, or -1 with e set.  Handlers call each apply
 * function twice, dry first, so a refused request changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "woo.h"

const char *const wc_addr_keys[WC_ADDR_N] = {
	"first_name", "last_name", "company", "address_1", "address_2",
	"city", "state", "postcode", "country", "email", "phone",
};

void
setstr(char **dst, const char *v)
{
	free(*dst);
	*dst = v != NULL ? xstrdup(v) : NULL;
}

void
longs_add(struct longs *l, long v)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->v = xrealloc(l->v, (size_t)l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = v;
}

void
longs_del(struct longs *l, long v)
{
	int i, o;

	for (i = 0, o = 0; i < l->n; i++)
		if (l->v[i] != v)
			l->v[o++] = l->v[i];
	l->n = o;
}

void
wc_send(struct resp *rs, unsigned status, struct wbuf *b)
{
	resp_json(rs, status, b);
}

int
wc_param_bool(struct req *rq, const char *name)
{
	const char *v = req_param(rq, name);

	return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
	    strcmp(v, "yes") == 0);
}

int
wc_force(struct req *rq)
{
	return wc_param_bool(rq, "force");
}

/* ---------------------------------------------------------------- errors */

/* 400 rest_invalid_param with WordPress' params and details members */
void
wc_invalid_param(struct wc_error *e, const char *param, const char *msg)
{
	struct wbuf x = WBUF_INIT;
	const char *dcode = "rest_invalid_param";

	if (strstr(msg, "between") != NULL || strstr(msg, "greater") != NULL)
		dcode = "rest_out_of_bounds";
	else if (strstr(msg, "not of type") != NULL)
		dcode = "rest_invalid_type";
	else if (strstr(msg, "not one of") != NULL)
		dcode = "rest_not_in_enum";
	wc_error_set(e, 400, "rest_invalid_param", "Invalid parameter(s): %s",
	    param);
	wbuf_adds(&x, "\"params\":{");
	json_escape(&x, param, strlen(param), 1);
	wbuf_addc(&x, ':');
	json_escape(&x, msg, strlen(msg), 1);
	wbuf_adds(&x, "},\"details\":{");
	json_escape(&x, param, strlen(param), 1);
	wbuf_addf(&x, ":{\"code\":\"%s\",\"message\":", dcode);
	json_escape(&x, msg, strlen(msg), 1);
	wbuf_adds(&x, ",\"data\":null}}");
	if (x.len < sizeof(e->extra))
		memcpy(e->extra, wbuf_str(&x), x.len + 1);
	wbuf_release(&x);
}

static int
bad_type(struct wc_error *e, const char *k, const char *type)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "%.60s is not of type %s.", k, type);
	wc_invalid_param(e, k, msg);
	return -1;
}

/* ---------------------------------------------------------------- lists */

static int
list_num(struct req *rq, const char *k, long def, long lo, long hi, long *out,
    struct wc_error *e)
{
	const char *v = req_param(rq, k);
	char msg[160];
	long n;

	*out = def;
	if (v == NULL)
		return 0;
	if (parse_long(v, &n) < 0)
		return bad_type(e, k, "integer");
	if (n < lo || n > hi) {
		if (hi == 0x7fffffffL)
			snprintf(msg, sizeof(msg), "%s must be greater than or "
			    "equal to %ld", k, lo);
		else
			snprintf(msg, sizeof(msg), "%s must be between %ld "
			    "(inclusive) and %ld (inclusive)", k, lo, hi);
		wc_invalid_param(e, k, msg);
		return -1;
	}
	*out = n;
	return 0;
}

int
wc_list_parse(struct req *rq, struct resp *rs, struct wc_list *l,
    const char *orderby, int desc)
{
	struct wc_error e;
	const char *o = req_param(rq, "order"), *ob = req_param(rq, "orderby");

	memset(l, 0, sizeof(*l));
	l->desc = desc;
	l->offset = -1;
	if (list_num(rq, "page", 1, 1, 0x7fffffffL, &l->page, &e) < 0 ||
	    list_num(rq, "per_page", 10, 1, 100, &l->per_page, &e) < 0 ||
	    list_num(rq, "offset", -1, 0, 0x7fffffffL, &l->offset, &e) < 0)
		goto bad;
	if (o != NULL) {
		if (strcmp(o, "asc") != 0 && strcmp(o, "desc") != 0) {
			wc_invalid_param(&e, "order",
			    "order is not one of desc and asc.");
			goto bad;
		}
		l->desc = strcmp(o, "desc") == 0;
	}
	snprintf(l->orderby, sizeof(l->orderby), "%s",
	    ob != NULL ? ob : orderby);
	return 0;
bad:
	wc_error_resp(&e, rs);
	return -1;
}

void
wc_list_release(struct wc_list *l)
{
	wc_fields_release(l->fields, l->nfields);
	l->fields = NULL;
	l->nfields = 0;
}

static int
key_cmp_asc(const void *a, const void *b)
{
	const struct wc_sortkey *x = a, *y = b;
	int c = 0;

	if (x->s != NULL || y->s != NULL)
		c = strcasecmp(x->s != NULL ? x->s : "", y->s != NULL ?
		    y->s : "");
	else if (x->n != y->n)
		c = x->n < y->n ? -1 : 1;
	if (c == 0)
		c = x->id < y->id ? -1 : x->id > y->id;
	return c;
}

static int
key_cmp_desc(const void *a, const void *b)
{
	return key_cmp_asc(b, a);
}

void
wc_list_sort(struct wc_sortkey *k, size_t n, const struct wc_list *l)
{
	if (n > 1)
		qsort(k, n, sizeof(*k), l->desc ? key_cmp_desc : key_cmp_asc);
}

/* the request URL with page=N: every other parameter is echoed */
static void
page_link(struct woo *st, struct req *rq, long page, const char *rel,
    struct resp *rs)
{
	struct wbuf b = WBUF_INIT;
	size_t i;

	wbuf_addf(&b, "<%s%s?", st->emu->base, rq->raw_path);
	for (i = 0; i < rq->query.n; i++) {
		if (strcmp(rq->query.v[i].key, "page") == 0)
			continue;
		url_rawencode(&b, rq->query.v[i].key);
		wbuf_addc(&b, '=');
		url_rawencode(&b, rq->query.v[i].val);
		wbuf_addc(&b, '&');
	}
	wbuf_addf(&b, "page=%ld>; rel=\"%s\"", page, rel);
	resp_header(rs, "Link", wbuf_str(&b));
	wbuf_release(&b);
}

void
wc_list_page(struct woo *st, struct req *rq, struct resp *rs,
    const struct wc_list *l, struct wc_sortkey *k, size_t n,
    void (*fn)(struct woo *, long, struct jw *))
{
	struct wbuf b = WBUF_INIT;
	struct jw w;
	long pages = ((long)n + l->per_page - 1) / l->per_page;
	long from = l->offset >= 0 ? l->offset : (l->page - 1) * l->per_page;
	long i;
	char num[24];

	jw_init(&w, &b);
	w.php = 1;
	w.fields = l->fields;
	w.nfields = l->nfields;
	w.fdepth = 2;
	jw_arr(&w);
	for (i = from; i >= 0 && i < (long)n && i < from + l->per_page; i++) {
		fn(st, k[i].id, &w);
		rs->items_read++;
	}
	jw_arr_end(&w);
	wc_send(rs, 200, &b);
	wbuf_release(&b);
	snprintf(num, sizeof(num), "%zu", n);
	resp_header(rs, "X-WP-Total", num);
	snprintf(num, sizeof(num), "%ld", pages);
	resp_header(rs, "X-WP-TotalPages", num);
	if (l->page > 1 && pages > 0)
		page_link(st, rq, l->page - 1 > pages ? pages : l->page - 1,
		    "prev", rs);
	if (l->page < pages)
		page_link(st, rq, l->page + 1, "next", rs);
}

void
wc_fields(struct jw *w, struct req *rq, int depth, char ***store, int *n)
{
	const char *f = req_param(rq, "_fields");
	char *copy, *tok, *save = NULL, *dot;

	*store = NULL;
	*n = 0;
	if (f == NULL || *f == '\0')
		return;
	copy = xstrdup(f);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		if ((dot = strchr(tok, '.')) != NULL)
			*dot = '\0';	/* billing.email keeps all of billing */
		*store = xrealloc(*store, (size_t)(*n + 1) * sizeof(char *));
		(*store)[(*n)++] = xstrdup(tok);
	}
	free(copy);
	w->fields = *store;
	w->nfields = *n;
	w->fdepth = depth;
}

void
wc_fields_release(char **f, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(f[i]);
	free(f);
}

/* ---------------------------------------------------------------- bodies */

json_t *
wc_body(struct req *rq, struct resp *rs)
{
	const char *ct = req_header(rq, "Content-Type");
	json_error_t je;
	json_t *j;

	if (rq->body_len == 0)
		return json_object();
	if (ct != NULL && strncasecmp(ct, "application/x-www-form-urlencoded",
	    33) == 0) {
		struct kvlist kv = { 0 };
		size_t i;

		kv_parse_query(&kv, rq->body, rq->body_len);
		j = json_object();
		for (i = 0; i < kv.n; i++)
			json_object_set_new(j, kv.v[i].key,
			    json_string(kv.v[i].val));
		kv_release(&kv);
		return j;
	}
	j = json_loadb(rq->body, rq->body_len, 0, &je);
	if (j == NULL || !json_is_object(j)) {
		struct wc_error e;

		json_decref(j);
		wc_error_set(&e, 400, "rest_invalid_json",
		    "Invalid JSON body passed.");
		snprintf(e.extra, sizeof(e.extra), "\"json_error_code\":4,"
		    "\"json_error_message\":\"Syntax error\"");
		wc_error_resp(&e, rs);
		return NULL;
	}
	return j;
}

int
wc_in_str(json_t *o, const char *k, char **dst, int dry, struct wc_error *e)
{
	json_t *v = json_object_get(o, k);

	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return bad_type(e, k, "string");
	if (!dry)
		setstr(dst, json_string_value(v));
	return 0;
}

int
wc_in_money(json_t *o, const char *k, struct money *dst, int dry,
    struct wc_error *e)
{
	json_t *v = json_object_get(o, k);
	struct money m;
	char msg[160];

	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return bad_type(e, k, "string");
	if (money_parse(json_string_value(v), &m) < 0) {
		snprintf(msg, sizeof(msg), "%.60s is not a valid decimal.", k);
		wc_invalid_param(e, k, msg);
		return -1;
	}
	if (!dry)
		*dst = m;
	return 0;
}

int
wc_in_long(json_t *o, const char *k, long *dst, int dry, struct wc_error *e)
{
	json_t *v = json_object_get(o, k);
	long n;

	if (v == NULL)
		return 0;
	if (json_is_integer(v))
		n = (long)json_integer_value(v);
	else if (!json_is_string(v) || parse_long(json_string_value(v), &n) < 0)
		return bad_type(e, k, "integer");
	if (!dry)
		*dst = n;
	return 0;
}

int
wc_in_bool(json_t *o, const char *k, int *dst, int dry, struct wc_error *e)
{
	json_t *v = json_object_get(o, k);
	const char *s;
	int b;

	if (v == NULL)
		return 0;
	if (json_is_boolean(v))
		b = json_is_true(v);
	else if (json_is_integer(v) && (json_integer_value(v) == 0 ||
	    json_integer_value(v) == 1))
		b = (int)json_integer_value(v);
	else if (json_is_string(v) && ((s = json_string_value(v)) != NULL) &&
	    (strcmp(s, "true") == 0 || strcmp(s, "1") == 0 ||
	    strcmp(s, "false") == 0 || strcmp(s, "0") == 0 || *s == '\0'))
		b = strcmp(s, "true") == 0 || strcmp(s, "1") == 0;
	else
		return bad_type(e, k, "boolean");
	if (!dry)
		*dst = b;
	return 0;
}

int
wc_in_enum(json_t *o, const char *k, const char *const *names, int n,
    int *dst, int dry, struct wc_error *e)
{
	json_t *v = json_object_get(o, k);
	struct wbuf msg = WBUF_INIT;
	int i;

	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return bad_type(e, k, "string");
	for (i = 0; i < n; i++)
		if (strcmp(names[i], json_string_value(v)) == 0) {
			if (!dry)
				*dst = i;
			return 0;
		}
	wbuf_addf(&msg, "%s is not one of ", k);
	for (i = 0; i < n; i++)
		wbuf_addf(&msg, "%s%s", names[i], i + 2 < n ? ", " :
		    i + 1 < n ? " and " : ".");
	wc_invalid_param(e, k, wbuf_str(&msg));
	wbuf_release(&msg);
	return -1;
}

int
wc_in_addr(json_t *o, const char *k, struct wc_addr *a, int dry,
    struct wc_error *e)
{
	json_t *v = json_object_get(o, k);
	int i;

	if (v == NULL)
		return 0;
	if (!json_is_object(v))
		return bad_type(e, k, "object");
	for (i = 0; i < WC_ADDR_N; i++)
		if (wc_in_str(v, wc_addr_keys[i], &a->v[i], dry, e) < 0) {
			char p[64];

			snprintf(p, sizeof(p), "%s[%s]", k, wc_addr_keys[i]);
			return bad_type(e, p, "string");
		}
	return 0;
}

int
wc_in_ids(json_t *o, const char *k, struct longs *l, int dry,
    struct wc_error *e)
{
	json_t *v = json_object_get(o, k), *x;
	size_t i;

	if (v == NULL)
		return 0;
	if (!json_is_array(v))
		return bad_type(e, k, "array");
	json_array_foreach(v, i, x)
		if (!json_is_integer(x))
			return bad_type(e, k, "array");
	if (dry)
		return 0;
	l->n = 0;
	json_array_foreach(v, i, x)
		longs_add(l, (long)json_integer_value(x));
	return 0;
}

/*
 * meta_data: [{key, value}] adds or updates by key; {id, key, value}
 * targets one row.  WooCommerce's update_meta_data() does the same.
 */
int
wc_in_meta(struct woo *st, json_t *o, struct wc_metas *m, int dry,
    struct wc_error *e)
{
	json_t *v = json_object_get(o, "meta_data"), *x;
	size_t i;
	int k;

	if (v == NULL)
		return 0;
	if (!json_is_array(v))
		return bad_type(e, "meta_data", "array");
	json_array_foreach(v, i, x) {
		const char *key = jx_str(x, "key");
		long id = 0;

		if (!json_is_object(x) || key == NULL)
			return bad_type(e, "meta_data", "array");
		if (dry)
			continue;
		if (json_is_integer(json_object_get(x, "id")))
			id = (long)json_integer_value(json_object_get(x, "id"));
		for (k = 0; k < m->n; k++)
			if ((id > 0 && m->v[k].id == id) ||
			    (id <= 0 && strcmp(m->v[k].key, key) == 0))
				break;
		if (k == m->n) {
			m->v = xrealloc(m->v, (size_t)(m->n + 1) *
			    sizeof(*m->v));
			memset(&m->v[k], 0, sizeof(m->v[k]));
			m->v[k].id = ++st->next_meta_id;
			m->n++;
		}
		setstr(&m->v[k].key, key);
		json_decref(m->v[k].value);
		m->v[k].value = json_object_get(x, "value");
		if (m->v[k].value != NULL)
			json_incref(m->v[k].value);
		else
			m->v[k].value = json_string("");
	}
	return 0;
}

void
wc_meta_release(struct wc_metas *m)
{
	int i;

	for (i = 0; i < m->n; i++) {
		free(m->v[i].key);
		json_decref(m->v[i].value);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

void
wc_addr_release(struct wc_addr *a)
{
	int i;

	for (i = 0; i < WC_ADDR_N; i++) {
		free(a->v[i]);
		a->v[i] = NULL;
	}
}

/*
 * A list's date filter (after, before, modified_after, ...) as UTC seconds
 * in *out.  No zone: the site's zone, or UTC with dates_are_gmt=true.  With
 * a zone *and* dates_are_gmt the date is first moved to site time and then
 * compared with the _gmt column, as WooCommerce 7.9 does: a store east of
 * UTC misses what changed in the last (zone) hours.  Returns 1 when set, 0
 * when absent, -1 (400 in e) when malformed.
 */
int
wc_date_param(struct woo *st, struct req *rq, const char *name, int64_t *out,
    struct wc_error *e)
{
	const char *v = req_param(rq, name);
	int64_t wall;
	int hz, zm, gmt = wc_param_bool(rq, "dates_are_gmt");
	char msg[160];

	if (v == NULL || *v == '\0')
		return 0;
	if (date_parse(v, &wall, &hz, &zm) < 0) {
		snprintf(msg, sizeof(msg), "Invalid date.");
		wc_invalid_param(e, name, msg);
		return -1;
	}
	if (hz)
		*out = wall - (int64_t)zm * 60 + (gmt ? (int64_t)st->zone * 60 :
		    0);
	else
		*out = gmt ? wall : wall - (int64_t)st->zone * 60;
	return 1;
}
