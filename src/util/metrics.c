#include "util/metrics.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define MAX_SERIES 256

static const int64_t latency_buckets_us[] = { 5000, 10000, 25000, 50000, 100000, 250000, 500000,
					       1000000, 2500000, 5000000, 10000000 };
#define NBUCKETS (sizeof(latency_buckets_us) / sizeof(latency_buckets_us[0]))

struct counter {
	char kind;             /* 'r' remote calls, 'l' latency, 'i' items, 'e' events */
	char a[40], b[24];     /* label values */
	uint64_t value;
	uint64_t buckets[NBUCKETS + 1];
	uint64_t sum_us;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct counter series[MAX_SERIES];
static size_t nseries;

/* Caller holds lock. NULL when the table is full: the sample is dropped. */
static struct counter *
find(char kind, const char *a, const char *b)
{
	for (size_t i = 0; i < nseries; i++)
		if (series[i].kind == kind && strcmp(series[i].a, a) == 0 && strcmp(series[i].b, b) == 0)
			return &series[i];
	if (nseries == MAX_SERIES)
		return NULL;
	series[nseries].kind = kind;
	snprintf(series[nseries].a, sizeof(series[nseries].a), "%s", a);
	snprintf(series[nseries].b, sizeof(series[nseries].b), "%s", b);
	return &series[nseries++];
}

void
metrics_remote_call(const char *remote, const char *outcome, int64_t elapsed_us)
{
	struct counter *c, *l;
	size_t i;

	pthread_mutex_lock(&lock);
	if ((c = find('r', remote ? remote : "other", outcome)))
		c->value++;
	if ((l = find('l', remote ? remote : "other", ""))) {
		for (i = 0; i < NBUCKETS && elapsed_us > latency_buckets_us[i]; i++)
			;
		l->buckets[i]++;
		l->value++;
		l->sum_us += (uint64_t)(elapsed_us > 0 ? elapsed_us : 0);
	}
	pthread_mutex_unlock(&lock);
}

void
metrics_item_outcome(const char *queue, const char *status)
{
	struct counter *c;

	pthread_mutex_lock(&lock);
	if ((c = find('i', queue, status)))
		c->value++;
	pthread_mutex_unlock(&lock);
}

void
metrics_event(const char *name)
{
	struct counter *c;

	pthread_mutex_lock(&lock);
	if ((c = find('e', name, "")))
		c->value++;
	pthread_mutex_unlock(&lock);
}

void
metrics_render(struct sbuf *out)
{
	pthread_mutex_lock(&lock);
	sbuf_addstr(out, "# HELP tillsync_remote_calls_total Calls to remote systems by outcome.\n"
			 "# TYPE tillsync_remote_calls_total counter\n");
	for (size_t i = 0; i < nseries; i++)
		if (series[i].kind == 'r')
			sbuf_addf(out, "tillsync_remote_calls_total{remote=\"%s\",outcome=\"%s\"} %llu\n", series[i].a,
				  series[i].b, (unsigned long long)series[i].value);
	sbuf_addstr(out, "# HELP tillsync_remote_call_seconds Latency of calls to remote systems.\n"
			 "# TYPE tillsync_remote_call_seconds histogram\n");
	for (size_t i = 0; i < nseries; i++) {
		uint64_t cum = 0;

		if (series[i].kind != 'l')
			continue;
		for (size_t b = 0; b < NBUCKETS; b++) {
			cum += series[i].buckets[b];
			sbuf_addf(out, "tillsync_remote_call_seconds_bucket{remote=\"%s\",le=\"%g\"} %llu\n", series[i].a,
				  (double)latency_buckets_us[b] / 1e6, (unsigned long long)cum);
		}
		cum += series[i].buckets[NBUCKETS];
		sbuf_addf(out, "tillsync_remote_call_seconds_bucket{remote=\"%s\",le=\"+Inf\"} %llu\n", series[i].a,
			  (unsigned long long)cum);
		sbuf_addf(out, "tillsync_remote_call_seconds_sum{remote=\"%s\"} %.6f\n", series[i].a,
			  (double)series[i].sum_us / 1e6);
		sbuf_addf(out, "tillsync_remote_call_seconds_count{remote=\"%s\"} %llu\n", series[i].a,
			  (unsigned long long)series[i].value);
	}
	sbuf_addstr(out, "# HELP tillsync_items_processed_total Queue item attempts by queue and outcome.\n"
			 "# TYPE tillsync_items_processed_total counter\n");
	for (size_t i = 0; i < nseries; i++)
		if (series[i].kind == 'i')
			sbuf_addf(out, "tillsync_items_processed_total{queue=\"%s\",outcome=\"%s\"} %llu\n", series[i].a,
				  series[i].b, (unsigned long long)series[i].value);
	sbuf_addstr(out, "# HELP tillsync_events_total Rate limits, scheduled retries and webhook verdicts.\n"
			 "# TYPE tillsync_events_total counter\n");
	for (size_t i = 0; i < nseries; i++)
		if (series[i].kind == 'e')
			sbuf_addf(out, "tillsync_events_total{event=\"%s\"} %llu\n", series[i].a,
				  (unsigned long long)series[i].value);
	pthread_mutex_unlock(&lock);
}
