/*
 * t_sandbox_woocommerce.c - the WooCommerce emulator as the tillsync
 * connector meets it: authentication both ways (OAuth 1.0a over plain
 * HTTP, Basic over HTTPS), key permissions and the fault switches on keys,
 * the ?rest_route= form and unknown routes.  Products, variations,
 * categories and batches are in t_sandbox_woo_products.c; customers,
 * orders, coupons and pagination in t_sandbox_woo_orders.c.
 *
 * The OAuth signer below is the test's own (OpenSSL HMAC over a base string
 * built here), so a signing bug shared with the emulator or tlib cannot
 * hide.  Expected codes and texts come from shared/apis/woocommerce.md.
 *
 *	usage: t_sandbox_woocommerce /path/to/tillsync-sandbox
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tlib.h"

/* ---------------------------------------------------------------- buffer */

struct tb {
	char	*s;
	size_t	 n;
	size_t	 cap;
};

static void
tb_addn(struct tb *b, const char *p, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (b->s == NULL)
			abort();
	}
	memcpy(b->s + b->n, p, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void
tb_add(struct tb *b, const char *p)
{
	tb_addn(b, p, strlen(p));
}

/* RFC 3986: everything but ALPHA DIGIT - . _ ~ is %XX */
static void
tb_enc(struct tb *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[3];

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
		    c == '~') {
			tb_addn(b, (const char *)&c, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		tb_addn(b, e, 3);
	}
}

/* PHP's urldecode: %XX and '+' */
static char *
dec(const char *s, size_t n)
{
	char *o = malloc(n + 1), *p = o;
	size_t i;

	if (o == NULL)
		abort();
	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			*p++ = ' ';
		else if (s[i] == '%' && i + 2 < n) {
			char h[3] = { s[i + 1], s[i + 2], 0 };

			*p++ = (char)strtol(h, NULL, 16);
			i += 2;
		} else
			*p++ = s[i];
	}
	*p = '\0';
	return o;
}

/* ---------------------------------------------------------------- OAuth */

struct oa {
	const char	*ck;
	const char	*cs;
	const char	*algo;		/* NULL: HMAC-SHA1 */
	long		 skew;		/* seconds added to the timestamp */
	const char	*nonce;		/* NULL: a fresh one */
	int		 header;	/* Authorization: OAuth, not the query */
	int		 no_nonce;	/* leave oauth_nonce out */
};

struct param {
	char	*k;
	char	*v;
};

static int
param_cmp(const void *a, const void *b)
{
	return strcmp(((const struct param *)a)->k,
	    ((const struct param *)b)->k);
}

static int
param_add(struct param *p, int n, const char *k, const char *v)
{
	if (n >= 64)
		abort();
	p[n].k = strdup(k);
	p[n].v = strdup(v);
	return n + 1;
}

/*
 * Signs a request one-legged, as an OAuth 1.0a client does for WooCommerce:
 * base string METHOD & enc(url without query) & enc(sorted "k=v" of the
 * query and oauth_* parameters, each enc()'d), key "cs&".  Returns the URL
 * to request (malloc'd); with o->header the parameters go in *authz as an
 * "Authorization: OAuth ..." line (malloc'd) instead.
 */
static char *
oauth_sign(const char *method, const char *url, const struct oa *o,
    char **authz)
{
	static unsigned long seq;
	struct param p[64];
	struct tb base = { 0 }, joined = { 0 }, out = { 0 };
	const char *q = strchr(url, '?'), *algo = o->algo != NULL ? o->algo :
	    "HMAC-SHA1";
	char ts[32], nonce[64], key[256];
	unsigned char mac[EVP_MAX_MD_SIZE], sig[128];
	unsigned int maclen = 0;
	int np = 0, i;

	for (q = q != NULL ? q + 1 : NULL; q != NULL && *q != '\0';) {
		const char *amp = strchr(q, '&'), *eq;
		size_t len = amp != NULL ? (size_t)(amp - q) : strlen(q);

		eq = memchr(q, '=', len);
		if (len > 0) {
			if (np >= 60)
				abort();
			p[np].k = dec(q, eq != NULL ? (size_t)(eq - q) : len);
			p[np].v = eq != NULL ? dec(eq + 1, len - (size_t)(eq -
			    q) - 1) : strdup("");
			np++;
		}
		q += len;
		if (*q == '&')
			q++;
	}
	snprintf(ts, sizeof(ts), "%ld", (long)time(NULL) + o->skew);
	if (o->nonce != NULL)
		snprintf(nonce, sizeof(nonce), "%s", o->nonce);
	else
		snprintf(nonce, sizeof(nonce), "n%ld%lu%.0f", (long)time(NULL),
		    ++seq, tl_now_ms());
	np = param_add(p, np, "oauth_consumer_key", o->ck);
	if (!o->no_nonce)
		np = param_add(p, np, "oauth_nonce", nonce);
	np = param_add(p, np, "oauth_signature_method", algo);
	np = param_add(p, np, "oauth_timestamp", ts);
	qsort(p, (size_t)np, sizeof(p[0]), param_cmp);
	for (i = 0; i < np; i++) {
		if (i > 0)
			tb_add(&joined, "&");
		tb_enc(&joined, p[i].k);
		tb_add(&joined, "=");
		tb_enc(&joined, p[i].v);
	}
	tb_add(&base, method);
	tb_add(&base, "&");
	{
		const char *qq = strchr(url, '?');
		char *path = strndup(url, qq != NULL ? (size_t)(qq - url) :
		    strlen(url));

		tb_enc(&base, path);
		free(path);
	}
	tb_add(&base, "&");
	tb_enc(&base, joined.s != NULL ? joined.s : "");
	snprintf(key, sizeof(key), "%s&", o->cs);
	HMAC(strcmp(algo, "HMAC-SHA256") == 0 ? EVP_sha256() : EVP_sha1(),
	    key, (int)strlen(key), (unsigned char *)base.s, base.n, mac,
	    &maclen);
	EVP_EncodeBlock(sig, mac, (int)maclen);

	*authz = NULL;
	if (o->header) {
		struct tb h = { 0 };

		tb_add(&h, "Authorization: OAuth ");
		for (i = 0; i < np; i++) {
			if (strncmp(p[i].k, "oauth_", 6) != 0)
				continue;
			tb_add(&h, p[i].k);
			tb_add(&h, "=\"");
			tb_enc(&h, p[i].v);
			tb_add(&h, "\", ");
		}
		tb_add(&h, "oauth_signature=\"");
		tb_enc(&h, (char *)sig);
		tb_add(&h, "\"");
		*authz = h.s;
		tb_add(&out, url);
	} else {
		tb_add(&out, url);
		tb_add(&out, strchr(url, '?') != NULL ? "&" : "?");
		for (i = 0; i < np; i++) {
			if (strncmp(p[i].k, "oauth_", 6) != 0)
				continue;
			tb_add(&out, p[i].k);
			tb_add(&out, "=");
			tb_enc(&out, p[i].v);
			tb_add(&out, "&");
		}
		tb_add(&out, "oauth_signature=");
		tb_enc(&out, (char *)sig);
	}
	for (i = 0; i < np; i++) {
		free(p[i].k);
		free(p[i].v);
	}
	free(base.s);
	free(joined.s);
	return out.s;
}

/* ---------------------------------------------------------------- requests */

static struct tl_sandbox	 sb;	/* plain HTTP: OAuth only */
static const struct tl_emu	*woo;
static struct tl_resp		 last;	/* the last answer, for its headers */

/*
 * One request signed with o; fails the test unless the answer has status
 * want and a JSON body.  Returns the body (caller json_decref's).
 */
static json_t *
call_as(const struct oa *o, const char *method, const char *path,
    const char *body, long want)
{
	struct tl_req rq;
	char *url, *authz;

	tl_resp_free(&last);
	memset(&rq, 0, sizeof(rq));
	url = oauth_sign(method, tl_url(&sb, "woocommerce", path), o, &authz);
	rq.method = method;
	rq.url = url;
	rq.body = body;
	rq.headers[0] = authz;
	TL_EQ_INT(0, tl_http(&rq, &last));
	if (last.status != want)
		fprintf(stderr, "%s %s: %ld %s\n", method, path, last.status,
		    last.body);
	TL_EQ_INT(want, last.status);
	free(url);
	free(authz);
	return TL_JSON(&last);
}

static json_t *
call(const char *method, const char *path, const char *body, long want)
{
	struct oa o = { woo->key, woo->secret, NULL, 0, NULL, 0, 0 };

	return call_as(&o, method, path, body, want);
}

/* checks and drops a WP_Error body; msg NULL: any message */
static void
want_error(json_t *j, const char *code, long status, const char *msg)
{
	TL_EQ_STR(code, tl_jstr(j, "code"));
	TL_EQ_INT(status, tl_jint(j, "data.status", -1));
	if (msg != NULL)
		TL_EQ_STR(msg, tl_jstr(j, "message"));
	json_decref(j);
}

static long
hdr_long(const char *name)
{
	const char *v = tl_header(&last, name);

	TL_CHECKM(v != NULL, name);
	return strtol(v, NULL, 10);
}

/* ---------------------------------------------------------------- tests */

static void
test_ready(void)
{
	size_t n = strlen(woo->base_url);

	TL_CHECKM(n > 14 && strcmp(woo->base_url + n - 14,
	    "/wp-json/wc/v3") == 0, woo->base_url);
	TL_EQ_INT(0, woo->tls);
	TL_EQ_INT(0, strncmp(woo->key, "ck_", 3));
	TL_EQ_INT(0, strncmp(woo->secret, "cs_", 3));
	TL_EQ_INT(0, strncmp(woo->ro_key, "ck_", 3));
	TL_NE_INT(0, strcmp(woo->key, woo->ro_key));
	tl_ok("ready line: wc/v3 base URL, ck_/cs_ keys, a read-only key");
}

static void
test_oauth(void)
{
	struct oa o = { woo->key, woo->secret, NULL, 0, NULL, 0, 0 };
	json_t *j;

	j = call_as(&o, "GET", "/products?per_page=5", NULL, 200);
	TL_EQ_INT(5, json_array_size(j));
	json_decref(j);
	o.algo = "HMAC-SHA256";
	o.header = 1;
	j = call_as(&o, "GET", "/products?per_page=2&orderby=id&order=asc",
	    NULL, 200);
	TL_EQ_INT(2, json_array_size(j));
	TL_LT_INT(tl_jint(j, "1.id", 0), tl_jint(j, "0.id", 0));
	json_decref(j);
	/* values that need encoding: the base string encodes them twice */
	o.header = 0;
	j = call_as(&o, "GET", "/products?search=no%20such%2Fthing&after="
	    "2020-01-01T00%3A00%3A00&_fields=id,sku", NULL, 200);
	TL_CHECK(json_is_array(j));
	json_decref(j);
	tl_ok("OAuth 1.0a HMAC-SHA1 in the query, HMAC-SHA256 in the header");

	o.header = 0;
	o.algo = NULL;
	o.cs = "cs_not_the_secret";
	want_error(call_as(&o, "GET", "/products", NULL, 401),
	    "woocommerce_rest_authentication_error", 401,
	    "Invalid signature - provided signature does not match.");
	o.cs = woo->secret;
	o.ck = "ck_0000000000000000000000000000000000000000";
	want_error(call_as(&o, "GET", "/products", NULL, 401),
	    "woocommerce_rest_authentication_error", 401,
	    "Consumer key is invalid.");
	o.ck = woo->key;
	o.skew = -3600;
	want_error(call_as(&o, "GET", "/products", NULL, 401),
	    "woocommerce_rest_authentication_error", 401,
	    "Invalid timestamp.");
	o.skew = 0;
	o.algo = "HMAC-MD5";
	want_error(call_as(&o, "GET", "/products", NULL, 401),
	    "woocommerce_rest_authentication_error", 401,
	    "Invalid signature - signature method is invalid.");
	o.algo = NULL;
	o.no_nonce = 1;
	j = call_as(&o, "GET", "/products", NULL, 401);
	TL_HAS_STR("oauth_nonce", tl_jstr(j, "message"));
	want_error(j, "woocommerce_rest_authentication_missing_parameter", 401,
	    NULL);
	o.no_nonce = 0;
	o.nonce = "same-nonce-twice";
	json_decref(call_as(&o, "GET", "/products/categories", NULL, 200));
	want_error(call_as(&o, "GET", "/products/categories", NULL, 401),
	    "woocommerce_rest_authentication_error", 401,
	    "Invalid nonce - nonce has already been used.");
	tl_ok("OAuth errors: signature, key, timestamp, method, missing "
	    "parameter, replayed nonce");
}

/* Basic and query keys mean nothing over plain HTTP: nobody is logged in */
static void
test_http_ignores_basic(void)
{
	struct tl_req rq;
	char url[700];

	memset(&rq, 0, sizeof(rq));
	rq.url = tl_url(&sb, "woocommerce", "/products");
	rq.userpwd = woo->userpwd;
	tl_resp_free(&last);
	TL_EQ_INT(0, tl_http(&rq, &last));
	TL_EQ_INT(401, last.status);
	want_error(TL_JSON(&last), "woocommerce_rest_cannot_view", 401,
	    "Sorry, you cannot list resources.");

	snprintf(url, sizeof(url), "%s/products?consumer_key=%s&"
	    "consumer_secret=%s", woo->base_url, woo->key, woo->secret);
	memset(&rq, 0, sizeof(rq));
	rq.url = url;
	tl_resp_free(&last);
	TL_EQ_INT(0, tl_http(&rq, &last));
	want_error(TL_JSON(&last), "woocommerce_rest_cannot_view", 401, NULL);

	memset(&rq, 0, sizeof(rq));
	rq.url = tl_url(&sb, "woocommerce", "/products/1");
	tl_resp_free(&last);
	TL_EQ_INT(0, tl_http(&rq, &last));
	want_error(TL_JSON(&last), "woocommerce_rest_cannot_view", 401,
	    "Sorry, you cannot view this resource.");

	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.url = tl_url(&sb, "woocommerce", "/products");
	rq.body = "{\"name\":\"nobody's\"}";
	tl_resp_free(&last);
	TL_EQ_INT(0, tl_http(&rq, &last));
	want_error(TL_JSON(&last), "woocommerce_rest_cannot_create", 401,
	    NULL);
	tl_ok("plain HTTP: Basic and ?consumer_key= ignored, anonymous is "
	    "woocommerce_rest_cannot_{view,create}");
}

static void
test_permissions(void)
{
	struct oa ro = { woo->ro_key, woo->ro_secret, NULL, 0, NULL, 0, 0 };
	static const char body[] = "{\"name\":\"should not exist\","
	    "\"sku\":\"T-RO-1\"}";
	char one[64];
	json_t *j;

	j = call_as(&ro, "GET", "/products?per_page=1", NULL, 200);
	TL_EQ_INT(1, json_array_size(j));
	snprintf(one, sizeof(one), "/products/%lld", tl_jint(j, "0.id", 0));
	json_decref(j);
	want_error(call_as(&ro, "POST", "/products", body, 401),
	    "woocommerce_rest_authentication_error", 401,
	    "The API key provided does not have write permissions.");

	/* the main key turned read-only by the fault layer */
	TL_EQ_INT(200, tl_faults(&sb, "woocommerce", "{\"read_only_key\":1}"));
	want_error(call("PUT", one, "{\"name\":\"x\"}", 401),
	    "woocommerce_rest_authentication_error", 401,
	    "The API key provided does not have write permissions.");
	json_decref(call("GET", one, NULL, 200));
	TL_EQ_INT(200, tl_faults(&sb, "woocommerce", "{\"read_only_key\":0,"
	    "\"revoke_key\":1}"));
	want_error(call("GET", one, NULL, 401),
	    "woocommerce_rest_authentication_error", 401,
	    "Consumer key is invalid.");
	TL_EQ_INT(200, tl_faults(&sb, "woocommerce", "{\"revoke_key\":0}"));
	j = call("GET", "/products?sku=T-RO-1", NULL, 200);
	TL_EQ_INT(0, json_array_size(j));
	TL_EQ_INT(0, hdr_long("X-WP-Total"));
	json_decref(j);
	tl_ok("read-only key may read but not write (401); read_only_key and "
	    "revoke_key faults");
}

/* one Basic/anonymous GET; returns the parsed body */
static json_t *
get_basic(const char *url, const char *userpwd, long want)
{
	struct tl_req rq;

	memset(&rq, 0, sizeof(rq));
	rq.url = url;
	rq.userpwd = userpwd;
	tl_resp_free(&last);
	TL_EQ_INT(0, tl_http(&rq, &last));
	if (last.status != want)
		fprintf(stderr, "GET %s: %ld %s\n", url, last.status, last.body);
	TL_EQ_INT(want, last.status);
	return TL_JSON(&last);
}

static void
test_tls(const char *bin)
{
	static const char *const args[] = { "--woo-tls", "--seed", "3",
	    "--products", "12", NULL };
	struct tl_sandbox ts;
	const struct tl_emu *e;
	char url[700], bad[400];
	json_t *j;

	tl_start(&ts, bin, args);
	e = tl_emu(&ts, "woocommerce");
	TL_CHECK(e != NULL && e->tls);
	TL_EQ_INT(0, strncmp(e->base_url, "https://", 8));

	j = get_basic(tl_url(&ts, "woocommerce", "/products?per_page=100"),
	    e->userpwd, 200);
	TL_EQ_INT(12, json_array_size(j));
	json_decref(j);
	TL_EQ_INT(12, hdr_long("X-WP-Total"));

	snprintf(bad, sizeof(bad), "%s:cs_wrong", e->key);
	want_error(get_basic(tl_url(&ts, "woocommerce", "/products"), bad,
	    401), "woocommerce_rest_authentication_error", 401,
	    "Consumer secret is invalid.");
	snprintf(bad, sizeof(bad), "ck_unknown:%s", e->secret);
	want_error(get_basic(tl_url(&ts, "woocommerce", "/products"), bad,
	    401), "woocommerce_rest_cannot_view", 401,
	    "Sorry, you cannot list resources.");

	/* query keys win over the header */
	snprintf(url, sizeof(url), "%s/products/categories?consumer_key=%s&"
	    "consumer_secret=%s", e->base_url, e->key, e->secret);
	json_decref(get_basic(url, "ck_unknown:cs_unknown", 200));
	snprintf(url, sizeof(url), "%s/products?consumer_key=%s&"
	    "consumer_secret=cs_wrong", e->base_url, e->key);
	want_error(get_basic(url, e->userpwd, 401),
	    "woocommerce_rest_authentication_error", 401,
	    "Consumer secret is invalid.");

	/* OAuth still works over https when no Basic credentials are sent */
	{
		struct oa o = { e->key, e->secret, NULL, 0, NULL, 0, 0 };
		char *u, *authz;

		u = oauth_sign("GET", tl_url(&ts, "woocommerce",
		    "/products?per_page=3"), &o, &authz);
		j = get_basic(u, NULL, 200);
		TL_EQ_INT(3, json_array_size(j));
		json_decref(j);
		free(u);
	}
	TL_EQ_INT(0, tl_stop(&ts));
	tl_sandbox_free(&ts);
	tl_ok("https: Basic, query keys, unknown key vs wrong secret, OAuth");
}

/* the site root: base_url without /wp-json/wc/v3 */
static void
site_url(char *out, size_t n, const char *rest)
{
	snprintf(out, n, "%.*s%s", (int)(strlen(woo->base_url) - 14),
	    woo->base_url, rest);
}

static void
test_routes(void)
{
	char url[512];
	json_t *j;

	j = get_basic(tl_url(&sb, "woocommerce", "/no-such-thing"), NULL, 404);
	want_error(j, "rest_no_route", 404,
	    "No route was found matching the URL and request method.");
	j = get_basic(tl_url(&sb, "woocommerce", "/products/abc"), NULL, 404);
	want_error(j, "rest_no_route", 404, NULL);
	site_url(url, sizeof(url), "/wp-json/wc/v1000/products");
	want_error(get_basic(url, NULL, 404), "rest_no_route", 404, NULL);

	/* ?rest_route= reaches the same routes, but API keys do not work there */
	site_url(url, sizeof(url), "/?rest_route=/wc/v3/nothing-here");
	want_error(get_basic(url, NULL, 404), "rest_no_route", 404, NULL);
	site_url(url, sizeof(url), "/?rest_route=/wc/v3/products/1");
	want_error(get_basic(url, NULL, 401), "woocommerce_rest_cannot_view",
	    401, "Sorry, you cannot view this resource.");
	{
		struct oa o = { woo->key, woo->secret, NULL, 0, NULL, 0, 0 };
		char *u, *authz;

		site_url(url, sizeof(url), "/?rest_route=/wc/v3/products");
		u = oauth_sign("GET", url, &o, &authz);
		want_error(get_basic(u, NULL, 401),
		    "woocommerce_rest_cannot_view", 401, NULL);
		free(u);
	}
	tl_ok("404 rest_no_route; ?rest_route= routes but cannot "
	    "authenticate with keys");
}

int
main(int argc, char **argv)
{
	static const char *const args[] = { "--seed", "11", "--products", "40",
	    "--customers", "5", "--orders", "5", NULL };

	if (argc < 2) {
		fprintf(stderr, "usage: %s tillsync-sandbox\n", argv[0]);
		return 2;
	}
	tl_start(&sb, argv[1], args);
	woo = tl_emu(&sb, "woocommerce");
	TL_CHECK(woo != NULL);
	test_ready();
	test_oauth();
	test_http_ignores_basic();
	test_permissions();
	test_routes();
	test_tls(argv[1]);
	tl_resp_free(&last);
	TL_EQ_INT(0, tl_stop(&sb));
	tl_sandbox_free(&sb);
	return 0;
}
