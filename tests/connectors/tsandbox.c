/*
 * tsandbox.c: the sandbox child and direct requests to it; see tsandbox.h.
 */
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "tsandbox.h"

#include "http/oauth1.h"
#include "util/json_decimal.h"

extern const struct connector_ops woocommerce_connector;

struct sandbox sb;

const char *
jstr(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

/* --- the sandbox child ----------------------------------------------------- */

/* The first of several possible names: the ready line is the sandbox's. */
static const char *
pick(const json_t *obj, const char *const *names)
{
	for (; *names; names++) {
		const json_t *v = json_object_get(obj, *names);

		if (json_is_string(v))
			return json_string_value(v);
	}
	return NULL;
}

static int
read_line(int fd, char *buf, size_t len, int timeout_ms)
{
	size_t n = 0;

	while (n + 1 < len) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t r;

		if (poll(&p, 1, timeout_ms) <= 0)
			return -1;
		r = read(fd, buf + n, 1);
		if (r <= 0)
			return -1;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return 0;
}

int
sandbox_start(const char *const *args)
{
	static const char *const url_names[] = { "site_url", NULL };   /* base_url ends in /wp-json/wc/v3 */
	static const char *const key_names[] = { "consumer_key", NULL };
	static const char *const secret_names[] = { "consumer_secret", NULL };
	static const char *const ro_key_names[] = { "read_only_consumer_key", NULL };
	static const char *const ro_secret_names[] = { "read_only_consumer_secret", NULL };
	const char *bin = getenv("SANDBOX");
	struct sbuf err = SBUF_INIT;
	char line[8192];
	const char *s;
	json_t *ready, *wj, *ro, *ep;
	int fds[2];

	memset(&sb, 0, sizeof(sb));
	if (http_client_new(&sb.hc, &err) < 0)
		return -1;
	if (!bin || !*bin)
		return 0;   /* live tests skip */
	if (pipe(fds) < 0)
		return -1;
	sb.pid = fork();
	if (sb.pid == 0) {
		const char *argv[32];
		size_t n = 0;

		argv[n++] = bin;
		for (; args && *args && n + 1 < sizeof(argv) / sizeof(argv[0]); args++)
			argv[n++] = *args;
		argv[n] = NULL;
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	if (sb.pid < 0 || read_line(fds[0], line, sizeof(line), 20000) < 0) {
		fprintf(stderr, "sandbox '%s' printed no ready line\n", bin);
		close(fds[0]);
		return -1;
	}
	close(fds[0]);   /* nothing else is printed on stdout */
	ready = json_loads(line, 0, NULL);
	wj = json_object_get(ready, "woocommerce");
	s = pick(wj, url_names);
	snprintf(sb.woo, sizeof(sb.woo), "%s", s ? s : "");
	s = json_string_value(json_object_get(ready, "control"));
	snprintf(sb.control, sizeof(sb.control), "%s", s ? s : "");
	s = pick(wj, key_names);
	snprintf(sb.key, sizeof(sb.key), "%s", s ? s : "");
	s = pick(wj, secret_names);
	snprintf(sb.secret, sizeof(sb.secret), "%s", s ? s : "");
	/* the read-only key: flat, or an object {"key","secret"} */
	ro = json_object_get(wj, "read_only");
	s = json_is_object(ro) ? pick(ro, key_names) : pick(wj, ro_key_names);
	snprintf(sb.ro_key, sizeof(sb.ro_key), "%s", s ? s : "");
	s = json_is_object(ro) ? pick(ro, secret_names) : pick(wj, ro_secret_names);
	snprintf(sb.ro_secret, sizeof(sb.ro_secret), "%s", s ? s : "");
	ep = json_object_get(ready, "eposnow");
	snprintf(sb.epos, sizeof(sb.epos), "%s", jstr(ep, "base_url"));
	snprintf(sb.epos_key, sizeof(sb.epos_key), "%s", jstr(ep, "api_key"));
	snprintf(sb.epos_secret, sizeof(sb.epos_secret), "%s", jstr(ep, "api_secret"));
	json_decref(ready);
	snprintf(sb.creds, sizeof(sb.creds), "{\"key\":\"%s\",\"secret\":\"%s\"}", sb.key, sb.secret);
	/* what the Epos Now connector's open reads: {"key","secret"} */
	snprintf(sb.epos_creds, sizeof(sb.epos_creds), "{\"key\":\"%s\",\"secret\":\"%s\"}", sb.epos_key,
		 sb.epos_secret);
	if (!sb.woo[0] || !sb.control[0] || !sb.key[0] || !sb.secret[0]) {
		fprintf(stderr, "cannot find the WooCommerce url/key/secret or control in the ready line: %s\n", line);
		return -1;
	}
	if (!sb.epos[0] || !sb.epos_key[0] || !sb.epos_secret[0]) {
		fprintf(stderr, "no eposnow base_url/api_key/api_secret in the ready line: %s\n", line);
		return -1;
	}
	sb.epos_auth = http_basic_auth(sb.epos_key, sb.epos_secret);
	return 0;
}

int
sandbox_stop(void)
{
	if (sb.pid > 0) {
		kill(sb.pid, SIGTERM);
		waitpid(sb.pid, NULL, 0);
	}
	free(sb.epos_auth);
	http_client_free(sb.hc);
	return 0;
}

/* --- direct requests, to check what the connector did -------------------- */

/* authorization: the header value, or NULL for none */
static long
request(const char *method, const char *url, const char *authorization, const char *body, json_t **out)
{
	struct http_request rq = HTTP_REQUEST_INIT;
	struct http_response rs;
	struct sbuf err = SBUF_INIT;
	long status;

	rq.method = method;
	rq.url = url;
	rq.authorization = authorization;
	rq.body = body;
	rq.body_len = body ? strlen(body) : 0;
	http_response_init(&rs);
	if (http_do(sb.hc, &rq, &rs, &err) < 0)
		fail_msg("%s %s: %s", method, url, err.buf);
	status = rs.status;
	if (out) {
		*out = json_decimal_loads(rs.body.buf, rs.body.len, &err);
		if (!*out)
			fail_msg("%s %s: HTTP %ld, not JSON: %.300s", method, url, status, rs.body.buf);
	}
	http_response_release(&rs);
	sbuf_release(&err);
	return status;
}

long
http(const char *method, const char *url, const char *body, json_t **out)
{
	return request(method, url, NULL, body, out);
}

long
woo(const char *method, const char *path, const char *body, json_t **out)
{
	struct sbuf url = SBUF_INIT, err = SBUF_INIT;
	char *signed_url;
	long status;

	sbuf_addf(&url, "%s/wp-json/wc/v3%s", sb.woo, path);
	signed_url = oauth1_sign_url(method, url.buf, sb.key, sb.secret, OAUTH1_HMAC_SHA256, NULL, 0, &err);
	assert_non_null(signed_url);
	status = http(method, signed_url, body, out);
	free(signed_url);
	sbuf_release(&url);
	sbuf_release(&err);
	return status;
}

long
epos(const char *method, const char *path, const char *body, json_t **out)
{
	struct sbuf url = SBUF_INIT;
	long status;

	sbuf_addf(&url, "%s%s", sb.epos, path);
	status = request(method, url.buf, sb.epos_auth, body, out);
	sbuf_release(&url);
	return status;
}

void
faults(const char *json_knobs)
{
	char url[256], body[1024];
	json_t *j = NULL;
	long status;

	snprintf(url, sizeof(url), "%s/faults", sb.control);
	snprintf(body, sizeof(body), "{\"target\":\"woocommerce\",%s}", json_knobs);
	status = http("POST", url, body, &j);
	if (status != 200)
		fail_msg("POST /faults %s: HTTP %ld: %s", body, status,
			 json_string_value(json_object_get(j, "error")) ? json_string_value(json_object_get(j, "error")) : "");
	json_decref(j);
}

void
faults_off(void)
{
	faults("\"maintenance\":0,\"rest_disabled\":0,\"malformed\":0,\"truncated\":0,\"error_rate\":0,"
	       "\"rate_limit\":null,\"read_only_key\":0,\"revoke_key\":0,\"fail_next\":0");
}

long
sandbox_requests(const char *endpoint)
{
	char url[256];
	json_t *j = NULL;
	long n;

	snprintf(url, sizeof(url), "%s/counters?target=woocommerce", sb.control);
	assert_int_equal(http("GET", url, NULL, &j), 200);
	n = (long)json_integer_value(json_object_get(
		json_object_get(json_object_get(json_object_get(j, "woocommerce"), "endpoints"), endpoint), "requests"));
	json_decref(j);
	return n;
}

struct connector *
open_with(const char *base, const char *creds)
{
	struct remote_error re;
	struct connector *c = NULL;

	remote_error_init(&re);
	if (woocommerce_connector.open(&c, base, creds, &re) != REMOTE_OK)
		fail_msg("open: %s", re.message.buf);
	remote_error_release(&re);
	return c;
}

struct connector *
open_sandbox(void)
{
	return open_with(sb.woo, sb.creds);
}

struct money
money_of(const char *s)
{
	struct money m = { 0 };

	assert_int_equal(money_parse(s, &m), 0);
	return m;
}

json_t *
loads(const char *text)
{
	struct sbuf err = SBUF_INIT;
	json_t *j = json_decimal_loads(text, strlen(text), &err);

	if (!j)
		fail_msg("bad test JSON: %s", err.buf);
	sbuf_release(&err);
	return j;
}
