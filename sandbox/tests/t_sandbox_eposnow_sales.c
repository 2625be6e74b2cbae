/*
 * t_sandbox_eposnow_sales.c - the Epos Now V4 emulator's stock per
 * location, customers with loyalty points and shared e-mails, customer
 * types and transactions, as the tillsync connector meets them (the rest
 * is in t_sandbox_eposnow.c).  Expected shapes come from
 * shared/apis/eposnow.md and, where it is silent, from the emulator's
 * documented assumptions (sandbox/README.md).
 *
 *	usage: t_sandbox_eposnow_sales /path/to/tillsync-sandbox
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tlib.h"

#define NCUST	60

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

/* ---------------------------------------------------------------- stock */

static long
stock_of(long pid, int loc)
{
	char path[128];
	json_t *j;
	long v;

	snprintf(path, sizeof(path), "/ProductStock?ProductId=%ld&"
	    "LocationId=%d", pid, loc);
	j = CALL("GET", path, NULL, 200);
	TL_EQ_INT(1, json_array_size(j));
	TL_EQ_INT(pid, tl_jint(j, "0.ProductId", 0));
	TL_EQ_INT(loc, tl_jint(j, "0.LocationId", 0));
	/* on-hand is the sum of the batches' CurrentStock */
	TL_GE_INT(1, tl_jlen(j, "0.ProductStockBatches"));
	v = (long)tl_jint(j, "0.ProductStockBatches.0.CurrentStock", -99999);
	TL_NE_INT(-99999, v);
	json_decref(j);
	return v;
}

static void
test_stock(void)
{
	json_t *j;
	char path[128];
	long sid;

	/* both locations of product 3 */
	j = CALL("GET", "/ProductStock?ProductId=3", NULL, 200);
	TL_EQ_INT(2, json_array_size(j));
	TL_EQ_INT(1, tl_jint(j, "0.LocationId", 0));
	TL_EQ_INT(2, tl_jint(j, "1.LocationId", 0));
	sid = (long)tl_jint(j, "1.Id", 0);
	json_decref(j);
	snprintf(path, sizeof(path), "/ProductStock/%ld", sid);
	j = CALL("GET", path, NULL, 200);
	TL_EQ_INT(3, tl_jint(j, "ProductId", 0));
	TL_EQ_INT(2, tl_jint(j, "LocationId", 0));
	json_decref(j);

	/* an update sets one location only */
	j = CALL("PUT", "/ProductStock", "[{\"ProductId\":3,\"LocationId\":2,"
	    "\"CurrentStock\":17}]", 200);
	TL_EQ_INT(17, tl_jint(j, "0.ProductStockBatches.0.CurrentStock", 0));
	json_decref(j);
	TL_EQ_INT(17, stock_of(3, 2));
	j = CALL("PUT", "/ProductStock", "[{\"ProductId\":3,\"LocationId\":1,"
	    "\"CurrentStock\":40}]", 200);
	json_decref(j);
	TL_EQ_INT(40, stock_of(3, 1));
	TL_EQ_INT(17, stock_of(3, 2));
	j = CALL("PUT", "/ProductStock", "[{\"ProductId\":3,\"LocationId\":9,"
	    "\"CurrentStock\":1}]", 404);
	json_decref(j);

	/* reference data the connector reads */
	j = CALL("GET", "/Location", NULL, 200);
	TL_EQ_INT(2, json_array_size(j));
	TL_CHECK(tl_jstr(j, "0.Name") != NULL);
	json_decref(j);
	j = CALL("GET", "/Location/2", NULL, 200);
	TL_EQ_INT(2, tl_jint(j, "Id", 0));
	json_decref(j);
	j = CALL("GET", "/Location/7", NULL, 404);
	json_decref(j);
	j = CALL("GET", "/TenderType", NULL, 200);
	TL_GE_INT(2, json_array_size(j));
	json_decref(j);
	j = CALL("GET", "/TenderType/7", NULL, 200);
	TL_EQ_INT(7, tl_jint(j, "Id", 0));
	json_decref(j);
	j = CALL("GET", "/TaxGroup", NULL, 200);
	TL_GE_INT(1, json_array_size(j));
	TL_CHECK(json_is_number(tl_jget(j, "0.TaxRates.0.Percentage")));
	json_decref(j);
	tl_ok("stock: a record per product and location, batches' "
	    "CurrentStock, filters, PUT per location; Location, TenderType, "
	    "TaxGroup");
}

/* ---------------------------------------------------------------- customers */

static void
test_customers(void)
{
	json_t *st = state(), *j, *c, *dup = NULL;
	char path[512], body[512], *enc, *raw;
	const char *email = NULL;
	long a, b;
	size_t i, k;

	/* the generated merchant has customers sharing an e-mail */
	json_array_foreach(tl_jget(st, "customers"), i, c) {
		const char *e = tl_jstr(c, "EmailAddress");
		json_t *d;

		if (e == NULL)
			continue;
		for (k = i + 1; k < tl_jlen(st, "customers"); k++) {
			d = json_array_get(tl_jget(st, "customers"), k);
			if (tl_jstr(d, "EmailAddress") != NULL &&
			    strcmp(e, tl_jstr(d, "EmailAddress")) == 0) {
				email = e;
				dup = c;
				break;
			}
		}
		if (email != NULL)
			break;
	}
	TL_CHECKM(email != NULL, "no two generated customers share an e-mail");
	enc = tl_urlencode(email);
	snprintf(path, sizeof(path), "/Customer/GetByEmail?email=%s", enc);
	free(enc);
	j = CALL("GET", path, NULL, 200);
	TL_CHECK(json_is_array(j));
	TL_GE_INT(2, json_array_size(j));
	TL_EQ_INT(tl_jint(dup, "Id", 0), tl_jint(j, "0.Id", 0));
	TL_LT_INT(tl_jint(j, "1.Id", 0), tl_jint(j, "0.Id", 0));
	json_array_foreach(j, i, c)
		TL_EQ_STR(email, tl_jstr(c, "EmailAddress"));
	json_decref(j);
	json_decref(st);

	/* two customers made through the API with one e-mail: both kept */
	c = CALL("POST", "/Customer", "{\"Forename\":\"Ann\",\"Surname\":"
	    "\"Shared\",\"EmailAddress\":\"family@example.test\","
	    "\"CurrentPoints\":120,\"CustomerTypeId\":2}", 200);
	a = (long)tl_jint(c, "Id", 0);
	TL_EQ_INT(NCUST + 1, a);
	TL_EQ_INT(120, tl_jint(c, "CurrentPoints", -1));
	TL_EQ_INT(2, tl_jint(c, "CustomerTypeId", 0));
	TL_CHECK(tl_jstr(c, "SignUpDate") != NULL);
	json_decref(c);
	c = CALL("POST", "/Customer", "[{\"Forename\":\"Bob\",\"Surname\":"
	    "\"Shared\",\"EmailAddress\":\"family@example.test\"}]", 200);
	b = (long)tl_jint(c, "0.Id", 0);
	TL_EQ_INT(a + 1, b);
	/* a new customer starts with no points */
	TL_EQ_INT(0, tl_jint(c, "0.CurrentPoints", -1));
	json_decref(c);
	j = CALL("GET", "/Customer/GetByEmail?email=family%40example.test",
	    NULL, 200);
	TL_EQ_INT(2, json_array_size(j));
	TL_EQ_INT(a, tl_jint(j, "0.Id", 0));
	TL_EQ_INT(b, tl_jint(j, "1.Id", 0));
	json_decref(j);
	/* the list's exact ?EmailAddress= filter finds both too */
	j = CALL("GET", "/Customer?EmailAddress=family%40example.test", NULL,
	    200);
	TL_EQ_INT(2, json_array_size(j));
	json_decref(j);
	/* nobody with that e-mail is an empty list, not a 404 */
	j = CALL("GET", "/Customer/GetByEmail?email=nobody%40example.test",
	    NULL, 200);
	TL_CHECK(json_is_array(j));
	TL_EQ_INT(0, json_array_size(j));
	json_decref(j);
	j = CALL("GET", "/Customer/GetByEmail", NULL, 400);
	TL_CHECK(tl_jstr(j, "Message") != NULL);
	json_decref(j);

	/* loyalty points: Epos Now is the master, PUT sets the balance */
	snprintf(body, sizeof(body), "[{\"Id\":%ld,\"CurrentPoints\":95,"
	    "\"ContactNumber\":\"07700 900123\"}]", a);
	j = CALL("PUT", "/Customer", body, 200);
	TL_EQ_INT(95, tl_jint(j, "0.CurrentPoints", -1));
	json_decref(j);
	snprintf(path, sizeof(path), "/Customer/%ld", a);
	c = CALLRAW("GET", path, NULL, 200, &raw);
	TL_EQ_INT(95, tl_jint(c, "CurrentPoints", -1));
	TL_EQ_STR("07700 900123", tl_jstr(c, "ContactNumber"));
	TL_EQ_STR("Ann", tl_jstr(c, "Forename"));
	TL_HAS_STR("\"CurrentPoints\":95", raw);
	free(raw);
	json_decref(c);
	/* a customer type that does not exist */
	snprintf(body, sizeof(body), "[{\"Id\":%ld,\"CustomerTypeId\":999}]",
	    a);
	j = CALL("PUT", "/Customer", body, 400);
	TL_CHECK(tl_jget(j, "ModelState.CustomerTypeId") != NULL);
	json_decref(j);
	/* delete one of the two: GetByEmail finds the other only */
	snprintf(body, sizeof(body), "[{\"Id\":%ld}]", a);
	j = CALL("DELETE", "/Customer", body, 200);
	json_decref(j);
	j = CALL("GET", path, NULL, 404);
	json_decref(j);
	j = CALL("GET", "/Customer/GetByEmail?email=family%40example.test",
	    NULL, 200);
	TL_EQ_INT(1, json_array_size(j));
	TL_EQ_INT(b, tl_jint(j, "0.Id", 0));
	json_decref(j);
	tl_ok("customers: shared e-mails kept and all returned by GetByEmail "
	    "in Id order, [] for none, CurrentPoints read and written, type "
	    "checked, PUT/DELETE");
}

/* ---------------------------------------------------------------- types */

static void
test_customer_types(void)
{
	json_t *j;
	char path[128], body[256];
	long id, cid;

	j = CALL("GET", "/CustomerType", NULL, 200);
	TL_EQ_INT(4, json_array_size(j));
	TL_EQ_STR("Standard", tl_jstr(j, "0.Name"));
	json_decref(j);
	j = CALL("GET", "/CustomerType/2", NULL, 200);
	TL_EQ_INT(2, tl_jint(j, "Id", 0));
	TL_EQ_STR("Trade", tl_jstr(j, "Name"));
	json_decref(j);

	j = CALL("POST", "/CustomerType", "{\"Name\":\"Wholesale\","
	    "\"Description\":\"shop group wholesale\"}", 200);
	id = (long)tl_jint(j, "Id", 0);
	TL_EQ_INT(5, id);
	TL_EQ_STR("Wholesale", tl_jstr(j, "Name"));
	json_decref(j);
	j = CALL("POST", "/CustomerType", "{\"Description\":\"x\"}", 400);
	TL_CHECK(tl_jget(j, "ModelState.Name") != NULL);
	json_decref(j);
	snprintf(body, sizeof(body), "[{\"Id\":%ld,\"Name\":\"Wholesale B\"}]",
	    id);
	j = CALL("PUT", "/CustomerType", body, 200);
	TL_EQ_STR("Wholesale B", tl_jstr(j, "0.Name"));
	json_decref(j);
	snprintf(path, sizeof(path), "/CustomerType/%ld", id);
	j = CALL("GET", path, NULL, 200);
	TL_EQ_STR("Wholesale B", tl_jstr(j, "Name"));
	json_decref(j);

	/* a customer of that type; deleting the type leaves them typeless */
	snprintf(body, sizeof(body), "{\"Forename\":\"Wanda\",\"Surname\":"
	    "\"Bulk\",\"CustomerTypeId\":%ld}", id);
	j = CALL("POST", "/Customer", body, 200);
	cid = (long)tl_jint(j, "Id", 0);
	TL_EQ_INT(id, tl_jint(j, "CustomerTypeId", 0));
	json_decref(j);
	snprintf(body, sizeof(body), "[{\"Id\":%ld}]", id);
	j = CALL("DELETE", "/CustomerType", body, 200);
	json_decref(j);
	j = CALL("GET", path, NULL, 404);
	json_decref(j);
	snprintf(path, sizeof(path), "/Customer/%ld", cid);
	j = CALL("GET", path, NULL, 200);
	TL_CHECK(json_is_null(tl_jget(j, "CustomerTypeId")));
	json_decref(j);
	j = CALL("GET", "/CustomerType", NULL, 200);
	TL_EQ_INT(4, json_array_size(j));
	json_decref(j);
	tl_ok("customer types: list, get, create (Name required), PUT, "
	    "DELETE; a deleted type's customers become typeless");
}

/* ---------------------------------------------------------------- sales */

static void
today(char *buf, size_t n, int delta_days)
{
	time_t t = time(NULL) + (time_t)delta_days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d", &tm);
}

static void
test_transactions(void)
{
	json_t *j, *t;
	char path[256], body[1024], *raw, d0[16], d1[16];
	long id, before, stock0, stock1, n0;

	/* product 1 sells at the first location */
	stock0 = stock_of(1, 1);
	stock1 = stock_of(1, 2);
	n0 = read_all("/Transaction", NULL);
	TL_GT_INT(0, n0);

	/* Validate checks without saving */
	j = CALL("POST", "/Transaction/Validate", "{\"TransactionItems\":"
	    "[{\"ProductId\":1,\"Quantity\":2,\"UnitPrice\":4.50}],"
	    "\"Tenders\":[{\"TenderTypeId\":7,\"Amount\":9.00}]}", 200);
	TL_CHECK(json_is_true(j));
	json_decref(j);
	TL_EQ_INT(n0, read_all("/Transaction", NULL));
	j = CALL("POST", "/Transaction/Validate", "{\"TransactionItems\":"
	    "[{\"ProductId\":999999,\"Quantity\":1}]}", 400);
	json_decref(j);

	/* create with embedded items and tenders, as V4 does */
	snprintf(body, sizeof(body), "{\"CustomerId\":3,\"StaffId\":4,"
	    "\"ServiceType\":1,\"DiscountValue\":0.50,\"ServiceCharge\":0,"
	    "\"Gratuity\":0,\"ReferenceCode\":\"WC-1042\","
	    "\"TransactionItems\":[{\"ProductId\":1,\"Quantity\":2,"
	    "\"UnitPrice\":4.50,\"DiscountAmount\":0,\"Notes\":\"\"},"
	    "{\"ProductId\":2,\"Quantity\":1,\"UnitPrice\":1.25,"
	    "\"DiscountAmount\":0.25}],\"Tenders\":[{\"TenderTypeId\":7,"
	    "\"Amount\":9.50,\"ChangeGiven\":0}]}");
	t = CALLRAW("POST", "/Transaction", body, 200, &raw);
	id = (long)tl_jint(t, "Id", 0);
	TL_GT_INT(0, id);
	/* 2 x 4.50 + 1.25 - 0.25 - 0.50 = 9.50, exact */
	TL_HAS_STR("\"TotalAmount\":9.50", raw);
	free(raw);
	TL_EQ_STR("WC-1042", tl_jstr(t, "ReferenceCode"));
	TL_EQ_INT(3, tl_jint(t, "CustomerId", 0));
	TL_EQ_INT(1, tl_jint(t, "ServiceType", -1));
	TL_EQ_INT(2, tl_jlen(t, "TransactionItems"));
	TL_EQ_INT(id, tl_jint(t, "TransactionItems.0.TransactionId", 0));
	TL_EQ_INT(1, tl_jlen(t, "Tenders"));
	TL_EQ_INT(7, tl_jint(t, "Tenders.0.TenderTypeId", 0));
	TL_CHECK(tl_jstr(t, "DateTime") != NULL);
	json_decref(t);

	/* the sale took stock at the first location only */
	TL_EQ_INT(stock0 - 2, stock_of(1, 1));
	TL_EQ_INT(stock1, stock_of(1, 2));

	/* read it back every way the connector can */
	snprintf(path, sizeof(path), "/Transaction/%ld", id);
	t = CALL("GET", path, NULL, 200);
	TL_EQ_STR("WC-1042", tl_jstr(t, "ReferenceCode"));
	json_decref(t);
	snprintf(path, sizeof(path), "/Transaction/%ld/false", id);
	t = CALL("GET", path, NULL, 200);
	TL_EQ_INT(id, tl_jint(t, "Id", 0));
	json_decref(t);
	t = CALL("GET", "/Transaction/GetLatest", NULL, 200);
	TL_EQ_INT(id, tl_jint(t, "Id", 0));
	json_decref(t);
	TL_EQ_INT(n0 + 1, read_all("/Transaction", &before));
	TL_EQ_INT(id, before);
	/* GetByDate around today (either zone) holds it; last year does not */
	today(d0, sizeof(d0), -1);
	today(d1, sizeof(d1), 1);
	snprintf(path, sizeof(path), "/Transaction/GetByDate?startDate=%s&"
	    "endDate=%s&page=1", d0, d1);
	j = CALL("GET", path, NULL, 200);
	TL_GE_INT(1, json_array_size(j));
	{
		size_t i;
		json_t *e;
		int seen = 0;

		json_array_foreach(j, i, e)
			seen += tl_jint(e, "Id", 0) == id;
		TL_EQ_INT(1, seen);
	}
	json_decref(j);
	j = CALL("GET", "/Transaction/GetByDate?startDate=2001-01-01&"
	    "endDate=2001-12-31", NULL, 200);
	TL_EQ_INT(0, json_array_size(j));
	json_decref(j);
	j = CALL("GET", "/Transaction/GetByDate?startDate=yesterday", NULL,
	    400);
	json_decref(j);

	/* bad bodies */
	j = CALL("POST", "/Transaction", "{\"CustomerId\":999999,"
	    "\"TransactionItems\":[]}", 400);
	TL_CHECK(tl_jget(j, "ModelState.CustomerId") != NULL);
	json_decref(j);
	j = CALL("POST", "/Transaction", "{\"TransactionItems\":[{"
	    "\"ProductId\":1,\"Quantity\":\"two\"}]}", 400);
	json_decref(j);

	/* delete: gone, and the stock comes back */
	j = CALL("DELETE", "/Transaction/999999", NULL, 404);
	json_decref(j);
	snprintf(path, sizeof(path), "/Transaction/%ld", id);
	j = CALL("DELETE", path, NULL, 200);
	TL_CHECK(json_is_true(j));
	json_decref(j);
	j = CALL("GET", path, NULL, 404);
	json_decref(j);
	TL_EQ_INT(stock0, stock_of(1, 1));
	tl_ok("transactions: Validate without saving, create with items and "
	    "tenders and an exact TotalAmount, stock taken at location 1, get "
	    "(also /{id}/false), GetLatest, GetByDate, list, DELETE restores "
	    "stock");
}

int
main(int argc, char **argv)
{
	char ncust[16];
	const char *args[] = { "--seed", "12", "--products", "40",
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

	test_stock();
	test_customers();
	test_customer_types();
	test_transactions();

	TL_EQ_INT(0, tl_stop(&sb));
	tl_sandbox_free(&sb);
	tl_ok("sandbox stopped cleanly");
	return 0;
}
