/*
 * The rows the store hands out. Fixed-size fields are bounded by the store
 * (longer input is refused at the edge); text that can be long (comments,
 * payloads, URLs, credentials) is heap memory released by the matching
 * *_free function.
 */
#ifndef TILLSYNC_RECORDS_H
#define TILLSYNC_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#define NAME_MAX_LEN 63        /* account names, setting keys, kinds */
#define SUBJECT_ID_MAX_LEN 95  /* remote ids are short; 95 leaves room for UUIDs with prefixes */

/* Lifecycle of a queue item; see src/queue/queue.c for the transitions. */
enum item_status {
	ITEM_PENDING,    /* waiting for its first (or an operator's) try */
	ITEM_RUNNING,    /* claimed by a worker under a lease */
	ITEM_RETRY,      /* failed, will retry at next_try_at */
	ITEM_SUCCEEDED,
	ITEM_SKIPPED,    /* nothing to do, with the reason in the Comment */
	ITEM_FAILED,     /* failed for good: needs an operator */
	ITEM_CANCELLED,
	ITEM_STATUS_COUNT
};

const char *item_status_name(enum item_status s);
int item_status_parse(const char *s, enum item_status *out);
int item_status_is_final(enum item_status s);

struct account {
	int64_t id;
	char name[NAME_MAX_LEN + 1];
	int64_t created_at;
};

struct connection {
	int64_t id;
	int64_t account_id;
	char role[8];                  /* "pos" or "shop" */
	char kind[NAME_MAX_LEN + 1];   /* "eposnow", "woocommerce", ... */
	char *base_url;
	char *credentials;             /* JSON object; never printed or logged */
	int64_t created_at;
	int64_t updated_at;
};
void connection_free(struct connection *c);          /* frees members, not c */

struct setting {
	char key[NAME_MAX_LEN + 1];
	char *value;
	int64_t updated_at;
};

struct queue_item {
	int64_t id;
	int64_t account_id;
	char account[NAME_MAX_LEN + 1];   /* filled by listings */
	char queue[24];
	char subject_type[32];
	char subject_id[SUBJECT_ID_MAX_LEN + 1];
	char direction[16];
	char reason[16];
	enum item_status status;
	int priority;
	int attempts;
	int max_attempts;
	int coalesced;                    /* later changes folded into this item */
	int64_t next_try_at;
	int64_t lease_until;
	char lease_owner[48];
	int64_t created_at;
	int64_t updated_at;
	char *comment;                    /* never NULL once read */
	char *payload;                    /* may be NULL */
};
void queue_items_free(struct queue_item *items, size_t n);  /* frees the array too */

struct queue_attempt {
	int64_t item_id;
	int attempt;
	char worker[48];
	char outcome[16];
	int64_t started_at;
	int64_t finished_at;
	char *comment;
	char *detail;                     /* e.g. the remote's refusal, may be NULL */
};
void queue_attempts_free(struct queue_attempt *a, size_t n);

struct queue_count {
	char queue[24];
	enum item_status status;
	int64_t count;
};

enum job_state {
	JOB_RUNNING,
	JOB_SUCCEEDED,
	JOB_FAILED,
	JOB_CANCELLED,
	JOB_REPLACED,
	JOB_STATE_COUNT
};
const char *job_state_name(enum job_state s);
int job_state_parse(const char *s, enum job_state *out);

struct job {
	int64_t id;
	int64_t account_id;
	char account[NAME_MAX_LEN + 1];
	char kind[32];
	enum job_state state;
	char trigger[16];                 /* "schedule", "sync-now" */
	char phase[64];
	int64_t done;
	int64_t total;
	int64_t started_at;
	int64_t heartbeat_at;
	int64_t finished_at;              /* 0 while running */
	char *message;
};
void jobs_free(struct job *jobs, size_t n);

struct log_entry {
	int64_t id;
	int64_t at;
	int64_t account_id;               /* 0: not about one account */
	char account[NAME_MAX_LEN + 1];
	char service[32];
	int type;                         /* enum log_type */
	char *message;
};
void log_entries_free(struct log_entry *e, size_t n);

struct link {
	int64_t id;
	int64_t account_id;
	char entity[32];                  /* "customer", "product", ... */
	char pos_id[SUBJECT_ID_MAX_LEN + 1];
	char shop_id[SUBJECT_ID_MAX_LEN + 1];
	char fingerprint[72];             /* hex digest of what was last synced */
	int64_t created_at;
	int64_t updated_at;
};

struct inbound_event {
	int64_t id;
	int64_t at;
	int64_t account_id;
	char account[NAME_MAX_LEN + 1];
	char source[16];                  /* "cycle", "webhook", "manual" */
	char entity[32];
	char remote_id[SUBJECT_ID_MAX_LEN + 1];
	char summary[160];
	int64_t item_id;                  /* the queue item it became; 0 if none */
};

/* Who may use the admin API and dashboard. */
struct user {
	int64_t id;
	char name[NAME_MAX_LEN + 1];
	char role[16];                    /* "merchant" (one account) or "support" (all) */
	int64_t account_id;               /* merchant's account; 0 for support */
	char account[NAME_MAX_LEN + 1];
	int64_t created_at;
	char *password_hash;              /* argon2id encoded; NULL in listings */
};
void users_free(struct user *u, size_t n);

struct session {
	struct user user;                 /* password_hash is NULL here */
	char csrf[72];
	int64_t expires_at;
};

struct api_token {
	int64_t id;
	int64_t user_id;
	char user[NAME_MAX_LEN + 1];
	char name[NAME_MAX_LEN + 1];
	int64_t created_at;
	int64_t revoked_at;               /* 0: live */
};

/* The health monitor, per account and feed (written by each cycle). */
struct feed_health {
	int64_t account_id;
	char feed[32];                    /* "customers", "orders", ... */
	int64_t last_run_at;              /* 0: never ran */
	int64_t last_success_at;          /* 0: never succeeded */
	int64_t synced_count;             /* records read by the last successful run */
	int64_t errors_last_run;          /* 0 when the last run succeeded */
	char last_error[256];             /* why the last run failed; "" after a success */
	int64_t corrections;              /* auto-corrections so far (webhooks re-enabled, ...) */
};

/* Attempts that ended in one hour with one outcome (the dashboard's chart). */
struct hour_count {
	int64_t hour;                     /* start of the hour, UTC ms */
	char outcome[16];                 /* succeeded, skipped, retry, failed, abandoned */
	int64_t count;
};

/* The status page: the latest work per queue and direction of one account. */
struct queue_activity {
	char queue[24];
	char direction[16];
	int64_t last_success_at;          /* 0: nothing succeeded yet */
	int64_t last_activity_at;         /* the latest change to any item */
	int64_t items;
};

#endif
