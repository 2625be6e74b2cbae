/*
 * emu_woo_common.c - small pieces the customer, category, coupon and
 * webhook handlers share: WordPress' is_email(), list parameters that are
 * id lists or enums, the Location header of a 201, one record sent with
 * ?_fields=, and the batch envelope of WC_REST_Controller::batch_items().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "woo.h"

/* WordPress' is_email(): the same checks in the same order */
int
wc_is_email(const char *s)
{
	static const char local_ok[] = "!#$%&'*+/=?^_`{|}~.-";
	const char *at, *d, *p, *sub;
	size_t n;

	if (s == NULL || strlen(s) < 6)
		return 0;
	if ((at = strchr(s + 1, '@')) == NULL)
		return 0;
	for (p = s; p < at; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(local_ok, *p) != NULL))
			return 0;
	d = at + 1;
	if (strstr(d, "..") != NULL || *d == '.' || *d == '\0' ||
	    d[strlen(d) - 1] == '.' || strchr(d, '.') == NULL)
		return 0;
	for (sub = d; *sub != '\0'; sub += n + (sub[n] == '.')) {
		n = strcspn(sub, ".");
		if (n == 0 || sub[0] == '-' || sub[n - 1] == '-')
			return 0;
		for (p = sub; p < sub + n; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' &&
			    *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
				return 0;
	}
	return 1;
}

/* MySQL's LIKE '%needle%' under a case-insensitive collation */
int
wc_has_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return 1;
	for (; hay != NULL && *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

/*
 * An id-list parameter (include, exclude, product_ids...) as WordPress
 * reads it: "1,2 3", include[]=1&include[]=2 or include[0]=1.  Every item
 * must be an integer; wp_parse_id_list() then takes absint().  Returns 1
 * when given, 0 when absent, -1 with e set.
 */
int
wc_param_ids(struct req *rq, const char *name, struct longs *out,
    struct wc_error *e)
{
	size_t i, nl = strlen(name);
	int seen = 0, idx = 0;

	out->n = 0;
	for (i = 0; i < rq->query.n; i++) {
		const char *k = rq->query.v[i].key;
		char *copy, *tok, *save = NULL;

		if (strncmp(k, name, nl) != 0 || (k[nl] != '\0' &&
		    k[nl] != '['))
			continue;
		seen = 1;
		copy = xstrdup(rq->query.v[i].val);
		for (tok = strtok_r(copy, ", ", &save); tok != NULL;
		    tok = strtok_r(NULL, ", ", &save), idx++) {
			long v;
			char msg[96];

			if (parse_long(tok, &v) < 0) {
				snprintf(msg, sizeof(msg), "%s[%d] is not of type "
				    "integer.", name, idx);
				wc_invalid_param(e, name, msg);
				free(copy);
				return -1;
			}
			v = v < 0 ? -v : v;
			if (v > 0 && wc_ids_pos(out, v) < 0)
				longs_add(out, v);
		}
		free(copy);
	}
	return seen;
}

int
wc_ids_pos(const struct longs *l, long v)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->v[i] == v)
			return i;
	return -1;
}

/*
 * A string parameter with an enum, checked as the schema does (the same
 * message as a body field).  *out keeps def when absent.
 */
int
wc_param_enum(struct req *rq, const char *name, const char *const *names,
    int n, int def, int *out, struct wc_error *e)
{
	const char *v = req_param(rq, name);
	json_t *o;
	int r;

	*out = def;
	if (v == NULL)
		return 0;
	o = json_object();
	json_object_set_new(o, name, json_string(v));
	r = wc_in_enum(o, name, names, n, out, 0, e);
	json_decref(o);
	return r;
}

/* 400 rest_missing_callback_param, as WP_REST_Request::has_valid_params() */
void
wc_missing_param(struct wc_error *e, const char *name)
{
	wc_error_set(e, 400, "rest_missing_callback_param",
	    "Missing parameter(s): %s", name);
	snprintf(e->extra, sizeof(e->extra), "\"params\":[\"%.200s\"]", name);
}

/*
 * WC_Data::save_meta_data(): a row whose value was set to null is deleted
 * (update_meta_data(key, null) is how a REST client removes a key).
 */
void
wc_meta_prune(struct wc_metas *m)
{
	int i, o;

	for (i = 0, o = 0; i < m->n; i++) {
		if (m->v[i].value == NULL || json_is_null(m->v[i].value)) {
			free(m->v[i].key);
			json_decref(m->v[i].value);
			continue;
		}
		m->v[o++] = m->v[i];
	}
	m->n = o;
	if (m->n == 0) {
		free(m->v);
		m->v = NULL;
	}
}

/* rest_url("/wc/v3/<what>/<id>") on a 201 */
void
wc_location(struct woo *st, struct resp *rs, const char *what, long id)
{
	char url[256];

	snprintf(url, sizeof(url), "%s/wp-json/wc/v3/%s/%ld", st->emu->base,
	    what, id);
	resp_header(rs, "Location", url);
}

/* one record with ?_fields= applied (depth 1), as every item route sends */
void
wc_send_one(struct woo *st, struct req *rq, struct resp *rs, unsigned status,
    void (*fn)(struct woo *, void *, struct jw *), void *rec)
{
	struct wbuf b = WBUF_INIT;
	struct jw w;
	char **f;
	int nf;

	jw_init(&w, &b);
	w.php = 1;
	wc_fields(&w, rq, 1, &f, &nf);
	fn(st, rec, &w);
	wc_send(rs, status, &b);
	wc_fields_release(f, nf);
	wbuf_release(&b);
}

/* ---------------------------------------------------------------- batch */

static size_t
arr_len(json_t *j, const char *k)
{
	json_t *a = json_object_get(j, k);

	return json_is_array(a) ? json_array_size(a) : 0;
}

/*
 * WC_REST_Controller::check_batch_limit(): 413 over 100 items in all.
 * Returns 0, or -1 with the error in rs.
 */
int
wc_batch_limit(json_t *j, struct resp *rs)
{
	char msg[96];
	int max = 100;

	if (arr_len(j, "create") + arr_len(j, "update") + arr_len(j,
	    "delete") <= (size_t)max)
		return 0;
	snprintf(msg, sizeof(msg), "Unable to accept more than %d items for "
	    "this request.", max);
	wc_err(rs, 413, "woocommerce_rest_request_entity_too_large", msg);
	return -1;
}

/* {"id": N, "error": {code, message, data}} in a batch answer */
void
wc_batch_err(struct jw *w, long id, const struct wc_error *e)
{
	jw_obj(w);
	jw_kint(w, "id", id);
	jw_key(w, "error");
	wc_error_json(e, w);
	jw_obj_end(w);
}

/* the id of an update entry ({"id": N}) or of a delete entry (N or "N") */
long
wc_batch_id(json_t *x)
{
	json_t *v = json_is_object(x) ? json_object_get(x, "id") : x;

	if (json_is_integer(v))
		return (long)json_integer_value(v);
	if (json_is_string(v))
		return strtol(json_string_value(v), NULL, 10);
	return 0;
}

/*
 * POST /<resource>/batch: every entry goes through the single-item code
 * under one write lock; a failure is an {"id", "error"} entry inside the
 * 200.  Deletes are forced, as WC_REST_Controller::batch_items() sets
 * force=true.  A removed record is rendered, fired and then released.
 */
void
wc_batch_run(struct woo *st, struct req *rq, struct resp *rs,
    const struct wc_batch_ops *ops)
{
	static const char *const parts[] = { "create", "update", "delete" };
	struct wbuf b = WBUF_INIT;
	struct wc_error e;
	struct jw w;
	json_t *j, *x;
	size_t i;
	int k;

	if (woo_auth(st, rq, rs, P_BATCH) < 0 || (j = wc_body(rq, rs)) == NULL)
		return;
	if (wc_batch_limit(j, rs) < 0) {
		json_decref(j);
		return;
	}
	jw_init(&w, &b);
	w.php = 1;
	pthread_rwlock_wrlock(&st->lock);
	jw_obj(&w);
	for (k = 0; k < 3; k++) {
		jw_key(&w, parts[k]);
		jw_arr(&w);
		json_array_foreach(json_object_get(j, parts[k]), i, x) {
			long id = k == 0 ? 0 : wc_batch_id(x);
			void *rec;

			rec = k == 0 ? ops->create(st, x, &e) : k == 1 ?
			    ops->update(st, id, x, &e) : ops->remove(st, id, &e);
			if (rec == NULL) {
				wc_batch_err(&w, id, &e);
				continue;
			}
			ops->render(st, rec, &w);
			rs->items_written++;
			if (ops->resource != NULL)
				woo_fire(st, ops->resource, k == 0 ? "created" :
				    k == 1 ? "updated" : "deleted", k == 2 ? id :
				    *(long *)rec);
			if (k == 2)
				ops->release(rec);
		}
		jw_arr_end(&w);
	}
	jw_obj_end(&w);
	pthread_rwlock_unlock(&st->lock);
	wc_send(rs, 200, &b);
	wbuf_release(&b);
	json_decref(j);
}
