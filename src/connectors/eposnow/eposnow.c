/*
 * eposnow.c: the Epos Now REST API (V4) as a POS connector.
 *
 * What the facts file (shared/apis/eposnow.md) settles and what it does not:
 *   - Basic auth with the API device's key and secret on every request.
 *   - Lists are bare JSON arrays of 200 items per page; a shorter page is the
 *     last one. No total-count header.
 *   - Money arrives as JSON numbers; json_decimal_loads keeps them as text.
 *     Money we send is printed as bare decimal numbers (json_decimal_mark).
 *   - E-mails are not unique: Customer/GetByEmail can return several.
 *   - Field names for customers and their points are low-confidence in the
 *     facts file; this reader accepts the V4 names and the V2 ones
 *     (CustomerTypeId or Type; CurrentPoints, Points or LoyaltyPoints) so a
 *     real account's choice does not lose data. NEEDSWORK: confirm on a
 *     real account.
 *   - Sales: POST /Transaction with items and tenders embedded, our
 *     reference in ReferenceCode; found again by GetByDate + ReferenceCode.
 *     The tender type for web orders comes from the connection's
 *     credentials object ("tender_type_id", default 1).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connectors/connector.h"
#include "connectors/eposnow/eposnow_internal.h"
#include "connectors/json_fields.h"
#include "connectors/remote_http.h"
#include "http/client.h"
#include "util/json_decimal.h"
#include "util/timeutil.h"

struct eposnow *
epos_of(struct connector *c)
{
	return (struct eposnow *)c;
}

/* One call: method + path (+ optional JSON body) -> parsed JSON or an error. */
enum remote_status
epos_call(struct eposnow *e, const char *method, const char *path, const char *body, json_t **out,
	  struct remote_error *re, const char *what)
{
	struct http_request rq = HTTP_REQUEST_INIT;
	struct http_response rs;
	struct sbuf url = SBUF_INIT;
	enum remote_status st;

	sbuf_addf(&url, "%s%s", e->api_root, path);
	rq.method = method;
	rq.url = url.buf;
	rq.authorization = e->authorization;
	rq.remote = "eposnow";
	if (body) {
		rq.body = body;
		rq.body_len = strlen(body);
	}
	http_response_init(&rs);
	st = remote_http_call(e->http, &rq, &rs, out, re, what);
	/* Epos Now's over-quota answer: not always a 429 */
	if (st == REMOTE_AUTH && strstr(rs.body.buf, "API Limit Exceeded"))
		st = remote_fail(re, REMOTE_TEMPORARY, "%s: the account's daily API allowance is used up "
				 "(API Limit Exceeded)", what);
	http_response_release(&rs);
	sbuf_release(&url);
	return st;
}

static char *
url_param(const char *v)
{
	return http_url_encode(v);
}

/* ---- open, close, test -------------------------------------------------- */

static enum remote_status
epos_open(struct connector **out, const char *base_url, const char *credentials, struct remote_error *re)
{
	struct eposnow *e;
	json_error_t jerr;
	json_t *cred = json_loads(credentials ? credentials : "", 0, &jerr);
	const char *key, *secret;
	struct sbuf err = SBUF_INIT;
	size_t len;

	*out = NULL;
	key = json_string_value(json_object_get(cred, "key"));
	secret = json_string_value(json_object_get(cred, "secret"));
	if (!key || !secret || !*key || !*secret) {
		json_decref(cred);
		return remote_fail(re, REMOTE_AUTH, "the Epos Now connection has no API key and secret; "
				   "add them with 'tillsync connection add'");
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		json_decref(cred);
		return remote_fail(re, REMOTE_TEMPORARY, "out of memory");
	}
	e->base.ops = &eposnow_connector;
	e->tender_type_id = 1;
	jf_int64(cred, "tender_type_id", &e->tender_type_id);
	e->api_root = strdup(base_url);
	e->authorization = http_basic_auth(key, secret);
	json_decref(cred);
	if (!e->api_root || !e->authorization || http_client_new(&e->http, &err) < 0) {
		sbuf_release(&err);
		eposnow_connector.close(&e->base);
		return remote_fail(re, REMOTE_TEMPORARY, "cannot set up the Epos Now connection");
	}
	len = strlen(e->api_root);
	while (len && e->api_root[len - 1] == '/')
		e->api_root[--len] = '\0';
	*out = &e->base;
	return REMOTE_OK;
}

static void
epos_close(struct connector *c)
{
	struct eposnow *e = epos_of(c);

	if (!e)
		return;
	http_client_free(e->http);
	if (e->authorization)
		memset(e->authorization, 0, strlen(e->authorization));
	free(e->authorization);
	free(e->api_root);
	epos_tax_table_release(&e->taxes);
	free(e);
}

static enum remote_status
epos_test(struct connector *c, struct remote_error *re)
{
	json_t *j = NULL;
	enum remote_status st = epos_call(epos_of(c), "GET", "/Customer?page=1", NULL, &j, re,
					  "reading customers from Epos Now");

	if (st == REMOTE_AUTH)
		remote_fail(re, REMOTE_AUTH, "Epos Now refused the API key and secret: check the API device's "
			    "Access Credentials in Back Office (Web Integrations > REST API)");
	else if (st == REMOTE_NOT_FOUND)
		remote_fail(re, REMOTE_NOT_FOUND, "no Epos Now API at this URL: it should end in /api/V4");
	else if (st == REMOTE_OK && !json_is_array(j))
		st = remote_fail(re, REMOTE_BAD_ANSWER, "the Epos Now API answered, but not with a customer list");
	json_decref(j);
	return st;
}

/* ---- customers ---------------------------------------------------------- */

static void
read_customer(const json_t *o, struct customer *c)
{
	static const char *const point_keys[] = { "CurrentPoints", "Points", "LoyaltyPoints" };

	memset(c, 0, sizeof(*c));
	jf_id(o, "Id", c->id, sizeof(c->id));
	jf_str(o, "EmailAddress", c->email, sizeof(c->email));
	jf_str(o, "Forename", c->first_name, sizeof(c->first_name));
	jf_str(o, "Surname", c->last_name, sizeof(c->last_name));
	jf_str(o, "ContactNumber", c->phone, sizeof(c->phone));
	if (jf_id(o, "CustomerTypeId", c->type_id, sizeof(c->type_id)) < 0)
		jf_id(o, "Type", c->type_id, sizeof(c->type_id));
	for (size_t i = 0; i < sizeof(point_keys) / sizeof(point_keys[0]); i++) {
		struct money m;

		/* points can come as a JSON real (e.g. 120.0): read as money, keep the whole part */
		if (jf_money(o, point_keys[i], &m) == 0) {
			c->has_points = 1;
			c->points = m.units / MONEY_SCALE;
			break;
		}
	}
}

static enum remote_status
customers_from_array(const json_t *arr, struct customer **out, size_t *n, struct remote_error *re,
		     const char *what)
{
	size_t i, cnt = 0;
	json_t *o;

	*out = NULL;
	*n = 0;
	if (!json_is_array(arr))
		return remote_fail(re, REMOTE_BAD_ANSWER, "%s: expected a list of customers", what);
	if (!json_array_size(arr))
		return REMOTE_OK;
	*out = calloc(json_array_size(arr), sizeof(**out));
	if (!*out)
		return remote_fail(re, REMOTE_TEMPORARY, "out of memory");
	json_array_foreach(arr, i, o) {
		if (!json_is_object(o))
			continue;
		read_customer(o, &(*out)[cnt]);
		if ((*out)[cnt].id[0])
			cnt++;
	}
	*n = cnt;
	return REMOTE_OK;
}

static enum remote_status
epos_customer_get(struct connector *c, const char *id, struct customer *out, struct remote_error *re)
{
	char *enc = url_param(id), path[160], what[160];
	json_t *j = NULL;
	enum remote_status st;

	snprintf(path, sizeof(path), "/Customer/%s", enc);
	snprintf(what, sizeof(what), "reading customer %s from Epos Now", id);
	free(enc);
	st = epos_call(epos_of(c), "GET", path, NULL, &j, re, what);
	if (st == REMOTE_OK) {
		if (json_is_array(j) && json_array_size(j) == 1) {   /* some routes wrap one record */
			json_t *one = json_incref(json_array_get(j, 0));

			json_decref(j);
			j = one;
		}
		if (json_is_null(j) || (json_is_array(j) && !json_array_size(j)))
			st = remote_fail(re, REMOTE_NOT_FOUND, "%s: no such customer", what);
		else if (!json_is_object(j))
			st = remote_fail(re, REMOTE_BAD_ANSWER, "%s: expected a customer record", what);
		else
			read_customer(j, out);
		if (st == REMOTE_OK && !out->id[0])
			st = remote_fail(re, REMOTE_BAD_ANSWER, "%s: the record has no Id", what);
	}
	json_decref(j);
	return st;
}

enum remote_status
epos_page_more(int page, size_t got, int *more, struct remote_error *re, const char *what)
{
	*more = got >= EPOS_PAGE_SIZE;
	if (*more && page >= EPOS_MAX_PAGES)
		return remote_fail(re, REMOTE_BAD_ANSWER, "%s: Epos Now lists more than %d records, more than tillsync "
				   "reads", what, EPOS_MAX_PAGES * EPOS_PAGE_SIZE);
	return REMOTE_OK;
}

static enum remote_status
epos_customers_page(struct connector *c, struct change_page *pg, struct customer **out, size_t *n,
		    struct remote_error *re)
{
	char path[64];
	json_t *j = NULL;
	enum remote_status st;

	if (pg->page < 1)
		pg->page = 1;
	snprintf(path, sizeof(path), "/Customer?page=%d", pg->page);
	st = epos_call(epos_of(c), "GET", path, NULL, &j, re, "listing Epos Now customers");
	if (st == REMOTE_OK)
		st = customers_from_array(j, out, n, re, "listing Epos Now customers");
	if (st == REMOTE_OK)
		st = epos_page_more(pg->page, json_array_size(j), &pg->more, re, "listing Epos Now customers");
	json_decref(j);
	return st;
}

static enum remote_status
epos_customers_by_email(struct connector *c, const char *email, struct customer **out, size_t *n,
			struct remote_error *re)
{
	char *enc = url_param(email);
	struct sbuf path = SBUF_INIT;
	json_t *j = NULL;
	enum remote_status st;

	*out = NULL;
	*n = 0;
	sbuf_addf(&path, "/Customer/GetByEmail?email=%s", enc);
	free(enc);
	st = epos_call(epos_of(c), "GET", path.buf, NULL, &j, re, "looking up Epos Now customers by e-mail");
	sbuf_release(&path);
	if (st == REMOTE_NOT_FOUND) {   /* "no match" answered as 404 */
		remote_error_reset(re);
		return REMOTE_OK;
	}
	if (st == REMOTE_OK) {
		if (json_is_object(j)) {   /* a single match sent as an object */
			json_t *arr = json_array();

			json_array_append(arr, j);
			json_decref(j);
			j = arr;
		}
		if (json_is_null(j)) {
			json_decref(j);
			return REMOTE_OK;
		}
		st = customers_from_array(j, out, n, re, "looking up Epos Now customers by e-mail");
	}
	json_decref(j);
	return st;
}

static enum remote_status
epos_customer_create(struct connector *c, const struct customer *in, struct customer *out,
		     struct remote_error *re)
{
	json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "Forename", in->first_name, "Surname", in->last_name,
				 "EmailAddress", in->email, "ContactNumber", in->phone);
	char *text = json_dumps(body, JSON_COMPACT);
	json_t *j = NULL;
	enum remote_status st;

	json_decref(body);
	if (!text)
		return remote_fail(re, REMOTE_TEMPORARY, "out of memory");
	st = epos_call(epos_of(c), "POST", "/Customer", text, &j, re, "creating a customer in Epos Now");
	free(text);
	if (st == REMOTE_OK) {
		json_t *rec = json_is_array(j) ? json_array_get(j, 0) : j;

		if (!json_is_object(rec))
			st = remote_fail(re, REMOTE_BAD_ANSWER, "creating a customer in Epos Now: no record came back");
		else
			read_customer(rec, out);
		if (st == REMOTE_OK && !out->id[0]) {
			re->may_have_landed = 1;
			st = remote_fail(re, REMOTE_BAD_ANSWER, "creating a customer in Epos Now: the answer has no Id");
		}
	}
	json_decref(j);
	return st;
}

/* ---- customer types ----------------------------------------------------- */

static void
read_type(const json_t *o, struct customer_type *t)
{
	memset(t, 0, sizeof(*t));
	jf_id(o, "Id", t->id, sizeof(t->id));
	jf_str(o, "Name", t->name, sizeof(t->name));
}

static enum remote_status
epos_customer_type_get(struct connector *c, const char *id, struct customer_type *out, struct remote_error *re)
{
	char *enc = url_param(id), path[160], what[160];
	json_t *j = NULL;
	enum remote_status st;

	snprintf(path, sizeof(path), "/CustomerType/%s", enc);
	snprintf(what, sizeof(what), "reading customer type %s from Epos Now", id);
	free(enc);
	st = epos_call(epos_of(c), "GET", path, NULL, &j, re, what);
	if (st == REMOTE_OK) {
		json_t *rec = json_is_array(j) ? json_array_get(j, 0) : j;

		if (!json_is_object(rec))
			st = remote_fail(re, REMOTE_NOT_FOUND, "%s: no such customer type", what);
		else
			read_type(rec, out);
	}
	json_decref(j);
	return st;
}

static enum remote_status
epos_customer_types_list(struct connector *c, struct customer_type **out, size_t *n, struct remote_error *re)
{
	struct customer_type *all = NULL;
	size_t cnt = 0;
	enum remote_status st = REMOTE_OK;

	*out = NULL;
	*n = 0;
	for (int page = 1; page <= EPOS_MAX_PAGES; page++) {
		char path[64];
		json_t *j = NULL, *o;
		size_t i, got;
		struct customer_type *p;

		snprintf(path, sizeof(path), "/CustomerType?page=%d", page);
		st = epos_call(epos_of(c), "GET", path, NULL, &j, re, "listing Epos Now customer types");
		if (st == REMOTE_OK && !json_is_array(j))
			st = remote_fail(re, REMOTE_BAD_ANSWER, "listing Epos Now customer types: expected a list");
		if (st != REMOTE_OK) {
			json_decref(j);
			break;
		}
		got = json_array_size(j);
		p = got ? realloc(all, (cnt + got) * sizeof(*all)) : all;
		if (got && !p) {
			json_decref(j);
			st = remote_fail(re, REMOTE_TEMPORARY, "out of memory");
			break;
		}
		all = p;
		json_array_foreach(j, i, o)
			read_type(o, &all[cnt++]);
		json_decref(j);
		if (got < EPOS_PAGE_SIZE)
			break;
	}
	if (st != REMOTE_OK) {
		free(all);
		return st;
	}
	*out = all;
	*n = cnt;
	return REMOTE_OK;
}

/* ---- sales -------------------------------------------------------------- */

static void
format_day(int64_t ms, char *out, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d", &tm);
}

static void
read_sale(const json_t *o, struct pos_sale *s)
{
	memset(s, 0, sizeof(*s));
	jf_id(o, "Id", s->id, sizeof(s->id));
	jf_str(o, "ReferenceCode", s->reference, sizeof(s->reference));
	jf_id(o, "CustomerId", s->customer_id, sizeof(s->customer_id));
	jf_money(o, "TotalAmount", &s->total);
}

/*
 * Our reference is in ReferenceCode; Epos Now has no lookup by it, so read
 * the days around the order and match. A retry after a lost answer finds
 * the earlier write this way instead of creating a second sale.
 */
static enum remote_status
epos_sale_find(struct connector *c, const char *reference, int64_t around, struct pos_sale *out,
	       struct remote_error *re)
{
	char from[16], to[16];
	enum remote_status st = REMOTE_OK;

	format_day((around ? around : time_now_ms()) - 86400000LL, from, sizeof(from));
	format_day(time_now_ms() + 86400000LL, to, sizeof(to));
	for (int page = 1; page <= EPOS_MAX_PAGES; page++) {
		char path[128];
		json_t *j = NULL, *o;
		size_t i;

		snprintf(path, sizeof(path), "/Transaction/GetByDate?startDate=%s&endDate=%s&page=%d", from, to, page);
		st = epos_call(epos_of(c), "GET", path, NULL, &j, re, "looking for an earlier sale in Epos Now");
		if (st == REMOTE_NOT_FOUND) {
			remote_error_reset(re);
			return remote_fail(re, REMOTE_NOT_FOUND, "no sale with reference %s", reference);
		}
		if (st == REMOTE_OK && !json_is_array(j))
			st = remote_fail(re, REMOTE_BAD_ANSWER, "looking for an earlier sale in Epos Now: "
					 "expected a list of transactions");
		if (st != REMOTE_OK) {
			json_decref(j);
			return st;
		}
		json_array_foreach(j, i, o) {
			const char *ref = json_string_value(json_object_get(o, "ReferenceCode"));

			if (ref && strcmp(ref, reference) == 0) {
				read_sale(o, out);
				json_decref(j);
				return REMOTE_OK;
			}
		}
		i = json_array_size(j);
		json_decref(j);
		if (i < EPOS_PAGE_SIZE)
			break;
	}
	return remote_fail(re, REMOTE_NOT_FOUND, "no sale with reference %s", reference);
}

static enum remote_status
epos_sale_create(struct connector *c, const struct pos_sale *in, struct pos_sale *out, struct remote_error *re)
{
	struct eposnow *e = epos_of(c);
	json_t *body, *items = json_array(), *tenders = json_array(), *j = NULL, *rec;
	char money_text[MONEY_TEXT_MAX], *text;
	enum remote_status st;

	for (size_t i = 0; i < in->nlines; i++) {
		char *end;
		long long pid = strtoll(in->lines[i].product_id, &end, 10);
		json_t *item;

		if (*end || pid <= 0) {
			json_decref(items);
			json_decref(tenders);
			return remote_fail(re, REMOTE_REFUSED, "product id '%s' is not an Epos Now product id",
					   in->lines[i].product_id);
		}
		money_format(in->lines[i].unit_price, 2, money_text, sizeof(money_text));
		item = json_pack("{s:I, s:I, s:o, s:o}", "ProductId", (json_int_t)pid, "Quantity",
				 (json_int_t)in->lines[i].quantity, "UnitPrice", json_decimal_mark(money_text),
				 "DiscountAmount", json_integer(0));
		json_array_append_new(items, item);
	}
	money_format(in->total, 2, money_text, sizeof(money_text));
	json_array_append_new(tenders, json_pack("{s:I, s:o, s:i}", "TenderTypeId", (json_int_t)e->tender_type_id,
						 "Amount", json_decimal_mark(money_text), "ChangeGiven", 0));
	body = json_pack("{s:s, s:i, s:o, s:o}", "ReferenceCode", in->reference, "ServiceType", 2,
			 "TransactionItems", items, "Tenders", tenders);
	if (in->customer_id[0]) {
		char *end;
		long long cid = strtoll(in->customer_id, &end, 10);

		if (!*end && cid > 0)
			json_object_set_new(body, "CustomerId", json_integer(cid));
	}
	text = json_decimal_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		return remote_fail(re, REMOTE_TEMPORARY, "out of memory");
	st = epos_call(e, "POST", "/Transaction", text, &j, re, "creating the sale in Epos Now");
	free(text);
	if (st == REMOTE_OK) {
		rec = json_is_array(j) ? json_array_get(j, 0) : j;
		if (!json_is_object(rec)) {
			re->may_have_landed = 1;
			st = remote_fail(re, REMOTE_BAD_ANSWER, "creating the sale in Epos Now: no record came back");
		} else {
			read_sale(rec, out);
		}
	}
	json_decref(j);
	return st;
}

/* ---- products ----------------------------------------------------------- */

static enum remote_status
epos_product_find_by_sku(struct connector *c, const char *sku, char *id_out, size_t id_len,
			 struct remote_error *re)
{
	char *enc = url_param(sku);
	struct sbuf path = SBUF_INIT;
	json_t *j = NULL, *o;
	enum remote_status st;
	size_t i;

	id_out[0] = '\0';
	sbuf_addf(&path, "/Product?Sku=%s", enc);
	free(enc);
	st = epos_call(epos_of(c), "GET", path.buf, NULL, &j, re, "looking up an Epos Now product by SKU");
	sbuf_release(&path);
	if (st == REMOTE_OK && !json_is_array(j))
		st = remote_fail(re, REMOTE_BAD_ANSWER, "looking up an Epos Now product by SKU: expected a list");
	if (st == REMOTE_OK) {
		st = remote_fail(re, REMOTE_NOT_FOUND, "no Epos Now product with SKU %s", sku);
		json_array_foreach(j, i, o) {
			const char *s = json_string_value(json_object_get(o, "Sku"));

			/* the filter should be exact; check anyway, and skip archived products */
			if (s && strcmp(s, sku) == 0 && !jf_bool(o, "IsArchived") &&
			    jf_id(o, "Id", id_out, id_len) == 0) {
				remote_error_reset(re);
				st = REMOTE_OK;
				break;
			}
		}
	}
	json_decref(j);
	return st;
}

static enum remote_status
epos_product_get_sku(struct connector *c, const char *id, char *sku_out, size_t sku_len, struct remote_error *re)
{
	char *enc = url_param(id), path[160], what[160];
	json_t *j = NULL;
	enum remote_status st;

	snprintf(path, sizeof(path), "/Product/%s", enc);
	snprintf(what, sizeof(what), "reading product %s from Epos Now", id);
	free(enc);
	st = epos_call(epos_of(c), "GET", path, NULL, &j, re, what);
	if (st == REMOTE_OK) {
		json_t *rec = json_is_array(j) ? json_array_get(j, 0) : j;

		if (!json_is_object(rec))
			st = remote_fail(re, REMOTE_NOT_FOUND, "%s: no such product", what);
		else
			jf_str(rec, "Sku", sku_out, sku_len);
	}
	json_decref(j);
	return st;
}

const struct connector_ops eposnow_connector = {
	.kind = "eposnow",
	.role = "pos",
	.display_name = "Epos Now",
	.compact_name = "EposNow",
	.upper_name = "EPOSNOW",
	.open = epos_open,
	.close = epos_close,
	.test = epos_test,
	.customer_get = epos_customer_get,
	.customers_page = epos_customers_page,
	.customers_by_email = epos_customers_by_email,
	.customer_create = epos_customer_create,
	.customer_type_get = epos_customer_type_get,
	.customer_types_list = epos_customer_types_list,
	.sale_find = epos_sale_find,
	.sale_create = epos_sale_create,
	.product_find_by_sku = epos_product_find_by_sku,
	.product_get_sku = epos_product_get_sku,
	/* catalog: eposnow_catalog.c */
	.products_page = epos_products_page,
	.product_get = epos_product_get,
	.categories_list = epos_categories_list,
	.category_create = epos_category_create,
	.stock_page = epos_stock_page,
	.products_by_sku = epos_products_by_sku,
	.products_write = epos_products_write,
	.products_write_max = EPOS_PRODUCTS_WRITE_MAX,
};
