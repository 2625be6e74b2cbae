#include "http/client.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http/host_limit.h"
#include "util/parse.h"
#include "util/timeutil.h"

struct http_client {
	CURL *curl;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void
curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

int
http_client_new(struct http_client **out, struct sbuf *err)
{
	struct http_client *c;

	pthread_once(&curl_once, curl_init_once);
	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c || !(c->curl = curl_easy_init())) {
		free(c);
		return error_set(err, "cannot start an HTTP client (out of memory)");
	}
	*out = c;
	return 0;
}

void
http_client_free(struct http_client *c)
{
	if (!c)
		return;
	curl_easy_cleanup(c->curl);
	free(c);
}

void
http_response_init(struct http_response *rs)
{
	memset(rs, 0, sizeof(*rs));
	sbuf_init(&rs->body, SBUF_CAP_REMOTE);
	rs->total = -1;
	rs->total_pages = -1;
}

void
http_response_release(struct http_response *rs)
{
	sbuf_release(&rs->body);
}

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct http_response *rs = arg;

	if (sbuf_add(&rs->body, data, size * n) < 0)
		return 0;   /* over the cap: libcurl aborts the transfer */
	return size * n;
}

static void
trim_copy(const char *v, size_t len, char *out, size_t outlen)
{
	while (len && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' '))
		len--;
	while (len && *v == ' ') {
		v++;
		len--;
	}
	if (len >= outlen)
		len = outlen - 1;
	memcpy(out, v, len);
	out[len] = '\0';
}

static size_t
on_header(char *data, size_t size, size_t n, void *arg)
{
	struct http_response *rs = arg;
	size_t len = size * n;
	const char *colon = memchr(data, ':', len);
	char name[40], value[128];
	int64_t v;

	if (!colon || (size_t)(colon - data) >= sizeof(name))
		return len;
	snprintf(name, sizeof(name), "%.*s", (int)(colon - data), data);
	trim_copy(colon + 1, len - (size_t)(colon + 1 - data), value, sizeof(value));
	if (strcasecmp(name, "Retry-After") == 0) {
		if (parse_int64(value, 0, 86400, &v) == 0) {
			rs->retry_after_ms = v * 1000;
		} else {
			time_t when = curl_getdate(value, NULL);
			time_t now = time(NULL);

			if (when > now)
				rs->retry_after_ms = (int64_t)(when - now) * 1000;
		}
	} else if (strcasecmp(name, "X-WP-Total") == 0 && parse_int64(value, 0, INT64_MAX, &v) == 0) {
		rs->total = v;
	} else if (strcasecmp(name, "X-WP-TotalPages") == 0 && parse_int64(value, 0, INT64_MAX, &v) == 0) {
		rs->total_pages = v;
	} else if (strcasecmp(name, "Content-Type") == 0) {
		trim_copy(value, strlen(value), rs->content_type, sizeof(rs->content_type));
	}
	return len;
}

/* The URL without its query string: queries may carry keys or signatures. */
static void
url_for_humans(const char *url, char *out, size_t len)
{
	const char *q = strchr(url, '?');

	snprintf(out, len, "%.*s", (int)(q ? (size_t)(q - url) : strlen(url)), url);
}

int
http_do(struct http_client *c, const struct http_request *rq, struct http_response *rs, struct sbuf *err)
{
	struct curl_slist *headers = NULL;
	struct sbuf auth = SBUF_INIT, ctype = SBUF_INIT;
	CURL *h = c->curl;
	CURLcode cc;
	char where[256];
	int64_t t0 = time_mono_ms();

	sbuf_reset(&rs->body);
	rs->status = 0;
	rs->retry_after_ms = 0;
	rs->total = rs->total_pages = -1;
	rs->content_type[0] = '\0';
	rs->failure = HTTP_OK;
	url_for_humans(rq->url, where, sizeof(where));

	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, rq->url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, rq->timeout_ms ? rq->timeout_ms : 60000L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "tillsync/0.1");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, rs);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, rs);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, rq->method);
	if (strcmp(rq->method, "GET") == 0)
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	if (rq->body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
		sbuf_addf(&ctype, "Content-Type: %s", rq->content_type ? rq->content_type : "application/json");
		headers = curl_slist_append(headers, ctype.buf);
	}
	headers = curl_slist_append(headers, "Accept: application/json");
	headers = curl_slist_append(headers, "Expect:");
	if (rq->authorization) {
		sbuf_addf(&auth, "Authorization: %s", rq->authorization);
		headers = curl_slist_append(headers, auth.buf);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);

	{
		/* requests to one host are bounded across threads, the bound found by probing */
		struct host_slot slot;
		char key[160];
		long status = 0;

		host_limit_key(rq->url, key, sizeof(key));
		host_limit_acquire(key, &slot);
		cc = curl_easy_perform(h);
		if (cc == CURLE_OK)
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		host_limit_release(&slot, status);
	}
	curl_slist_free_all(headers);
	if (auth.len)
		memset(auth.buf, 0, auth.len);
	sbuf_release(&auth);
	sbuf_release(&ctype);
	rs->elapsed_us = (time_mono_ms() - t0) * 1000;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &rs->status);

	switch (cc) {
	case CURLE_OK:
		return 0;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		rs->failure = HTTP_FAIL_CONNECT;
		return error_set(err, "cannot find the host of %s (check the URL)", where);
	case CURLE_COULDNT_CONNECT:
		rs->failure = HTTP_FAIL_CONNECT;
		return error_set(err, "cannot connect to %s (the site is down or the URL is wrong)", where);
	case CURLE_OPERATION_TIMEDOUT:
		rs->failure = HTTP_FAIL_TIMEOUT;
		return error_set(err, "%s did not answer in time", where);
	case CURLE_WRITE_ERROR:
		rs->failure = HTTP_FAIL_TOO_LARGE;
		return error_set(err, "the answer from %s is larger than %u MiB", where, SBUF_CAP_REMOTE >> 20);
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
		rs->failure = HTTP_FAIL_TIMEOUT;   /* the request may have been processed */
		return error_set(err, "the connection to %s broke before a full answer (%s)", where,
				 curl_easy_strerror(cc));
	default:
		rs->failure = HTTP_FAIL_OTHER;
		return error_set(err, "request to %s failed: %s", where, curl_easy_strerror(cc));
	}
}

char *
http_basic_auth(const char *user, const char *password)
{
	struct sbuf plain = SBUF_INIT;
	unsigned char *b64;
	char *out = NULL;
	int n;

	sbuf_addf(&plain, "%s:%s", user, password);
	b64 = malloc(4 * ((plain.len + 2) / 3) + 1);
	if (b64 && !plain.failed) {
		n = EVP_EncodeBlock(b64, (const unsigned char *)plain.buf, (int)plain.len);
		out = malloc((size_t)n + 7);
		if (out)
			snprintf(out, (size_t)n + 7, "Basic %s", (const char *)b64);
		memset(b64, 0, (size_t)n);
	}
	if (plain.len)
		memset(plain.buf, 0, plain.len);
	sbuf_release(&plain);
	free(b64);
	return out;
}

char *
http_url_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct sbuf out = SBUF_INIT;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		    ch == '.' || ch == '_' || ch == '~') {
			sbuf_addch(&out, (char)ch);
		} else {
			sbuf_addch(&out, '%');
			sbuf_addch(&out, hex[ch >> 4]);
			sbuf_addch(&out, hex[ch & 15]);
		}
	}
	return sbuf_take(&out);
}
