/*
 * store.h: tillsync's durable state behind one interface.
 *
 * Every caller (queue, engine, CLI, server) goes through these functions; no
 * SQL lives outside src/store/. A backend (store_sqlite.c today, store_pg.c
 * for the scale-out set-up) fills the slots of store_ops.def.
 *
 * Calling sequence:
 *
 *	struct sbuf err = SBUF_INIT;
 *	struct store *st;
 *	int64_t id;
 *
 *	if (store_open(&st, "tillsync.db", STORE_CREATE, &err) < 0)
 *		die("%s", err.buf);
 *	if (store_account_add(st, "corner-shop", &id, &err) < 0)
 *		...
 *	store_close(st);
 *
 * Conventions
 *   - Functions return 0 on success and -1 on error with one human line in
 *     *err (err may be NULL). Lookups return STORE_NOTFOUND when the row does
 *     not exist; that is not an error and *err is untouched.
 *   - Each call is one transaction, unless the caller opened one with
 *     store_tx_begin(), in which case it joins that transaction.
 *   - A struct store is one connection: use it from one thread at a time.
 *     Worker threads and processes each open their own.
 *   - Out-arrays are allocated by the store; the caller frees them with the
 *     *_free function named in records.h.
 *   - Times are UTC milliseconds since the epoch, passed in by the caller so
 *     tests control the clock.
 */
#ifndef TILLSYNC_STORE_H
#define TILLSYNC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "store/records.h"
#include "util/sbuf.h"

struct store;

#define STORE_NOTFOUND 1   /* lookup found no row */
#define STORE_BUSY     2   /* e.g. a job of that kind is already running */
#define STORE_GONE     3   /* the row moved on (job replaced, lease lost) */

enum store_open_flags {
	STORE_CREATE = 1 << 0,   /* create the file (mode 0600) if missing */
	/*
	 * Wait for another connection's write lock by polling in short sleeps
	 * rather than the backend's default backoff: lower tail latency for
	 * request threads, at some cost in throughput when many such
	 * connections contend (bulk workers keep the default).
	 */
	STORE_LOW_LATENCY = 1 << 1,
};

/* Opening and schema */
int store_open(struct store **out, const char *path, unsigned flags, struct sbuf *err);
void store_close(struct store *st);
const char *store_path(const struct store *st);
const char *store_backend_name(const struct store *st);
int store_schema_version(struct store *st, int *version, struct sbuf *err);
int store_schema_latest(void);   /* what this binary knows */

/* Transactions that span several calls */
int store_tx_begin(struct store *st, struct sbuf *err);
int store_tx_commit(struct store *st, struct sbuf *err);
void store_tx_rollback(struct store *st);

/* Accounts */
int store_account_add(struct store *st, const char *name, int64_t now, int64_t *id, struct sbuf *err);
int store_account_find(struct store *st, const char *name, struct account *out, struct sbuf *err);
int store_account_get(struct store *st, int64_t id, struct account *out, struct sbuf *err);
int store_account_list(struct store *st, struct account **out, size_t *n, struct sbuf *err);

/* Settings (validated by src/core/settings.c before they get here) */
int store_setting_set(struct store *st, int64_t account_id, const char *key, const char *value, int64_t now, struct sbuf *err);
/* *value is heap memory the caller frees. */
int store_setting_get(struct store *st, int64_t account_id, const char *key, char **value, struct sbuf *err);
int store_setting_list(struct store *st, int64_t account_id, struct setting **out, size_t *n, struct sbuf *err);
void settings_free(struct setting *s, size_t n);

/* Connections: one POS and one shop per account; credentials never leave except to connectors */
int store_connection_set(struct store *st, int64_t account_id, const char *role, const char *kind,
			 const char *base_url, const char *credentials, int64_t now, struct sbuf *err);
int store_connection_get(struct store *st, int64_t account_id, const char *role, struct connection *out, struct sbuf *err);
int store_connection_list(struct store *st, int64_t account_id, struct connection **out, size_t *n, struct sbuf *err);
void connections_free(struct connection *c, size_t n);

/* Queue items: see src/queue/queue.h for the lifecycle; these are its durable steps */
struct queue_new_item {
	int64_t account_id;
	const char *queue;
	const char *subject_type;
	const char *subject_id;
	const char *direction;
	const char *reason;
	int priority;
	int max_attempts;
	int64_t not_before;       /* next_try_at */
	const char *payload;      /* may be NULL */
	const char *comment;      /* "" for none */
};
/* Adds n items in one transaction; one that matches a pending or retrying item
 * of the same subject updates it instead (coalescing). ids[i] gets the id
 * (new or coalesced into), was_coalesced[i] 1 when folded; both may be NULL. */
int store_queue_enqueue(struct store *st, const struct queue_new_item *items, size_t n, int64_t now,
			int64_t *ids, int *was_coalesced, struct sbuf *err);
/* How many items one claim takes at a priority (dflt: the caller's max):
 * catalog queues take a remote's whole batch write at once. */
typedef size_t (*queue_claim_limit_fn)(int priority, size_t dflt);
/* Claims up to max (or limit(priority, max) when limit is set) due items of
 * one account (the next in turn) at the best priority, under a lease for
 * owner; expired leases are reclaimed first. */
int store_queue_claim(struct store *st, const char *owner, int64_t now, int64_t lease_ms, size_t max,
		      queue_claim_limit_fn limit, struct queue_item **out, size_t *n, struct sbuf *err);
struct queue_outcome {
	int64_t item_id;
	int attempt;                 /* the claim's attempt number */
	enum item_status status;     /* SUCCEEDED, SKIPPED, RETRY, FAILED */
	int64_t next_try_at;         /* for RETRY */
	int64_t started_at;
	const char *comment;
	const char *detail;          /* may be NULL */
};
/* Records n outcomes in one transaction; an item whose lease owner changed is
 * left alone and counted in *lost (may be NULL). */
int store_queue_finish(struct store *st, const char *owner, const struct queue_outcome *o, size_t n,
		       int64_t now, size_t *lost, struct sbuf *err);
/* Gives claimed items back untouched (shutdown before they were started). */
int store_queue_release(struct store *st, const char *owner, const int64_t *ids, size_t n, int64_t now, struct sbuf *err);
int store_queue_extend(struct store *st, const char *owner, const int64_t *ids, size_t n, int64_t lease_until, struct sbuf *err);
int store_queue_get(struct store *st, int64_t id, struct queue_item *out, struct sbuf *err);
struct queue_filter {
	int64_t account_id;          /* 0: all */
	const char *queue;           /* NULL: all */
	int status;                  /* enum item_status, or -1: all */
	const char *text;            /* substring of comment or subject id; NULL: any */
	int64_t before_id;           /* 0: newest first from the top; else items with id < before_id */
	size_t limit;
};
int store_queue_list(struct store *st, const struct queue_filter *f, struct queue_item **out, size_t *n, struct sbuf *err);
int store_queue_counts(struct store *st, int64_t account_id, struct queue_count **out, size_t *n, struct sbuf *err);
/* Items to work now: pending or running, or waiting to retry and due by `now`. */
int store_queue_due_count(struct store *st, int64_t now, int64_t *count, struct sbuf *err);
/* Items of one subject still to be done (pending, running or waiting to retry). */
/* Whether any queue item for the subject ever finished or abandoned an
 * attempt (*tried 1): a remote write for it may have gone out before. */
int store_queue_subject_tried(struct store *st, int64_t account_id, const char *subject_type, const char *subject_id,
			      int *tried, struct sbuf *err);
int store_queue_open_count(struct store *st, int64_t account_id, const char *queue, const char *subject_type,
			   const char *subject_id, int64_t *count, struct sbuf *err);
int store_queue_attempts(struct store *st, int64_t item_id, struct queue_attempt **out, size_t *n, struct sbuf *err);
/* Operator actions. retry: a finished or retrying item goes back to pending now
 * with at least extra_attempts more tries; STORE_GONE if a newer item for the
 * subject already waits (the old one is then marked cancelled, superseded). */
int store_queue_retry(struct store *st, int64_t id, int64_t now, int extra_attempts, int64_t *superseded_by, struct sbuf *err);
int store_queue_cancel(struct store *st, int64_t id, int64_t now, const char *comment, struct sbuf *err);
/* All items of a queue in RETRY or FAILED whose comment equals comment (NULL: any). */
int store_queue_retry_failed(struct store *st, int64_t account_id, const char *queue, const char *comment,
			     int64_t now, int extra_attempts, size_t *count, struct sbuf *err);
int store_queue_cancel_failed(struct store *st, int64_t account_id, const char *queue, const char *comment,
			      int64_t now, const char *cancel_comment, size_t *count, struct sbuf *err);

/* Jobs. start: STORE_BUSY (with *running_id) when a job of that kind runs with
 * a heartbeat newer than now - stale_ms; an older one is marked replaced. */
int store_job_start(struct store *st, int64_t account_id, const char *kind, const char *trigger,
		    int64_t now, int64_t stale_ms, int64_t *id, int64_t *replaced_or_running, struct sbuf *err);
/* Heartbeat with progress; STORE_GONE when the job is no longer running. */
int store_job_progress(struct store *st, int64_t id, const char *phase, int64_t done, int64_t total,
		       int64_t now, struct sbuf *err);
int store_job_finish(struct store *st, int64_t id, enum job_state state, const char *message, int64_t now, struct sbuf *err);
int store_job_get(struct store *st, int64_t id, struct job *out, struct sbuf *err);
int store_job_list(struct store *st, int64_t account_id, size_t limit, struct job **out, size_t *n, struct sbuf *err);

/* Cursors: where a feed's last cycle stopped */
int store_cursor_get(struct store *st, int64_t account_id, const char *feed, char **value, struct sbuf *err);
int store_cursor_set(struct store *st, int64_t account_id, const char *feed, const char *value, int64_t now, struct sbuf *err);

/* Links between a POS record and a shop record */
int store_link_set(struct store *st, int64_t account_id, const char *entity, const char *pos_id,
		   const char *shop_id, int64_t now, struct sbuf *err);
int store_link_by_pos(struct store *st, int64_t account_id, const char *entity, const char *pos_id, struct link *out, struct sbuf *err);
int store_link_by_shop(struct store *st, int64_t account_id, const char *entity, const char *shop_id, struct link *out, struct sbuf *err);
int store_link_delete(struct store *st, int64_t account_id, const char *entity, const char *pos_id, struct sbuf *err);
int store_link_list(struct store *st, int64_t account_id, const char *entity, struct link **out, size_t *n, struct sbuf *err);
/* What was last written across this link, so an unchanged record is not sent again. */
int store_link_set_fingerprint(struct store *st, int64_t account_id, const char *entity, const char *pos_id,
			       const char *fingerprint, int64_t now, struct sbuf *err);

/* Inbound log: every change event seen, so support can tell "never reached us"
 * from "arrived and was skipped". */
int store_inbound_add(struct store *st, int64_t account_id, const char *source, const char *entity,
		      const char *remote_id, const char *summary, int64_t item_id, int64_t now, struct sbuf *err);
struct inbound_filter {
	int64_t account_id;          /* 0: all */
	const char *entity;          /* NULL: all */
	const char *remote_id;       /* NULL: all */
	size_t limit;
};
int store_inbound_list(struct store *st, const struct inbound_filter *f, struct inbound_event **out, size_t *n,
		       struct sbuf *err);

/* Fingerprints of what a full scan of a remote saw (side "pos" or "shop").
 * *fingerprint is heap memory the caller frees. */
int store_fingerprint_get(struct store *st, int64_t account_id, const char *side, const char *entity,
			  const char *remote_id, char **fingerprint, struct sbuf *err);
int store_fingerprint_set(struct store *st, int64_t account_id, const char *side, const char *entity,
			  const char *remote_id, const char *fingerprint, int64_t now, struct sbuf *err);
/* The ids last seen alive (fingerprint not "deleted"): a full scan that no
 * longer sees one has found a delete. Only those keep() says yes to (every
 * one when keep is NULL), so a scan of a large catalog lists just the ones
 * it did not see. *ids and each id are heap memory. */
typedef int (*store_id_filter_fn)(void *ctx, const char *id);
int store_fingerprint_live_ids(struct store *st, int64_t account_id, const char *side, const char *entity,
			       store_id_filter_fn keep, void *keep_ctx, char ***ids, size_t *n, struct sbuf *err);

/*
 * Intents: a remote write about to happen, recorded before the call so a
 * retry (after a crash, a timeout or a lost answer) looks for the earlier
 * write instead of making a second one.
 *   0           recorded; *earlier = 1 when an earlier intent existed (ours
 *               or a stale one taken over): look before writing
 *   STORE_BUSY  another item recorded one less than stale_ms ago: let it finish
 * intent_end clears it once the outcome (the link) is stored.
 */
int store_intent_begin(struct store *st, int64_t account_id, const char *entity, const char *subject_id,
		       const char *reference, int64_t item_id, int64_t now, int64_t stale_ms, int *earlier,
		       struct sbuf *err);
int store_intent_end(struct store *st, int64_t account_id, const char *entity, const char *subject_id,
		     struct sbuf *err);

/* Logs: per account and service, Info / Error / Notification */
int store_log_add(struct store *st, int64_t account_id, const char *service, int type, const char *message,
		  int64_t now, struct sbuf *err);
struct log_filter {
	int64_t account_id;          /* 0: all */
	int type;                    /* enum log_type, or -1 */
	const char *service;         /* NULL: all */
	size_t limit;
};
int store_log_list(struct store *st, const struct log_filter *f, struct log_entry **out, size_t *n, struct sbuf *err);

/*
 * Users, sessions and API tokens. Session and API tokens are stored only as
 * SHA-256 digests (token_hash): a copy of the store does not let anyone in.
 */
int store_user_add(struct store *st, const char *name, const char *password_hash, const char *role,
		   int64_t account_id, int64_t now, int64_t *id, struct sbuf *err);
/* out->password_hash is heap memory the caller frees (users_free(out, 0) does not). */
int store_user_find(struct store *st, const char *name, struct user *out, struct sbuf *err);
int store_user_list(struct store *st, struct user **out, size_t *n, struct sbuf *err);
int store_user_remove(struct store *st, const char *name, struct sbuf *err);
int store_session_add(struct store *st, const char *token_hash, int64_t user_id, const char *csrf,
		      int64_t now, int64_t expires_at, struct sbuf *err);
/* STORE_NOTFOUND for an unknown or expired session. */
int store_session_get(struct store *st, const char *token_hash, int64_t now, struct session *out, struct sbuf *err);
int store_session_delete(struct store *st, const char *token_hash, struct sbuf *err);
int store_token_add(struct store *st, const char *token_hash, int64_t user_id, const char *name, int64_t now,
		    int64_t *id, struct sbuf *err);
/* The live token's user; STORE_NOTFOUND for unknown or revoked. */
int store_token_user(struct store *st, const char *token_hash, struct user *out, struct sbuf *err);
int store_token_revoke(struct store *st, int64_t id, int64_t now, struct sbuf *err);
int store_token_list(struct store *st, struct api_token **out, size_t *n, struct sbuf *err);

/*
 * Health and activity: what the dashboard's health monitor, status page and
 * chart show. health_record notes one run of a feed: ok = 1 sets the last
 * success and synced count and clears the error; corrections are added to
 * the running total. Out-arrays are freed with free().
 */
int store_health_record(struct store *st, int64_t account_id, const char *feed, int64_t now, int ok,
			int64_t synced, const char *error, int64_t corrections, struct sbuf *err);
int store_health_list(struct store *st, int64_t account_id, struct feed_health **out, size_t *n, struct sbuf *err);
/* Attempts finished at or after since, per hour and outcome; account_id 0 and queue NULL: all. */
int store_queue_hourly(struct store *st, int64_t account_id, const char *queue, int64_t since,
		       struct hour_count **out, size_t *n, struct sbuf *err);
int store_queue_activity(struct store *st, int64_t account_id, struct queue_activity **out, size_t *n,
			 struct sbuf *err);

/* Tracing: per-operation call counts and time, for `tillsync status` and /metrics */
struct store_op_stat {
	const char *op;
	uint64_t calls;
	uint64_t errors;
	uint64_t total_us;
};
size_t store_op_stats(const struct store *st, struct store_op_stat *out, size_t max);

#endif
