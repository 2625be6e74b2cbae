#include "connectors/remote_http.h"

#include <string.h>

#include "util/json_decimal.h"
#include "util/metrics.h"

static void
keep_body(struct remote_error *re, const struct http_response *rs)
{
	sbuf_reset(&re->body);
	sbuf_add(&re->body, rs->body.buf, rs->body.len < 65000 ? rs->body.len : 65000);
}

enum remote_status
remote_http_call(struct http_client *hc, const struct http_request *rq, struct http_response *rs, json_t **json,
		 struct remote_error *re, const char *what)
{
	struct sbuf err = SBUF_INIT;
	int is_write = strcmp(rq->method, "GET") != 0;
	enum remote_status st;

	if (json)
		*json = NULL;
	remote_error_reset(re);
	if (http_do(hc, rq, rs, &err) < 0) {
		metrics_remote_call(rq->remote, "transport", rs->elapsed_us);
		re->may_have_landed = is_write && rs->failure != HTTP_FAIL_CONNECT;
		st = remote_fail(re, rs->failure == HTTP_FAIL_TOO_LARGE ? REMOTE_BAD_ANSWER : REMOTE_TEMPORARY,
				 "%s: %s", what, err.buf);
		sbuf_release(&err);
		return st;
	}
	sbuf_release(&err);
	metrics_remote_call(rq->remote, rs->status < 400 ? "ok" : rs->status == 429 ? "429" :
			    rs->status >= 500 ? "5xx" : "4xx", rs->elapsed_us);
	if (rs->status == 429 || (rs->status == 503 && rs->retry_after_ms))
		metrics_event("rate_limited");
	re->http_status = rs->status;
	re->retry_after_ms = rs->retry_after_ms;
	if (rs->status >= 200 && rs->status < 300) {
		if (!json)
			return REMOTE_OK;
		*json = json_decimal_loads(rs->body.buf, rs->body.len, &re->message);
		if (*json)
			return REMOTE_OK;
		keep_body(re, rs);
		/* a half-written answer to a write may still mean the write landed */
		re->may_have_landed = is_write;
		return remote_fail(re, REMOTE_BAD_ANSWER, "%s: the answer (HTTP %ld) is not readable JSON", what,
				   rs->status);
	}
	keep_body(re, rs);
	switch (rs->status) {
	case 429:
		return remote_fail(re, REMOTE_TEMPORARY, "%s: rate limited (HTTP 429)%s", what,
				   rs->retry_after_ms ? "; the remote asked us to wait" : "");
	case 500:
	case 502:
	case 503:
	case 504:
		re->may_have_landed = is_write && rs->status != 503;
		return remote_fail(re, REMOTE_TEMPORARY, "%s: the remote is unavailable (HTTP %ld)", what,
				   rs->status);
	case 401:
	case 403:
		return remote_fail(re, REMOTE_AUTH, "%s: refused the credentials (HTTP %ld)", what, rs->status);
	case 404:
		return remote_fail(re, REMOTE_NOT_FOUND, "%s: not found (HTTP 404)", what);
	default:
		if (rs->status >= 400 && rs->status < 500)
			return remote_fail(re, REMOTE_REFUSED, "%s: refused (HTTP %ld)", what, rs->status);
		return remote_fail(re, REMOTE_TEMPORARY, "%s: unexpected HTTP %ld", what, rs->status);
	}
}
