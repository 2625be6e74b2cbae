/*
 * bench_get.c - sandbox-bench: simple GETs against a running sandbox for D
 * seconds from C threads, each with one keep-alive libcurl handle, and one
 * JSON line of results:
 *
 *   {"requests":N,"errors":E,"seconds":S,"per_second":R,"p50_ms":A,
 *    "p99_ms":B,"target":"...","concurrency":C}
 *
 * requests counts 200 answers only; anything else is an error.
 *
 *   usage: sandbox-bench [-d SECONDS] [-c CONCURRENCY]
 *                        [-t eposnow|woocommerce|mix] READY_FILE
 *
 * READY_FILE holds the sandbox's ready line.  eposnow GETs /Product/{id}
 * with Basic auth; woocommerce GETs /products/{id} signed with OAuth 1.0a
 * (a fresh nonce each time, as a real client over http must); mix splits
 * the threads between the two.  Ids cycle over the first 50 records of the
 * store's first page, so every request is a real lookup (WooCommerce's
 * product ids do not start at 1).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "../tests/tlib.h"

#define MAXTHREADS	256
#define NIDS		50

struct ids {
	long	 v[NIDS];
	int	 n;
};

struct worker {
	pthread_t		 th;
	const struct tl_emu	*e;
	const struct ids	*ids;
	int			 woo;
	int			 idx;
	double			 end_ms;
	long			 ok;
	long			 errors;
	double			*lat;
	size_t			 nlat;
	size_t			 cap;
};

static size_t
discard(char *p, size_t sz, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return sz * n;
}

static void
lat_add(struct worker *w, double ms)
{
	if (w->nlat == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 65536;
		w->lat = realloc(w->lat, w->cap * sizeof(*w->lat));
		if (w->lat == NULL) {
			perror("sandbox-bench: realloc");
			exit(1);
		}
	}
	w->lat[w->nlat++] = ms;
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	char url[1024], up[400];
	long i = w->idx, status;
	CURL *c = curl_easy_init();

	if (c == NULL)
		return NULL;
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	if (!w->woo || w->e->tls) {
		snprintf(up, sizeof(up), "%s:%s", w->e->key, w->e->secret);
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERPWD, up);
	}
	while (tl_now_ms() < w->end_ms) {
		char *signed_url = NULL;
		double t0;

		snprintf(url, sizeof(url), "%s/%s/%ld", w->e->base_url,
		    w->woo ? "products" : "Product",
		    w->ids->v[i++ % w->ids->n]);
		if (w->woo && !w->e->tls) {
			signed_url = tl_oauth_url("GET", url, w->e->key,
			    w->e->secret, "HMAC-SHA256");
			curl_easy_setopt(c, CURLOPT_URL, signed_url);
		} else
			curl_easy_setopt(c, CURLOPT_URL, url);
		t0 = tl_now_ms();
		status = 0;
		if (curl_easy_perform(c) == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		lat_add(w, tl_now_ms() - t0);
		if (status == 200)
			w->ok++;
		else
			w->errors++;
		free(signed_url);
	}
	curl_easy_cleanup(c);
	return NULL;
}

/* the ids of the first page of the list */
static int
learn_ids(const struct tl_emu *e, int woo, struct ids *ids)
{
	struct tl_resp r;
	json_t *j, *x;
	size_t i;

	tl_emu_req(&r, e, "GET", woo ? "/products?per_page=50&orderby=id&"
	    "order=asc" : "/Product?page=1&limit=50", NULL, 0);
	j = r.status == 200 ? tl_json(&r) : NULL;
	ids->n = 0;
	json_array_foreach(j, i, x) {
		long id = (long)tl_jint(x, woo ? "id" : "Id", 0);

		if (id > 0 && ids->n < NIDS)
			ids->v[ids->n++] = id;
	}
	json_decref(j);
	if (ids->n == 0)
		fprintf(stderr, "sandbox-bench: %s: no records to read (HTTP "
		    "%ld)\n", e->name, r.status);
	tl_resp_free(&r);
	return ids->n > 0 ? 0 : -1;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(const double *v, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

static void
usage(void)
{
	fprintf(stderr, "usage: sandbox-bench [-d SECONDS] [-c CONCURRENCY] "
	    "[-t eposnow|woocommerce|mix] READY_FILE\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static struct worker w[MAXTHREADS];
	static struct ids ep_ids, woo_ids;
	struct tl_sandbox sb;
	const struct tl_emu *ep, *woo;
	const char *target = "eposnow";
	double secs = 5, t0, el, *all;
	long conc = 8, ok = 0, errors = 0;
	size_t n = 0, k;
	char *line;
	int ch, i;

	while ((ch = getopt(argc, argv, "d:c:t:")) != -1) {
		switch (ch) {
		case 'd':
			secs = atof(optarg);
			break;
		case 'c':
			conc = atol(optarg);
			break;
		case 't':
			target = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc || secs <= 0 || conc < 1 || conc > MAXTHREADS)
		usage();
	if (strcmp(target, "eposnow") != 0 && strcmp(target,
	    "woocommerce") != 0 && strcmp(target, "mix") != 0)
		usage();
	if ((line = tl_read_file(argv[optind], NULL)) == NULL) {
		perror(argv[optind]);
		return 1;
	}
	if (tl_attach(&sb, line) < 0) {
		fprintf(stderr, "sandbox-bench: %s holds no ready line\n",
		    argv[optind]);
		return 1;
	}
	free(line);
	ep = tl_emu(&sb, "eposnow");
	woo = tl_emu(&sb, "woocommerce");
	if (ep == NULL || woo == NULL) {
		fprintf(stderr, "sandbox-bench: the ready line lacks an "
		    "emulator\n");
		return 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((strcmp(target, "woocommerce") != 0 && learn_ids(ep, 0,
	    &ep_ids) < 0) || (strcmp(target, "eposnow") != 0 &&
	    learn_ids(woo, 1, &woo_ids) < 0))
		return 1;
	t0 = tl_now_ms();
	for (i = 0; i < conc; i++) {
		w[i].woo = strcmp(target, "woocommerce") == 0 ||
		    (strcmp(target, "mix") == 0 && i % 2 == 1);
		w[i].e = w[i].woo ? woo : ep;
		w[i].ids = w[i].woo ? &woo_ids : &ep_ids;
		w[i].idx = i * 7;
		w[i].end_ms = t0 + secs * 1000.0;
		pthread_create(&w[i].th, NULL, work, &w[i]);
	}
	for (i = 0; i < conc; i++) {
		pthread_join(w[i].th, NULL);
		ok += w[i].ok;
		errors += w[i].errors;
		n += w[i].nlat;
	}
	el = (tl_now_ms() - t0) / 1000.0;
	all = malloc((n ? n : 1) * sizeof(*all));
	if (all == NULL)
		return 1;
	for (i = 0, k = 0; i < conc; i++) {
		memcpy(all + k, w[i].lat, w[i].nlat * sizeof(*all));
		k += w[i].nlat;
		free(w[i].lat);
	}
	qsort(all, n, sizeof(*all), dbl_cmp);
	printf("{\"requests\":%ld,\"errors\":%ld,\"seconds\":%.3f,"
	    "\"per_second\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
	    "\"target\":\"%s\",\"concurrency\":%ld}\n", ok, errors, el,
	    (double)ok / el, pct(all, n, 0.50), pct(all, n, 0.99), target,
	    conc);
	free(all);
	tl_sandbox_free(&sb);
	curl_global_cleanup();
	return errors > 0 && ok == 0 ? 1 : 0;
}
