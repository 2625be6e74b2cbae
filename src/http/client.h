/*
 * client.h: one HTTP connection to a remote, over libcurl.
 *
 *	struct http_client *c;
 *	struct http_response rs;
 *	struct http_request rq = HTTP_REQUEST_INIT;
 *
 *	http_client_new(&c, &err);
 *	rq.method = "GET";
 *	rq.url = "https://shop.example/wp-json/wc/v3/orders?page=1";
 *	http_response_init(&rs);
 *	if (http_do(c, &rq, &rs, &err) < 0) ...     // transport failure: err says what
 *	... rs.status, rs.body, rs.retry_after_ms, rs.total_pages ...
 *	http_response_release(&rs);
 *	http_client_free(c);
 *
 * A client keeps its connection alive between calls and is used by one
 * thread at a time. It never retries on its own: whether a request may be
 * repeated is the caller's decision (a POST that timed out may have landed).
 * Bodies are capped (SBUF_CAP_REMOTE); a larger one is an error, not a
 * truncated success. Request headers are never logged (they carry secrets).
 */
#ifndef TILLSYNC_HTTP_CLIENT_H
#define TILLSYNC_HTTP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "util/sbuf.h"

struct http_request {
	const char *method;           /* "GET", "POST", "PUT", "DELETE" */
	const char *url;
	const char *body;             /* may be NULL */
	size_t body_len;
	const char *content_type;     /* default "application/json" when body is set */
	const char *authorization;    /* full header value, e.g. "Basic ..."; never logged */
	long timeout_ms;              /* whole request; 0: 60 s */
	const char *remote;           /* metrics label: the connector's kind */
};
#define HTTP_REQUEST_INIT { "GET", NULL, NULL, 0, NULL, NULL, 0, NULL }

enum http_failure {
	HTTP_OK = 0,                  /* an HTTP answer came back (any status) */
	HTTP_FAIL_CONNECT,            /* DNS, refused, unreachable: nothing was sent */
	HTTP_FAIL_TIMEOUT,            /* sent, no complete answer in time: may have landed */
	HTTP_FAIL_TOO_LARGE,          /* answer bigger than the cap */
	HTTP_FAIL_OTHER,
};

struct http_response {
	long status;
	struct sbuf body;
	int64_t retry_after_ms;       /* from Retry-After (seconds or HTTP date); 0 if none */
	int64_t total;                /* X-WP-Total, -1 if absent */
	int64_t total_pages;          /* X-WP-TotalPages, -1 if absent */
	char content_type[64];
	enum http_failure failure;
	int64_t elapsed_us;
};

struct http_client;

int http_client_new(struct http_client **out, struct sbuf *err);
void http_client_free(struct http_client *c);
void http_response_init(struct http_response *rs);
void http_response_release(struct http_response *rs);
/* 0 when an HTTP answer arrived (check rs->status); -1 with rs->failure and err otherwise. */
int http_do(struct http_client *c, const struct http_request *rq, struct http_response *rs, struct sbuf *err);

/* "Basic base64(user:password)" into out (caller frees). */
char *http_basic_auth(const char *user, const char *password);
/* RFC 3986 percent-encoding (unreserved kept); caller frees. */
char *http_url_encode(const char *s);

#endif
