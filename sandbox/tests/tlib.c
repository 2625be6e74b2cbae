/*
 * tlib.c - see tlib.h: checks, small helpers, clean-up at exit, JSON paths
 * and the control endpoint.  Processes are in tlib_proc.c, HTTP and OAuth
 * in tlib_http.c.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "tlib.h"
#include "tlib_int.h"

/* ---------------------------------------------------------------- checks */

void
tl_fail(const char *file, int line, const char *what, const char *exp,
    const char *act)
{
	fflush(stdout);
	fprintf(stderr, "%s:%d: FAIL: %s\n  expected: %s\n  actual:   %s\n",
	    file, line, what, exp, act);
	exit(1);
}

static const char *const opname[] = { "==", "!=", ">=", "<=", ">", "<" };

void
tl_check_int(const char *file, int line, const char *what, long long exp,
    long long act, int op)
{
	char e[64], a[64];
	int ok;

	switch (op) {
	case TL_OP_EQ: ok = act == exp; break;
	case TL_OP_NE: ok = act != exp; break;
	case TL_OP_GE: ok = act >= exp; break;
	case TL_OP_LE: ok = act <= exp; break;
	case TL_OP_GT: ok = act > exp; break;
	default: ok = act < exp; break;
	}
	if (ok)
		return;
	snprintf(e, sizeof(e), "%s %lld", opname[op], exp);
	snprintf(a, sizeof(a), "%lld", act);
	tl_fail(file, line, what, e, a);
}

void
tl_check_dbl(const char *file, int line, const char *what, double exp,
    double act, int op)
{
	char e[64], a[64];
	int ok;

	switch (op) {
	case TL_OP_GE: ok = act >= exp; break;
	case TL_OP_LE: ok = act <= exp; break;
	case TL_OP_GT: ok = act > exp; break;
	case TL_OP_LT: ok = act < exp; break;
	case TL_OP_NE: ok = act != exp; break;
	default: ok = act == exp; break;
	}
	if (ok)
		return;
	snprintf(e, sizeof(e), "%s %g", opname[op], exp);
	snprintf(a, sizeof(a), "%g", act);
	tl_fail(file, line, what, e, a);
}

void
tl_check_str(const char *file, int line, const char *what, const char *exp,
    const char *act)
{
	char e[400], a[400];
	size_t i, from;

	if (exp != NULL && act != NULL && strcmp(exp, act) == 0)
		return;
	if (exp == NULL && act == NULL)
		return;
	if (exp == NULL || act == NULL || (strlen(exp) < 300 &&
	    strlen(act) < 300))
		tl_fail(file, line, what, exp != NULL ? exp : "(null)",
		    act != NULL ? act : "(null)");
	/* long texts: show where they part */
	for (i = 0; exp[i] != '\0' && exp[i] == act[i]; i++)
		;
	from = i > 120 ? i - 120 : 0;
	snprintf(e, sizeof(e), "[%zu bytes, differs at %zu] ...%.240s",
	    strlen(exp), i, exp + from);
	snprintf(a, sizeof(a), "[%zu bytes] ...%.240s", strlen(act),
	    act + from);
	tl_fail(file, line, what, e, a);
}

void
tl_ok(const char *fmt, ...)
{
	va_list ap;

	printf("ok - ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* ---------------------------------------------------------------- misc */

double
tl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void
tl_sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void *
tl_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL) {
		perror("tlib: malloc");
		abort();
	}
	return p;
}

void *
tl_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL) {
		perror("tlib: realloc");
		abort();
	}
	return p;
}

char *
tl_strdup(const char *s)
{
	size_t n;
	char *p;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	p = tl_xmalloc(n + 1);
	memcpy(p, s, n + 1);
	return p;
}

char *
tl_read_file(const char *path, size_t *len)
{
	char *buf = NULL;
	size_t n = 0, cap = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = tl_xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (buf == NULL)
		buf = tl_xmalloc(1);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

int
tl_write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (f == NULL)
		return -1;
	if (fwrite(data, 1, len, f) != len)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

void
tl_buf_add(char **buf, size_t *len, size_t *cap, const char *p, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = tl_xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, p, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/* ---------------------------------------------------------------- cleanup */

static pthread_mutex_t	 reg_mu = PTHREAD_MUTEX_INITIALIZER;
static pid_t		 live_pids[64];
static int		 nlive;
static char		*tmpdirs[16];
static int		 ntmpdirs;
static int		 atexit_set;

static void
rm_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char sub[4096];
	struct stat sb;

	if (d != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
			if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
				rm_tree(sub);
			else
				unlink(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

static void
at_exit(void)
{
	int i;

	pthread_mutex_lock(&reg_mu);
	for (i = 0; i < nlive; i++) {
		kill(live_pids[i], SIGKILL);
		waitpid(live_pids[i], NULL, 0);
	}
	nlive = 0;
	for (i = 0; i < ntmpdirs; i++) {
		rm_tree(tmpdirs[i]);
		free(tmpdirs[i]);
	}
	ntmpdirs = 0;
	pthread_mutex_unlock(&reg_mu);
	curl_global_cleanup();
}

void
tl_reg_init(void)
{
	pthread_mutex_lock(&reg_mu);
	if (!atexit_set) {
		atexit_set = 1;
		curl_global_init(CURL_GLOBAL_DEFAULT);
		atexit(at_exit);
		signal(SIGPIPE, SIG_IGN);
	}
	pthread_mutex_unlock(&reg_mu);
}

void
tl_reg_pid(pid_t pid, int add)
{
	int i;

	pthread_mutex_lock(&reg_mu);
	if (add) {
		if (nlive < (int)(sizeof(live_pids) / sizeof(live_pids[0])))
			live_pids[nlive++] = pid;
	} else {
		for (i = 0; i < nlive; i++)
			if (live_pids[i] == pid) {
				live_pids[i] = live_pids[--nlive];
				break;
			}
	}
	pthread_mutex_unlock(&reg_mu);
}

char *
tl_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	char buf[4096];

	tl_reg_init();
	snprintf(buf, sizeof(buf), "%s/tlib.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	if (mkdtemp(buf) == NULL) {
		perror("tlib: mkdtemp");
		exit(1);
	}
	pthread_mutex_lock(&reg_mu);
	if (ntmpdirs < (int)(sizeof(tmpdirs) / sizeof(tmpdirs[0])))
		tmpdirs[ntmpdirs++] = tl_strdup(buf);
	pthread_mutex_unlock(&reg_mu);
	return tl_strdup(buf);
}

/* ---------------------------------------------------------------- JSON */

json_t *
tl_jget(json_t *j, const char *path)
{
	char seg[256];
	const char *p = path, *e;
	size_t n;

	while (j != NULL && p != NULL && *p != '\0') {
		e = strchr(p, '.');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n >= sizeof(seg))
			return NULL;
		memcpy(seg, p, n);
		seg[n] = '\0';
		if (json_is_object(j)) {
			json_t *v = json_object_get(j, seg);

			/* keys may hold dots ("GET /a.b"): try the rest whole */
			if (v == NULL && e != NULL)
				return json_object_get(j, p);
			j = v;
		} else if (json_is_array(j)) {
			char *end;
			long i = strtol(seg, &end, 10);

			if (*seg == '\0' || *end != '\0' || i < 0)
				return NULL;
			j = json_array_get(j, (size_t)i);
		} else
			return NULL;
		p = e != NULL ? e + 1 : NULL;
	}
	return j;
}

const char *
tl_jstr(json_t *j, const char *path)
{
	return json_string_value(tl_jget(j, path));
}

long long
tl_jint(json_t *j, const char *path, long long def)
{
	json_t *v = tl_jget(j, path);
	double d;

	if (json_is_integer(v))
		return (long long)json_integer_value(v);
	if (json_is_real(v)) {
		d = json_real_value(v);
		if (d == (double)(long long)d)
			return (long long)d;
	}
	return def;
}

double
tl_jnum(json_t *j, const char *path, double def)
{
	json_t *v = tl_jget(j, path);

	return json_is_number(v) ? json_number_value(v) : def;
}

int
tl_jbool(json_t *j, const char *path)
{
	json_t *v = tl_jget(j, path);

	return json_is_boolean(v) ? json_is_true(v) : -1;
}

size_t
tl_jlen(json_t *j, const char *path)
{
	json_t *v = tl_jget(j, path);

	if (json_is_array(v))
		return json_array_size(v);
	if (json_is_object(v))
		return json_object_size(v);
	return 0;
}

/* ---------------------------------------------------------------- control */

long
tl_control(struct tl_resp *r, const struct tl_sandbox *sb,
    const char *method, const char *path, const char *body)
{
	tl_send(r, method, tl_curl(sb, path), body, NULL);
	return r->status;
}

long
tl_faults(const struct tl_sandbox *sb, const char *target,
    const char *knobs)
{
	struct tl_resp r;
	json_error_t je;
	json_t *j = knobs != NULL ? json_loads(knobs, 0, &je) :
	    json_object();
	char *body;
	long st;

	if (!json_is_object(j)) {
		fprintf(stderr, "tlib: tl_faults: knobs are not a JSON object: "
		    "%s\n", knobs);
		exit(1);
	}
	json_object_set_new(j, "target", json_string(target));
	body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	st = tl_control(&r, sb, "POST", "/faults", body);
	if (st != 200)
		fprintf(stderr, "tlib: POST /faults %s: HTTP %ld %s\n", body,
		    st, r.body);
	free(body);
	tl_resp_free(&r);
	return st;
}

static char *
get_raw(const struct tl_sandbox *sb, const char *what, const char *target)
{
	struct tl_resp r;
	char path[256];
	char *b;

	if (target != NULL)
		snprintf(path, sizeof(path), "/%s?target=%s", what, target);
	else
		snprintf(path, sizeof(path), "/%s", what);
	if (tl_control(&r, sb, "GET", path, NULL) != 200) {
		fprintf(stderr, "tlib: GET %s: HTTP %ld %s\n", path, r.status,
		    r.body);
		tl_resp_free(&r);
		return NULL;
	}
	b = r.body;
	r.body = NULL;
	tl_resp_free(&r);
	return b;
}

static json_t *
get_json(const struct tl_sandbox *sb, const char *what, const char *target)
{
	char *b = get_raw(sb, what, target);
	json_error_t je;
	json_t *j;

	if (b == NULL)
		return NULL;
	j = json_loads(b, 0, &je);
	free(b);
	return j;
}

json_t *
tl_counters(const struct tl_sandbox *sb, const char *target)
{
	return get_json(sb, "counters", target);
}

json_t *
tl_state(const struct tl_sandbox *sb, const char *target)
{
	return get_json(sb, "state", target);
}

char *
tl_state_raw(const struct tl_sandbox *sb, const char *target)
{
	return get_raw(sb, "state", target);
}

long
tl_reset_counters(const struct tl_sandbox *sb, const char *target)
{
	struct tl_resp r;
	char body[128];
	long st;

	if (target != NULL)
		snprintf(body, sizeof(body), "{\"target\":\"%s\"}", target);
	else
		snprintf(body, sizeof(body), "{}");
	st = tl_control(&r, sb, "POST", "/reset-counters", body);
	tl_resp_free(&r);
	return st;
}

long long
tl_counter(const struct tl_sandbox *sb, const char *target,
    const char *endpoint, const char *field)
{
	json_t *c = tl_counters(sb, target), *sec, *v;
	long long n = 0;

	if (c == NULL)
		return 0;
	sec = json_object_get(c, target);
	if (endpoint == NULL)
		v = json_object_get(sec, "total");
	else
		v = json_object_get(json_object_get(sec, "endpoints"),
		    endpoint);
	if (v != NULL)
		n = tl_jint(v, field, 0);
	json_decref(c);
	return n;
}
