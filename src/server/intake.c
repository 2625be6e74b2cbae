#include "server/intake.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/journal.h"
#include "util/log.h"

struct waiter {
	struct webhook_delivery *d;
	int state;                 /* 0 waiting, 1 stored, -1 failed */
	struct waiter *next;
};

struct intake {
	pthread_t tid;
	pthread_mutex_t lock;
	pthread_cond_t work;
	pthread_cond_t done;
	struct waiter *head, *tail;
	int stopping;
	struct store *st;
};

static void *
intake_main(void *arg)
{
	struct intake *in = arg;
	struct webhook_delivery *batch = calloc(INTAKE_BATCH_MAX, sizeof(*batch));
	struct waiter *taken[INTAKE_BATCH_MAX];
	struct sbuf err = SBUF_INIT;

	for (;;) {
		size_t n = 0;
		int rc;

		pthread_mutex_lock(&in->lock);
		while (!in->head && !in->stopping)
			pthread_cond_wait(&in->work, &in->lock);
		if (!in->head && in->stopping) {
			pthread_mutex_unlock(&in->lock);
			break;
		}
		while (in->head && n < INTAKE_BATCH_MAX) {
			taken[n] = in->head;
			in->head = in->head->next;
			n++;
		}
		if (!in->head)
			in->tail = NULL;
		pthread_mutex_unlock(&in->lock);

		for (size_t i = 0; batch && i < n; i++)
			batch[i] = *taken[i]->d;
		sbuf_reset(&err);
		rc = batch ? webhook_store(in->st, batch, n, &err) : error_set(&err, "out of memory");
		if (rc < 0)
			log_line(LOG_ERROR, NULL, "webhook", "could not store %zu deliveries: %s", n, err.buf);

		pthread_mutex_lock(&in->lock);
		for (size_t i = 0; i < n; i++) {
			if (rc == 0)
				taken[i]->d->item_id = batch[i].item_id;
			taken[i]->state = rc == 0 ? 1 : -1;
		}
		pthread_cond_broadcast(&in->done);
		pthread_mutex_unlock(&in->lock);
	}
	free(batch);
	sbuf_release(&err);
	return NULL;
}

int
intake_start(struct intake **out, const char *db_path, struct sbuf *err)
{
	struct intake *in = calloc(1, sizeof(*in));

	*out = NULL;
	if (!in)
		return error_set(err, "out of memory");
	if (store_open(&in->st, db_path, STORE_LOW_LATENCY, err) < 0) {
		free(in);
		return -1;
	}
	pthread_mutex_init(&in->lock, NULL);
	pthread_cond_init(&in->work, NULL);
	pthread_cond_init(&in->done, NULL);
	if (pthread_create(&in->tid, NULL, intake_main, in) != 0) {
		store_close(in->st);
		free(in);
		return error_set(err, "cannot start the intake thread");
	}
	*out = in;
	return 0;
}

void
intake_stop(struct intake *in)
{
	if (!in)
		return;
	pthread_mutex_lock(&in->lock);
	in->stopping = 1;
	pthread_cond_signal(&in->work);
	pthread_mutex_unlock(&in->lock);
	pthread_join(in->tid, NULL);
	store_close(in->st);
	pthread_cond_destroy(&in->work);
	pthread_cond_destroy(&in->done);
	pthread_mutex_destroy(&in->lock);
	free(in);
}

int
intake_submit(struct intake *in, struct webhook_delivery *d)
{
	struct waiter w = { d, 0, NULL };

	pthread_mutex_lock(&in->lock);
	if (in->stopping) {
		pthread_mutex_unlock(&in->lock);
		return -1;
	}
	if (in->tail)
		in->tail->next = &w;
	else
		in->head = &w;
	in->tail = &w;
	pthread_cond_signal(&in->work);
	while (w.state == 0)
		pthread_cond_wait(&in->done, &in->lock);
	pthread_mutex_unlock(&in->lock);
	return w.state > 0 ? 0 : -1;
}
