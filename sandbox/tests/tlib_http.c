/*
 * tlib_http.c - see tlib.h: HTTP over libcurl and OAuth 1.0a one-legged
 * signing as WooCommerce checks it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "tlib.h"
#include "tlib_int.h"

/* ---------------------------------------------------------------- HTTP */

struct sink {
	char	*buf;
	size_t	 len;
	size_t	 cap;
};

static size_t
on_body(char *p, size_t sz, size_t n, void *arg)
{
	struct sink *s = arg;

	tl_buf_add(&s->buf, &s->len, &s->cap, p, sz * n);
	return sz * n;
}

static size_t
on_header(char *p, size_t sz, size_t n, void *arg)
{
	struct tl_resp *r = arg;
	size_t len = sz * n, k, v;
	char *colon = memchr(p, ':', len);

	/* a new status line starts a new header block (100-continue) */
	if (len > 5 && strncmp(p, "HTTP/", 5) == 0) {
		while (r->nhdr > 0) {
			r->nhdr--;
			free(r->hname[r->nhdr]);
			free(r->hval[r->nhdr]);
		}
		return len;
	}
	if (colon == NULL || r->nhdr == TL_MAXHDR)
		return len;
	k = (size_t)(colon - p);
	v = k + 1;
	while (v < len && (p[v] == ' ' || p[v] == '\t'))
		v++;
	while (len > v && (p[len - 1] == '\r' || p[len - 1] == '\n' ||
	    p[len - 1] == ' '))
		len--;
	r->hname[r->nhdr] = tl_xmalloc(k + 1);
	memcpy(r->hname[r->nhdr], p, k);
	r->hname[r->nhdr][k] = '\0';
	r->hval[r->nhdr] = tl_xmalloc(len - v + 1);
	memcpy(r->hval[r->nhdr], p + v, len - v);
	r->hval[r->nhdr][len - v] = '\0';
	r->nhdr++;
	return sz * n;
}

int
tl_http(const struct tl_req *rq, struct tl_resp *r)
{
	struct curl_slist *hl = NULL;
	struct sink s = { NULL, 0, 0 };
	const char *method = rq->method;
	double t0;
	CURL *c;
	int i, has_ct = 0;

	tl_reg_init();
	memset(r, 0, sizeof(*r));
	if (method == NULL)
		method = rq->body != NULL ? "POST" : "GET";
	c = curl_easy_init();
	if (c == NULL) {
		fprintf(stderr, "tlib: curl_easy_init failed\n");
		exit(1);
	}
	curl_easy_setopt(c, CURLOPT_URL, rq->url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
	    rq->timeout_ms > 0 ? rq->timeout_ms : 30000L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	/* the sandbox's TLS certificate is self-signed */
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (rq->body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(rq->body_len ? rq->body_len :
		    strlen(rq->body)));
	}
	if (rq->userpwd != NULL) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERPWD, rq->userpwd);
	}
	for (i = 0; i < 16 && rq->headers[i] != NULL; i++) {
		if (strncasecmp(rq->headers[i], "Content-Type:", 13) == 0)
			has_ct = 1;
		hl = curl_slist_append(hl, rq->headers[i]);
	}
	if (rq->body != NULL && !has_ct && !rq->no_json_ct)
		hl = curl_slist_append(hl, "Content-Type: application/json");
	/* no "Expect: 100-continue" round trip on large bodies */
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	t0 = tl_now_ms();
	r->curl_code = (int)curl_easy_perform(c);
	r->ms = tl_now_ms() - t0;
	if (r->curl_code == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(c);
	curl_slist_free_all(hl);
	r->body = s.buf != NULL ? s.buf : tl_strdup("");
	r->len = s.len;
	return r->curl_code == CURLE_OK ? 0 : -1;
}

int
tl_get(struct tl_resp *r, const char *url, const char *userpwd)
{
	struct tl_req rq;

	memset(&rq, 0, sizeof(rq));
	rq.url = url;
	rq.userpwd = userpwd;
	return tl_http(&rq, r);
}

int
tl_send(struct tl_resp *r, const char *method, const char *url,
    const char *body, const char *userpwd)
{
	struct tl_req rq;

	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.url = url;
	rq.body = body;
	rq.userpwd = userpwd;
	return tl_http(&rq, r);
}

const char *
tl_header(const struct tl_resp *r, const char *name)
{
	int i;

	for (i = r->nhdr - 1; i >= 0; i--)
		if (strcasecmp(r->hname[i], name) == 0)
			return r->hval[i];
	return NULL;
}

json_t *
tl_json(const struct tl_resp *r)
{
	json_error_t je;

	return json_loadb(r->body, r->len, JSON_DECODE_ANY, &je);
}

json_t *
tl_json_ok(const char *file, int line, const struct tl_resp *r)
{
	json_t *j = tl_json(r);
	char what[64];

	if (j == NULL) {
		snprintf(what, sizeof(what), "JSON body (HTTP %ld)", r->status);
		tl_fail(file, line, what, "valid JSON", r->body);
	}
	return j;
}

void
tl_resp_free(struct tl_resp *r)
{
	int i;

	for (i = 0; i < r->nhdr; i++) {
		free(r->hname[i]);
		free(r->hval[i]);
	}
	free(r->body);
	memset(r, 0, sizeof(*r));
}

/* ---------------------------------------------------------------- OAuth */

struct pair {
	char	*k;
	char	*v;
};

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* form decoding, as PHP fills $_GET: '+' is a space */
static char *
url_decode(const char *s, size_t n)
{
	char *o = tl_xmalloc(n + 1);
	size_t i, j = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			o[j++] = ' ';
		else if (s[i] == '%' && i + 2 < n &&
		    hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			o[j++] = (char)(hexval(s[i + 1]) * 16 +
			    hexval(s[i + 2]));
			i += 2;
		} else
			o[j++] = s[i];
	}
	o[j] = '\0';
	return o;
}

/* RFC 3986: everything but unreserved characters as %XX */
static void
pct_encode(char **buf, size_t *len, size_t *cap, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char t[3];

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			tl_buf_add(buf, len, cap, s, 1);
			continue;
		}
		t[0] = '%';
		t[1] = hex[c >> 4];
		t[2] = hex[c & 15];
		tl_buf_add(buf, len, cap, t, 3);
	}
}

char *
tl_urlencode(const char *s)
{
	char *out = NULL;
	size_t len = 0, cap = 0;

	tl_buf_add(&out, &len, &cap, "", 0);
	pct_encode(&out, &len, &cap, s);
	return out;
}

static int
pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c = strcmp(x->k, y->k);

	return c != 0 ? c : strcmp(x->v, y->v);
}

char *
tl_oauth_url(const char *method, const char *url, const char *key,
    const char *secret, const char *algo)
{
	struct pair pr[128];
	char *base = NULL, *params = NULL, *out = NULL, *sigkey = NULL;
	size_t bl = 0, bc = 0, pl = 0, pc = 0, ol = 0, oc = 0, kl = 0, kc = 0;
	const char *q = strchr(url, '?'), *p, *e;
	unsigned char nonce_raw[16], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	char nonce[33], ts[24], sig[128];
	int n = 0, i;
	size_t ulen = q != NULL ? (size_t)(q - url) : strlen(url);

	if (RAND_bytes(nonce_raw, sizeof(nonce_raw)) != 1) {
		fprintf(stderr, "tlib: RAND_bytes failed\n");
		exit(1);
	}
	for (i = 0; i < 16; i++)
		snprintf(nonce + 2 * i, 3, "%02x", nonce_raw[i]);
	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	for (p = q != NULL ? q + 1 : NULL; p != NULL && *p != '\0' && n < 120;
	    p = *e != '\0' ? e + 1 : e) {
		const char *eq;

		e = p + strcspn(p, "&");
		if (e == p)
			continue;
		eq = memchr(p, '=', (size_t)(e - p));
		pr[n].k = url_decode(p, (size_t)((eq != NULL ? eq : e) - p));
		pr[n].v = eq != NULL ? url_decode(eq + 1, (size_t)(e - eq - 1)) :
		    tl_strdup("");
		n++;
	}
	pr[n].k = tl_strdup("oauth_consumer_key");
	pr[n++].v = tl_strdup(key);
	pr[n].k = tl_strdup("oauth_nonce");
	pr[n++].v = tl_strdup(nonce);
	pr[n].k = tl_strdup("oauth_signature_method");
	pr[n++].v = tl_strdup(algo);
	pr[n].k = tl_strdup("oauth_timestamp");
	pr[n++].v = tl_strdup(ts);
	qsort(pr, (size_t)n, sizeof(pr[0]), pair_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0)
			tl_buf_add(&params, &pl, &pc, "&", 1);
		pct_encode(&params, &pl, &pc, pr[i].k);
		tl_buf_add(&params, &pl, &pc, "=", 1);
		pct_encode(&params, &pl, &pc, pr[i].v);
	}
	{
		char *u = tl_xmalloc(ulen + 1);

		memcpy(u, url, ulen);
		u[ulen] = '\0';
		tl_buf_add(&base, &bl, &bc, method, strlen(method));
		tl_buf_add(&base, &bl, &bc, "&", 1);
		pct_encode(&base, &bl, &bc, u);
		tl_buf_add(&base, &bl, &bc, "&", 1);
		pct_encode(&base, &bl, &bc, params);
		free(u);
	}
	pct_encode(&sigkey, &kl, &kc, secret);
	tl_buf_add(&sigkey, &kl, &kc, "&", 1);
	HMAC(strcmp(algo, "HMAC-SHA1") == 0 ? EVP_sha1() : EVP_sha256(),
	    sigkey, (int)kl, (const unsigned char *)base, bl, mac, &maclen);
	EVP_EncodeBlock((unsigned char *)sig, mac, (int)maclen);
	/* the URL as sent: the original query, then the oauth_* params */
	tl_buf_add(&out, &ol, &oc, url, strlen(url));
	tl_buf_add(&out, &ol, &oc, q != NULL ? "&" : "?", 1);
	for (i = 0; i < n; i++) {
		if (strncmp(pr[i].k, "oauth_", 6) != 0)
			continue;
		tl_buf_add(&out, &ol, &oc, pr[i].k, strlen(pr[i].k));
		tl_buf_add(&out, &ol, &oc, "=", 1);
		pct_encode(&out, &ol, &oc, pr[i].v);
		tl_buf_add(&out, &ol, &oc, "&", 1);
	}
	tl_buf_add(&out, &ol, &oc, "oauth_signature=", 16);
	pct_encode(&out, &ol, &oc, sig);
	for (i = 0; i < n; i++) {
		free(pr[i].k);
		free(pr[i].v);
	}
	free(base);
	free(params);
	free(sigkey);
	return out;
}

int
tl_emu_req(struct tl_resp *r, const struct tl_emu *e, const char *method,
    const char *path, const char *body, int ro)
{
	struct tl_req rq;
	char url[2048], up[330];
	char *signed_url = NULL;
	const char *k = ro ? e->ro_key : e->key;
	const char *s = ro ? e->ro_secret : e->secret;
	int rc;

	memset(&rq, 0, sizeof(rq));
	snprintf(url, sizeof(url), "%s%s", e->base_url, path);
	rq.method = method;
	rq.body = body;
	if (strcmp(e->name, "woocommerce") == 0 && !e->tls) {
		signed_url = tl_oauth_url(method != NULL ? method : body ?
		    "POST" : "GET", url, k, s, "HMAC-SHA256");
		rq.url = signed_url;
	} else {
		snprintf(up, sizeof(up), "%s:%s", k, s);
		rq.url = url;
		rq.userpwd = up;
	}
	rc = tl_http(&rq, r);
	free(signed_url);
	return rc;
}

json_t *
tl_emu_call(const char *file, int line, const struct tl_emu *e,
    const char *method, const char *path, const char *body, long want,
    char **raw)
{
	struct tl_resp r;
	json_t *j = NULL;
	char what[600];

	tl_emu_req(&r, e, method, path, body, 0);
	snprintf(what, sizeof(what), "%s %s -> HTTP status (body %.300s)",
	    method, path, r.body);
	tl_check_int(file, line, what, want, r.status, TL_OP_EQ);
	if (r.len > 0)
		j = tl_json_ok(file, line, &r);
	if (raw != NULL) {
		*raw = r.body;
		r.body = NULL;
	}
	tl_resp_free(&r);
	return j;
}
