/*
 * deliver.c - the webhook delivery thread.  See deliver.h.
 *
 * Like WooCommerce's Action Scheduler, deliveries run one after another in
 * the background; a failed one is reported and dropped, never retried.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <pthread.h>

#include "deliver.h"
#include "sandbox.h"

struct deliverer {
	pthread_t	 thr;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct delivery	*head;
	struct delivery	*tail;
	int		 stop;
	int		 busy;
	long		 timeout_ms;
	long		 delay_ms;
	long		 pending;
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
delivery_header(struct delivery *d, const char *name, const char *val)
{
	size_t n;

	if (d->nhdr >= DELIVERY_MAXHDR)
		return;
	n = strlen(name) + strlen(val) + 3;
	d->hdr[d->nhdr] = xmalloc(n);
	snprintf(d->hdr[d->nhdr], n, "%s: %s", name, val);
	d->nhdr++;
}

void
delivery_free(struct delivery *d)
{
	int i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nhdr; i++)
		free(d->hdr[i]);
	free(d->url);
	free(d->body);
	free(d);
}

static size_t
sink(char *p, size_t sz, size_t n, void *u)
{
	(void)p;
	(void)u;
	return sz * n;
}

static int
progress(void *u, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	(void)u; (void)a; (void)b; (void)c; (void)d;
	return sb_stopping();
}

static void
run_one(struct deliverer *dl, struct delivery *d)
{
	struct curl_slist *h = NULL;
	CURL *c = curl_easy_init();
	long status = 0, timeout;
	CURLcode rc;
	int i, ok;

	pthread_mutex_lock(&dl->mu);
	timeout = dl->timeout_ms;
	pthread_mutex_unlock(&dl->mu);
	if (c == NULL) {
		d->done(d->ctx, d, 0, 0);
		return;
	}
	for (i = 0; i < d->nhdr; i++)
		h = curl_slist_append(h, d->hdr[i]);
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, d->url);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, d->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)d->len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_0);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT,
	    "WooCommerce/7.9.0 Hookshot (WordPress/6.1.9)");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	ok = rc == CURLE_OK;
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (!sb_stopping())
		d->done(d->ctx, d, status, ok);
}

static void *
worker(void *arg)
{
	struct deliverer *dl = arg;

	pthread_mutex_lock(&dl->mu);
	for (;;) {
		struct delivery *d;
		long long now;

		while (!dl->stop && dl->head == NULL)
			pthread_cond_wait(&dl->cv, &dl->mu);
		if (dl->stop)
			break;
		d = dl->head;
		now = now_ms();
		if (d->due_ms > now) {
			struct timespec ts;
			long long due = d->due_ms;

			ts.tv_sec = (time_t)(due / 1000);
			ts.tv_nsec = (long)(due % 1000) * 1000000L;
			pthread_cond_timedwait(&dl->cv, &dl->mu, &ts);
			continue;
		}
		dl->head = d->next;
		if (dl->head == NULL)
			dl->tail = NULL;
		dl->busy = 1;
		pthread_mutex_unlock(&dl->mu);
		run_one(dl, d);
		delivery_free(d);
		pthread_mutex_lock(&dl->mu);
		dl->busy = 0;
		dl->pending--;
	}
	pthread_mutex_unlock(&dl->mu);
	return NULL;
}

struct deliverer *
deliverer_new(void)
{
	struct deliverer *dl = xcalloc(1, sizeof(*dl));

	pthread_mutex_init(&dl->mu, NULL);
	pthread_cond_init(&dl->cv, NULL);
	dl->timeout_ms = 10000;
	if (pthread_create(&dl->thr, NULL, worker, dl) != 0) {
		fprintf(stderr, "tillsync-sandbox: cannot start the webhook "
		    "delivery thread\n");
		abort();
	}
	return dl;
}

void
deliverer_set(struct deliverer *dl, long timeout_ms, long delay_ms)
{
	pthread_mutex_lock(&dl->mu);
	if (timeout_ms >= 0)
		dl->timeout_ms = timeout_ms;
	if (delay_ms >= 0)
		dl->delay_ms = delay_ms;
	pthread_mutex_unlock(&dl->mu);
}

/* extra_delay_ms is added to the configured delay (-1: none at all) */
void
deliverer_push(struct deliverer *dl, struct delivery *d, long extra_delay_ms)
{
	pthread_mutex_lock(&dl->mu);
	d->due_ms = now_ms() + (extra_delay_ms < 0 ? 0 :
	    dl->delay_ms + extra_delay_ms);
	d->next = NULL;
	if (dl->tail != NULL)
		dl->tail->next = d;
	else
		dl->head = d;
	dl->tail = d;
	dl->pending++;
	pthread_cond_signal(&dl->cv);
	pthread_mutex_unlock(&dl->mu);
}

long
deliverer_pending(struct deliverer *dl)
{
	long n;

	pthread_mutex_lock(&dl->mu);
	n = dl->pending;
	pthread_mutex_unlock(&dl->mu);
	return n;
}

void
deliverer_stop(struct deliverer *dl)
{
	int join;

	pthread_mutex_lock(&dl->mu);
	join = !dl->stop;
	dl->stop = 1;
	pthread_cond_broadcast(&dl->cv);
	pthread_mutex_unlock(&dl->mu);
	if (join)
		pthread_join(dl->thr, NULL);
}

void
deliverer_free(struct deliverer *dl)
{
	struct delivery *d, *n;

	if (dl == NULL)
		return;
	deliverer_stop(dl);
	for (d = dl->head; d != NULL; d = n) {
		n = d->next;
		delivery_free(d);
	}
	pthread_mutex_destroy(&dl->mu);
	pthread_cond_destroy(&dl->cv);
	free(dl);
}
