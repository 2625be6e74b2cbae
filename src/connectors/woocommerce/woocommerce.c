/*
 * woocommerce.c: the WooCommerce connector (REST API wc/v3), the shop side.
 * Vendor facts: /work/shared/apis/woocommerce.md; JSON mapping: wc_json.c.
 *
 * Authentication follows the site's scheme, because WooCommerce does:
 * over https a Basic header with key:secret; over plain http Basic is
 * ignored and only an OAuth 1.0a signature in the query authenticates
 * (HMAC-SHA256, a fresh nonce per request: WooCommerce refuses a repeat).
 *
 * Every failure first gets remote_http_call's verdict; when the body is a
 * WordPress error {"code","message","data":{"status"}} the message becomes
 * "<what>: <code>: <message> (HTTP n)" and *_invalid_id codes become
 * REMOTE_NOT_FOUND. Bodies that are not JSON (PHP fatals, the maintenance
 * page, a WAF) keep remote_http_call's verdict.
 *
 * Lists are read 100 a page (WooCommerce's maximum) sorted by id, so a page
 * boundary does not move while we read; X-WP-TotalPages says when to stop.
 * The catalog operations live in wc_catalog.c (shared helpers: wc_internal.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connectors/connector.h"
#include "connectors/remote_http.h"
#include "connectors/woocommerce/wc_internal.h"
#include "connectors/woocommerce/wc_json.h"
#include "http/client.h"
#include "http/oauth1.h"

extern const struct connector_ops woocommerce_connector;

/* A string member, or "" when absent or not a string. */
static const char *
jstr(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* WooCommerce ids are positive integers; anything else cannot name a record
 * and must not reach a URL path. */
int
wc_valid_id(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (n == 0 || n > 20)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (id[i] < '0' || id[i] > '9')
			return 0;
	return strspn(id, "0") != n;
}

static void
secret_free(char *s)
{
	if (!s)
		return;
	memset(s, 0, strlen(s));
	free(s);
}

/*
 * The API root from the site URL the merchant typed: "https://shop.example",
 * "https://shop.example/", ".../wp-json/wc/v3" and ".../wp-json/wc/v3/" all
 * give "https://shop.example/wp-json/wc/v3". Returns 0, or -1 with err.
 */
static int
api_root(const char *base_url, struct sbuf *api, int *https, struct sbuf *err)
{
	const char *host;
	size_t n;

	if (!base_url || !*base_url)
		return error_set(err, "no site URL (e.g. https://shop.example)");
	if (strncasecmp(base_url, "https://", 8) == 0) {
		*https = 1;
		host = base_url + 8;
	} else if (strncasecmp(base_url, "http://", 7) == 0) {
		*https = 0;
		host = base_url + 7;
	} else {
		return error_set(err, "the site URL '%.100s' must start with http:// or https://", base_url);
	}
	if (!*host || *host == '/')
		return error_set(err, "the site URL '%.100s' has no host name", base_url);
	for (const char *p = base_url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '?' || *p == '#' || *p == 0x7f)
			return error_set(err, "the site URL '%.100s' must be a plain address, without spaces, "
					      "'?' or '#'", base_url);
	sbuf_addstr(api, base_url);
	n = api->len;
	while (n > 0 && api->buf[n - 1] == '/')
		n--;
	api->buf[n] = '\0';
	api->len = n;
	if (ends_with(api->buf, "/wp-json/wc/v3")) {
		n -= strlen("/wp-json/wc/v3");
		while (n > 0 && api->buf[n - 1] == '/')
			n--;
		api->buf[n] = '\0';
		api->len = n;
	}
	sbuf_addstr(api, "/wp-json/wc/v3");
	if (api->failed)
		return error_set(err, "out of memory");
	return 0;
}

static void
wc_close(struct connector *c)
{
	struct wc *w = wc_of(c);

	if (!w)
		return;
	if (w->hc)
		http_client_free(w->hc);
	free(w->api);
	secret_free(w->key);
	secret_free(w->secret);
	secret_free(w->basic);
	free(w);
}

static enum remote_status
wc_open(struct connector **out, const char *base_url, const char *credentials, struct remote_error *re)
{
	struct sbuf err = SBUF_INIT, api = SBUF_INIT;
	json_t *cj = NULL;
	const json_t *k, *s;
	struct wc *w = NULL;
	enum remote_status st = REMOTE_OK;
	int https = 0;

	*out = NULL;
	remote_error_reset(re);
	cj = credentials ? json_loads(credentials, 0, NULL) : NULL;
	k = json_object_get(cj, "key");
	s = json_object_get(cj, "secret");
	if (!json_is_string(k) || !json_is_string(s) || !*json_string_value(k) || !*json_string_value(s)) {
		st = remote_fail(re, REMOTE_AUTH,
				 "WooCommerce credentials must be {\"key\":\"ck_...\",\"secret\":\"cs_...\"}: a REST API "
				 "key from WooCommerce > Settings > Advanced > REST API");
		goto out;
	}
	/* WooCommerce makes every key "ck_" + 40 hex and every secret "cs_" + 40
	 * hex; anything else is a pasting mistake we can name now, rather than
	 * a 401 later (and never echo: the secret must not reach a log) */
	if (strncmp(json_string_value(k), "cs_", 3) == 0 && strncmp(json_string_value(s), "ck_", 3) == 0) {
		st = remote_fail(re, REMOTE_AUTH, "the WooCommerce key and secret are swapped: the key starts "
						  "with ck_, the secret with cs_");
		goto out;
	}
	if (strncmp(json_string_value(k), "ck_", 3) != 0 || strncmp(json_string_value(s), "cs_", 3) != 0) {
		st = remote_fail(re, REMOTE_AUTH, "a WooCommerce consumer key starts with ck_ and its secret with "
						  "cs_: copy both from WooCommerce > Settings > Advanced > REST API");
		goto out;
	}
	if (api_root(base_url, &api, &https, &err) < 0) {
		st = remote_fail(re, REMOTE_REFUSED, "WooCommerce: %s", err.buf);
		goto out;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		st = remote_fail(re, REMOTE_TEMPORARY, "opening WooCommerce: out of memory");
		goto out;
	}
	w->base.ops = &woocommerce_connector;
	w->key = strdup(json_string_value(k));
	w->secret = strdup(json_string_value(s));
	w->api = sbuf_take(&api);
	if (https)
		w->basic = http_basic_auth(w->key ? w->key : "", w->secret ? w->secret : "");
	if (!w->key || !w->secret || !w->api || (https && !w->basic)) {
		st = remote_fail(re, REMOTE_TEMPORARY, "opening WooCommerce: out of memory");
		goto out;
	}
	if (http_client_new(&w->hc, &err) < 0) {
		st = remote_fail(re, REMOTE_TEMPORARY, "opening WooCommerce: %s", err.buf);
		goto out;
	}
	*out = &w->base;
	w = NULL;
out:
	if (w)
		wc_close(&w->base);
	json_decref(cj);   /* NEEDSWORK: jansson keeps its copy of the secret until freed, unzeroed */
	sbuf_release(&api);
	sbuf_release(&err);
	return st;
}

/* Puts WordPress's own words into the message; see the file comment. */
static enum remote_status
refine(struct wc *w, struct remote_error *re, const char *what)
{
	enum remote_status st = re->status;
	char msg[512];

	if (re->http_status < 400 ||
	    wc_error_body(re->body.buf, re->body.len, w->code, sizeof(w->code), msg, sizeof(msg)) < 0)
		return st;
	if (ends_with(w->code, "_invalid_id"))
		st = REMOTE_NOT_FOUND;
	return remote_fail(re, st, "%s: %s: %s (HTTP %ld)", what, w->code, msg[0] ? msg : "no message",
			   re->http_status);
}

/* One request; see wc_internal.h. */
enum remote_status
wc_call(struct wc *w, const char *method, const char *path, const json_t *body, json_t **out,
	int64_t *total_pages, struct remote_error *re, const char *what)
{
	struct http_request rq = HTTP_REQUEST_INIT;
	struct http_response rs;
	struct sbuf url = SBUF_INIT, err = SBUF_INIT;
	char *signed_url = NULL, *text = NULL;
	enum remote_status st;

	if (out)
		*out = NULL;
	if (total_pages)
		*total_pages = -1;
	w->code[0] = '\0';
	rq.remote = "woocommerce";
	remote_error_reset(re);
	http_response_init(&rs);
	sbuf_addf(&url, "%s%s", w->api, path);
	if (url.failed) {
		st = remote_fail(re, REMOTE_TEMPORARY, "%s: out of memory", what);
		goto out;
	}
	rq.method = method;
	rq.url = url.buf;
	if (w->basic) {
		rq.authorization = w->basic;
	} else {
		signed_url = oauth1_sign_url(method, url.buf, w->key, w->secret, OAUTH1_HMAC_SHA256, NULL, 0, &err);
		if (!signed_url) {
			st = remote_fail(re, REMOTE_TEMPORARY, "%s: %s", what, err.buf);
			goto out;
		}
		rq.url = signed_url;
	}
	if (body) {
		text = json_dumps(body, JSON_COMPACT);
		if (!text) {
			st = remote_fail(re, REMOTE_TEMPORARY, "%s: cannot encode the request", what);
			goto out;
		}
		rq.body = text;
		rq.body_len = strlen(text);
	}
	st = remote_http_call(w->hc, &rq, &rs, out, re, what);
	if (st != REMOTE_OK)
		st = refine(w, re, what);
	else if (total_pages)
		*total_pages = rs.total_pages;
out:
	free(signed_url);
	free(text);
	sbuf_release(&url);
	sbuf_release(&err);
	http_response_release(&rs);
	return st;
}

/*
 * GET a list. A page past the end is "done", whether WooCommerce says so with
 * 200 [] or, on some routes, 400 *_invalid_page_number.
 */
enum remote_status
wc_get_list(struct wc *w, const char *path, json_t **arr, int64_t *total_pages, struct remote_error *re,
	    const char *what)
{
	enum remote_status st = wc_call(w, "GET", path, NULL, arr, total_pages, re, what);

	if (st == REMOTE_REFUSED && ends_with(w->code, "_invalid_page_number")) {
		remote_error_reset(re);
		*total_pages = 0;
		*arr = json_array();
		return *arr ? REMOTE_OK : remote_fail(re, REMOTE_TEMPORARY, "%s: out of memory", what);
	}
	if (st == REMOTE_OK && !json_is_array(*arr)) {
		json_decref(*arr);
		*arr = NULL;
		return remote_fail(re, REMOTE_BAD_ANSWER, "%s: the answer is not a list", what);
	}
	return st;
}

int
wc_page_more(int page, int64_t total_pages, size_t got)
{
	if (total_pages >= 0)
		return page < total_pages;
	/* no header (a proxy dropped it): a full page may have a successor */
	return got == WC_PER_PAGE;
}

static enum remote_status
bad_id(struct remote_error *re, const char *what, const char *id)
{
	remote_error_reset(re);
	return remote_fail(re, REMOTE_NOT_FOUND, "%s: '%.40s' is not a WooCommerce id (a whole number)", what,
			   id ? id : "");
}

enum remote_status
wc_bad_answer(struct remote_error *re, const char *what, const struct sbuf *err)
{
	return remote_fail(re, REMOTE_BAD_ANSWER, "%s: unexpected answer: %s", what, err->buf);
}

/* --- test ---------------------------------------------------------------- */

/* English WooCommerce texts; on a translated site the generic line is used. */
static int
said(const struct remote_error *re, const char *text)
{
	return strstr(re->message.buf, text) != NULL;
}

/*
 * Turns a failed test step into a line the merchant can act on. The remote's
 * own words stay at the end for support. write_step: the read already
 * worked, so key and secret are good.
 */
static enum remote_status
explain(struct wc *w, struct remote_error *re, enum remote_status st, int write_step)
{
	struct sbuf was = SBUF_INIT;
	const char *plain = NULL;
	const char *auth_err = "woocommerce_rest_authentication_error";

	sbuf_addstr(&was, re->message.buf);
	if (re->http_status == 0) {
		plain = "cannot reach the site: check the site URL and that the site is up";
	} else if (st == REMOTE_BAD_ANSWER && !write_step) {
		plain = "the site answered, but not as the WooCommerce REST API does: check the site URL, and "
			"that permalinks are not set to 'Plain' (Settings > Permalinks)";
	} else if (re->http_status == 503) {
		plain = "the site is down for maintenance or overloaded (HTTP 503): try again in a few minutes";
	} else if (re->http_status == 429) {
		plain = "the site or its host is limiting how often we may ask (HTTP 429): try again later";
	} else if (re->http_status == 404 && !write_step) {
		st = REMOTE_NOT_FOUND;
		plain = strcmp(w->code, "rest_no_route") == 0
			? "the site answers but has no WooCommerce REST API (wc/v3): check that WooCommerce is "
			  "active and that no plugin disables the REST API"
			: "no WordPress REST API at this address: check the site URL, that permalinks are not "
			  "set to 'Plain' (Settings > Permalinks), and that no plugin disables the REST API";
	} else if (re->http_status == 401 || re->http_status == 403) {
		st = REMOTE_AUTH;
		if (write_step && strcmp(w->code, auth_err) == 0)
			plain = "the API key is read-only: in WooCommerce > Settings > Advanced > REST API edit "
				"the key and set Permissions to Read/Write";
		else if (write_step)
			plain = "the API key's WordPress user may not change products: make the key for a Shop "
				"manager or Administrator";
		else if (said(re, "Consumer key is invalid"))
			plain = "WooCommerce does not know this consumer key: copy the key (ck_...) again from "
				"WooCommerce > Settings > Advanced > REST API, or make a new one";
		else if (said(re, "Consumer secret is invalid") || said(re, "signature does not match"))
			plain = "the consumer secret does not belong to this key (or the site URL differs from "
				"the WordPress address): copy the secret (cs_...) again, or make a new key";
		else if (said(re, "Invalid timestamp"))
			plain = "this computer's clock is more than 15 minutes off: correct the clock";
		else if (strcmp(w->code, "rest_disabled") == 0 || strcmp(w->code, "rest_forbidden") == 0 ||
			 strcmp(w->code, "rest_not_logged_in") == 0)
			plain = "a plugin on the site blocks the REST API: allow it for WooCommerce API keys";
		else if (strncmp(w->code, "woocommerce_rest_cannot_", 24) == 0)
			plain = w->basic ? "WooCommerce does not know this consumer key, or its user may not read "
					   "products: check the key in WooCommerce > Settings > Advanced > REST API"
					 : "WooCommerce did not accept the signed request: check the key and that the "
					   "site URL is the one WordPress uses (http or https)";
		else if (strcmp(w->code, auth_err) == 0)
			plain = "WooCommerce refused the key or secret: copy both again from WooCommerce > "
				"Settings > Advanced > REST API";
	}
	if (plain)
		remote_fail(re, st, "testing the WooCommerce connection: %s (%s)", plain, was.buf);
	sbuf_release(&was);
	return st;
}

static enum remote_status
wc_test(struct connector *c, struct remote_error *re)
{
	struct wc *w = wc_of(c);
	json_t *j = NULL, *body = NULL;
	enum remote_status st;

	st = wc_call(w, "GET", "/products?per_page=1", NULL, &j, NULL, re, "reading products from WooCommerce");
	if (st != REMOTE_OK) {
		st = explain(w, re, st, 0);
		goto out;
	}
	if (!json_is_array(j)) {
		st = remote_fail(re, REMOTE_BAD_ANSWER, "testing the WooCommerce connection: the site answered, "
							"but not as the WooCommerce REST API does: check the site URL");
		goto out;
	}
	/* an empty batch checks write permission and changes nothing: a
	 * read_write key gets 200 with empty lists, a read key 401 */
	body = json_object();
	if (!body) {
		st = remote_fail(re, REMOTE_TEMPORARY, "testing the WooCommerce connection: out of memory");
		goto out;
	}
	json_decref(j);
	st = wc_call(w, "POST", "/products/batch", body, &j, NULL, re, "checking write permission on WooCommerce");
	if (st != REMOTE_OK)
		st = explain(w, re, st, 1);
out:
	json_decref(body);
	json_decref(j);
	return st;
}

/* --- customers ----------------------------------------------------------- */

static enum remote_status
wc_customer_get(struct connector *c, const char *id, struct customer *out, struct remote_error *re)
{
	struct wc *w = wc_of(c);
	struct sbuf err = SBUF_INIT;
	char what[128], path[64];
	json_t *j = NULL;
	enum remote_status st;

	snprintf(what, sizeof(what), "reading customer %.40s from WooCommerce", id ? id : "");
	if (!wc_valid_id(id))
		return bad_id(re, what, id);
	snprintf(path, sizeof(path), "/customers/%s", id);
	st = wc_call(w, "GET", path, NULL, &j, NULL, re, what);
	if (st == REMOTE_OK && wc_customer_from_json(j, out, &err) < 0)
		st = wc_bad_answer(re, what, &err);
	json_decref(j);
	sbuf_release(&err);
	return st;
}

/* Reads every element of arr as a customer into a malloc'd array. */
static enum remote_status
customers_from_list(const json_t *arr, const char *email, struct customer **out, size_t *n,
		    struct remote_error *re, const char *what)
{
	struct sbuf err = SBUF_INIT;
	struct customer *v, one;
	enum remote_status st = REMOTE_OK;
	size_t i, k = 0;

	v = calloc(json_array_size(arr) ? json_array_size(arr) : 1, sizeof(*v));
	if (!v)
		return remote_fail(re, REMOTE_TEMPORARY, "%s: out of memory", what);
	for (i = 0; i < json_array_size(arr); i++) {
		if (wc_customer_from_json(json_array_get(arr, i), &one, &err) < 0) {
			st = wc_bad_answer(re, what, &err);
			goto out;
		}
		/* the email filter is WordPress's: keep only true matches
		 * (addresses compare without case, as WordPress stores them) */
		if (email && strcasecmp(one.email, email) != 0)
			continue;
		v[k++] = one;
	}
out:
	sbuf_release(&err);
	if (st != REMOTE_OK) {
		free(v);
		return st;
	}
	*out = v;
	*n = k;
	return REMOTE_OK;
}

static enum remote_status
wc_customers_page(struct connector *c, struct change_page *pg, struct customer **out, size_t *n,
		  struct remote_error *re)
{
	struct wc *w = wc_of(c);
	int page = pg->page < 1 ? 1 : pg->page;
	int64_t total_pages;
	char what[96], path[128];
	json_t *arr = NULL;
	enum remote_status st;

	*out = NULL;
	*n = 0;
	snprintf(what, sizeof(what), "reading customers (page %d) from WooCommerce", page);
	snprintf(path, sizeof(path), "/customers?role=all&per_page=%d&page=%d&orderby=id&order=asc", WC_PER_PAGE,
		 page);
	st = wc_get_list(w, path, &arr, &total_pages, re, what);
	if (st == REMOTE_OK)
		st = customers_from_list(arr, NULL, out, n, re, what);
	if (st == REMOTE_OK)
		pg->more = wc_page_more(page, total_pages, json_array_size(arr));
	json_decref(arr);
	return st;
}

static enum remote_status
wc_customers_by_email(struct connector *c, const char *email, struct customer **out, size_t *n,
		      struct remote_error *re)
{
	struct wc *w = wc_of(c);
	struct sbuf path = SBUF_INIT;
	char what[320], *enc = NULL;
	int64_t total_pages;
	json_t *arr = NULL;
	enum remote_status st;

	*out = NULL;
	*n = 0;
	snprintf(what, sizeof(what), "looking up customer '%.256s' in WooCommerce", email ? email : "");
	if (!email || !*email) {
		remote_error_reset(re);
		return remote_fail(re, REMOTE_NOT_FOUND, "%s: no email address to look for", what);
	}
	enc = http_url_encode(email);
	sbuf_addf(&path, "/customers?email=%s&role=all", enc ? enc : "");
	if (!enc || path.failed) {
		st = remote_fail(re, REMOTE_TEMPORARY, "%s: out of memory", what);
		goto out;
	}
	st = wc_get_list(w, path.buf, &arr, &total_pages, re, what);
	if (st == REMOTE_OK)
		st = customers_from_list(arr, email, out, n, re, what);
	if (st == REMOTE_OK && *n == 0) {   /* no match is an answer, not a failure (connector.h) */
		free(*out);
		*out = NULL;
	}
out:
	free(enc);
	sbuf_release(&path);
	json_decref(arr);
	return st;
}

static enum remote_status
wc_customer_create(struct connector *c, const struct customer *in, struct customer *out, struct remote_error *re)
{
	struct wc *w = wc_of(c);
	struct sbuf err = SBUF_INIT;
	char what[320];
	json_t *body = NULL, *j = NULL;
	enum remote_status st;

	snprintf(what, sizeof(what), "creating customer '%.256s' in WooCommerce", in->email);
	remote_error_reset(re);
	if (!in->email[0]) {
		st = remote_fail(re, REMOTE_REFUSED, "%s: a WooCommerce customer needs an email address", what);
		goto out;
	}
	body = wc_customer_create_json(in, &err);
	if (!body) {
		st = remote_fail(re, REMOTE_REFUSED, "%s: %s", what, err.buf);
		goto out;
	}
	/* a duplicate email comes back as 400 registration-error-email-exists:
	 * REMOTE_REFUSED with WooCommerce's words, via refine() */
	st = wc_call(w, "POST", "/customers", body, &j, NULL, re, what);
	if (st == REMOTE_OK && wc_customer_from_json(j, out, &err) < 0) {
		st = wc_bad_answer(re, what, &err);
		re->may_have_landed = 1;   /* created, but we cannot say as what */
	}
out:
	json_decref(body);
	json_decref(j);
	sbuf_release(&err);
	return st;
}

static enum remote_status
wc_customer_update(struct connector *c, const char *id, const struct customer_update *u, struct remote_error *re)
{
	struct wc *w = wc_of(c);
	struct sbuf err = SBUF_INIT;
	char what[128], path[64];
	json_t *body = NULL;
	enum remote_status st;

	snprintf(what, sizeof(what), "updating customer %.40s in WooCommerce", id ? id : "");
	if (!wc_valid_id(id))
		return bad_id(re, what, id);
	remote_error_reset(re);
	if (!u->set_points && !u->set_type)
		return REMOTE_OK;   /* nothing asked: no request */
	body = wc_customer_update_json(u, &err);
	if (!body) {
		st = remote_fail(re, REMOTE_REFUSED, "%s: %s", what, err.buf);
		goto out;
	}
	snprintf(path, sizeof(path), "/customers/%s", id);
	st = wc_call(w, "PUT", path, body, NULL, NULL, re, what);
out:
	json_decref(body);
	sbuf_release(&err);
	return st;
}

/* --- orders -------------------------------------------------------------- */

static enum remote_status
wc_orders_changed(struct connector *c, int64_t since, struct change_page *pg, struct order **out, size_t *n,
		  struct remote_error *re)
{
	struct wc *w = wc_of(c);
	struct sbuf path = SBUF_INIT, err = SBUF_INIT;
	int page = pg->page < 1 ? 1 : pg->page;
	int64_t total_pages;
	struct order *v = NULL;
	char what[96], after[32];
	json_t *arr = NULL;
	enum remote_status st;
	size_t i = 0, count;

	*out = NULL;
	*n = 0;
	snprintf(what, sizeof(what), "reading changed orders (page %d) from WooCommerce", page);
	sbuf_addstr(&path, "/orders?");
	if (since > 0) {
		/* UTC without a zone, with dates_are_gmt: WooCommerce compares it
		 * against date_modified_gmt (a "Z" made a UTC+1 store miss orders) */
		wc_format_gmt(since, after, sizeof(after));
		sbuf_addf(&path, "modified_after=%s&dates_are_gmt=true&", after);
	}
	sbuf_addf(&path, "orderby=id&order=asc&per_page=%d&page=%d&status=any", WC_PER_PAGE, page);
	if (path.failed) {
		st = remote_fail(re, REMOTE_TEMPORARY, "%s: out of memory", what);
		goto out;
	}
	st = wc_get_list(w, path.buf, &arr, &total_pages, re, what);
	if (st != REMOTE_OK)
		goto out;
	count = json_array_size(arr);
	v = calloc(count ? count : 1, sizeof(*v));
	if (!v) {
		st = remote_fail(re, REMOTE_TEMPORARY, "%s: out of memory", what);
		goto out;
	}
	for (i = 0; i < count; i++) {
		if (wc_order_from_json(json_array_get(arr, i), &v[i], &err) < 0) {
			st = wc_bad_answer(re, what, &err);
			goto out;
		}
	}
	pg->more = wc_page_more(page, total_pages, count);
	*out = v;
	*n = count;
	v = NULL;
out:
	if (v)
		orders_free(v, i);
	json_decref(arr);
	sbuf_release(&path);
	sbuf_release(&err);
	return st;
}

static enum remote_status
wc_order_get(struct connector *c, const char *id, struct order *out, struct remote_error *re)
{
	struct wc *w = wc_of(c);
	struct sbuf err = SBUF_INIT;
	char what[128], path[64];
	json_t *j = NULL;
	enum remote_status st;

	memset(out, 0, sizeof(*out));
	snprintf(what, sizeof(what), "reading order %.40s from WooCommerce", id ? id : "");
	if (!wc_valid_id(id))
		return bad_id(re, what, id);
	snprintf(path, sizeof(path), "/orders/%s", id);
	st = wc_call(w, "GET", path, NULL, &j, NULL, re, what);
	if (st == REMOTE_OK && wc_order_from_json(j, out, &err) < 0)
		st = wc_bad_answer(re, what, &err);
	json_decref(j);
	sbuf_release(&err);
	return st;
}

/* --- products ------------------------------------------------------------ */

/*
 * /products?sku= searches products, not variations, and WooCommerce has no
 * exact SKU filter for variations (search= is a substring match). A
 * variation is therefore matched by the engine through product_get_sku on
 * the order line's "parent/variation" id, never here.
 */
static enum remote_status
wc_product_find_by_sku(struct connector *c, const char *sku, char *id_out, size_t id_len, struct remote_error *re)
{
	struct wc *w = wc_of(c);
	struct sbuf path = SBUF_INIT, err = SBUF_INIT;
	char what[200], *enc = NULL, id[MODEL_ID_LEN];
	const json_t *hit = NULL;
	int64_t total_pages;
	json_t *arr = NULL;
	enum remote_status st;
	size_t i;

	if (id_len)
		id_out[0] = '\0';
	snprintf(what, sizeof(what), "looking up SKU '%.128s' in WooCommerce", sku ? sku : "");
	remote_error_reset(re);
	/* an empty sku= would list every product */
	if (!sku || !*sku)
		return remote_fail(re, REMOTE_NOT_FOUND, "%s: no SKU to look for", what);
	enc = http_url_encode(sku);
	sbuf_addf(&path, "/products?sku=%s&orderby=id&order=asc&per_page=%d", enc ? enc : "", WC_PER_PAGE);
	if (!enc || path.failed) {
		st = remote_fail(re, REMOTE_TEMPORARY, "%s: out of memory", what);
		goto out;
	}
	st = wc_get_list(w, path.buf, &arr, &total_pages, re, what);
	if (st != REMOTE_OK)
		goto out;
	/* sku= takes a comma-separated list, so check the answer: exact first,
	 * then without case (MySQL compares SKUs so, and keeps them unique so) */
	for (i = 0; !hit && i < json_array_size(arr); i++)
		if (strcmp(jstr(json_array_get(arr, i), "sku"), sku) == 0)
			hit = json_array_get(arr, i);
	for (i = 0; !hit && i < json_array_size(arr); i++)
		if (strcasecmp(jstr(json_array_get(arr, i), "sku"), sku) == 0)
			hit = json_array_get(arr, i);
	if (!hit) {
		st = remote_fail(re, REMOTE_NOT_FOUND, "%s: no product has that SKU", what);
		goto out;
	}
	if (wc_id(hit, "id", id, sizeof(id), &err) < 0 || !id[0] || strlen(id) >= id_len) {
		st = remote_fail(re, REMOTE_BAD_ANSWER, "%s: the product's 'id' is missing or unreadable", what);
		goto out;
	}
	memcpy(id_out, id, strlen(id) + 1);
out:
	free(enc);
	sbuf_release(&path);
	sbuf_release(&err);
	json_decref(arr);
	return st;
}

/* id is "<product>" or "<parent>/<variation>" (how the engine names a variation). */
static enum remote_status
wc_product_get_sku(struct connector *c, const char *id, char *sku_out, size_t sku_len, struct remote_error *re)
{
	struct wc *w = wc_of(c);
	char what[128], path[128], parent[24];
	const char *slash = id ? strchr(id, '/') : NULL;
	const json_t *s;
	json_t *j = NULL;
	enum remote_status st;

	if (sku_len)
		sku_out[0] = '\0';
	snprintf(what, sizeof(what), "reading the SKU of product %.48s from WooCommerce", id ? id : "");
	if (slash) {
		if ((size_t)(slash - id) >= sizeof(parent))
			return bad_id(re, what, id);
		memcpy(parent, id, (size_t)(slash - id));
		parent[slash - id] = '\0';
		if (!wc_valid_id(parent) || !wc_valid_id(slash + 1))
			return bad_id(re, what, id);
		/* context=edit: in the default view a variation without its own SKU
		 * shows its parent's, which would match the wrong till product */
		snprintf(path, sizeof(path), "/products/%s/variations/%s?context=edit&_fields=id,sku", parent,
			 slash + 1);
	} else {
		if (!wc_valid_id(id))
			return bad_id(re, what, id);
		snprintf(path, sizeof(path), "/products/%s?_fields=id,sku", id);
	}
	st = wc_call(w, "GET", path, NULL, &j, NULL, re, what);
	if (st != REMOTE_OK)
		goto out;
	s = json_object_get(j, "sku");
	if (!json_is_string(s) && !json_is_null(s)) {
		st = remote_fail(re, REMOTE_BAD_ANSWER, "%s: the answer has no 'sku'", what);
		goto out;
	}
	/* a cut SKU would match another product: refuse instead */
	if (json_is_string(s) && strlen(json_string_value(s)) >= sku_len) {
		st = remote_fail(re, REMOTE_BAD_ANSWER, "%s: the SKU is longer than %zu characters", what,
				 sku_len ? sku_len - 1 : 0);
		goto out;
	}
	if (json_is_string(s))
		memcpy(sku_out, json_string_value(s), strlen(json_string_value(s)) + 1);
out:
	json_decref(j);
	return st;
}

/* --- webhooks ------------------------------------------------------------ */

static enum remote_status
webhooks_all(struct wc *w, json_t **all, struct remote_error *re)
{
	char path[96], what[96];
	int64_t total_pages = -1;
	json_t *arr = NULL;
	enum remote_status st = REMOTE_OK;
	int page;

	*all = json_array();
	if (!*all)
		return remote_fail(re, REMOTE_TEMPORARY, "reading webhooks from WooCommerce: out of memory");
	for (page = 1; page <= WC_MAX_PAGES; page++) {
		snprintf(what, sizeof(what), "reading webhooks (page %d) from WooCommerce", page);
		snprintf(path, sizeof(path), "/webhooks?per_page=%d&page=%d&orderby=id&order=asc", WC_PER_PAGE, page);
		st = wc_get_list(w, path, &arr, &total_pages, re, what);
		if (st != REMOTE_OK)
			break;
		json_array_extend(*all, arr);
		if (!wc_page_more(page, total_pages, json_array_size(arr)))
			break;
		json_decref(arr);
		arr = NULL;
	}
	json_decref(arr);
	if (st != REMOTE_OK) {
		json_decref(*all);
		*all = NULL;
	}
	return st;
}

static enum remote_status
webhook_create(struct wc *w, json_t *all, const char *topic, const char *url, const char *secret,
	       struct remote_error *re)
{
	char what[160], name[96];
	json_t *body, *got = NULL;
	enum remote_status st;

	snprintf(what, sizeof(what), "creating the %.64s webhook in WooCommerce", topic);
	snprintf(name, sizeof(name), "tillsync %.64s", topic);
	body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", name, "topic", topic, "delivery_url", url, "secret",
			 secret, "status", "active");
	if (!body)
		return remote_fail(re, REMOTE_REFUSED, "%s: the topic, URL or secret is not valid UTF-8", what);
	st = wc_call(w, "POST", "/webhooks", body, &got, NULL, re, what);
	json_decref(body);
	json_decref(got);
	/* a repeated topic in the request must not make a second webhook */
	if (st == REMOTE_OK)
		json_array_append_new(all, json_pack("{s:s, s:s, s:s}", "topic", topic, "delivery_url", url, "status",
						     "active"));
	return st;
}

static enum remote_status
wc_webhooks_ensure(struct connector *c, const char *delivery_url, const char *secret, const char *const *topics,
		   size_t ntopics, int *repaired, struct remote_error *re)
{
	struct wc *w = wc_of(c);
	json_t *all = NULL, *h;
	enum remote_status st;
	size_t t, i;

	*repaired = 0;
	remote_error_reset(re);
	if (!delivery_url || !*delivery_url || !secret || !*secret)
		return remote_fail(re, REMOTE_REFUSED, "setting up WooCommerce webhooks: no delivery URL or secret");
	st = webhooks_all(w, &all, re);
	for (t = 0; st == REMOTE_OK && t < ntopics; t++) {
		const char *inactive = NULL;
		char ibuf[MODEL_ID_LEN], path[160], what[160];
		int active = 0;

		json_array_foreach(all, i, h) {
			if (strcmp(jstr(h, "topic"), topics[t]) != 0 ||
			    strcmp(jstr(h, "delivery_url"), delivery_url) != 0)
				continue;
			if (strcmp(jstr(h, "status"), "active") == 0) {
				active = 1;
				break;
			}
			if (!inactive && wc_id(h, "id", ibuf, sizeof(ibuf), NULL) == 0 && ibuf[0])
				inactive = ibuf;
		}
		if (active)
			continue;
		if (!inactive) {
			st = webhook_create(w, all, topics[t], delivery_url, secret, re);
		} else {
			/* paused by hand, or disabled by WooCommerce after failed
			 * deliveries (it never retries those: the events are lost,
			 * which the engine's periodic scan makes up for) */
			json_t *body = json_pack("{s:s}", "status", "active");

			snprintf(what, sizeof(what), "re-activating the %.64s webhook in WooCommerce", topics[t]);
			snprintf(path, sizeof(path), "/webhooks/%s", inactive);
			st = body ? wc_call(w, "PUT", path, body, NULL, NULL, re, what)
				  : remote_fail(re, REMOTE_TEMPORARY, "%s: out of memory", what);
			json_decref(body);
			if (st == REMOTE_OK)
				json_array_append_new(all, json_pack("{s:s, s:s, s:s}", "topic", topics[t],
								     "delivery_url", delivery_url, "status", "active"));
		}
		if (st == REMOTE_OK)
			(*repaired)++;
	}
	json_decref(all);
	return st;
}

const struct connector_ops woocommerce_connector = {
	.kind = "woocommerce",
	.role = "shop",
	.display_name = "WooCommerce",
	.compact_name = "WooCommerce",
	.upper_name = "WOOCOMMERCE",
	.open = wc_open,
	.close = wc_close,
	.test = wc_test,
	.customer_get = wc_customer_get,
	.customers_page = wc_customers_page,
	.customers_by_email = wc_customers_by_email,
	.customer_create = wc_customer_create,
	.customer_update = wc_customer_update,
	/* a shop has no customer types or groups (the type travels as customer
	 * meta, see customer_update), and takes no sales */
	.customer_type_get = NULL,
	.customer_types_list = NULL,
	.customer_group_save = NULL,
	.customer_group_delete = NULL,
	.orders_changed = wc_orders_changed,
	.order_get = wc_order_get,
	.sale_find = NULL,
	.sale_create = NULL,
	.product_find_by_sku = wc_product_find_by_sku,
	.product_get_sku = wc_product_get_sku,
	/* the catalog (wc_catalog.c): a shop takes the POS's catalog, or is its source */
	.products_page = wc_products_page,
	.product_get = wc_product_get,
	.categories_list = wc_categories_list,
	.category_create = wc_category_create,
	.stock_page = wc_stock_page,
	.products_by_sku = wc_products_by_sku,
	.product_skus_page = wc_product_skus_page,
	.products_write = wc_products_write,
	.products_write_max = WC_PRODUCTS_WRITE_MAX,
	.variable_product_get = wc_variable_product_get,
	.webhook_verify = wc_webhook_verify,
	.webhooks_ensure = wc_webhooks_ensure,
};
