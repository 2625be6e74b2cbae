#include "http/host_limit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct host_entry {
	char key[160];
	int in_flight;
	int limit;
	int good;                /* good answers since the limit last moved */
	uint64_t round;          /* decreases so far */
	struct host_entry *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t freed = PTHREAD_COND_INITIALIZER;
static struct host_entry *hosts;

/* Under lock. Entries live as long as the process: one per remote host. */
static struct host_entry *
entry(const char *key)
{
	struct host_entry *h;

	for (h = hosts; h; h = h->next)
		if (strcmp(h->key, key) == 0)
			return h;
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	snprintf(h->key, sizeof(h->key), "%s", key);
	h->limit = HOST_LIMIT_START;
	h->next = hosts;
	hosts = h;
	return h;
}

void
host_limit_acquire(const char *key, struct host_slot *slot)
{
	struct host_entry *h;

	pthread_mutex_lock(&lock);
	h = entry(key);
	while (h && h->in_flight >= h->limit)
		pthread_cond_wait(&freed, &lock);
	if (h)
		h->in_flight++;
	slot->host = h;
	slot->round = h ? h->round : 0;
	pthread_mutex_unlock(&lock);
}

void
host_limit_release(struct host_slot *slot, long status)
{
	struct host_entry *h = slot->host;

	if (!h)
		return;   /* out of memory at acquire: the request went unlimited */
	pthread_mutex_lock(&lock);
	h->in_flight--;
	if (status == 429 || status == 503) {
		/* once per round: a burst of refusals for one overload halves once */
		if (slot->round == h->round) {
			h->limit = h->limit / 2 < 1 ? 1 : h->limit / 2;
			h->good = 0;
			h->round++;
		}
	} else if (status > 0 && h->limit < HOST_LIMIT_MAX && ++h->good >= h->limit) {
		h->limit++;   /* a whole round answered well: one more in parallel */
		h->good = 0;
	}
	pthread_cond_broadcast(&freed);
	pthread_mutex_unlock(&lock);
	slot->host = NULL;
}

void
host_limit_key(const char *url, char *out, size_t len)
{
	const char *p = strstr(url ? url : "", "://"), *end;
	size_t n;

	out[0] = '\0';
	if (!p)
		return;
	end = p + 3 + strcspn(p + 3, "/?#");
	n = (size_t)(end - url);
	if (n >= len)
		n = len - 1;
	memcpy(out, url, n);
	out[n] = '\0';
	/* the same host whatever the case of its name */
	for (size_t i = 0; i < n; i++)
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] - 'A' + 'a');
}

void
host_limit_state(const char *key, int *limit, int *in_flight)
{
	struct host_entry *h;

	pthread_mutex_lock(&lock);
	h = entry(key);
	*limit = h ? h->limit : 0;
	*in_flight = h ? h->in_flight : 0;
	pthread_mutex_unlock(&lock);
}
