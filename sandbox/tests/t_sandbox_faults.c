/*
 * t_sandbox_faults.c - every injected fault, on both emulators, set at
 * start with --fault and changed at runtime with POST /faults: rate limit
 * with Retry-After, daily quota, a seeded fraction of 5xx, scripted
 * failures, hangs, malformed and truncated bodies, maintenance, REST
 * switched off, revoked and read-only keys, the capacity model (K workers,
 * per-request and per-item cost) and the counters of injected errors.
 *
 * Times are only ever checked from below: a loaded CI machine may be slow,
 * never fast.
 *
 *	usage: t_sandbox_faults /path/to/tillsync-sandbox
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "tlib.h"

static struct tl_sandbox	 sb;
static const struct tl_emu	*ep, *woo;

/* one request with the emulator's main credentials; returns the status */
static long
req(const struct tl_emu *e, const char *method, const char *path,
    const char *body, struct tl_resp *out)
{
	struct tl_resp r;
	long st;

	tl_emu_req(&r, e, method, path, body, 0);
	st = r.status;
	if (out != NULL)
		*out = r;
	else
		tl_resp_free(&r);
	return st;
}

static void
faults(const char *target, const char *knobs)
{
	TL_EQ_INT(200, tl_faults(&sb, target, knobs));
}

/* every knob back to its default */
static void
faults_off(void)
{
	faults("all", "{\"rate_limit\":null,\"quota\":0,\"error_rate\":0,"
	    "\"error_status\":500,\"hang_ms\":0,\"hang_rate\":1,"
	    "\"malformed\":0,\"truncated\":0,\"maintenance\":0,"
	    "\"rest_disabled\":0,\"revoke_key\":0,\"read_only_key\":0,"
	    "\"fail_next\":0,\"capacity\":{\"workers\":0,\"base_ms\":0,"
	    "\"per_item_ms\":0}}");
	TL_EQ_INT(200, tl_reset_counters(&sb, NULL));
}

/* ---------------------------------------------------------------- start */

/* the sandbox was started with --fault for both emulators */
static void
test_start_flags(void)
{
	struct tl_resp r;
	json_t *f;
	char root[300];

	f = NULL;
	TL_EQ_INT(200, tl_control(&r, &sb, "GET", "/faults", NULL));
	f = TL_JSON(&r);
	tl_resp_free(&r);
	TL_EQ_INT(1, tl_jbool(f, "eposnow.maintenance"));
	TL_EQ_INT(0, tl_jbool(f, "eposnow.rest_disabled"));
	TL_EQ_INT(1, tl_jbool(f, "woocommerce.rest_disabled"));
	TL_EQ_INT(0, tl_jbool(f, "woocommerce.maintenance"));
	json_decref(f);

	/* Epos Now in maintenance: 503 and an HTML page */
	TL_EQ_INT(503, req(ep, "GET", "/Product/1", NULL, &r));
	TL_HAS_STR("text/html", tl_header(&r, "Content-Type"));
	TL_CHECK(tl_json(&r) == NULL);
	tl_resp_free(&r);
	/* WooCommerce with REST off: the theme's 404 page on the API root */
	tl_get(&r, tl_url(&sb, "woocommerce", "/"), NULL);
	TL_EQ_INT(404, r.status);
	TL_HAS_STR("text/html", tl_header(&r, "Content-Type"));
	TL_HAS_STR("<html", r.body);
	tl_resp_free(&r);
	TL_EQ_INT(404, req(woo, "GET", "/products/1", NULL, NULL));
	/* the site itself still answers, and so does the control endpoint */
	snprintf(root, sizeof(root), "%s/", tl_jstr(woo->ready, "site_url"));
	tl_get(&r, root, NULL);
	TL_EQ_INT(200, r.status);
	tl_resp_free(&r);
	TL_EQ_INT(200, tl_control(&r, &sb, "GET", "/health", NULL));
	tl_resp_free(&r);
	TL_EQ_INT(1, tl_counter(&sb, "eposnow", NULL, "errors_injected"));
	TL_EQ_INT(2, tl_counter(&sb, "woocommerce", NULL, "errors_injected"));

	/* switched off at runtime */
	faults("eposnow", "{\"maintenance\":false}");
	faults("woocommerce", "{\"rest_disabled\":0}");
	TL_EQ_INT(200, req(ep, "GET", "/Product/1", NULL, NULL));
	TL_EQ_INT(200, req(woo, "GET", "/products/categories", NULL, NULL));

	/* WooCommerce maintenance: WordPress' page with Retry-After: 600 */
	faults("woocommerce", "{\"maintenance\":1}");
	TL_EQ_INT(503, req(woo, "GET", "/products", NULL, &r));
	TL_EQ_STR("600", tl_header(&r, "Retry-After"));
	TL_HAS_STR("Briefly unavailable for scheduled maintenance. Check back "
	    "in a minute.", r.body);
	tl_resp_free(&r);
	/* Epos Now with its API switched off: the JSON 404 */
	faults("eposnow", "{\"rest_disabled\":1}");
	TL_EQ_INT(404, req(ep, "GET", "/Product/1", NULL, &r));
	TL_HAS_STR("No HTTP resource was found", r.body);
	tl_resp_free(&r);
	faults_off();
	TL_EQ_INT(200, req(woo, "GET", "/products?per_page=1", NULL, NULL));
	TL_EQ_INT(200, req(ep, "GET", "/Product/1", NULL, NULL));
	tl_ok("--fault at start (maintenance, REST off), changed at runtime; "
	    "503 with Retry-After, 404 HTML/JSON, control never faulted");
}

/* ---------------------------------------------------------------- 429 */

static void
test_rate_limit(void)
{
	struct tl_resp r;
	char seen[16];
	int i;

	faults("eposnow", "{\"rate_limit\":{\"burst\":3,\"window_ms\":60000,"
	    "\"retry_after\":7}}");
	for (i = 0; i < 3; i++)
		TL_EQ_INT(200, req(ep, "GET", "/Product/1", NULL, NULL));
	for (i = 0; i < 2; i++) {
		TL_EQ_INT(429, req(ep, "GET", "/Category", NULL, &r));
		TL_EQ_STR("7", tl_header(&r, "Retry-After"));
		TL_EQ_STR("API Limit Exceeded", r.body);
		tl_resp_free(&r);
	}
	TL_EQ_INT(2, tl_counter(&sb, "eposnow", NULL, "errors_injected"));
	TL_EQ_INT(2, tl_counter(&sb, "eposnow", "GET /Category",
	    "status.4xx"));
	/* the other emulator is not limited */
	TL_EQ_INT(200, req(woo, "GET", "/products?per_page=1", NULL, NULL));

	/* every Nth request refused */
	faults("eposnow", "{\"rate_limit\":{\"every\":3,\"retry_after\":2}}");
	for (i = 0; i < 9; i++)
		seen[i] = req(ep, "GET", "/Product/1", NULL, NULL) == 429 ?
		    'x' : '.';
	seen[9] = '\0';
	TL_EQ_STR("..x..x..x", seen);

	/* WooCommerce: the host's nginx answers, HTML */
	faults("woocommerce", "{\"rate_limit\":{\"burst\":1,\"window_ms\":"
	    "60000,\"retry_after\":30}}");
	TL_EQ_INT(200, req(woo, "GET", "/products?per_page=1", NULL, NULL));
	TL_EQ_INT(429, req(woo, "GET", "/products?per_page=1", NULL, &r));
	TL_EQ_STR("30", tl_header(&r, "Retry-After"));
	TL_HAS_STR("429 Too Many Requests", r.body);
	tl_resp_free(&r);
	faults("all", "{\"rate_limit\":null}");
	TL_EQ_INT(200, req(woo, "GET", "/products?per_page=1", NULL, NULL));

	/* a daily quota: "API Limit Exceeded" once it is used up */
	faults_off();
	faults("eposnow", "{\"quota\":4,\"quota_status\":403}");
	for (i = 0; i < 4; i++)
		TL_EQ_INT(200, req(ep, "GET", "/Product/1", NULL, NULL));
	TL_EQ_INT(403, req(ep, "GET", "/Product/1", NULL, &r));
	TL_EQ_STR("API Limit Exceeded", r.body);
	tl_resp_free(&r);
	TL_EQ_INT(403, req(ep, "POST", "/Category", "{\"Name\":\"Q\"}", NULL));
	/* a new day: resetting the counters resets the allowance */
	TL_EQ_INT(200, tl_reset_counters(&sb, "eposnow"));
	TL_EQ_INT(200, req(ep, "GET", "/Product/1", NULL, NULL));
	faults_off();
	tl_ok("rate limit: burst per window and every Nth with Retry-After "
	    "(text on Epos Now, nginx HTML on WooCommerce); quota with its "
	    "status, reset by reset-counters");
}

/* ---------------------------------------------------------------- 5xx */

/* n sequential GETs; pattern gets '.' for 200 and 'x' for the 5xx */
static int
run_pattern(char *pattern, int n, long want5xx)
{
	struct tl_resp r;
	int i, k = 0;
	long st;

	for (i = 0; i < n; i++) {
		st = req(ep, "GET", "/Product/1", NULL, &r);
		if (st == 200)
			pattern[i] = '.';
		else {
			TL_EQ_INT(want5xx, st);
			pattern[i] = 'x';
			k++;
		}
		tl_resp_free(&r);
	}
	pattern[n] = '\0';
	return k;
}

static void
test_server_errors(void)
{
	char p1[201], p2[201], p3[201];
	struct tl_resp r;
	json_t *j;
	int k1, k2, k3;

	/* 25% of 200 requests fail: the count is the seed's, every run */
	faults("eposnow", "{\"error_rate\":0.25,\"seed\":42}");
	k1 = run_pattern(p1, 200, 500);
	TL_GE_INT(20, k1);
	TL_LE_INT(80, k1);
	TL_EQ_INT(k1, tl_counter(&sb, "eposnow", NULL, "errors_injected"));
	TL_EQ_INT(k1, tl_counter(&sb, "eposnow", "GET /Product/{id}",
	    "status.5xx"));
	TL_EQ_INT(200 - k1, tl_counter(&sb, "eposnow", "GET /Product/{id}",
	    "status.2xx"));
	faults("eposnow", "{\"seed\":42}");
	k2 = run_pattern(p2, 200, 500);
	TL_EQ_INT(k1, k2);
	TL_EQ_STR(p1, p2);
	faults("eposnow", "{\"seed\":43}");
	k3 = run_pattern(p3, 200, 500);
	TL_CHECK(strcmp(p1, p3) != 0);
	(void)k3;

	/* the bodies: Web API's JSON 500; another status is IIS HTML */
	faults("eposnow", "{\"error_rate\":1}");
	TL_EQ_INT(500, req(ep, "GET", "/Product/1", NULL, &r));
	j = TL_JSON(&r);
	TL_EQ_STR("An error has occurred.", tl_jstr(j, "Message"));
	json_decref(j);
	tl_resp_free(&r);
	faults("eposnow", "{\"error_status\":503}");
	TL_EQ_INT(503, req(ep, "GET", "/Product/1", NULL, NULL));
	/* WooCommerce: WordPress' fatal error handler answers JSON */
	TL_EQ_INT(200, req(woo, "GET", "/products?per_page=1", NULL, NULL));
	faults("woocommerce", "{\"error_rate\":1}");
	TL_EQ_INT(500, req(woo, "GET", "/products?per_page=1", NULL, &r));
	j = TL_JSON(&r);
	TL_EQ_STR("internal_server_error", tl_jstr(j, "code"));
	json_decref(j);
	tl_resp_free(&r);
	faults("woocommerce", "{\"error_status\":502}");
	TL_EQ_INT(502, req(woo, "GET", "/products?per_page=1", NULL, &r));
	TL_HAS_STR("502 Bad Gateway", r.body);
	tl_resp_free(&r);
	faults_off();

	/* scripted: the next two reads of one route fail, nothing else */
	faults("eposnow", "{\"fail_next\":{\"count\":2,\"status\":502,"
	    "\"route\":\"GET /Product/{id}\"}}");
	TL_EQ_INT(200, req(ep, "GET", "/Category", NULL, NULL));
	TL_EQ_INT(502, req(ep, "GET", "/Product/1", NULL, NULL));
	TL_EQ_INT(502, req(ep, "GET", "/Product/2", NULL, NULL));
	TL_EQ_INT(200, req(ep, "GET", "/Product/1", NULL, NULL));
	faults("woocommerce", "{\"fail_next\":{\"count\":1,\"status\":429}}");
	TL_EQ_INT(429, req(woo, "GET", "/products?per_page=1", NULL, &r));
	TL_CHECK(tl_header(&r, "Retry-After") != NULL);
	tl_resp_free(&r);
	TL_EQ_INT(200, req(woo, "GET", "/products?per_page=1", NULL, NULL));
	TL_EQ_INT(2, tl_counter(&sb, "eposnow", NULL, "errors_injected"));
	TL_EQ_INT(1, tl_counter(&sb, "woocommerce", NULL, "errors_injected"));
	faults_off();
	tl_ok("5xx: error_rate %d/200 at 0.25, the same pattern for the same "
	    "seed and another for another; vendor bodies; fail_next per "
	    "route; injected errors counted", k1);
}

/* ---------------------------------------------------------------- hang */

static void
test_hang(void)
{
	struct tl_req rq;
	struct tl_resp r;
	char url[512];
	double t0;

	faults("eposnow", "{\"hang_ms\":700}");
	/* a patient client gets the answer, late */
	t0 = tl_now_ms();
	TL_EQ_INT(200, req(ep, "GET", "/Product/1", NULL, NULL));
	TL_GE_DBL(700, tl_now_ms() - t0);
	/* an impatient one times out */
	memset(&rq, 0, sizeof(rq));
	snprintf(url, sizeof(url), "%s/Product/1", ep->base_url);
	rq.url = url;
	rq.userpwd = ep->userpwd;
	rq.timeout_ms = 200;
	t0 = tl_now_ms();
	TL_EQ_INT(-1, tl_http(&rq, &r));
	TL_EQ_INT(CURLE_OPERATION_TIMEDOUT, r.curl_code);
	TL_EQ_INT(0, r.status);
	TL_GE_DBL(200, tl_now_ms() - t0);
	tl_resp_free(&r);
	/* the abandoned request is counted once its hang is over */
	for (t0 = tl_now_ms(); tl_now_ms() - t0 < 5000 && tl_counter(&sb,
	    "eposnow", NULL, "errors_injected") < 2; )
		tl_sleep_ms(20);
	TL_EQ_INT(2, tl_counter(&sb, "eposnow", NULL, "errors_injected"));
	/* a scripted hang on one route only */
	faults("eposnow", "{\"hang_ms\":0,\"fail_next\":{\"count\":1,"
	    "\"hang_ms\":400,\"route\":\"GET /Category\"}}");
	t0 = tl_now_ms();
	TL_EQ_INT(200, req(ep, "GET", "/Category", NULL, NULL));
	TL_GE_DBL(400, tl_now_ms() - t0);
	faults_off();
	tl_ok("hang: a request takes at least hang_ms, a client with a shorter "
	    "timeout gives up; fail_next can hang one route");
}

/* ---------------------------------------------------------------- bodies */

static void
test_bodies(void)
{
	struct tl_resp good, r;
	const char *wpath = "/products/categories?per_page=3";

	/* Epos Now: an IIS error page with a 200 and a JSON content type */
	TL_EQ_INT(200, req(ep, "GET", "/Product/1", NULL, &good));
	faults("eposnow", "{\"malformed\":1}");
	TL_EQ_INT(200, req(ep, "GET", "/Product/1", NULL, &r));
	TL_HAS_STR("application/json", tl_header(&r, "Content-Type"));
	TL_CHECK(tl_json(&r) == NULL);
	TL_HAS_STR("<html>", r.body);
	tl_resp_free(&r);
	/* truncated: the first half of the real body, Content-Length true */
	faults("eposnow", "{\"malformed\":0,\"truncated\":1}");
	TL_EQ_INT(200, req(ep, "GET", "/Product/1", NULL, &r));
	TL_EQ_INT(good.len / 2, r.len);
	TL_CHECK(memcmp(good.body, r.body, r.len) == 0);
	TL_CHECK(tl_json(&r) == NULL);
	tl_resp_free(&r);
	tl_resp_free(&good);
	TL_EQ_INT(2, tl_counter(&sb, "eposnow", NULL, "errors_injected"));

	/* WooCommerce: a PHP warning printed before the JSON */
	TL_EQ_INT(200, req(woo, "GET", wpath, NULL, &good));
	faults("woocommerce", "{\"malformed\":1}");
	TL_EQ_INT(200, req(woo, "GET", wpath, NULL, &r));
	TL_CHECK(tl_json(&r) == NULL);
	TL_HAS_STR("<b>Warning</b>", r.body);
	TL_CHECK(r.len > good.len);
	TL_CHECK(memcmp(r.body + r.len - good.len, good.body, good.len) == 0);
	tl_resp_free(&r);
	faults("woocommerce", "{\"malformed\":0,\"truncated\":1}");
	TL_EQ_INT(200, req(woo, "GET", wpath, NULL, &r));
	TL_EQ_INT(good.len / 2, r.len);
	TL_CHECK(memcmp(good.body, r.body, r.len) == 0);
	tl_resp_free(&r);
	/* fault bodies themselves are never spoiled a second time */
	faults("woocommerce", "{\"truncated\":1,\"error_rate\":1}");
	TL_EQ_INT(500, req(woo, "GET", wpath, NULL, &r));
	json_decref(TL_JSON(&r));
	tl_resp_free(&r);
	tl_resp_free(&good);
	faults_off();
	tl_ok("malformed and truncated bodies, the vendor's way, counted");
}

/* ---------------------------------------------------------------- keys */

static void
test_keys(void)
{
	struct tl_resp r;
	json_t *j;

	/* Epos Now: a revoked device key, then a read-only one */
	faults("eposnow", "{\"revoke_key\":1}");
	TL_EQ_INT(401, req(ep, "GET", "/Product/1", NULL, &r));
	TL_HAS_STR("Authorization has been denied", r.body);
	tl_resp_free(&r);
	faults("eposnow", "{\"revoke_key\":0,\"read_only_key\":1}");
	TL_EQ_INT(200, req(ep, "GET", "/Product/1", NULL, NULL));
	TL_EQ_INT(403, req(ep, "POST", "/Category", "{\"Name\":\"RO\"}", &r));
	TL_HAS_STR("Authorization has been denied", r.body);
	tl_resp_free(&r);
	j = TL_CALL(ep, "GET", "/Category?Name=RO", NULL, 200);
	TL_EQ_INT(0, json_array_size(j));
	json_decref(j);

	/* WooCommerce: a revoked key is an unknown key to OAuth */
	faults("woocommerce", "{\"revoke_key\":1}");
	TL_EQ_INT(401, req(woo, "GET", "/products?per_page=1", NULL, &r));
	j = TL_JSON(&r);
	TL_EQ_STR("woocommerce_rest_authentication_error", tl_jstr(j, "code"));
	TL_EQ_STR("Consumer key is invalid.", tl_jstr(j, "message"));
	TL_EQ_INT(401, tl_jint(j, "data.status", 0));
	json_decref(j);
	tl_resp_free(&r);
	/* the read-only pair is another key: still reads */
	tl_emu_req(&r, woo, "GET", "/products?per_page=1", NULL, 1);
	TL_EQ_INT(200, r.status);
	tl_resp_free(&r);
	/*
	 * A key without write permission: WooCommerce answers 401 (not 403)
	 * with woocommerce_rest_authentication_error (facts file, 2.3).
	 */
	faults("woocommerce", "{\"revoke_key\":0,\"read_only_key\":1}");
	TL_EQ_INT(200, req(woo, "GET", "/products?per_page=1", NULL, NULL));
	TL_EQ_INT(401, req(woo, "POST", "/products/categories",
	    "{\"name\":\"RO\"}", &r));
	j = TL_JSON(&r);
	TL_EQ_STR("woocommerce_rest_authentication_error", tl_jstr(j, "code"));
	TL_EQ_STR("The API key provided does not have write permissions.",
	    tl_jstr(j, "message"));
	json_decref(j);
	tl_resp_free(&r);
	faults_off();
	tl_emu_req(&r, woo, "POST", "/products/categories", "{\"name\":\"RO\"}",
	    1);
	TL_EQ_INT(401, r.status);
	TL_HAS_STR("does not have write permissions", r.body);
	tl_resp_free(&r);
	TL_EQ_INT(201, req(woo, "POST", "/products/categories",
	    "{\"name\":\"RW\"}", NULL));
	tl_ok("keys: revoked (401, vendor bodies), read-only writing (Epos Now "
	    "403; WooCommerce 401 'does not have write permissions')");
}

/* ---------------------------------------------------------------- capacity */

struct par {
	const struct tl_emu	*e;
	const char		*method;
	const char		*path;
	const char		*body;
	long			 status;
};

static void *
par_run(void *p)
{
	struct par *a = p;

	a->status = req(a->e, a->method, a->path, a->body, NULL);
	return NULL;
}

/* n requests at once; returns the wall time in ms */
static double
parallel(struct par *a, int n)
{
	pthread_t th[16];
	double t0 = tl_now_ms();
	int i;

	for (i = 0; i < n; i++)
		pthread_create(&th[i], NULL, par_run, &a[i]);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	return tl_now_ms() - t0;
}

static void
test_capacity(void)
{
	struct par a[4];
	struct tl_resp r;
	double ms;
	json_t *f;
	int i;

	/* one PHP worker, 50 ms a request: four at once queue up */
	for (i = 0; i < 4; i++) {
		a[i].e = ep;
		a[i].method = "GET";
		a[i].path = "/Product/1";
		a[i].body = NULL;
		a[i].status = 0;
	}
	faults("eposnow", "{\"capacity\":{\"workers\":1,\"base_ms\":50}}");
	TL_EQ_INT(200, tl_control(&r, &sb, "GET", "/faults", NULL));
	f = TL_JSON(&r);
	TL_EQ_INT(1, tl_jint(f, "eposnow.capacity.workers", 0));
	TL_EQ_INT(50, tl_jint(f, "eposnow.capacity.base_ms", 0));
	json_decref(f);
	tl_resp_free(&r);
	ms = parallel(a, 4);
	for (i = 0; i < 4; i++)
		TL_EQ_INT(200, a[i].status);
	TL_GE_DBL(200, ms);
	/* two workers, 150 ms: two waves */
	faults("eposnow", "{\"capacity\":{\"workers\":2,\"base_ms\":150}}");
	ms = parallel(a, 4);
	TL_GE_DBL(300, ms);
	/* the other emulator has its own workers and is not limited */
	for (i = 0; i < 4; i++) {
		a[i].e = woo;
		a[i].path = "/products?per_page=1";
	}
	ms = parallel(a, 4);
	for (i = 0; i < 4; i++)
		TL_EQ_INT(200, a[i].status);
	/* per item written: a 5-item write costs 5 x 60 ms */
	faults("eposnow", "{\"capacity\":{\"workers\":0,\"base_ms\":0,"
	    "\"per_item_ms\":60}}");
	ms = tl_now_ms();
	TL_EQ_INT(200, req(ep, "POST", "/Category", "[{\"Name\":\"c1\"},"
	    "{\"Name\":\"c2\"},{\"Name\":\"c3\"},{\"Name\":\"c4\"},"
	    "{\"Name\":\"c5\"}]", NULL));
	TL_GE_DBL(300, tl_now_ms() - ms);
	TL_EQ_INT(5, tl_counter(&sb, "eposnow", "POST /Category",
	    "items_written"));
	faults_off();
	tl_ok("capacity: K workers queue requests (K=1, 50 ms: 4 take >= 200 "
	    "ms; K=2, 150 ms: >= 300 ms), per-item cost on writes");
}

/* ---------------------------------------------------------------- control */

static void
test_control(void)
{
	struct tl_resp r;
	json_t *j;

	TL_EQ_INT(400, tl_control(&r, &sb, "POST", "/faults",
	    "{\"error_rate\":0.5}"));
	TL_HAS_STR("target", r.body);
	tl_resp_free(&r);
	TL_EQ_INT(404, tl_control(&r, &sb, "POST", "/faults",
	    "{\"target\":\"nosuch\",\"error_rate\":0.5}"));
	tl_resp_free(&r);
	TL_EQ_INT(400, tl_control(&r, &sb, "POST", "/faults",
	    "{\"target\":\"eposnow\",\"error_rat\":0.5}"));
	j = TL_JSON(&r);
	TL_EQ_STR("unknown fault knob 'error_rat'", tl_jstr(j, "error"));
	json_decref(j);
	tl_resp_free(&r);
	TL_EQ_INT(400, tl_control(&r, &sb, "POST", "/faults",
	    "{\"target\":\"eposnow\",\"error_rate\":2}"));
	TL_HAS_STR("between", r.body);
	tl_resp_free(&r);
	TL_EQ_INT(400, tl_control(&r, &sb, "POST", "/faults", "{oops"));
	tl_resp_free(&r);
	TL_EQ_INT(405, tl_control(&r, &sb, "PUT", "/faults", "{}"));
	tl_resp_free(&r);
	/* "all" reaches both; each answer names every emulator's knobs */
	TL_EQ_INT(200, tl_control(&r, &sb, "POST", "/faults",
	    "{\"target\":\"all\",\"maintenance\":1}"));
	j = TL_JSON(&r);
	TL_EQ_INT(1, tl_jbool(j, "eposnow.maintenance"));
	TL_EQ_INT(1, tl_jbool(j, "woocommerce.maintenance"));
	json_decref(j);
	tl_resp_free(&r);
	TL_EQ_INT(503, req(ep, "GET", "/Product/1", NULL, NULL));
	TL_EQ_INT(503, req(woo, "GET", "/products", NULL, NULL));
	faults_off();
	TL_EQ_INT(200, req(ep, "GET", "/Product/1", NULL, NULL));
	tl_ok("POST /faults: target required, unknown target 404, unknown knob "
	    "and out-of-range values 400, 'all' reaches every emulator");
}

int
main(int argc, char **argv)
{
	const char *args[] = { "--seed", "21", "--products", "40",
	    "--customers", "10", "--orders", "5",
	    "--fault", "eposnow={\"maintenance\":1}",
	    "--fault", "woocommerce={\"rest_disabled\":true}", NULL };

	if (argc < 2) {
		fprintf(stderr, "usage: %s /path/to/tillsync-sandbox\n",
		    argv[0]);
		return 2;
	}
	tl_start(&sb, argv[1], args);
	ep = tl_emu(&sb, "eposnow");
	woo = tl_emu(&sb, "woocommerce");
	TL_CHECK(ep != NULL && woo != NULL);

	test_start_flags();
	test_rate_limit();
	test_server_errors();
	test_hang();
	test_bodies();
	test_keys();
	test_capacity();
	test_control();

	TL_EQ_INT(0, tl_stop(&sb));
	tl_sandbox_free(&sb);
	tl_ok("sandbox stopped cleanly");
	return 0;
}
