/*
 * t_sandbox_eposnow.c - the Epos Now V4 emulator as the tillsync connector
 * meets it: Basic key:secret on every request, bare JSON arrays of 200 per
 * page, V4 writes taking an object or an array (DELETE with a body),
 * exact decimal money, products, categories, the ASP.NET error bodies and
 * the counters.  Stock, customers, customer types and transactions are in
 * t_sandbox_eposnow_sales.c.  Expected shapes come from
 * shared/apis/eposnow.md and, where it is silent, from the emulator's
 * documented assumptions (sandbox/README.md).
 *
 *	usage: t_sandbox_eposnow /path/to/tillsync-sandbox
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tlib.h"

#define NCUST	450	/* three pages of customers: 200, 200, 50 */

static struct tl_sandbox	 sb;
static const struct tl_emu	*ep;

#define CALL(m, p, b, st) TL_CALL(ep, (m), (p), (b), (st))
#define CALLRAW(m, p, b, st, raw) TL_CALLRAW(ep, (m), (p), (b), (st), (raw))

/* the eposnow section of GET /state */
static json_t *
state(void)
{
	json_t *s = tl_state(&sb, "eposnow"), *e;

	TL_CHECK(s != NULL);
	e = json_incref(json_object_get(s, "eposnow"));
	json_decref(s);
	TL_CHECK(json_is_object(e));
	return e;
}

/* ---------------------------------------------------------------- auth */

static void
test_auth(void)
{
	struct tl_resp r;
	struct tl_req rq;
	char bad[400], hdr[600];
	json_t *j;

	/* no credentials at all */
	tl_get(&r, tl_url(&sb, "eposnow", "/Product/1"), NULL);
	TL_EQ_INT(401, r.status);
	j = TL_JSON(&r);
	TL_EQ_STR("Authorization has been denied for this request.",
	    tl_jstr(j, "Message"));
	json_decref(j);
	tl_resp_free(&r);

	/* the right key with a wrong secret */
	snprintf(bad, sizeof(bad), "%s:%sX", ep->key, ep->secret);
	tl_get(&r, tl_url(&sb, "eposnow", "/Product/1"), bad);
	TL_EQ_INT(401, r.status);
	TL_HAS_STR("Authorization has been denied", r.body);
	tl_resp_free(&r);

	/* a write is refused the same way: nothing is created */
	tl_send(&r, "POST", tl_url(&sb, "eposnow", "/Category"),
	    "{\"Name\":\"Intruders\"}", bad);
	TL_EQ_INT(401, r.status);
	tl_resp_free(&r);
	j = CALL("GET", "/Category?Name=Intruders", NULL, 200);
	TL_EQ_INT(0, json_array_size(j));
	json_decref(j);

	/* the ready line's ready-made header is the same Basic token */
	TL_CHECK(tl_jstr(ep->ready, "authorization") != NULL);
	memset(&rq, 0, sizeof(rq));
	snprintf(hdr, sizeof(hdr), "Authorization: %s",
	    tl_jstr(ep->ready, "authorization"));
	rq.url = tl_url(&sb, "eposnow", "/Product/1");
	rq.headers[0] = hdr;
	tl_http(&rq, &r);
	TL_EQ_INT(200, r.status);
	tl_resp_free(&r);

	/* V4 and v4 are the same API */
	{
		char url[512], *p;

		snprintf(url, sizeof(url), "%s", tl_url(&sb, "eposnow",
		    "/Product/1"));
		p = strstr(url, "/api/V4/");
		TL_CHECK(p != NULL);
		p[5] = 'v';
		tl_get(&r, url, ep->userpwd);
		TL_EQ_INT(200, r.status);
		tl_resp_free(&r);
	}
	tl_ok("auth: 401 with the ASP.NET message for no or wrong credentials; "
	    "Basic key:secret and the V4/v4 base work");
}

/* ---------------------------------------------------------------- pages */

/*
 * Reads every page of a list the way the connector does (until a page has
 * fewer than 200 items) and checks ids ascend and never repeat.
 */
static long
read_all(const char *path, long *maxid)
{
	char p[256];
	long page, n = 0, last = 0, got;
	json_t *j, *e;
	size_t i;

	for (page = 1; page < 1000; page++) {
		snprintf(p, sizeof(p), "%s%cpage=%ld", path,
		    strchr(path, '?') != NULL ? '&' : '?', page);
		j = CALL("GET", p, NULL, 200);
		TL_CHECK(json_is_array(j));
		got = (long)json_array_size(j);
		TL_LE_INT(200, got);
		json_array_foreach(j, i, e) {
			long id = (long)tl_jint(e, "Id", -1);

			TL_GT_INT(last, id);
			last = id;
		}
		n += got;
		json_decref(j);
		if (got < 200)
			break;
	}
	if (maxid != NULL)
		*maxid = last;
	return n;
}

static void
test_pagination(void)
{
	json_t *st = state(), *j;
	long n;

	/* customers: exactly 200, 200, 50, then an empty page */
	j = CALL("GET", "/Customer?page=1", NULL, 200);
	TL_EQ_INT(200, json_array_size(j));
	TL_EQ_INT(1, tl_jint(j, "0.Id", 0));
	json_decref(j);
	j = CALL("GET", "/Customer?page=2", NULL, 200);
	TL_EQ_INT(200, json_array_size(j));
	TL_EQ_INT(201, tl_jint(j, "0.Id", 0));
	json_decref(j);
	j = CALL("GET", "/Customer?page=3", NULL, 200);
	TL_EQ_INT(NCUST - 400, json_array_size(j));
	json_decref(j);
	j = CALL("GET", "/Customer?page=4", NULL, 200);
	TL_CHECK(json_is_array(j));
	TL_EQ_INT(0, json_array_size(j));
	json_decref(j);
	/* no page parameter is page 1 */
	j = CALL("GET", "/Customer", NULL, 200);
	TL_EQ_INT(200, json_array_size(j));
	TL_EQ_INT(1, tl_jint(j, "0.Id", 0));
	json_decref(j);
	/* &limit= as some clients send it: smaller pages, same order */
	j = CALL("GET", "/Customer?page=3&limit=50", NULL, 200);
	TL_EQ_INT(50, json_array_size(j));
	TL_EQ_INT(101, tl_jint(j, "0.Id", 0));
	json_decref(j);

	/* a full scan sees exactly what the store holds */
	n = read_all("/Product", NULL);
	TL_GT_INT(200, n);
	TL_EQ_INT(tl_jlen(st, "products"), n);
	TL_EQ_INT(NCUST, read_all("/Customer", NULL));
	TL_EQ_INT(tl_jlen(st, "categories"), read_all("/Category", NULL));
	/* stock: one record per product and location (two locations) */
	TL_EQ_INT(2 * tl_jlen(st, "products"), read_all("/ProductStock",
	    NULL));
	json_decref(st);
	tl_ok("pagination: bare arrays of 200 per ?page=N (1-based), a short "
	    "page ends the scan, past the end is [], &limit= honoured");
}

/* ---------------------------------------------------------------- products */

static void
test_products(void)
{
	json_t *j, *p;
	char path[128], *raw = NULL, body[512];
	const char *sku, *name;
	long id, id2, cat;

	/* a single product: the object, with the V4 field names */
	p = CALL("GET", "/Product/1", NULL, 200);
	TL_CHECK(json_is_object(p));
	TL_EQ_INT(1, tl_jint(p, "Id", 0));
	TL_CHECK(tl_jstr(p, "Name") != NULL);
	TL_CHECK(json_is_number(tl_jget(p, "SalePrice")));
	TL_CHECK(json_is_number(tl_jget(p, "CostPrice")));
	TL_CHECK(json_is_number(tl_jget(p, "EatOutPrice")));
	TL_NE_INT(-1, tl_jbool(p, "IsSalePriceIncTax"));
	TL_NE_INT(-1, tl_jbool(p, "IsArchived"));
	TL_NE_INT(-1, tl_jbool(p, "SellOnWeb"));
	TL_CHECK(json_is_array(tl_jget(p, "CustomerProductPricingDetails")));
	cat = (long)tl_jint(p, "CategoryId", 0);
	TL_GT_INT(0, cat);

	/* ?Name= and ?Sku= are exact filters */
	name = tl_jstr(p, "Name");
	sku = tl_jstr(p, "Sku");
	TL_CHECK(sku != NULL);
	{
		char *enc = tl_urlencode(name);

		snprintf(path, sizeof(path), "/Product?Name=%s", enc);
		free(enc);
	}
	j = CALL("GET", path, NULL, 200);
	TL_GE_INT(1, json_array_size(j));
	TL_EQ_STR(name, tl_jstr(j, "0.Name"));
	json_decref(j);
	snprintf(path, sizeof(path), "/Product?Sku=%s", sku);
	j = CALL("GET", path, NULL, 200);
	TL_EQ_INT(1, json_array_size(j));
	TL_EQ_INT(1, tl_jint(j, "0.Id", 0));
	json_decref(j);
	j = CALL("GET", "/Product?Sku=NO-SUCH-SKU-42", NULL, 200);
	TL_EQ_INT(0, json_array_size(j));
	json_decref(j);
	json_decref(p);

	/* unknown id: 404 with an empty body (ASP.NET NotFound()) */
	j = CALLRAW("GET", "/Product/999999", NULL, 404, &raw);
	TL_CHECK(j == NULL);
	TL_EQ_STR("", raw);
	free(raw);

	/* create one object: money stays exact (19.99, not 19.989999...) */
	snprintf(body, sizeof(body), "{\"Name\":\"Test Tea\",\"SalePrice\":19.99,"
	    "\"CostPrice\":1.125,\"EatOutPrice\":4.75,\"Sku\":\"T-TEA-1\","
	    "\"Barcode\":\"5000000000017\",\"CategoryId\":%ld,"
	    "\"IsSalePriceIncTax\":false}", cat);
	p = CALLRAW("POST", "/Product", body, 200, &raw);
	TL_CHECK(json_is_object(p));
	TL_HAS_STR("\"SalePrice\":19.99,", raw);
	TL_HAS_STR("\"CostPrice\":1.125,", raw);
	free(raw);
	id = (long)tl_jint(p, "Id", 0);
	TL_GT_INT(0, id);
	TL_EQ_INT(0, tl_jbool(p, "IsSalePriceIncTax"));
	TL_EQ_STR("T-TEA-1", tl_jstr(p, "Sku"));
	json_decref(p);
	snprintf(path, sizeof(path), "/Product/%ld", id);
	p = CALLRAW("GET", path, NULL, 200, &raw);
	TL_EQ_STR("Test Tea", tl_jstr(p, "Name"));
	TL_HAS_STR("\"EatOutPrice\":4.75,", raw);
	free(raw);
	json_decref(p);

	/* an array in, an array out */
	j = CALL("POST", "/Product", "[{\"Name\":\"A1\",\"SalePrice\":1,"
	    "\"CostPrice\":0.5,\"EatOutPrice\":1},{\"Name\":\"A2\","
	    "\"SalePrice\":2,\"CostPrice\":1,\"EatOutPrice\":2}]", 200);
	TL_CHECK(json_is_array(j));
	TL_EQ_INT(2, json_array_size(j));
	TL_EQ_STR("A2", tl_jstr(j, "1.Name"));
	id2 = (long)tl_jint(j, "1.Id", 0);
	TL_EQ_INT(tl_jint(j, "0.Id", 0) + 1, id2);
	json_decref(j);

	/* required fields: 400 with a ModelState naming the field */
	j = CALL("POST", "/Product", "{\"Name\":\"No prices\"}", 400);
	TL_EQ_STR("The request is invalid.", tl_jstr(j, "Message"));
	TL_CHECK(json_is_array(tl_jget(j, "ModelState.SalePrice")));
	TL_HAS_STR("required", tl_jstr(j, "ModelState.SalePrice.0"));
	json_decref(j);
	/* a wrong type: 400 too */
	j = CALL("POST", "/Product", "{\"Name\":\"X\",\"SalePrice\":\"abc\","
	    "\"CostPrice\":1,\"EatOutPrice\":1}", 400);
	TL_CHECK(tl_jget(j, "ModelState.SalePrice") != NULL);
	json_decref(j);
	/* a category that does not exist */
	j = CALL("POST", "/Product", "{\"Name\":\"X\",\"SalePrice\":1,"
	    "\"CostPrice\":1,\"EatOutPrice\":1,\"CategoryId\":99999}", 400);
	TL_CHECK(tl_jget(j, "ModelState.CategoryId") != NULL);
	json_decref(j);

	/* PUT takes an array of objects, each with its Id */
	snprintf(body, sizeof(body), "[{\"Id\":%ld,\"SalePrice\":0.30,"
	    "\"IsArchived\":true}]", id);
	j = CALLRAW("PUT", "/Product", body, 200, &raw);
	TL_CHECK(json_is_array(j));
	/* 0.3 or 0.30: the same decimal, never 0.29999999999999999 */
	TL_CHECK(strstr(raw, "\"SalePrice\":0.3,") != NULL ||
	    strstr(raw, "\"SalePrice\":0.30,") != NULL);
	TL_EQ_INT(1, tl_jbool(j, "0.IsArchived"));
	TL_EQ_STR("Test Tea", tl_jstr(j, "0.Name"));	/* untouched */
	free(raw);
	json_decref(j);
	j = CALL("PUT", "/Product", "[{\"Id\":999999,\"Name\":\"ghost\"}]",
	    404);
	json_decref(j);

	/* DELETE has a body: [{"Id":n}] */
	snprintf(body, sizeof(body), "[{\"Id\":%ld}]", id2);
	j = CALL("DELETE", "/Product", body, 200);
	TL_EQ_INT(id2, tl_jint(j, "0.Id", 0));
	json_decref(j);
	snprintf(path, sizeof(path), "/Product/%ld", id2);
	j = CALL("GET", path, NULL, 404);
	json_decref(j);
	j = CALL("DELETE", "/Product", body, 404);
	json_decref(j);
	tl_ok("products: get, ?Name=/?Sku= exact filters, create (object and "
	    "array), exact decimals, PUT by Id, DELETE with a body, 400 "
	    "ModelState, 404 empty");
}

/* ---------------------------------------------------------------- categories */

static void
test_categories(void)
{
	json_t *j;
	char path[128], body[256];
	long id, before;

	j = CALL("GET", "/Category", NULL, 200);
	TL_CHECK(json_is_array(j));
	before = (long)json_array_size(j);
	TL_GT_INT(0, before);
	TL_CHECK(tl_jstr(j, "0.Name") != NULL);
	TL_CHECK(json_is_array(tl_jget(j, "0.Children")));
	json_decref(j);
	j = CALL("GET", "/Category/1", NULL, 200);
	TL_EQ_INT(1, tl_jint(j, "Id", 0));
	json_decref(j);
	j = CALL("GET", "/Category/99999", NULL, 404);
	TL_CHECK(j == NULL);

	j = CALL("POST", "/Category", "{\"Name\":\"Loose Tea\","
	    "\"ParentId\":1,\"Description\":\"by weight\"}", 200);
	id = (long)tl_jint(j, "Id", 0);
	TL_EQ_INT(before + 1, id);
	TL_EQ_INT(1, tl_jint(j, "ParentId", 0));
	json_decref(j);
	j = CALL("GET", "/Category?Name=Loose%20Tea", NULL, 200);
	TL_EQ_INT(1, json_array_size(j));
	TL_EQ_INT(id, tl_jint(j, "0.Id", 0));
	json_decref(j);
	/* Name is required on create and update */
	j = CALL("POST", "/Category", "{\"Description\":\"nameless\"}", 400);
	TL_CHECK(tl_jget(j, "ModelState.Name") != NULL);
	json_decref(j);
	snprintf(body, sizeof(body), "[{\"Id\":%ld,\"Name\":\"Leaf Tea\"}]",
	    id);
	j = CALL("PUT", "/Category", body, 200);
	TL_EQ_STR("Leaf Tea", tl_jstr(j, "0.Name"));
	json_decref(j);
	snprintf(body, sizeof(body), "[{\"Id\":%ld}]", id);
	j = CALL("DELETE", "/Category", body, 200);
	json_decref(j);
	snprintf(path, sizeof(path), "/Category/%ld", id);
	j = CALL("GET", path, NULL, 404);
	TL_CHECK(j == NULL);
	tl_ok("categories: list with Children, get, create, ?Name=, Name "
	    "required, PUT, DELETE");
}

/* ---------------------------------------------------------------- errors */

static void
test_errors(void)
{
	json_t *j;

	/* an unknown resource: ASP.NET's 404 with the request URI */
	j = CALL("GET", "/NoSuchThing", NULL, 404);
	TL_HAS_STR("No HTTP resource was found that matches the request URI",
	    tl_jstr(j, "Message"));
	TL_HAS_STR("/NoSuchThing", tl_jstr(j, "Message"));
	json_decref(j);
	/* a known path with a method it does not take */
	j = CALL("PATCH", "/Product", "[]", 405);
	TL_EQ_STR("The requested resource does not support http method "
	    "'PATCH'.", tl_jstr(j, "Message"));
	json_decref(j);
	/* a body that is not JSON, and none at all */
	j = CALL("POST", "/Category", "{\"Name\":", 400);
	TL_HAS_STR("The request is invalid.", tl_jstr(j, "Message"));
	json_decref(j);
	j = CALL("PUT", "/Customer", NULL, 400);
	TL_CHECK(tl_jstr(j, "Message") != NULL);
	json_decref(j);
	/* JSON of the wrong shape */
	j = CALL("POST", "/Category", "42", 400);
	json_decref(j);
	j = CALL("POST", "/Category", "[42]", 400);
	json_decref(j);
	tl_ok("errors: 404 and 405 with ASP.NET messages, 400 for bad JSON, "
	    "no body and wrong shapes");
}

/* ---------------------------------------------------------------- counters */

static void
test_counters(void)
{
	json_t *j;
	int i;

	TL_EQ_INT(200, tl_reset_counters(&sb, "eposnow"));
	for (i = 0; i < 3; i++) {
		j = CALL("GET", "/Customer?page=1", NULL, 200);
		json_decref(j);
	}
	j = CALL("GET", "/Customer/5", NULL, 200);
	json_decref(j);
	j = CALL("GET", "/Customer/999999", NULL, 404);
	json_decref(j);
	TL_EQ_INT(3, tl_counter(&sb, "eposnow", "GET /Customer", "requests"));
	TL_EQ_INT(600, tl_counter(&sb, "eposnow", "GET /Customer",
	    "items_read"));
	TL_EQ_INT(2, tl_counter(&sb, "eposnow", "GET /Customer/{id}",
	    "requests"));
	TL_EQ_INT(1, tl_counter(&sb, "eposnow", "GET /Customer/{id}",
	    "status.4xx"));
	TL_EQ_INT(1, tl_counter(&sb, "eposnow", "GET /Customer/{id}",
	    "status.2xx"));
	TL_EQ_INT(5, tl_counter(&sb, "eposnow", NULL, "requests"));
	TL_EQ_INT(0, tl_counter(&sb, "eposnow", NULL, "errors_injected"));
	tl_ok("counters: requests, items read and status classes per "
	    "endpoint");
}

int
main(int argc, char **argv)
{
	char ncust[16];
	const char *args[] = { "--seed", "11", "--products", "300",
	    "--customers", ncust, "--orders", "12", NULL };

	if (argc < 2) {
		fprintf(stderr, "usage: %s /path/to/tillsync-sandbox\n",
		    argv[0]);
		return 2;
	}
	snprintf(ncust, sizeof(ncust), "%d", NCUST);
	tl_start(&sb, argv[1], args);
	ep = tl_emu(&sb, "eposnow");
	TL_CHECK(ep != NULL);
	TL_HAS_STR("/api/V4", ep->base_url);
	TL_CHECK(ep->key[0] != '\0' && ep->secret[0] != '\0');

	test_auth();
	test_pagination();
	test_products();
	test_categories();
	test_errors();
	test_counters();

	TL_EQ_INT(0, tl_stop(&sb));
	tl_sandbox_free(&sb);
	tl_ok("sandbox stopped cleanly");
	return 0;
}

