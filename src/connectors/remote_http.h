/*
 * remote_http.h: one HTTP call with the common mapping of outcomes to
 * enum remote_status, shared by connectors so every remote is judged alike:
 *
 *   no connection            TEMPORARY  (nothing was sent)
 *   timeout / broken answer  TEMPORARY  (may_have_landed for writes)
 *   429, 500, 502-504        TEMPORARY  (retry_after_ms from Retry-After)
 *   401, 403                 AUTH
 *   404                      NOT_FOUND
 *   other 4xx                REFUSED
 *   2xx, body not JSON       BAD_ANSWER
 *
 * The remote's body is copied into re->body on any failure. A connector
 * may look at the body to refine the status (e.g. a vendor's 400 that means
 * "not found").
 */
#ifndef TILLSYNC_REMOTE_HTTP_H
#define TILLSYNC_REMOTE_HTTP_H

#include <jansson.h>

#include "connectors/connector.h"
#include "http/client.h"

/* what: "reading customer 42 from Epos Now" — starts every message. *json may be NULL
 * for callers that want no body; it holds the parsed answer on REMOTE_OK. */
enum remote_status remote_http_call(struct http_client *hc, const struct http_request *rq,
				    struct http_response *rs, json_t **json, struct remote_error *re,
				    const char *what);

#endif
