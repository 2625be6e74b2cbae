/*
 * api_internal.h: what the admin API's route files share. api.c holds the
 * ladder (who is asking, may they, is the body JSON) and the first routes;
 * the dashboard's routes live in files of their own, one screen each:
 *
 *	api_stats.c    the health monitor, the chart of items per hour, the
 *	               dashboard's vocabulary (queues, statuses, settings)
 *	api_status.c   the status page, Test Connection, customer matching
 *	api_jobs.c     Sync Now as a job with progress
 *
 * Adding a route: write its handler beside its screen's, add a line to
 * api_more_route() (api_stats.c), and a case to tests/integration that
 * includes an unauthenticated and a cross-account request.
 */
#ifndef TILLSYNC_API_INTERNAL_H
#define TILLSYNC_API_INTERNAL_H

#include <jansson.h>

#include "server/api.h"
#include "server/auth.h"

struct call {
	struct store *st;
	connector_find_fn find;
	const struct api_request *rq;
	struct api_response *out;
	struct principal who;
	json_t *body;                 /* parsed request body, or NULL */
	struct sbuf err;
};

/* The answer: takes v. A second call replaces the first answer. */
void api_reply(struct call *c, unsigned status, json_t *v);
/* {"error": "..."}; 401 and 403 are journaled with who asked, never a secret. */
void api_fail(struct call *c, unsigned status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* ?name=, or NULL when absent or empty. */
const char *api_query(struct call *c, const char *name);
/* The body's string member, or NULL when absent or empty. */
const char *api_body_str(struct call *c, const char *key);
/*
 * The account named (NULL: the caller's own for a merchant, id 0 "all" for
 * support unless required), checked against the caller. -1 when refused:
 * the answer is already set.
 */
int api_account(struct call *c, const char *name, int required, struct account *out);

/* 1 when one of the route files took the request (the answer is set), 0 when none did. */
int api_more_route(struct call *c, char seg[4][128], size_t n);
/* api_duplicates.c: the same, for /duplicates */
int api_duplicates_route(struct call *c, char seg[4][128], size_t n);

/* api_stats.c */
/* Which side a feed reads: the customers' feeds ask the POS, orders the shop. */
const char *api_feed_role(const char *feed);
/*
 * One row per feed (of role, or all for NULL), every feed present: "never
 * run" before its first run, "not configured" while its side has no
 * connection (a cycle then asks nothing).
 */
json_t *api_render_feeds(struct store *st, int64_t account_id, const struct feed_health *h, size_t nh,
			 const struct connection *conns, size_t nc,
			 const char *role);

/* api_status.c */
void api_get_activity(struct call *c);
void api_post_test_connection(struct call *c, const char *account);
void api_get_customer_match(struct call *c);

/* api_jobs.c */
void api_post_job(struct call *c);
void api_get_job(struct call *c, const char *id);

#endif
