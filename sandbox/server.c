/*
 * server.c - libmicrohttpd plumbing shared by every emulator and the control
 * endpoint: request assembly, routing, the fault/capacity ladder and the
 * response.
 *
 * Threading: each daemon runs one thread per connection.  The capacity model
 * and the hang fault sleep inside the request, and a sleeping request must
 * not stall other connections the way it would in a small thread pool; with
 * keep-alive clients a thread per connection is also the cheapest model on
 * loopback (no hand-off per request).  Every sleep waits on one condition
 * variable that shutdown broadcasts, so SIGTERM never waits for a hang.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "sandbox.h"

#define MAX_BODY	(512UL * 1024 * 1024)

static pthread_mutex_t	stop_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	stop_cv = PTHREAD_COND_INITIALIZER;
static int		stopping;

void
sb_set_stopping(void)
{
	pthread_mutex_lock(&stop_mu);
	stopping = 1;
	pthread_cond_broadcast(&stop_cv);
	pthread_mutex_unlock(&stop_mu);
}

int
sb_stopping(void)
{
	int v;

	pthread_mutex_lock(&stop_mu);
	v = stopping;
	pthread_mutex_unlock(&stop_mu);
	return v;
}

int
sb_sleep_ms(long ms)
{
	struct timespec ts;
	int v;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&stop_mu);
	while (!stopping) {
		if (pthread_cond_timedwait(&stop_cv, &stop_mu, &ts) != 0)
			break;
	}
	v = stopping;
	pthread_mutex_unlock(&stop_mu);
	return v;
}

/* ---------------------------------------------------------------- req/resp */

struct reqctx {
	struct req	 req;
	struct wbuf	 body;
	int		 started;
	int		 too_big;
};

void
resp_header(struct resp *r, const char *name, const char *val)
{
	if (r->nhdr >= RESP_MAXHDR)
		return;
	r->hdr_name[r->nhdr] = xstrdup(name);
	r->hdr_val[r->nhdr] = xstrdup(val);
	r->nhdr++;
}

void
resp_json(struct resp *r, unsigned status, struct wbuf *b)
{
	r->status = status;
	wbuf_reset(&r->body);
	wbuf_add(&r->body, wbuf_str(b), b->len);
	r->json_ok = 1;
}

const char *
req_header(const struct req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *
req_param(const struct req *rq, const char *name)
{
	return kv_get(&rq->query, name);
}

static void
resp_release(struct resp *r)
{
	int i;

	for (i = 0; i < r->nhdr; i++) {
		free(r->hdr_name[i]);
		free(r->hdr_val[i]);
	}
	wbuf_release(&r->body);
}

static void
req_release(struct req *rq)
{
	free(rq->raw_uri);
	free(rq->raw_path);
	free(rq->path);
	kv_release(&rq->query);
}

/* ---------------------------------------------------------------- routing */

static int
seg_next(const char **p, const char **s, size_t *n)
{
	while (**p == '/')
		(*p)++;
	if (**p == '\0')
		return 0;
	*s = *p;
	while (**p != '\0' && **p != '/')
		(*p)++;
	*n = (size_t)(*p - *s);
	return 1;
}

static int
pattern_match(const char *pat, const char *path, struct req *rq)
{
	const char *pp = pat, *xp = path, *ps, *xs;
	size_t pn, xn, i;

	rq->nids = 0;
	rq->seg[0] = '\0';
	for (;;) {
		int hp = seg_next(&pp, &ps, &pn), hx = seg_next(&xp, &xs, &xn);

		if (!hp && !hx)
			return 1;
		if (hp != hx)
			return 0;
		if (pn == 4 && memcmp(ps, "{id}", 4) == 0) {
			long v = 0;

			if (xn == 0 || xn > 18)
				return 0;
			for (i = 0; i < xn; i++) {
				if (xs[i] < '0' || xs[i] > '9')
					return 0;
				v = v * 10 + (xs[i] - '0');
			}
			if (rq->nids < MAX_PATH_IDS)
				rq->ids[rq->nids++] = v;
		} else if (pn == 3 && memcmp(ps, "{s}", 3) == 0) {
			if (xn >= sizeof(rq->seg))
				return 0;
			memcpy(rq->seg, xs, xn);
			rq->seg[xn] = '\0';
		} else if (pn != xn || strncasecmp(ps, xs, pn) != 0) {
			return 0;
		}
	}
}

/*
 * Finds the route for rq->path and rq->method.  *mismatch is set when some
 * route has the path but not the method (a 405 for vendors that say so).
 */
const struct route *
route_match(const struct route *tab, size_t n, struct req *rq, int *mismatch)
{
	size_t i;

	*mismatch = 0;
	for (i = 0; i < n; i++) {
		if (!pattern_match(tab[i].pattern, rq->path, rq))
			continue;
		if (strcmp(tab[i].method, rq->method) == 0 ||
		    (strcmp(rq->method, "HEAD") == 0 &&
		    strcmp(tab[i].method, "GET") == 0))
			return &tab[i];
		*mismatch = 1;
	}
	return NULL;
}

/* ---------------------------------------------------------------- dispatch */

static void
dispatch_emu(struct emu *e, struct req *rq, struct resp *rs)
{
	const struct emu_ops *ops = e->ops;
	const struct route *rt = NULL;
	struct fault_decision fd;
	const char *key = "unrouted";
	size_t plen = strlen(ops->prefix);
	int mismatch = 0, in_prefix;
	char *sub;

	if (ops->prepare != NULL)
		ops->prepare(e->state, rq);
	in_prefix = strncasecmp(rq->path, ops->prefix, plen) == 0 &&
	    (rq->path[plen] == '\0' || rq->path[plen] == '/');
	if (in_prefix) {
		sub = xstrdup(rq->path + plen);
		free(rq->path);
		rq->path = sub;
		rt = route_match(ops->routes, ops->nroutes, rq, &mismatch);
		if (rt != NULL)
			key = rt->key;
	}
	rq->route = rt;

	fault_front(e->fault, &fd);
	if (fd.kind != FAULT_NONE) {
		char ra[24];

		rs->status = fd.status;
		ops->fault_body(e->state, fd.kind, rs);
		if (fd.kind == FAULT_RATE_LIMIT) {
			snprintf(ra, sizeof(ra), "%ld", fd.retry_after);
			resp_header(rs, "Retry-After", ra);
		}
		rs->injected = 1;
		goto count;
	}
	if (fault_slot_acquire(e->fault) < 0) {
		rs->status = 503;
		goto count;
	}
	fault_inner(e->fault, key, ops->is_api_path(e->state, rq), &fd);
	if (fd.kind != FAULT_NONE) {
		char ra[24];

		rs->status = fd.status;
		ops->fault_body(e->state, fd.kind, rs);
		if (fd.kind == FAULT_RATE_LIMIT) {
			snprintf(ra, sizeof(ra), "%ld", fd.retry_after);
			resp_header(rs, "Retry-After", ra);
		}
		rs->injected = 1;
	} else {
		if (fd.hang_ms > 0) {
			rs->injected = 1;
			sb_sleep_ms(fd.hang_ms);
		}
		if (rt != NULL)
			rt->fn(e->state, rq, rs);
		else
			ops->no_route(e->state, rq, rs, mismatch);
		if (fd.malformed && rs->json_ok) {
			ops->fault_body(e->state, FAULT_MALFORMED, rs);
			rs->injected = 1;
		}
		fault_spoil(e->fault, &fd, rs);
	}
	fault_cost(e->fault, rs);
	fault_slot_release(e->fault);
count:
	fault_count(e->fault, key, rs);
}

static int
queue_resp(struct MHD_Connection *c, struct resp *rs)
{
	struct MHD_Response *r;
	size_t len = rs->body.len;
	char *body = wbuf_take(&rs->body);
	int i;
	enum MHD_Result ok;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	if (len > 0 || rs->content_type != NULL)
		MHD_add_response_header(r, "Content-Type",
		    rs->content_type != NULL ? rs->content_type :
		    "application/json; charset=UTF-8");
	for (i = 0; i < rs->nhdr; i++)
		MHD_add_response_header(r, rs->hdr_name[i], rs->hdr_val[i]);
	ok = MHD_queue_response(c, rs->status ? rs->status : 500, r);
	MHD_destroy_response(r);
	return ok;
}

static void
req_fill(struct reqctx *rc, struct MHD_Connection *c, const char *method,
    int tls)
{
	struct req *rq = &rc->req;
	const char *q, *u = rq->raw_uri != NULL ? rq->raw_uri : "/";
	size_t plen;

	if (rq->raw_uri == NULL)
		rq->raw_uri = xstrdup(u);
	q = strchr(rq->raw_uri, '?');
	plen = q != NULL ? (size_t)(q - rq->raw_uri) : strlen(rq->raw_uri);
	rq->raw_path = xmalloc(plen + 1);
	memcpy(rq->raw_path, rq->raw_uri, plen);
	rq->raw_path[plen] = '\0';
	rq->path = url_decode_take(rq->raw_path, plen, 0);
	rq->raw_query = q != NULL ? q + 1 : "";
	kv_parse_query(&rq->query, rq->raw_query, strlen(rq->raw_query));
	rq->method = method;
	rq->conn = c;
	rq->tls = tls;
	rq->body = rc->body.buf != NULL ? rc->body.buf : NULL;
	rq->body_len = rc->body.len;
}

static enum MHD_Result
on_access(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct emu *e = cls;
	struct reqctx *rc = *con_cls;
	struct resp rs;
	int ok;

	(void)url;
	(void)version;
	if (rc == NULL) {
		rc = xcalloc(1, sizeof(*rc));
		*con_cls = rc;
	}
	if (!rc->started) {
		rc->started = 1;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (rc->body.len + *upload_size > MAX_BODY)
			rc->too_big = 1;
		else
			wbuf_add(&rc->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	memset(&rs, 0, sizeof(rs));
	req_fill(rc, c, method, e != NULL && e->tls);
	if (rc->too_big) {
		rs.status = 413;
		wbuf_adds(&rs.body, "request body too large");
		rs.content_type = "text/plain";
	} else if (e != NULL) {
		dispatch_emu(e, &rc->req, &rs);
	} else {
		control_handle(&rc->req, &rs);
	}
	ok = queue_resp(c, &rs);
	resp_release(&rs);
	return ok ? MHD_YES : MHD_NO;
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct reqctx *rc = xcalloc(1, sizeof(*rc));

	(void)cls;
	(void)c;
	rc->req.raw_uri = xstrdup(uri);
	return rc;
}

static void
on_done(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct reqctx *rc = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (rc == NULL)
		return;
	req_release(&rc->req);
	wbuf_release(&rc->body);
	free(rc);
	*con_cls = NULL;
}

static struct MHD_Daemon *
start_daemon(void *cls, unsigned short port, const char *key_pem,
    const char *cert_pem, unsigned short *bound, struct wbuf *err)
{
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ERROR_LOG;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (key_pem != NULL) {
		flags |= MHD_USE_TLS;
		d = MHD_start_daemon(flags, port, NULL, NULL, on_access, cls,
		    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		    MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
		    MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
		    MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
		    MHD_OPTION_HTTPS_MEM_KEY, key_pem,
		    MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
		    MHD_OPTION_END);
	} else {
		d = MHD_start_daemon(flags, port, NULL, NULL, on_access, cls,
		    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		    MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
		    MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
		    MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
		    MHD_OPTION_END);
	}
	if (d == NULL) {
		wbuf_addf(err, "cannot listen on 127.0.0.1:%u", port);
		return NULL;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	*bound = info != NULL ? info->port : port;
	return d;
}

int
server_start_emu(struct emu *e, unsigned short port, struct wbuf *err)
{
	if (e->tls && tls_make_self_signed(&e->tls_key, &e->tls_cert, err) < 0)
		return -1;
	e->daemon = start_daemon(e, port, e->tls_key, e->tls_cert, &e->port,
	    err);
	if (e->daemon == NULL)
		return -1;
	snprintf(e->base, sizeof(e->base), "%s://127.0.0.1:%u",
	    e->tls ? "https" : "http", e->port);
	return 0;
}

int
server_start_control(struct MHD_Daemon **d, unsigned short *port,
    struct wbuf *err)
{
	*d = start_daemon(NULL, *port, NULL, NULL, port, err);
	return *d != NULL ? 0 : -1;
}

void
server_stop(struct MHD_Daemon *d)
{
	if (d != NULL)
		MHD_stop_daemon(d);
}
