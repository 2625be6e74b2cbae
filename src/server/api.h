/*
 * api.h: the admin JSON API under /api/ (what the dashboard and scripts use).
 *
 * Every answer is JSON. Errors are {"error": "<what is wrong, in words>"}
 * with the fitting status: 400 bad input (nothing changed), 401 not logged
 * in, 403 not allowed (another merchant's account, a missing CSRF token),
 * 404 no such thing, 405 wrong method, 409 the state does not allow it.
 * Every refusal is logged (service "api"), never with a secret.
 */
#ifndef TILLSYNC_API_H
#define TILLSYNC_API_H

#include <stddef.h>

#include "core/engine.h"

struct api_request {
	const char *method;
	const char *path;                 /* below /api, e.g. "/items/42/retry" */
	const char *body;
	size_t body_len;
	const char *(*query)(void *ctx, const char *name);
	const char *(*header)(void *ctx, const char *name);
	const char *(*cookie)(void *ctx, const char *name);
	void *ctx;
	int tls;                          /* Secure cookies over TLS */
};

struct api_response {
	unsigned status;
	char *body;                       /* JSON text; the caller frees */
	char set_cookie[256];             /* "" for none */
};

void api_handle(struct store *st, connector_find_fn find, const struct api_request *rq, struct api_response *out);
/* Waits for the jobs the API started (Sync Now) to end; the server calls it when it stops. */
void api_jobs_drain(void);

#endif
