/*
 * tlib.h - the sandbox tests' own small library: start and stop the
 * tillsync-sandbox binary, talk HTTP to it over libcurl, read JSON, and
 * drive the control endpoint.  Nothing here comes from src/ or from the
 * sandbox's own wire code, so a bug there cannot hide the same bug here.
 *
 * Checks: every TL_* macro prints file:line, the expression, the expected
 * and the actual value, then exits 1.  exit() runs an atexit handler that
 * kills every sandbox this process started, so a failed test leaves no
 * child behind.
 *
 * Typical use:
 *
 *	struct tl_sandbox sb;
 *	struct tl_resp r;
 *	const char *args[] = { "--seed", "7", NULL };
 *
 *	tl_start(&sb, argv[1], args);
 *	tl_get(&r, tl_url(&sb, "eposnow", "/Product/1"),
 *	    tl_emu(&sb, "eposnow")->userpwd);
 *	TL_EQ_INT(200, r.status);
 *	tl_resp_free(&r);
 *	TL_EQ_INT(0, tl_stop(&sb));
 */
#ifndef SANDBOX_TLIB_H
#define SANDBOX_TLIB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

/* ---------------------------------------------------------------- checks */

void	 tl_fail(const char *, int, const char *, const char *, const char *)
	    __attribute__((noreturn));
void	 tl_check_int(const char *, int, const char *, long long, long long,
	    int);
void	 tl_check_str(const char *, int, const char *, const char *,
	    const char *);
void	 tl_check_dbl(const char *, int, const char *, double, double, int);

/* op for the integer and double checks */
enum { TL_OP_EQ, TL_OP_NE, TL_OP_GE, TL_OP_LE, TL_OP_GT, TL_OP_LT };

#define TL_CHECK(c) do {						\
	if (!(c))							\
		tl_fail(__FILE__, __LINE__, #c, "true", "false");	\
} while (0)
#define TL_CHECKM(c, msg) do {						\
	if (!(c))							\
		tl_fail(__FILE__, __LINE__, #c, "true", (msg));		\
} while (0)
#define TL_EQ_INT(exp, act) tl_check_int(__FILE__, __LINE__, #act,	\
	(long long)(exp), (long long)(act), TL_OP_EQ)
#define TL_NE_INT(exp, act) tl_check_int(__FILE__, __LINE__, #act,	\
	(long long)(exp), (long long)(act), TL_OP_NE)
#define TL_GE_INT(lo, act) tl_check_int(__FILE__, __LINE__, #act,	\
	(long long)(lo), (long long)(act), TL_OP_GE)
#define TL_LE_INT(hi, act) tl_check_int(__FILE__, __LINE__, #act,	\
	(long long)(hi), (long long)(act), TL_OP_LE)
#define TL_GT_INT(lo, act) tl_check_int(__FILE__, __LINE__, #act,	\
	(long long)(lo), (long long)(act), TL_OP_GT)
#define TL_LT_INT(hi, act) tl_check_int(__FILE__, __LINE__, #act,	\
	(long long)(hi), (long long)(act), TL_OP_LT)
#define TL_GE_DBL(lo, act) tl_check_dbl(__FILE__, __LINE__, #act,	\
	(double)(lo), (double)(act), TL_OP_GE)
#define TL_LE_DBL(hi, act) tl_check_dbl(__FILE__, __LINE__, #act,	\
	(double)(hi), (double)(act), TL_OP_LE)
/* NULL actual fails with "(null)" */
#define TL_EQ_STR(exp, act) tl_check_str(__FILE__, __LINE__, #act,	\
	(exp), (act))
/* substring */
#define TL_HAS_STR(needle, hay) do {					\
	const char *tl_h_ = (hay);					\
	if (tl_h_ == NULL || strstr(tl_h_, (needle)) == NULL)		\
		tl_fail(__FILE__, __LINE__, #hay, (needle),		\
		    tl_h_ != NULL ? tl_h_ : "(null)");			\
} while (0)

/* prints "ok - name" on stdout (tests narrate what they covered) */
void	 tl_ok(const char *, ...) __attribute__((format(printf, 1, 2)));

/* ---------------------------------------------------------------- sandbox */

#define TL_MAXEMU 8

struct tl_emu {
	char		 name[32];	/* "woocommerce", "eposnow" */
	char		 base_url[256];	/* the API root, no trailing '/' */
	/* the main credential pair: WooCommerce consumer key/secret, Epos Now
	 * API key/secret; "" when the ready line had none */
	char		 key[160];
	char		 secret[160];
	char		 userpwd[330];	/* "key:secret" for Basic */
	/* a read-only pair when the emulator has one, else "" */
	char		 ro_key[160];
	char		 ro_secret[160];
	int		 tls;		/* base_url is https */
	json_t		*ready;		/* this section of the ready line
					 * (borrowed from tl_sandbox.ready) */
};

struct tl_sandbox {
	pid_t		 pid;
	int		 out_fd;	/* child's stdout, read end */
	int		 err_fd;	/* child's stderr: an unlinked file */
	char		*ready_line;	/* without the newline */
	json_t		*ready;		/* parsed ready line */
	char		 control[256];	/* control URL */
	struct tl_emu	 emu[TL_MAXEMU];
	int		 nemu;
	char		*rest;		/* stdout after the ready line (tl_stop) */
	int		 stopped;
};

/*
 * Starts bin with args (NULL-terminated list, may be NULL) and waits up to
 * 20 s for the ready line.  Fails the test (exit 1) when the child dies or
 * prints no valid ready line in time.
 */
void	 tl_start(struct tl_sandbox *, const char *, const char *const *);
/* Same, but returns -1 (child reaped, stderr text in *err) instead. */
int	 tl_try_start(struct tl_sandbox *, const char *, const char *const *,
	    char **);
/*
 * SIGTERM, then waits up to 10 s.  Returns the exit status (0..255), 128+N
 * for death by signal N, or -1 when it had to be killed after the timeout.
 * Frees everything in the struct (rest stays until tl_sandbox_free).
 */
int	 tl_stop(struct tl_sandbox *);
void	 tl_sandbox_free(struct tl_sandbox *);
/* what the child wrote on stderr so far (malloc'd) */
char	*tl_stderr(const struct tl_sandbox *);
/*
 * Fills sb (pid 0: no child) from a ready line read elsewhere, for tools
 * that attach to a running sandbox.  0, or -1 when it is not one.
 */
int	 tl_attach(struct tl_sandbox *, const char *);
/* the emulator's section, or NULL */
const struct tl_emu *tl_emu(const struct tl_sandbox *, const char *);
/* base_url + path in a static rotating buffer (8 slots) */
const char *tl_url(const struct tl_sandbox *, const char *, const char *);
/* control URL + path, same buffer */
const char *tl_curl(const struct tl_sandbox *, const char *);

/*
 * Runs bin with args to completion (timeout in ms; killed after it) and
 * captures stdout and stderr.  Returns the exit status as tl_stop does.
 */
int	 tl_run(const char *, const char *const *, long, char **, char **);

/* ---------------------------------------------------------------- HTTP */

#define TL_MAXHDR 64

struct tl_req {
	const char	*method;	/* NULL: GET, or POST with a body */
	const char	*url;
	const char	*body;		/* NULL: none */
	size_t		 body_len;	/* 0: strlen(body) */
	const char	*userpwd;	/* "user:pass" Basic, or NULL */
	const char	*headers[16];	/* "Name: value", NULL-terminated */
	long		 timeout_ms;	/* 0: 30 s */
	int		 no_json_ct;	/* do not add Content-Type: JSON */
};

struct tl_resp {
	long		 status;	/* 0 when the transfer failed */
	int		 curl_code;	/* CURLE_OK or the failure */
	char		*body;		/* NUL-terminated, never NULL */
	size_t		 len;
	char		*hname[TL_MAXHDR];
	char		*hval[TL_MAXHDR];
	int		 nhdr;
	double		 ms;		/* wall time of the request */
};

/* 0 on a completed exchange (any status), -1 on a transport failure */
int	 tl_http(const struct tl_req *, struct tl_resp *);
int	 tl_get(struct tl_resp *, const char *, const char *);
int	 tl_send(struct tl_resp *, const char *, const char *, const char *,
	    const char *);
/* case-insensitive; the last one when repeated; NULL when absent */
const char *tl_header(const struct tl_resp *, const char *);
/* parsed body, or NULL when it is not JSON (caller json_decref's) */
json_t	*tl_json(const struct tl_resp *);
/* parsed body; fails the test when it is not JSON */
json_t	*tl_json_ok(const char *, int, const struct tl_resp *);
#define TL_JSON(r) tl_json_ok(__FILE__, __LINE__, (r))
void	 tl_resp_free(struct tl_resp *);

/*
 * OAuth 1.0a one-legged (WooCommerce over plain HTTP): returns url with
 * oauth_* parameters added to its query (malloc'd).  algo "HMAC-SHA1" or
 * "HMAC-SHA256".  The signature covers the query parameters only, as
 * WooCommerce signs (JSON bodies are not part of it).
 */
char	*tl_oauth_url(const char *, const char *, const char *, const char *,
	    const char *);
/*
 * One request to an emulator with its main credentials: WooCommerce over
 * http is signed with OAuth (HMAC-SHA256), everything else uses Basic.
 * path is below base_url (may carry a query).  ro != 0 uses the read-only
 * pair.
 */
int	 tl_emu_req(struct tl_resp *, const struct tl_emu *, const char *,
	    const char *, const char *, int);

/* RFC 3986 percent-encoding of a query value (malloc'd) */
char	*tl_urlencode(const char *);

/*
 * tl_emu_req, then checks the status (reporting file:line, method, path
 * and the body) and returns the parsed body: NULL when it is empty, a
 * failed check when it is not JSON.  raw, when not NULL, gets the body
 * text (malloc'd).
 */
json_t	*tl_emu_call(const char *, int, const struct tl_emu *, const char *,
	    const char *, const char *, long, char **);
#define TL_CALL(e, m, p, b, st) tl_emu_call(__FILE__, __LINE__, (e), (m), \
	(p), (b), (st), NULL)
#define TL_CALLRAW(e, m, p, b, st, raw) tl_emu_call(__FILE__, __LINE__, \
	(e), (m), (p), (b), (st), (raw))

/* ---------------------------------------------------------------- JSON */

/*
 * Path lookup: "a.b.3.c" (object keys and array indexes, '.'-separated).
 * Returns a borrowed reference or NULL.
 */
json_t	*tl_jget(json_t *, const char *);
const char *tl_jstr(json_t *, const char *);	/* NULL unless a string */
/* integer (or a real with no fraction); def when absent or not a number */
long long tl_jint(json_t *, const char *, long long);
double	 tl_jnum(json_t *, const char *, double);
int	 tl_jbool(json_t *, const char *);	/* -1 absent/not bool */
size_t	 tl_jlen(json_t *, const char *);	/* array/object size, 0 */

/* ---------------------------------------------------------------- control */

/*
 * POST /faults {"target": target, ...knobs}; knobs is a JSON object text
 * (NULL or "{}" for none).  Returns the HTTP status; on error the body
 * goes to stderr.
 */
long	 tl_faults(const struct tl_sandbox *, const char *, const char *);
/* GET /counters[?target=], /state[?target=] (NULL: all); NULL on error */
json_t	*tl_counters(const struct tl_sandbox *, const char *);
json_t	*tl_state(const struct tl_sandbox *, const char *);
/* the raw /state body (malloc'd), for byte comparisons */
char	*tl_state_raw(const struct tl_sandbox *, const char *);
long	 tl_reset_counters(const struct tl_sandbox *, const char *);
/*
 * One counter: endpoint key such as "GET /Product/{id}" (NULL: the total)
 * and field such as "requests", "errors_injected", "status.5xx".
 * 0 when absent.
 */
long long tl_counter(const struct tl_sandbox *, const char *, const char *,
	    const char *);
/* any control request; returns the status */
long	 tl_control(struct tl_resp *, const struct tl_sandbox *, const char *,
	    const char *, const char *);

/* ---------------------------------------------------------------- misc */

double	 tl_now_ms(void);		/* CLOCK_MONOTONIC */
void	 tl_sleep_ms(long);
char	*tl_strdup(const char *);
char	*tl_read_file(const char *, size_t *);
int	 tl_write_file(const char *, const char *, size_t);
/* a fresh directory under $TMPDIR (malloc'd); removed at exit */
char	*tl_tmpdir(void);

#endif
