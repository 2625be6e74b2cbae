#include "store/records.h"

#include <stdlib.h>
#include <string.h>

static const char *const item_status_names[ITEM_STATUS_COUNT] = {
	[ITEM_PENDING] = "pending",
	[ITEM_RUNNING] = "running",
	[ITEM_RETRY] = "retry",
	[ITEM_SUCCEEDED] = "succeeded",
	[ITEM_SKIPPED] = "skipped",
	[ITEM_FAILED] = "failed",
	[ITEM_CANCELLED] = "cancelled",
};

static const char *const job_state_names[JOB_STATE_COUNT] = {
	[JOB_RUNNING] = "running",
	[JOB_SUCCEEDED] = "succeeded",
	[JOB_FAILED] = "failed",
	[JOB_CANCELLED] = "cancelled",
	[JOB_REPLACED] = "replaced",
};

const char *
item_status_name(enum item_status s)
{
	return (unsigned)s < ITEM_STATUS_COUNT ? item_status_names[s] : "unknown";
}

int
item_status_parse(const char *s, enum item_status *out)
{
	for (int i = 0; i < ITEM_STATUS_COUNT; i++) {
		if (strcmp(s, item_status_names[i]) == 0) {
			*out = (enum item_status)i;
			return 0;
		}
	}
	return -1;
}

int
item_status_is_final(enum item_status s)
{
	return s == ITEM_SUCCEEDED || s == ITEM_SKIPPED || s == ITEM_FAILED ||
	       s == ITEM_CANCELLED;
}

const char *
job_state_name(enum job_state s)
{
	return (unsigned)s < JOB_STATE_COUNT ? job_state_names[s] : "unknown";
}

int
job_state_parse(const char *s, enum job_state *out)
{
	for (int i = 0; i < JOB_STATE_COUNT; i++) {
		if (strcmp(s, job_state_names[i]) == 0) {
			*out = (enum job_state)i;
			return 0;
		}
	}
	return -1;
}

void
connection_free(struct connection *c)
{
	if (!c)
		return;
	free(c->base_url);
	if (c->credentials) {
		/* credentials are secrets: do not leave them in freed heap */
		memset(c->credentials, 0, strlen(c->credentials));
		free(c->credentials);
	}
	c->base_url = NULL;
	c->credentials = NULL;
}

void
queue_items_free(struct queue_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].comment);
		free(items[i].payload);
	}
	free(items);
}

void
queue_attempts_free(struct queue_attempt *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].comment);
		free(a[i].detail);
	}
	free(a);
}

void
jobs_free(struct job *jobs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(jobs[i].message);
	free(jobs);
}

void
log_entries_free(struct log_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(e[i].message);
	free(e);
}

void
users_free(struct user *u, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(u[i].password_hash);
	free(u);
}
