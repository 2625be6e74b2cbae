/*
 * sandbox.h - the shape every emulator fits into.
 *
 * Adding an emulator
 * ------------------
 * 1. Write sandbox/emu_<vendor>.c exporting one `const struct emu_ops
 *    emu_<vendor>_ops` filled with designated initialisers (see the slot
 *    comments below), and add it to emu_table[] in main.c and to
 *    SANDBOX_SOURCES in CMakeLists.txt.
 * 2. Routes are a table of struct route; the server matches the request
 *    path (below the emulator's prefix) against them, counts the request
 *    under the route's "METHOD /pattern" key, runs the shared fault layer,
 *    then calls the route's handler with the store lock *not* held: the
 *    handler takes its own store lock (read or write).
 * 3. Vendor-specific fault bodies (what a 429, 500 or 503 looks like on that
 *    platform) come from ops->fault_body, so the fault layer stays generic.
 * 4. State goes in and out as JSON through ops->dump and ops->load, in the
 *    same shape, so a dump can be loaded back.
 *
 * Request flow (server.c):
 *
 *   accept -> route lookup -> rate limit (front of the shop, like a WAF)
 *          -> capacity slot (K PHP workers) -> maintenance / REST disabled
 *          -> injected 5xx -> hang -> handler (auth + work)
 *          -> malformed / truncated body -> cost sleep -> release slot -> send
 */
#ifndef SANDBOX_SANDBOX_H
#define SANDBOX_SANDBOX_H

#include <pthread.h>
#include <stdint.h>

#include <jansson.h>

#include "wire.h"

struct MHD_Connection;
struct fault;

#define MAX_PATH_IDS	4

struct req {
	const char		*method;
	char			*raw_uri;	/* as sent: /path?query */
	char			*raw_path;	/* up to '?', still encoded */
	char			*path;		/* decoded, below the prefix */
	const char		*raw_query;	/* after '?', or "" */
	struct kvlist		 query;		/* decoded, PHP style */
	char			*body;
	size_t			 body_len;
	struct MHD_Connection	*conn;
	int			 tls;
	long			 ids[MAX_PATH_IDS];	/* {id} captures */
	int			 nids;
	char			 seg[64];		/* {s} capture */
	const struct route	*route;
	int			 alt_route;	/* reached via ?rest_route= */
};

#define RESP_MAXHDR 16
struct resp {
	unsigned	 status;
	struct wbuf	 body;
	const char	*content_type;		/* NULL: application/json */
	char		*hdr_name[RESP_MAXHDR];
	char		*hdr_val[RESP_MAXHDR];
	int		 nhdr;
	long		 items_read;
	long		 items_written;
	int		 json_ok;	/* a JSON body the fault layer may spoil */
	int		 injected;	/* a fault produced this response */
};

void		 resp_header(struct resp *, const char *, const char *);
const char	*req_header(const struct req *, const char *);
const char	*req_param(const struct req *, const char *);
void		 resp_json(struct resp *, unsigned, struct wbuf *);

typedef void	(*route_fn)(void *, struct req *, struct resp *);

/*
 * pattern segments: literal text, "{id}" (decimal digits, captured in
 * req->ids in order) or "{s}" (any one segment, captured in req->seg).
 * key is what the per-endpoint counters are named after.
 */
struct route {
	const char	*method;
	const char	*pattern;
	route_fn	 fn;
	const char	*key;	/* "GET /products/{id}" */
};

const struct route *route_match(const struct route *, size_t, struct req *,
		    int *);

enum fault_kind {
	FAULT_NONE = 0,
	FAULT_RATE_LIMIT,	/* 429 + Retry-After */
	FAULT_QUOTA,		/* daily allowance used up */
	FAULT_MAINTENANCE,	/* 503 */
	FAULT_REST_DISABLED,	/* 404 on the API */
	FAULT_SERVER_ERROR,	/* 5xx */
	FAULT_MALFORMED,	/* spoil a JSON body the vendor's way */
};

struct sb_options {
	uint64_t	 seed;
	long		 products;
	long		 customers;
	long		 orders;
	const char	*data_file;
	int		 woo_tls;
	int		 woo_zone_min;		/* site time zone, minutes */
	int		 epos_zone_min;
	int		 verbose;
};

struct emu;

struct emu_ops {
	const char	*name;		/* "woocommerce": the ready-line key */
	const char	*prefix;	/* path prefix of the API, or "" */
	/* make an empty store; seed from opts */
	void		*(*create)(struct emu *, const struct sb_options *);
	void		 (*destroy)(void *);
	/* fill the store with opts->products/customers/orders records */
	void		 (*generate)(void *, const struct sb_options *);
	/* routes below prefix */
	const struct route *routes;
	size_t		 nroutes;
	/* optional: rewrite req->path before routing (e.g. ?rest_route=) */
	void		 (*prepare)(void *, struct req *);
	/* requests outside the route table (404/405 in vendor shape) */
	void		 (*no_route)(void *, struct req *, struct resp *, int);
	/* vendor-shaped body for an injected fault */
	void		 (*fault_body)(void *, enum fault_kind, struct resp *);
	/* does this path belong to the API (REST-disabled switch applies)? */
	int		 (*is_api_path)(void *, const struct req *);
	/* ready-line section (object) */
	void		 (*ready)(void *, struct jw *);
	/* full state as one JSON object; load takes the same shape */
	void		 (*dump)(void *, struct jw *);
	int		 (*load)(void *, json_t *, struct wbuf *);
	/* control endpoint: /<name>/<sub>; returns 0 if handled */
	int		 (*control)(void *, const char *, struct req *,
			    struct resp *);
	/* emulator-specific runtime options from POST /faults */
	int		 (*set_option)(void *, const char *, json_t *,
			    struct wbuf *);
	/* stop background work before the daemon goes away */
	void		 (*stop)(void *);
};

struct emu {
	const struct emu_ops	*ops;
	void			*state;
	struct fault		*fault;
	struct MHD_Daemon	*daemon;
	unsigned short		 port;
	int			 tls;
	char			*tls_key;	/* PEM, kept until the daemon stops */
	char			*tls_cert;
	char			 base[64];	/* http://127.0.0.1:P */
};

/* server.c */
int	 server_start_emu(struct emu *, unsigned short, struct wbuf *);
int	 server_start_control(struct MHD_Daemon **, unsigned short *,
	    struct wbuf *);
void	 server_stop(struct MHD_Daemon *);
int	 tls_make_self_signed(char **, char **, struct wbuf *);
/* sleeps, waking early when the sandbox is stopping; 1 if stopping */
int	 sb_sleep_ms(long);
void	 sb_set_stopping(void);
int	 sb_stopping(void);

/* control.c */
void	 control_handle(struct req *, struct resp *);
void	 control_set_emus(struct emu **, size_t, const struct sb_options *);
int	 control_apply_faults(struct emu *, json_t *, struct wbuf *);

/* the emulators */
extern const struct emu_ops emu_woocommerce_ops;
extern const struct emu_ops emu_eposnow_ops;

/* fault.c */
struct fault_decision {
	enum fault_kind	 kind;
	long		 hang_ms;
	int		 malformed;
	int		 truncated;
	unsigned	 status;
	long		 retry_after;
};

struct fault	*fault_new(const char *, uint64_t);
void		 fault_free(struct fault *);
int		 fault_set(struct fault *, json_t *, struct wbuf *);
void		 fault_dump(struct fault *, struct jw *);
/* front door: rate limit and quota; kind FAULT_NONE when let through */
void		 fault_front(struct fault *, struct fault_decision *);
int		 fault_slot_acquire(struct fault *);
void		 fault_slot_release(struct fault *);
void		 fault_inner(struct fault *, const char *, int,
		    struct fault_decision *);
void		 fault_spoil(struct fault *, const struct fault_decision *,
		    struct resp *);
void		 fault_cost(struct fault *, const struct resp *);
void		 fault_count(struct fault *, const char *, const struct resp *);
void		 fault_counters(struct fault *, struct jw *);
void		 fault_reset_counters(struct fault *);
/* auth switches read by the emulators */
int		 fault_key_revoked(struct fault *);
int		 fault_key_read_only(struct fault *);
long		 fault_get_long(struct fault *, const char *);

#endif
