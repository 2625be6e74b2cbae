#include "http/oauth1.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/client.h"

struct param {
	char *key;     /* encoded */
	char *value;   /* encoded */
};

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode %XX and '+' from a query component, then encode it the RFC 3986 way. */
static char *
reencode(const char *s, size_t len)
{
	char *plain = malloc(len + 1), *out;
	size_t j = 0;

	if (!plain)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			plain[j++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else if (s[i] == '+') {
			plain[j++] = ' ';
		} else {
			plain[j++] = s[i];
		}
	}
	plain[j] = '\0';
	out = http_url_encode(plain);
	free(plain);
	return out;
}

static int
param_cmp(const void *a, const void *b)
{
	const struct param *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : strcmp(x->value, y->value);
}

static int
add_param(struct param **ps, size_t *n, char *key, char *value)
{
	struct param *p = realloc(*ps, (*n + 1) * sizeof(**ps));

	if (!p || !key || !value) {
		free(key);
		free(value);
		if (p)
			*ps = p;
		return -1;
	}
	*ps = p;
	p[*n].key = key;
	p[*n].value = value;
	(*n)++;
	return 0;
}

char *
oauth1_sign_url(const char *method, const char *url, const char *consumer_key, const char *consumer_secret,
		enum oauth1_method sig, const char *nonce, int64_t timestamp, struct sbuf *err)
{
	const char *q = strchr(url, '?'), *sig_name = sig == OAUTH1_HMAC_SHA1 ? "HMAC-SHA1" : "HMAC-SHA256";
	struct sbuf base = SBUF_INIT, params = SBUF_INIT, out = SBUF_INIT, key = SBUF_INIT;
	struct param *ps = NULL;
	size_t n = 0, base_len = q ? (size_t)(q - url) : strlen(url);
	unsigned char mac[EVP_MAX_MD_SIZE], b64[2 * EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	char nonce_buf[33], ts[24], *enc_base = NULL, *enc_params = NULL, *enc_sig = NULL, *result = NULL;

	if (!nonce) {
		unsigned char raw[16];

		if (RAND_bytes(raw, sizeof(raw)) != 1) {
			error_set(err, "cannot make an OAuth nonce (no randomness)");
			return NULL;
		}
		for (size_t i = 0; i < sizeof(raw); i++)
			snprintf(nonce_buf + 2 * i, 3, "%02x", raw[i]);
		nonce = nonce_buf;
	}
	snprintf(ts, sizeof(ts), "%lld", (long long)(timestamp ? timestamp : (int64_t)time(NULL)));

	/* every existing query parameter is signed, as the server will see it */
	for (const char *p = q ? q + 1 : NULL; p && *p;) {
		const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));

		if (end > p) {
			const char *kend = eq ? eq : end;

			if (add_param(&ps, &n, reencode(p, (size_t)(kend - p)),
				      eq ? reencode(eq + 1, (size_t)(end - eq - 1)) : strdup("")) < 0)
				goto oom;
		}
		p = amp ? amp + 1 : end;
	}
	if (add_param(&ps, &n, strdup("oauth_consumer_key"), http_url_encode(consumer_key)) < 0 ||
	    add_param(&ps, &n, strdup("oauth_nonce"), http_url_encode(nonce)) < 0 ||
	    add_param(&ps, &n, strdup("oauth_signature_method"), strdup(sig_name)) < 0 ||
	    add_param(&ps, &n, strdup("oauth_timestamp"), strdup(ts)) < 0)
		goto oom;
	qsort(ps, n, sizeof(*ps), param_cmp);
	for (size_t i = 0; i < n; i++)
		sbuf_addf(&params, "%s%s=%s", i ? "&" : "", ps[i].key, ps[i].value);

	{
		char *plain_base = strndup(url, base_len);

		enc_base = plain_base ? http_url_encode(plain_base) : NULL;
		free(plain_base);
	}
	enc_params = http_url_encode(params.buf);
	if (!enc_base || !enc_params)
		goto oom;
	sbuf_addf(&base, "%s&%s&%s", method, enc_base, enc_params);
	sbuf_addf(&key, "%s&", consumer_secret);
	if (base.failed || key.failed)
		goto oom;
	if (!HMAC(sig == OAUTH1_HMAC_SHA1 ? EVP_sha1() : EVP_sha256(), key.buf, (int)key.len,
		  (const unsigned char *)base.buf, base.len, mac, &mac_len)) {
		error_set(err, "cannot compute the OAuth signature");
		goto out;
	}
	EVP_EncodeBlock(b64, mac, (int)mac_len);
	enc_sig = http_url_encode((const char *)b64);
	if (!enc_sig)
		goto oom;
	/* the signed URL: the original, plus our oauth_* parameters */
	sbuf_add(&out, url, strlen(url));
	sbuf_addch(&out, q ? '&' : '?');
	for (size_t i = 0; i < n; i++)
		if (strncmp(ps[i].key, "oauth_", 6) == 0)
			sbuf_addf(&out, "%s=%s&", ps[i].key, ps[i].value);
	sbuf_addf(&out, "oauth_signature=%s", enc_sig);
	if (out.failed)
		goto oom;
	result = sbuf_take(&out);
	goto out;
oom:
	error_set(err, "out of memory signing a request");
out:
	for (size_t i = 0; i < n; i++) {
		free(ps[i].key);
		free(ps[i].value);
	}
	free(ps);
	free(enc_base);
	free(enc_params);
	free(enc_sig);
	if (key.len)
		memset(key.buf, 0, key.len);
	sbuf_release(&key);
	sbuf_release(&base);
	sbuf_release(&params);
	sbuf_release(&out);
	return result;
}
