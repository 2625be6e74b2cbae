/*
 * t_sandbox_basic.c - the sandbox as a program: its ready line, --seed
 * determinism, --data and the dump/load round trip, per-endpoint
 * counters, clean exit on SIGTERM, and how it refuses bad flags.
 *
 *	usage: t_sandbox_basic /path/to/tillsync-sandbox
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlib.h"

static const char	*bin;

static const char *const small[] = { "--seed", "5", "--products", "30",
    "--customers", "12", "--orders", "8", NULL };

/* ---------------------------------------------------------------- ready */

static void
test_ready_line(void)
{
	struct tl_sandbox sb;
	const struct tl_emu *woo, *ep;
	struct tl_resp r;
	json_t *j;

	tl_start(&sb, bin, small);
	/* one JSON object: both emulators and the control URL */
	TL_CHECK(json_is_object(sb.ready));
	TL_CHECK(strchr(sb.ready_line, '\n') == NULL);
	{
		const char *k;
		json_t *v;

		/* "control" and one object per emulator, nothing else */
		json_object_foreach(sb.ready, k, v) {
			if (strcmp(k, "control") == 0)
				TL_CHECK(json_is_string(v));
			else
				TL_CHECK(tl_jstr(v, "base_url") != NULL);
		}
	}
	TL_EQ_INT(2, sb.nemu);
	TL_HAS_STR("http://127.0.0.1:", sb.control);
	woo = tl_emu(&sb, "woocommerce");
	ep = tl_emu(&sb, "eposnow");
	TL_CHECK(woo != NULL && ep != NULL);
	TL_HAS_STR("/wp-json/wc/v3", woo->base_url);
	TL_HAS_STR("/api/V4", ep->base_url);
	TL_CHECK(strncmp(tl_jstr(woo->ready, "consumer_key"), "ck_", 3) == 0);
	TL_CHECK(strncmp(tl_jstr(woo->ready, "consumer_secret"), "cs_", 3) ==
	    0);
	TL_CHECK(woo->ro_key[0] != '\0' && woo->ro_secret[0] != '\0');
	TL_CHECK(strcmp(woo->ro_key, woo->key) != 0);
	TL_EQ_INT(0, woo->tls);
	TL_CHECK(tl_jstr(ep->ready, "api_key") != NULL);
	TL_CHECK(tl_jstr(ep->ready, "api_secret") != NULL);

	/* every URL answers */
	tl_get(&r, tl_curl(&sb, "/health"), NULL);
	TL_EQ_INT(200, r.status);
	j = TL_JSON(&r);
	TL_EQ_INT(1, tl_jbool(j, "ok"));
	json_decref(j);
	tl_resp_free(&r);
	j = TL_CALL(ep, "GET", "/Product/1", NULL, 200);
	TL_EQ_INT(1, tl_jint(j, "Id", 0));
	json_decref(j);
	/* the WooCommerce namespace index needs no key */
	tl_get(&r, tl_url(&sb, "woocommerce", "/"), NULL);
	TL_EQ_INT(200, r.status);
	j = TL_JSON(&r);
	TL_EQ_STR("wc/v3", tl_jstr(j, "namespace"));
	json_decref(j);
	tl_resp_free(&r);
	/* and the keys work: OAuth 1.0a over plain http */
	j = TL_CALL(woo, "GET", "/products/categories?per_page=1", NULL, 200);
	TL_EQ_INT(1, json_array_size(j));
	json_decref(j);

	/* nothing else is ever printed on stdout */
	TL_EQ_INT(0, tl_stop(&sb));
	TL_EQ_STR("", sb.rest);
	tl_sandbox_free(&sb);
	tl_ok("ready line: one line of JSON with each emulator's base URL and "
	    "credentials and the control URL; all answer; nothing else on "
	    "stdout");
}

/* ---------------------------------------------------------------- seed */

/*
 * The shop renders its own URL into permalinks, and every run listens on
 * another port: "127.0.0.1:<port>" becomes "127.0.0.1:PORT".
 */
static char *
unport(char *s)
{
	char *p = s, *q;

	while ((p = strstr(p, "127.0.0.1:")) != NULL) {
		p += 10;
		for (q = p; *q >= '0' && *q <= '9'; q++)
			;
		if (q - p < 4)
			continue;	/* never lengthen the text */
		memmove(p + 4, q, strlen(q) + 1);
		memcpy(p, "PORT", 4);
		p += 4;
	}
	return s;
}

static char *
state_of(const char *const *args, char **ready)
{
	struct tl_sandbox sb;
	char *s;

	tl_start(&sb, bin, args);
	s = tl_state_raw(&sb, NULL);
	TL_CHECK(s != NULL);
	unport(s);
	if (ready != NULL) {
		json_t *j = json_deep_copy(sb.ready);

		/* ports differ from run to run; credentials must not */
		json_object_del(j, "control");
		json_object_del(json_object_get(j, "woocommerce"), "base_url");
		json_object_del(json_object_get(j, "woocommerce"), "site_url");
		json_object_del(json_object_get(j, "eposnow"), "base_url");
		*ready = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
		json_decref(j);
	}
	TL_EQ_INT(0, tl_stop(&sb));
	tl_sandbox_free(&sb);
	return s;
}

static void
test_seed(void)
{
	static const char *const other[] = { "--seed", "6", "--products",
	    "30", "--customers", "12", "--orders", "8", NULL };
	char *a, *b, *c, *ra, *rb, *rc;
	json_t *j;

	a = state_of(small, &ra);
	/* a second later: nothing may depend on the clock */
	tl_sleep_ms(1100);
	b = state_of(small, &rb);
	c = state_of(other, &rc);
	TL_GT_INT(1000, strlen(a));
	TL_EQ_STR(a, b);
	TL_EQ_STR(ra, rb);
	TL_CHECK(strcmp(a, c) != 0);
	TL_CHECK(strcmp(ra, rc) != 0);
	/* and the sizes are what was asked for */
	j = json_loads(a, 0, NULL);
	TL_CHECK(j != NULL);
	TL_EQ_INT(12, tl_jlen(j, "eposnow.customers"));
	TL_EQ_INT(8, tl_jlen(j, "eposnow.transactions"));
	TL_GE_INT(30, tl_jlen(j, "eposnow.products"));
	TL_CHECK(json_is_object(tl_jget(j, "woocommerce")));
	json_decref(j);
	free(a);
	free(b);
	free(c);
	free(ra);
	free(rb);
	free(rc);
	tl_ok("--seed: the same seed and sizes give byte-identical /state and "
	    "credentials, a second later too; another seed differs");
}

/* ---------------------------------------------------------------- data */

static const char data_json[] =
    "{\"eposnow\":{"
    "\"categories\":[{\"Id\":1,\"Name\":\"Tea\"},{\"Id\":4,\"Name\":"
    "\"Cakes\",\"ParentId\":1}],"
    "\"customer_types\":[{\"Id\":1,\"Name\":\"Standard\"},{\"Id\":2,"
    "\"Name\":\"Trade\"}],"
    "\"products\":[{\"Id\":5,\"Name\":\"Earl Grey\",\"SalePrice\":2.75,"
    "\"CostPrice\":1.10,\"EatOutPrice\":3.00,\"CategoryId\":1,"
    "\"Sku\":\"EG-1\",\"Barcode\":\"5012345678900\",\"Stock\":[12,3]}],"
    "\"customers\":[{\"Id\":2,\"Forename\":\"Dee\",\"Surname\":\"Ray\","
    "\"EmailAddress\":\"dee@example.test\",\"CurrentPoints\":40,"
    "\"CustomerTypeId\":2,\"SignUpDate\":\"2024-03-01T10:00:00\"}],"
    "\"transactions\":[]}}";

static void
test_data_file(void)
{
	struct tl_sandbox sb;
	const struct tl_emu *ep;
	char *dir = tl_tmpdir(), path[4096];
	const char *args[] = { "--seed", "5", "--data", path, NULL };
	json_t *st, *j;

	snprintf(path, sizeof(path), "%s/data.json", dir);
	TL_EQ_INT(0, tl_write_file(path, data_json, strlen(data_json)));
	tl_start(&sb, bin, args);
	ep = tl_emu(&sb, "eposnow");
	st = tl_state(&sb, "eposnow");
	TL_CHECK(st != NULL);
	TL_EQ_INT(2, tl_jlen(st, "eposnow.categories"));
	TL_EQ_INT(1, tl_jlen(st, "eposnow.products"));
	TL_EQ_INT(5, tl_jint(st, "eposnow.products.0.Id", 0));
	TL_EQ_STR("EG-1", tl_jstr(st, "eposnow.products.0.Sku"));
	TL_EQ_INT(1, tl_jlen(st, "eposnow.customers"));
	TL_EQ_STR("dee@example.test", tl_jstr(st,
	    "eposnow.customers.0.EmailAddress"));
	TL_EQ_INT(0, tl_jlen(st, "eposnow.transactions"));
	json_decref(st);
	/* the API serves exactly the file: ids kept, nothing generated */
	j = TL_CALL(ep, "GET", "/Product/5", NULL, 200);
	TL_EQ_STR("Earl Grey", tl_jstr(j, "Name"));
	json_decref(j);
	j = TL_CALL(ep, "GET", "/Product/1", NULL, 404);
	json_decref(j);
	j = TL_CALL(ep, "GET", "/ProductStock?ProductId=5&LocationId=1", NULL,
	    200);
	TL_EQ_INT(12, tl_jint(j, "0.ProductStockBatches.0.CurrentStock", 0));
	json_decref(j);
	j = TL_CALL(ep, "GET", "/Customer/2", NULL, 200);
	TL_EQ_INT(40, tl_jint(j, "CurrentPoints", 0));
	TL_EQ_STR("2024-03-01T10:00:00", tl_jstr(j, "SignUpDate"));
	json_decref(j);
	/* new records continue after the highest id */
	j = TL_CALL(ep, "POST", "/Product", "{\"Name\":\"Chai\",\"SalePrice\":"
	    "3,\"CostPrice\":1,\"EatOutPrice\":3}", 200);
	TL_EQ_INT(6, tl_jint(j, "Id", 0));
	json_decref(j);
	/* no generated shop either: the WooCommerce section is empty */
	st = tl_state(&sb, "woocommerce");
	TL_EQ_INT(0, tl_jlen(st, "woocommerce.products"));
	json_decref(st);
	TL_EQ_INT(0, tl_stop(&sb));
	tl_sandbox_free(&sb);
	free(dir);
	tl_ok("--data FILE: the file's records (ids, stock, points, dates) are "
	    "the state; nothing is generated");
}

static void
test_round_trip(void)
{
	struct tl_sandbox a, b;
	const struct tl_emu *ep;
	char *dir = tl_tmpdir(), path[4096], *s1, *s2, *s3, *u1, *s2b;
	const char *args[] = { "--seed", "9", "--data", path, NULL };
	struct tl_resp r;
	json_t *j;

	tl_start(&a, bin, small);
	/* some runtime changes first, so the dump is not just the seed */
	ep = tl_emu(&a, "eposnow");
	j = TL_CALL(ep, "POST", "/Transaction", "{\"CustomerId\":2,"
	    "\"ReferenceCode\":\"RT-1\",\"TransactionItems\":[{\"ProductId\":"
	    "1,\"Quantity\":3,\"UnitPrice\":1.20}],\"Tenders\":[{"
	    "\"TenderTypeId\":1,\"Amount\":3.60}]}", 200);
	json_decref(j);
	j = TL_CALL(ep, "PUT", "/Customer", "[{\"Id\":3,\"CurrentPoints\":"
	    "777}]", 200);
	json_decref(j);
	s1 = tl_state_raw(&a, NULL);
	TL_CHECK(s1 != NULL);
	TL_HAS_STR("RT-1", s1);
	snprintf(path, sizeof(path), "%s/dump.json", dir);
	TL_EQ_INT(0, tl_write_file(path, s1, strlen(s1)));

	/* a dump loaded with --data is the same state, byte for byte */
	tl_start(&b, bin, args);
	s2 = tl_state_raw(&b, NULL);
	TL_CHECK(s2 != NULL);
	u1 = unport(tl_strdup(s1));
	TL_EQ_STR(u1, unport(s2));
	/* and POST /load of the same dump into a changed store too */
	j = TL_CALL(tl_emu(&b, "eposnow"), "DELETE", "/Customer",
	    "[{\"Id\":3}]", 200);
	json_decref(j);
	TL_EQ_INT(200, tl_control(&r, &b, "POST", "/load", s1));
	tl_resp_free(&r);
	s3 = tl_state_raw(&b, NULL);
	TL_EQ_STR(u1, unport(s3));
	/* a bad load is refused and changes nothing */
	free(s3);
	s3 = tl_state_raw(&b, "eposnow");
	TL_HAS_STR("RT-1", s3);
	TL_EQ_INT(400, tl_control(&r, &b, "POST", "/load", "{\"eposnow\":"
	    "{\"categories\":[{\"Id\":1,\"Name\":\"ok\"}],\"products\":"
	    "[{\"Id\":1,\"Name\":\"p\",\"SalePrice\":\"x\"}]}}"));
	j = TL_JSON(&r);
	TL_HAS_STR("eposnow.products[0]", tl_jstr(j, "error"));
	TL_HAS_STR("SalePrice", tl_jstr(j, "error"));
	json_decref(j);
	tl_resp_free(&r);
	TL_EQ_INT(400, tl_control(&r, &b, "POST", "/load", "not json"));
	tl_resp_free(&r);
	s2b = tl_state_raw(&b, "eposnow");
	TL_EQ_STR(s3, s2b);
	free(s2b);

	TL_EQ_INT(0, tl_stop(&a));
	TL_EQ_INT(0, tl_stop(&b));
	tl_sandbox_free(&a);
	tl_sandbox_free(&b);
	free(s1);
	free(s2);
	free(s3);
	free(u1);
	free(dir);
	tl_ok("dump and load: /state loaded by --data or POST /load gives the "
	    "same /state byte for byte; a bad load is refused");
}

/* ---------------------------------------------------------------- counters */

static void
test_counters(void)
{
	struct tl_sandbox sb;
	const struct tl_emu *ep, *woo;
	struct tl_resp r;
	json_t *j, *c;
	int i;

	tl_start(&sb, bin, small);
	ep = tl_emu(&sb, "eposnow");
	woo = tl_emu(&sb, "woocommerce");
	for (i = 0; i < 3; i++)
		json_decref(TL_CALL(ep, "GET", "/Product/1", NULL, 200));
	for (i = 0; i < 2; i++)
		json_decref(TL_CALL(ep, "GET", "/Category", NULL, 200));
	json_decref(TL_CALL(ep, "GET", "/Nope", NULL, 404));
	j = TL_CALL(woo, "GET", "/products?per_page=5", NULL, 200);
	TL_EQ_INT(5, json_array_size(j));
	json_decref(j);

	c = tl_counters(&sb, NULL);
	TL_CHECK(c != NULL);
	TL_EQ_INT(3, tl_jint(c, "eposnow.endpoints.GET /Product/{id}.requests",
	    0));
	TL_EQ_INT(3, tl_jint(c, "eposnow.endpoints.GET /Product/{id}."
	    "status.2xx", 0));
	TL_EQ_INT(2, tl_jint(c, "eposnow.endpoints.GET /Category.requests",
	    0));
	TL_EQ_INT(1, tl_jint(c, "eposnow.endpoints.unrouted.requests", 0));
	TL_EQ_INT(6, tl_jint(c, "eposnow.total.requests", 0));
	TL_EQ_INT(1, tl_jint(c, "woocommerce.endpoints.GET /products.requests",
	    0));
	TL_EQ_INT(5, tl_jint(c, "woocommerce.endpoints.GET /products."
	    "items_read", 0));
	TL_EQ_INT(1, tl_jint(c, "woocommerce.total.requests", 0));
	json_decref(c);
	/* the control endpoint is not counted, and ?target= narrows */
	c = tl_counters(&sb, "eposnow");
	TL_CHECK(tl_jget(c, "woocommerce") == NULL);
	TL_EQ_INT(6, tl_jint(c, "eposnow.total.requests", 0));
	json_decref(c);

	/* reset one emulator, then all */
	TL_EQ_INT(200, tl_reset_counters(&sb, "eposnow"));
	TL_EQ_INT(0, tl_counter(&sb, "eposnow", NULL, "requests"));
	TL_EQ_INT(1, tl_counter(&sb, "woocommerce", NULL, "requests"));
	TL_EQ_INT(200, tl_reset_counters(&sb, NULL));
	TL_EQ_INT(0, tl_counter(&sb, "woocommerce", NULL, "requests"));
	json_decref(TL_CALL(ep, "GET", "/Product/2", NULL, 200));
	TL_EQ_INT(1, tl_counter(&sb, "eposnow", "GET /Product/{id}",
	    "requests"));
	/* an unknown control route is a JSON 404 */
	TL_EQ_INT(404, tl_control(&r, &sb, "GET", "/nope", NULL));
	tl_resp_free(&r);
	TL_EQ_INT(0, tl_stop(&sb));
	tl_sandbox_free(&sb);
	tl_ok("counters: requests, status classes and items per endpoint key, "
	    "per emulator; reset per target and for all");
}

/* ---------------------------------------------------------------- stop */

struct hang_arg {
	const struct tl_emu	*ep;
	struct tl_resp		 r;
};

static void *
hang_thread(void *p)
{
	struct hang_arg *a = p;

	tl_emu_req(&a->r, a->ep, "GET", "/Product/1", NULL, 0);
	return NULL;
}

static void
test_sigterm(void)
{
	struct tl_sandbox sb;
	struct hang_arg a;
	pthread_t th;
	double t0;

	/* SIGTERM while a request hangs for a minute: still exit 0, soon */
	tl_start(&sb, bin, small);
	TL_EQ_INT(200, tl_faults(&sb, "eposnow", "{\"hang_ms\":60000}"));
	memset(&a, 0, sizeof(a));
	a.ep = tl_emu(&sb, "eposnow");
	pthread_create(&th, NULL, hang_thread, &a);
	tl_sleep_ms(300);
	t0 = tl_now_ms();
	TL_EQ_INT(0, tl_stop(&sb));
	pthread_join(th, NULL);
	/* tl_stop waits 10 s at most: it returned 0, so it exited on time */
	TL_LE_DBL(10000, tl_now_ms() - t0);
	tl_resp_free(&a.r);
	tl_sandbox_free(&sb);
	tl_ok("SIGTERM: exit 0 within 10 s, even with a request hanging");
}

/* ---------------------------------------------------------------- flags */

static void
bad_flag(int want, const char *needle, const char *const *args)
{
	char *out, *err;
	int rc;

	rc = tl_run(bin, args, 20000, &out, &err);
	if (rc != want || strstr(err, needle) == NULL)
		fprintf(stderr, "args: %s %s ...\nstderr: %s\n", args[0],
		    args[1] != NULL ? args[1] : "", err);
	TL_EQ_INT(want, rc);
	TL_HAS_STR(needle, err);
	/* no ready line for a run that never started */
	TL_EQ_STR("", out);
	free(out);
	free(err);
}

static void
test_flags(void)
{
	static const char *const a1[] = { "--bogus", NULL };
	static const char *const a2[] = { "--seed", "abc", NULL };
	static const char *const a3[] = { "--products", "-5", NULL };
	static const char *const a4[] = { "--seed", NULL };
	static const char *const a5[] = { "--port", "nosuch=8080", NULL };
	static const char *const a6[] = { "--woo-zone", "+99:00", NULL };
	static const char *const a7[] = { "--fault", "eposnow={bad", NULL };
	static const char *const a8[] = { "--fault",
	    "eposnow={\"no_such_knob\":1}", NULL };
	static const char *const a9[] = { "--fault", "nosuch={}", NULL };
	static const char *const a10[] = { "--data", "/nonexistent/x.json",
	    NULL };
	static const char *const help[] = { "--help", NULL };
	struct tl_sandbox sb;
	char port[64], *out, *err;
	const char *busy[] = { "--port", port, NULL };
	const char *p;

	bad_flag(2, "unknown or incomplete option '--bogus'", a1);
	bad_flag(2, "usage:", a1);
	bad_flag(2, "--seed needs a number", a2);
	bad_flag(2, "--products needs a number between 0 and", a3);
	bad_flag(2, "--seed", a4);
	bad_flag(2, "no emulator named 'nosuch'", a5);
	bad_flag(2, "--woo-zone needs a zone like +01:00", a6);
	bad_flag(2, "not a JSON object", a7);
	bad_flag(2, "unknown fault knob 'no_such_knob'", a8);
	bad_flag(2, "no emulator named 'nosuch'", a9);
	/* not a usage error: the file is missing */
	bad_flag(1, "cannot load '/nonexistent/x.json'", a10);
	TL_EQ_INT(0, tl_run(bin, help, 20000, &out, &err));
	TL_HAS_STR("usage: tillsync-sandbox", out);
	free(out);
	free(err);

	/* a port already taken: a clear error, exit 1 */
	tl_start(&sb, bin, small);
	p = strrchr(tl_emu(&sb, "eposnow")->base_url, ':');
	TL_CHECK(p != NULL);
	snprintf(port, sizeof(port), "eposnow=%ld", strtol(p + 1, NULL, 10));
	bad_flag(1, "eposnow: cannot listen on 127.0.0.1:", busy);
	TL_EQ_INT(0, tl_stop(&sb));
	tl_sandbox_free(&sb);
	tl_ok("bad flags: a message naming the problem and exit 2; missing "
	    "data file or busy port exit 1; --help exit 0");
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s /path/to/tillsync-sandbox\n",
		    argv[0]);
		return 2;
	}
	bin = argv[1];
	test_ready_line();
	test_flags();
	test_counters();
	test_data_file();
	test_round_trip();
	test_sigterm();
	test_seed();
	return 0;
}
