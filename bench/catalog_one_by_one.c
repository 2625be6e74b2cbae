/*
 * catalog_one_by_one: the naive baseline for bench/run-catalog-bench.sh.
 * Creates N products in a WooCommerce shop with one POST /products each,
 * from a fixed number of threads (the shop's worker count, which this
 * client is allowed to know), every request signed with OAuth 1.0a.
 *
 *   catalog_one_by_one BASE_URL KEY SECRET [products] [threads] [sku_prefix]
 *
 * BASE_URL is the API root (http://127.0.0.1:P/wp-json/wc/v3). Loopback
 * only. Products are synthetic: unique SKUs "<prefix>000001".., a name and a
 * price in exact pence (no floating point). Prints one JSON line.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/oauth1.h"
#include "util/sbuf.h"

struct job {
	const char *url;	/* .../products */
	const char *key;
	const char *secret;
	const char *prefix;
	long total;
	atomic_long next;
	atomic_long created;
	atomic_long failed;
	pthread_mutex_t err_mu;
	char first_error[256];	/* kept so a failing run says why */
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
keep_head(char *p, size_t s, size_t n, void *u)
{
	struct sbuf *body = u;

	if (body->len < 200)
		sbuf_add(body, p, s * n < 200 ? s * n : 200);
	return s * n;
}

static void note_error(struct job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
note_error(struct job *j, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&j->err_mu);
	if (!j->first_error[0]) {
		va_start(ap, fmt);
		vsnprintf(j->first_error, sizeof(j->first_error), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&j->err_mu);
}

/* One product: POST it, 201 is success. Returns 0 or -1. */
static int
create_one(struct job *j, CURL *h, long i, struct sbuf *body)
{
	struct sbuf err = SBUF_INIT;
	char json[256], *signed_url;
	long pence = 100 + (i * 37) % 9900, code = 0;
	CURLcode rc;

	signed_url = oauth1_sign_url("POST", j->url, j->key, j->secret, OAUTH1_HMAC_SHA256, NULL, 0, &err);
	if (!signed_url) {
		note_error(j, "product %ld: cannot sign: %s", i, err.buf);
		sbuf_release(&err);
		return -1;
	}
	snprintf(json, sizeof(json),
		 "{\"name\":\"Bench product %06ld\",\"sku\":\"%s%06ld\",\"regular_price\":\"%ld.%02ld\","
		 "\"status\":\"publish\"}", i, j->prefix, i, pence / 100, pence % 100);
	sbuf_reset(body);
	curl_easy_setopt(h, CURLOPT_URL, signed_url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
	rc = curl_easy_perform(h);
	free(signed_url);
	if (rc != CURLE_OK) {
		note_error(j, "product %ld: curl error %d: %s", i, (int)rc, curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (code != 201) {
		note_error(j, "product %ld: HTTP %ld: %s", i, code, body->buf);
		return -1;
	}
	return 0;
}

static void *
worker(void *arg)
{
	struct job *j = arg;
	struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	struct sbuf body = SBUF_INIT;
	CURL *h = curl_easy_init();
	long i;

	if (!h || !hdrs) {
		note_error(j, "a worker cannot make a curl handle (out of memory?)");
		return NULL;
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_head);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	while ((i = atomic_fetch_add(&j->next, 1) + 1) <= j->total) {
		if (create_one(j, h, i, &body) == 0)
			atomic_fetch_add(&j->created, 1);
		else
			atomic_fetch_add(&j->failed, 1);
	}
	sbuf_release(&body);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct job j;
	pthread_t *tids;
	long threads;
	char url[512];
	double t0, elapsed;

	if (argc < 4) {
		fprintf(stderr, "usage: catalog_one_by_one BASE_URL KEY SECRET [products] [threads] [sku_prefix]\n");
		return 2;
	}
	if (strncmp(argv[1], "http://127.", 11) != 0) {
		fprintf(stderr, "catalog_one_by_one: loopback http URLs only (got %s)\n", argv[1]);
		return 2;
	}
	memset(&j, 0, sizeof(j));
	snprintf(url, sizeof(url), "%s/products", argv[1]);
	j.url = url;
	j.key = argv[2];
	j.secret = argv[3];
	j.total = argc > 4 ? strtol(argv[4], NULL, 10) : 10000;
	threads = argc > 5 ? strtol(argv[5], NULL, 10) : 8;
	j.prefix = argc > 6 ? argv[6] : "BASE-";
	if (j.total < 1 || j.total > 10000000 || threads < 1 || threads > 256) {
		fprintf(stderr, "catalog_one_by_one: products must be 1..10000000 and threads 1..256\n");
		return 2;
	}
	pthread_mutex_init(&j.err_mu, NULL);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tids = calloc((size_t)threads, sizeof(*tids));
	if (!tids)
		return 1;
	t0 = now_s();
	for (long t = 0; t < threads; t++)
		if (pthread_create(&tids[t], NULL, worker, &j) != 0) {
			fprintf(stderr, "catalog_one_by_one: cannot start thread %ld\n", t);
			return 1;
		}
	for (long t = 0; t < threads; t++)
		pthread_join(tids[t], NULL);
	elapsed = now_s() - t0;
	printf("{\"products\":%ld,\"created\":%ld,\"failed\":%ld,\"threads\":%ld,\"seconds\":%.3f,"
	       "\"per_second\":%.1f}\n", j.total, (long)j.created, (long)j.failed, threads, elapsed,
	       (double)j.created / elapsed);
	if (j.first_error[0])
		fprintf(stderr, "catalog_one_by_one: first error: %s\n", j.first_error);
	free(tids);
	curl_global_cleanup();
	return j.failed ? 1 : 0;
}
