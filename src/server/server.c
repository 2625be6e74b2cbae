#include "server/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/webhook.h"
#include "server/api.h"
#include "server/dashboard.h"
#include "server/intake.h"
#include "util/metrics.h"
#include "util/log.h"
#include "util/parse.h"

struct server {
	struct MHD_Daemon *mhd;
	int tls;
	struct intake *intake;
	connector_find_fn find;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct store **stores;
	int nstores;
	int *in_use;
};

struct request {
	struct sbuf body;
	int too_large;
};

static struct store *
store_borrow(struct server *s, int *slot)
{
	struct store *st = NULL;

	pthread_mutex_lock(&s->lock);
	while (!st) {
		for (int i = 0; i < s->nstores; i++) {
			if (!s->in_use[i]) {
				s->in_use[i] = 1;
				*slot = i;
				st = s->stores[i];
				break;
			}
		}
		if (!st)
			pthread_cond_wait(&s->freed, &s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return st;
}

static void
store_return(struct server *s, int slot)
{
	pthread_mutex_lock(&s->lock);
	s->in_use[slot] = 0;
	pthread_cond_signal(&s->freed);
	pthread_mutex_unlock(&s->lock);
}

static enum MHD_Result
send_json(struct MHD_Connection *c, unsigned status, const char *fmt, const char *text)
{
	struct sbuf body = SBUF_INIT;
	struct MHD_Response *r;
	enum MHD_Result rc;

	/* text is ours (fixed messages); escape quotes and backslashes anyway */
	for (const char *p = text; p && *p; p++)
		if (*p == '"' || *p == '\\')
			sbuf_addch(&body, '\\'), sbuf_addch(&body, *p);
		else if ((unsigned char)*p >= 0x20)
			sbuf_addch(&body, *p);
	{
		struct sbuf out = SBUF_INIT;

		sbuf_addf(&out, fmt, body.buf);
		r = MHD_create_response_from_buffer(out.len, out.buf, MHD_RESPMEM_MUST_COPY);
		sbuf_release(&out);
	}
	sbuf_release(&body);
	MHD_add_response_header(r, "Content-Type", "application/json");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static const char *
header_of(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_HEADER_KIND, name);
}

/* POST /hooks/<account>/<role> */
static enum MHD_Result
route_webhook(struct server *s, struct MHD_Connection *c, const char *path, struct request *rq)
{
	char account[128], role[16];
	const char *slash = strchr(path, '/');
	struct webhook_delivery d;
	struct webhook_answer ans;
	int store_it;
	struct store *st;
	int slot;

	if (!slash || (size_t)(slash - path) >= sizeof(account) || strlen(slash + 1) >= sizeof(role) ||
	    slash == path)
		return send_json(c, 404, "{\"error\":\"%s\"}", "use /hooks/<account>/<pos|shop>");
	snprintf(account, sizeof(account), "%.*s", (int)(slash - path), path);
	snprintf(role, sizeof(role), "%s", slash + 1);
	st = store_borrow(s, &slot);
	store_it = webhook_verify(s->find, st, account, role, header_of, c, rq->body.buf, rq->body.len, &d, &ans);
	store_return(s, slot);
	if (store_it) {   /* answered only once the commit holding it is on disk */
		if (intake_submit(s->intake, &d) < 0)
			return send_json(c, 503, "{\"error\":\"%s\"}", "could not store the delivery; deliver again");
		metrics_event("webhook_accepted");
		return send_json(c, 200, "{\"result\":\"%s\"}", "queued");
	}
	if (ans.status == 200)
		return send_json(c, 200, "{\"result\":\"%s\"}", ans.message);
	return send_json(c, ans.status, "{\"error\":\"%s\"}", ans.message);
}

static const char *
query_of(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

static const char *
cookie_of(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_COOKIE_KIND, name);
}

static enum MHD_Result
route_api(struct server *s, struct MHD_Connection *c, const char *method, const char *path, struct request *rq)
{
	struct api_request ar = { method, path, rq->body.buf, rq->body.len, query_of, header_of, cookie_of, c,
				  s->tls };
	struct api_response out;
	struct MHD_Response *r;
	enum MHD_Result rc;
	struct store *st;
	int slot;

	st = store_borrow(s, &slot);
	api_handle(st, s->find, &ar, &out);
	store_return(s, slot);
	r = MHD_create_response_from_buffer(strlen(out.body), out.body, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", "application/json");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (out.set_cookie[0])
		MHD_add_response_header(r, "Set-Cookie", out.set_cookie);
	rc = MHD_queue_response(c, out.status, r);
	MHD_destroy_response(r);
	return rc;
}

/*
 * GET /metrics: Prometheus text. Unauthenticated, like most exporters: the
 * listener is on loopback unless an operator chose otherwise (then put it
 * behind a proxy that restricts /metrics).
 */
static enum MHD_Result
route_metrics(struct server *s, struct MHD_Connection *c)
{
	struct sbuf out = SBUF_INIT, err = SBUF_INIT;
	struct queue_count *qc = NULL;
	struct job *jobs = NULL;
	size_t n = 0, nj = 0;
	struct MHD_Response *r;
	enum MHD_Result rc;
	struct store *st;
	int slot;

	st = store_borrow(s, &slot);
	if (store_queue_counts(st, 0, &qc, &n, &err) == 0) {
		sbuf_addstr(&out, "# HELP tillsync_queue_items Queue items by queue and status.\n"
				  "# TYPE tillsync_queue_items gauge\n");
		for (size_t i = 0; i < n; i++)
			sbuf_addf(&out, "tillsync_queue_items{queue=\"%s\",status=\"%s\"} %lld\n", qc[i].queue,
				  item_status_name(qc[i].status), (long long)qc[i].count);
	}
	if (store_job_list(st, 0, 100, &jobs, &nj, &err) == 0) {
		sbuf_addstr(&out, "# HELP tillsync_job_progress_ratio Progress of running jobs (done / total).\n"
				  "# TYPE tillsync_job_progress_ratio gauge\n");
		for (size_t i = 0; i < nj; i++)
			if (jobs[i].state == JOB_RUNNING)
				sbuf_addf(&out, "tillsync_job_progress_ratio{account=\"%s\",kind=\"%s\"} %.4f\n",
					  jobs[i].account, jobs[i].kind,
					  jobs[i].total ? (double)jobs[i].done / (double)jobs[i].total : 0.0);
	}
	store_return(s, slot);
	metrics_render(&out);
	free(qc);
	jobs_free(jobs, nj);
	sbuf_release(&err);
	r = MHD_create_response_from_buffer(out.len, out.buf, MHD_RESPMEM_MUST_COPY);
	sbuf_release(&out);
	MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4");
	rc = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method, const char *version,
	   const char *upload, size_t *upload_size, void **req_cls)
{
	struct server *s = cls;
	struct request *rq = *req_cls;
	enum MHD_Result rc;

	if (!rq) {   /* first call: headers only */
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		sbuf_init(&rq->body, SERVER_BODY_MAX);
		*req_cls = rq;
		return MHD_YES;
	}
	if (*upload_size) {
		if (sbuf_add(&rq->body, upload, *upload_size) < 0)
			rq->too_large = 1;   /* keep reading, answer 413 at the end */
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->too_large)
		return send_json(c, 413, "{\"error\":\"%s\"}", "request body too large");
	if (strcmp(url, "/healthz") == 0 && strcmp(method, "GET") == 0)
		return send_json(c, 200, "{\"status\":\"%s\"}", "ok");
	if (strcmp(url, "/metrics") == 0 && strcmp(method, "GET") == 0)
		return route_metrics(s, c);
	if (strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0)
		return route_api(s, c, method, url + 4, rq);
	if (strncmp(url, "/hooks/", 7) == 0) {
		if (strcmp(method, "POST") != 0)
			return send_json(c, 405, "{\"error\":\"%s\"}", "webhooks are POST");
		return route_webhook(s, c, url + 7, rq);
	}
	if (dashboard_serve(c, method, url, &rc))   /* GET /, /assets/<file> */
		return rc;
	return send_json(c, 404, "{\"error\":\"%s\"}", "no such route");
}

static void
on_done(void *cls, struct MHD_Connection *c, void **req_cls, enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *req_cls;

	if (rq) {
		sbuf_release(&rq->body);
		free(rq);
		*req_cls = NULL;
	}
}

static int
parse_listen(const char *listen, struct sockaddr_in *sa, struct sbuf *err)
{
	const char *colon = strrchr(listen, ':');
	char host[64];
	int64_t port;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (!colon || (size_t)(colon - listen) >= sizeof(host) || parse_int64(colon + 1, 0, 65535, &port) < 0)
		return error_set(err, "--listen must look like 127.0.0.1:8470, not '%s'", listen);
	snprintf(host, sizeof(host), "%.*s", (int)(colon - listen), listen);
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return error_set(err, "--listen needs an IPv4 address, not '%s'", host);
	sa->sin_port = htons((uint16_t)port);
	return 0;
}

int
server_start(struct server **out, const struct server_config *cfg, char *url, size_t url_len, struct sbuf *err)
{
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;
	struct server *s;
	int threads = cfg->threads > 0 ? cfg->threads : 2;
	char host[INET_ADDRSTRLEN];

	*out = NULL;
	if (parse_listen(cfg->listen, &sa, err) < 0)
		return -1;
	s = calloc(1, sizeof(*s));
	if (!s)
		return error_set(err, "out of memory");
	s->find = cfg->find;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->freed, NULL);
	s->stores = calloc((size_t)threads, sizeof(*s->stores));
	s->in_use = calloc((size_t)threads, sizeof(*s->in_use));
	if (!s->stores || !s->in_use) {
		server_stop(s);
		return error_set(err, "out of memory");
	}
	for (; s->nstores < threads; s->nstores++) {
		if (store_open(&s->stores[s->nstores], cfg->db_path, STORE_LOW_LATENCY, err) < 0) {
			server_stop(s);
			return -1;
		}
	}
	if (intake_start(&s->intake, cfg->db_path, err) < 0) {
		server_stop(s);
		return -1;
	}
	/* a thread per connection: a delivery waits for its group commit without
	 * holding up other connections, so every waiting delivery joins the next
	 * commit (bench/webhooks); the connection limit bounds the threads */
	s->tls = cfg->tls_cert_pem && cfg->tls_key_pem;
	if (s->tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		server_stop(s);
		return error_set(err, "this libmicrohttpd has no TLS support; put a TLS proxy in front instead");
	}
	{
		/* TLS options only when asked for: MHD refuses them on a plain daemon */
		struct MHD_OptionItem tls[] = {
			{ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cfg->tls_cert_pem },
			{ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key_pem },
			{ MHD_OPTION_END, 0, NULL },
		};

		s->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
						  MHD_USE_ERROR_LOG | (s->tls ? MHD_USE_TLS : 0),
					  0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, &sa,
					  MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_LIMIT, 256u,
					  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024, MHD_OPTION_NOTIFY_COMPLETED,
					  on_done, s, MHD_OPTION_ARRAY, s->tls ? tls : tls + 2, MHD_OPTION_END);
	}
	if (!s->mhd) {
		int tls = s->tls;

		server_stop(s);
		if (tls)
			return error_set(err, "cannot listen on %s with TLS (address in use, or the certificate and "
					 "key do not load or do not match)", cfg->listen);
		return error_set(err, "cannot listen on %s (in use, or not an address of this machine)", cfg->listen);
	}
	info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
	inet_ntop(AF_INET, &sa.sin_addr, host, sizeof(host));
	snprintf(url, url_len, "%s://%s:%u", s->tls ? "https" : "http", host, info ? (unsigned)info->port : (unsigned)ntohs(sa.sin_port));
	*out = s;
	return 0;
}

void
server_stop(struct server *s)
{
	if (!s)
		return;
	if (s->mhd)
		MHD_stop_daemon(s->mhd);   /* no request is waiting on the intake after this */
	api_jobs_drain();              /* a Sync Now job ends before the store it reports to */
	intake_stop(s->intake);
	for (int i = 0; i < s->nstores; i++)
		store_close(s->stores[i]);
	free(s->stores);
	free(s->in_use);
	pthread_cond_destroy(&s->freed);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
