/*
 * server.h: tillsync's HTTP listener (libmicrohttpd). Today it takes
 * webhook deliveries (POST /hooks/<account>/<pos|shop>) and answers
 * GET /healthz; the admin API and dashboard join it.
 *
 * Loopback by default; request bodies capped at SERVER_BODY_MAX; idle
 * connections closed after 30 s. Requests borrow a store connection from a
 * small pool, so a burst never opens the database once per request.
 */
#ifndef TILLSYNC_SERVER_H
#define TILLSYNC_SERVER_H

#include <stddef.h>

#include "core/engine.h"

#define SERVER_BODY_MAX (2u * 1024 * 1024)

struct server_config {
	const char *listen;        /* "127.0.0.1:8470"; port 0 picks a free one */
	const char *db_path;
	connector_find_fn find;
	int threads;               /* store connections shared by request threads */
	const char *tls_cert_pem;  /* both set: HTTPS (PEM text, not file names) */
	const char *tls_key_pem;
};

struct server;

/* url receives "http://ADDR:PORT" (or https) as bound. */
int server_start(struct server **out, const struct server_config *cfg, char *url, size_t url_len,
		 struct sbuf *err);
void server_stop(struct server *s);

#endif
