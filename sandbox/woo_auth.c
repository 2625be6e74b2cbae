/*
 * woo_auth.c - WooCommerce REST authentication, as
 * includes/class-wc-rest-authentication.php does it.
 *
 *   authenticate():  over TLS try Basic (query consumer_key/secret first,
 *                    then the Authorization header); if that did not log
 *                    anybody in, try OAuth 1.0a one-legged.  Over plain HTTP
 *                    only OAuth is tried: Basic and query keys are ignored.
 *   error:           a wrong secret or any OAuth failure is remembered and
 *                    answered as 401 before the endpoint runs.
 *   permissions:     a read key may not POST/PUT/PATCH/DELETE (401).
 *   nobody:          the endpoint's own check fails: 401
 *                    woocommerce_rest_cannot_{view,create,edit,delete,batch}.
 *
 * The OAuth base string follows WooCommerce, not a generic library:
 * parameters are sorted by raw key with strcmp, each key and value is
 * rawurlencode'd and then every '%' doubled; the URL is the
 * site home URL plus the request path as sent.  The nonce store keeps one
 * nonce per timestamp per key for 15 minutes, like the PHP array it copies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "woo.h"

#define OAUTH_WINDOW (15 * 60)

static const char *const oauth_required[] = {
	"oauth_consumer_key", "oauth_timestamp", "oauth_nonce",
	"oauth_signature", "oauth_signature_method",
};

void
woo_auth_init(struct woo *st)
{
	int i;

	pthread_mutex_init(&st->nonce_mu, NULL);
	for (i = 0; i < 2; i++)
		strmap_init(&st->nonces[i].idx, 0);
}

void
woo_auth_release(struct woo *st)
{
	size_t j;
	int i;

	for (i = 0; i < 2; i++) {
		for (j = 0; j < st->nonces[i].n; j++)
			free(st->nonces[i].v[j].nonce);
		free(st->nonces[i].v);
		strmap_release(&st->nonces[i].idx);
	}
	pthread_mutex_destroy(&st->nonce_mu);
}

/* -1 unknown, 0 the main key, 1 the read-only key */
static int
key_lookup(struct woo *st, const char *ck)
{
	if (ck == NULL)
		return -1;
	if (strcmp(ck, st->ck) == 0 && !fault_key_revoked(st->emu->fault))
		return 0;
	if (strcmp(ck, st->ro_ck) == 0)
		return 1;
	return -1;
}

static const char *
key_secret(struct woo *st, int k)
{
	return k == 0 ? st->cs : st->ro_cs;
}

static int
key_can_write(struct woo *st, int k)
{
	return k == 0 && !fault_key_read_only(st->emu->fault);
}

static void
auth_error(struct resp *rs, const char *code, const char *msg)
{
	wc_err(rs, 401, code, msg);
}

/* Basic over TLS.  Returns the key, or -1 (maybe with *err set). */
static int
basic_auth(struct woo *st, struct req *rq, struct resp *rs, int *err)
{
	const char *qk = req_param(rq, "consumer_key");
	const char *qs = req_param(rq, "consumer_secret");
	const char *h = req_header(rq, "Authorization");
	char user[256] = "", pass[256] = "";
	int k;

	if (!str_empty(qk) && !str_empty(qs)) {
		snprintf(user, sizeof(user), "%s", qk);
		snprintf(pass, sizeof(pass), "%s", qs);
	} else if (h != NULL && strncasecmp(h, "Basic ", 6) == 0) {
		unsigned char dec[600];
		size_t n = 0;
		char *colon;

		if (strlen(h + 6) < 790 && b64_decode(h + 6, dec,
		    sizeof(dec) - 1, &n) == 0) {
			dec[n] = '\0';
			colon = strchr((char *)dec, ':');
			if (colon != NULL) {
				*colon = '\0';
				snprintf(user, sizeof(user), "%.255s", (char *)dec);
				snprintf(pass, sizeof(pass), "%.255s", colon + 1);
			}
		}
	}
	if (user[0] == '\0' || pass[0] == '\0')
		return -1;
	k = key_lookup(st, user);
	if (k < 0)
		return -1;	/* unknown key: no error, just nobody */
	if (!ct_streq(key_secret(st, k), pass)) {
		auth_error(rs, "woocommerce_rest_authentication_error",
		    "Consumer secret is invalid.");
		*err = 1;
		return -1;
	}
	return k;
}

/* PHP preg_match_all('/(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))/') */
static void
parse_oauth_header(const char *h, struct kvlist *out)
{
	const char *p = h + 6;

	while ((p = strstr(p, "oauth_")) != NULL) {
		const char *k = p, *v, *e;
		char *key, *val;

		p += 6;
		while ((*p >= 'a' && *p <= 'z') || *p == '_' || *p == '-')
			p++;
		if (*p != '=')
			continue;
		key = xmalloc((size_t)(p - k) + 1);
		memcpy(key, k, (size_t)(p - k));
		key[p - k] = '\0';
		p++;
		if (*p == ':')	/* the "(:?" typo in the PHP regex */
			p++;
		if (*p == '"' && (e = strchr(p + 1, '"')) != NULL &&
		    e > p + 1) {
			v = p + 1;
			p = e + 1;
		} else {
			if (*p == '"')
				p++;	/* empty quoted: falls to [^,]* */
			v = p;
			e = p;
			while (*e != '\0' && *e != ',')
				e++;
			p = e;
		}
		val = url_decode_take(v, (size_t)(e - v), 1);
		kv_add(out, key, val);
		free(key);
		free(val);
	}
}

static int
kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kv *)a)->key, ((const struct kv *)b)->key);
}

/*
 * normalize_parameters() rawurlencodes the (already decoded) key and value,
 * and join_with_equals_sign() encodes "k=v" once more: the '%' of the first
 * pass become "%25" (there is no rawurldecode in between, unlike the legacy
 * v1-v3 API this was once copied from).
 */
static void
wc_normalize(struct wbuf *out, const char *s)
{
	struct wbuf t = WBUF_INIT;
	size_t i;

	url_rawencode(&t, s);
	for (i = 0; i < t.len; i++) {
		if (t.buf[i] == '%')
			wbuf_adds(out, "%25");
		else
			wbuf_addc(out, t.buf[i]);
	}
	wbuf_release(&t);
}

static int
nonce_check(struct woo *st, int k, int64_t ts, const char *nonce)
{
	struct nonce_store *ns = &st->nonces[k];
	int64_t now = now_utc();
	size_t i, o;
	int rc = 0;

	pthread_mutex_lock(&st->nonce_mu);
	if (strmap_get(&ns->idx, nonce) >= 0) {
		rc = -1;
		goto out;
	}
	/* $used_nonces[$timestamp] = $nonce: one nonce per timestamp */
	for (i = 0; i < ns->n; i++)
		if (ns->v[i].ts == ts)
			break;
	if (i < ns->n) {
		strmap_del(&ns->idx, ns->v[i].nonce, -1);
		free(ns->v[i].nonce);
	} else {
		if (ns->n == ns->cap) {
			ns->cap = ns->cap ? ns->cap * 2 : 64;
			ns->v = xrealloc(ns->v, ns->cap * sizeof(*ns->v));
		}
		ns->n++;
	}
	ns->v[i].ts = ts;
	ns->v[i].nonce = xstrdup(nonce);
	strmap_put(&ns->idx, ns->v[i].nonce, 1);
	/* drop expired ones */
	for (i = 0, o = 0; i < ns->n; i++) {
		if (ns->v[i].ts < now - OAUTH_WINDOW) {
			strmap_del(&ns->idx, ns->v[i].nonce, -1);
			free(ns->v[i].nonce);
			continue;
		}
		ns->v[o++] = ns->v[i];
	}
	ns->n = o;
out:
	pthread_mutex_unlock(&st->nonce_mu);
	return rc;
}

/* OAuth 1.0a one-legged.  Returns the key, or -1 (maybe with *err set). */
static int
oauth_auth(struct woo *st, struct req *rq, struct resp *rs, int *err)
{
	struct kvlist all = { 0 }, form = { 0 };
	struct wbuf base = WBUF_INIT, missing = WBUF_INIT, url = WBUF_INIT;
	const char *h = req_header(rq, "Authorization");
	const char *ct = req_header(rq, "Content-Type");
	const char *method, *sig_in, *ts_s;
	char mine[128], *given = NULL;
	size_t i, o;
	int k = -1, nmissing = 0, have = 0;
	long ts;

	for (i = 0; i < rq->query.n; i++)
		kv_add(&all, rq->query.v[i].key, rq->query.v[i].val);
	if (ct != NULL && strncasecmp(ct, "application/x-www-form-urlencoded",
	    33) == 0 && rq->body_len > 0) {
		kv_parse_query(&form, rq->body, rq->body_len);
		for (i = 0; i < form.n; i++)
			kv_add(&all, form.v[i].key, form.v[i].val);
	}
	if (h != NULL && strncmp(h, "OAuth ", 6) == 0)
		parse_oauth_header(h, &all);
	/* array_merge: a later key replaces an earlier one, in place */
	for (i = 0, o = 0; i < all.n; i++) {
		size_t j;

		for (j = 0; j < o; j++)
			if (strcmp(all.v[j].key, all.v[i].key) == 0)
				break;
		if (j < o) {
			free(all.v[j].val);
			all.v[j].val = all.v[i].val;
			free(all.v[i].key);
		} else
			all.v[o++] = all.v[i];
	}
	all.n = o;

	for (i = 0; i < sizeof(oauth_required) / sizeof(oauth_required[0]);
	    i++) {
		const char *v = kv_get(&all, oauth_required[i]);

		if (v == NULL || *v == '\0' || strcmp(v, "0") == 0) {
			if (nmissing++)
				wbuf_adds(&missing, ", ");
			wbuf_adds(&missing, oauth_required[i]);
		} else
			have = 1;
	}
	if (!have)
		goto out;	/* not trying OAuth at all */
	*err = 1;
	if (nmissing > 0) {
		char msg[300];

		snprintf(msg, sizeof(msg), "Missing OAuth parameter%s %s",
		    nmissing > 1 ? "s" : "", wbuf_str(&missing));
		auth_error(rs, "woocommerce_rest_authentication_missing_parameter",
		    msg);
		goto out;
	}
	k = key_lookup(st, kv_get(&all, "oauth_consumer_key"));
	if (k < 0) {
		auth_error(rs, "woocommerce_rest_authentication_error",
		    "Consumer key is invalid.");
		goto out;
	}

	/* string to sign */
	method = rq->method;
	wbuf_addf(&url, "%s%s", st->emu->base, rq->raw_path);
	wbuf_addf(&base, "%s&", method);
	url_rawencode(&base, wbuf_str(&url));
	wbuf_addc(&base, '&');
	sig_in = kv_get(&all, "oauth_signature");
	{
		char *t = xstrdup(sig_in), *p;

		for (p = t; *p != '\0'; p++)
			if (*p == ' ')
				*p = '+';
		given = url_decode_take(t, strlen(t), 0);
		free(t);
	}
	qsort(all.v, all.n, sizeof(all.v[0]), kv_cmp);
	for (i = 0, o = 0; i < all.n; i++) {
		if (strcmp(all.v[i].key, "oauth_signature") == 0)
			continue;
		if (o++)
			wbuf_adds(&base, "%26");
		wc_normalize(&base, all.v[i].key);
		wbuf_adds(&base, "%3D");
		wc_normalize(&base, all.v[i].val);
	}
	{
		const char *m = kv_get(&all, "oauth_signature_method");
		struct wbuf key = WBUF_INIT;

		if (strcmp(m, "HMAC-SHA1") != 0 && strcmp(m, "HMAC-SHA256") != 0) {
			auth_error(rs, "woocommerce_rest_authentication_error",
			    "Invalid signature - signature method is invalid.");
			k = -1;
			goto out;
		}
		wbuf_addf(&key, "%s&", key_secret(st, k));
		hmac_b64(strcmp(m, "HMAC-SHA1") == 0 ? "sha1" : "sha256",
		    key.buf, key.len, wbuf_str(&base), mine, sizeof(mine));
		wbuf_release(&key);
	}
	if (!ct_streq(mine, given)) {
		auth_error(rs, "woocommerce_rest_authentication_error",
		    "Invalid signature - provided signature does not match.");
		k = -1;
		goto out;
	}
	ts_s = kv_get(&all, "oauth_timestamp");
	if (parse_long(ts_s, &ts) < 0 || ts < now_utc() - OAUTH_WINDOW ||
	    ts > now_utc() + OAUTH_WINDOW) {
		auth_error(rs, "woocommerce_rest_authentication_error",
		    "Invalid timestamp.");
		k = -1;
		goto out;
	}
	if (nonce_check(st, k, ts, kv_get(&all, "oauth_nonce")) < 0) {
		auth_error(rs, "woocommerce_rest_authentication_error",
		    "Invalid nonce - nonce has already been used.");
		k = -1;
		goto out;
	}
	*err = 0;
out:
	free(given);
	kv_release(&all);
	kv_release(&form);
	wbuf_release(&base);
	wbuf_release(&missing);
	wbuf_release(&url);
	return k;
}

static const char *const perm_code[] = {
	"woocommerce_rest_cannot_view", "woocommerce_rest_cannot_view",
	"woocommerce_rest_cannot_create", "woocommerce_rest_cannot_edit",
	"woocommerce_rest_cannot_delete", "woocommerce_rest_cannot_batch",
};
static const char *const perm_msg[] = {
	"Sorry, you cannot list resources.",
	"Sorry, you cannot view this resource.",
	"Sorry, you are not allowed to create resources.",
	"Sorry, you are not allowed to edit this resource.",
	"Sorry, you are not allowed to delete this resource.",
	"Sorry, you are not allowed to batch manipulate this resource.",
};

int
woo_auth(struct woo *st, struct req *rq, struct resp *rs, enum wc_perm perm)
{
	int k = -1, err = 0;
	const char *m = rq->method;

	if (!rq->alt_route) {
		if (rq->tls)
			k = basic_auth(st, rq, rs, &err);
		if (k < 0) {
			int err2 = 0;
			struct resp tmp;

			/* OAuth may replace Basic's error with its own */
			memset(&tmp, 0, sizeof(tmp));
			k = oauth_auth(st, rq, &tmp, &err2);
			if (err2) {
				wbuf_reset(&rs->body);
				wbuf_add(&rs->body, wbuf_str(&tmp.body),
				    tmp.body.len);
				rs->status = tmp.status;
				rs->json_ok = 1;
				err = 1;
			}
			wbuf_release(&tmp.body);
		}
	}
	if (err)
		return -1;
	if (k >= 0) {
		int write = strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 &&
		    strcmp(m, "OPTIONS") != 0;

		if (write && !key_can_write(st, k)) {
			wc_err(rs, 401, "woocommerce_rest_authentication_error",
			    "The API key provided does not have write "
			    "permissions.");
			return -1;
		}
		return 0;
	}
	wc_err(rs, 401, perm_code[perm], perm_msg[perm]);
	return -1;
}
