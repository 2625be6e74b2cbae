/*
 * The engine's flows against in-memory connectors: every seed comment,
 * exactly-once order import when answers are lost, e-mail matching.
 * The real connectors are tested against the sandbox in tests/integration.
 */
#include "testutil.h"

#include "connectors/connector.h"
#include "core/comments.h"
#include "core/cycle.h"
#include "core/engine.h"
#include "queue/queue.h"

/* ---- a fake POS and a fake shop ----------------------------------------- */

struct fake_state {
	struct customer pos_customers[8];
	size_t npos_customers;
	struct customer_type types[4];
	size_t ntypes;
	struct { char id[16], sku[32]; } pos_products[8];
	size_t npos_products;
	struct pos_sale sales[8];
	size_t nsales;
	int sale_create_calls;
	int lose_sale_answer;            /* the sale lands but the answer is lost */
	int pos_down;                    /* every POS call fails temporarily */
	int shop_refuses;                /* shop customer writes answer 400 */
	int shop_update_calls;
	char shop_points_written[32];
	char shop_type_written[64];
	struct order orders[8];
	size_t norders;
	int pos_customer_creates;
};

static struct fake_state fk;

static struct connector fake_pos_conn, fake_shop_conn;
extern const struct connector_ops fake_pos_ops, fake_shop_ops;

static enum remote_status
fake_open_pos(struct connector **out, const char *base_url, const char *cred, struct remote_error *re)
{
	fake_pos_conn.ops = &fake_pos_ops;
	*out = &fake_pos_conn;
	return REMOTE_OK;
}

static enum remote_status
fake_open_shop(struct connector **out, const char *base_url, const char *cred, struct remote_error *re)
{
	fake_shop_conn.ops = &fake_shop_ops;
	*out = &fake_shop_conn;
	return REMOTE_OK;
}

static void
fake_close(struct connector *c)
{
}

static enum remote_status
fake_test(struct connector *c, struct remote_error *re)
{
	return REMOTE_OK;
}

static enum remote_status
pos_customer_get(struct connector *c, const char *id, struct customer *out, struct remote_error *re)
{
	if (fk.pos_down) {
		sbuf_addstr(&re->body, "Service Unavailable");
		return remote_fail(re, REMOTE_TEMPORARY, "reading customer %s: HTTP 503", id);
	}
	for (size_t i = 0; i < fk.npos_customers; i++)
		if (strcmp(fk.pos_customers[i].id, id) == 0) {
			*out = fk.pos_customers[i];
			return REMOTE_OK;
		}
	return remote_fail(re, REMOTE_NOT_FOUND, "no customer %s", id);
}

static enum remote_status
pos_customers_page(struct connector *c, struct change_page *pg, struct customer **out, size_t *n,
		   struct remote_error *re)
{
	*out = calloc(fk.npos_customers + 1, sizeof(**out));
	memcpy(*out, fk.pos_customers, fk.npos_customers * sizeof(**out));
	*n = fk.npos_customers;
	pg->more = 0;
	return REMOTE_OK;
}

static enum remote_status
pos_by_email(struct connector *c, const char *email, struct customer **out, size_t *n, struct remote_error *re)
{
	if (fk.pos_down)
		return remote_fail(re, REMOTE_TEMPORARY, "down");
	*out = calloc(fk.npos_customers + 1, sizeof(**out));
	*n = 0;
	for (size_t i = 0; i < fk.npos_customers; i++)
		if (strcmp(fk.pos_customers[i].email, email) == 0)
			(*out)[(*n)++] = fk.pos_customers[i];
	return REMOTE_OK;
}

static enum remote_status
pos_customer_create(struct connector *c, const struct customer *in, struct customer *out, struct remote_error *re)
{
	struct customer *nc = &fk.pos_customers[fk.npos_customers++];

	*nc = *in;
	snprintf(nc->id, sizeof(nc->id), "%zu", 500 + fk.npos_customers);
	fk.pos_customer_creates++;
	*out = *nc;
	return REMOTE_OK;
}

static enum remote_status
pos_type_get(struct connector *c, const char *id, struct customer_type *out, struct remote_error *re)
{
	for (size_t i = 0; i < fk.ntypes; i++)
		if (strcmp(fk.types[i].id, id) == 0) {
			*out = fk.types[i];
			return REMOTE_OK;
		}
	return remote_fail(re, REMOTE_NOT_FOUND, "no type %s", id);
}

static enum remote_status
pos_types_list(struct connector *c, struct customer_type **out, size_t *n, struct remote_error *re)
{
	*out = calloc(fk.ntypes + 1, sizeof(**out));
	memcpy(*out, fk.types, fk.ntypes * sizeof(**out));
	*n = fk.ntypes;
	return REMOTE_OK;
}

static enum remote_status
pos_sale_find(struct connector *c, const char *ref, int64_t around, struct pos_sale *out, struct remote_error *re)
{
	for (size_t i = 0; i < fk.nsales; i++)
		if (strcmp(fk.sales[i].reference, ref) == 0) {
			*out = fk.sales[i];
			out->lines = NULL;
			out->nlines = 0;
			return REMOTE_OK;
		}
	return remote_fail(re, REMOTE_NOT_FOUND, "no sale %s", ref);
}

static enum remote_status
pos_sale_create(struct connector *c, const struct pos_sale *in, struct pos_sale *out, struct remote_error *re)
{
	struct pos_sale *s = &fk.sales[fk.nsales++];

	fk.sale_create_calls++;
	*s = *in;
	s->lines = NULL;
	snprintf(s->id, sizeof(s->id), "%zu", 9000 + fk.nsales);
	if (fk.lose_sale_answer) {
		fk.lose_sale_answer--;
		re->may_have_landed = 1;
		return remote_fail(re, REMOTE_TEMPORARY, "creating the sale: timed out");
	}
	*out = *s;
	return REMOTE_OK;
}

static enum remote_status
pos_product_by_sku(struct connector *c, const char *sku, char *id, size_t len, struct remote_error *re)
{
	for (size_t i = 0; i < fk.npos_products; i++)
		if (strcmp(fk.pos_products[i].sku, sku) == 0) {
			snprintf(id, len, "%s", fk.pos_products[i].id);
			return REMOTE_OK;
		}
	return remote_fail(re, REMOTE_NOT_FOUND, "no product %s", sku);
}

static enum remote_status
shop_customer_update(struct connector *c, const char *id, const struct customer_update *u, struct remote_error *re)
{
	fk.shop_update_calls++;
	if (fk.shop_refuses) {
		sbuf_addstr(&re->body, "{\"code\":\"rest_invalid_param\",\"message\":\"Invalid parameter(s): meta_data\"}");
		return remote_fail(re, REMOTE_REFUSED, "updating customer %s: refused (HTTP 400)", id);
	}
	if (u->set_points)
		snprintf(fk.shop_points_written, sizeof(fk.shop_points_written), "%s=%lld", u->points_key,
			 (long long)u->points);
	if (u->set_type)
		snprintf(fk.shop_type_written, sizeof(fk.shop_type_written), "%s", u->type_name);
	return REMOTE_OK;
}

static enum remote_status
shop_order_get(struct connector *c, const char *id, struct order *out, struct remote_error *re)
{
	for (size_t i = 0; i < fk.norders; i++)
		if (strcmp(fk.orders[i].id, id) == 0) {
			*out = fk.orders[i];
			out->lines = calloc(out->nlines, sizeof(*out->lines));
			memcpy(out->lines, fk.orders[i].lines, out->nlines * sizeof(*out->lines));
			return REMOTE_OK;
		}
	return remote_fail(re, REMOTE_NOT_FOUND, "no order %s", id);
}

const struct connector_ops fake_pos_ops = {
	.kind = "fakepos", .role = "pos", .display_name = "Epos Now", .compact_name = "EposNow",
	.upper_name = "EPOSNOW", .open = fake_open_pos, .close = fake_close, .test = fake_test,
	.customer_get = pos_customer_get, .customers_page = pos_customers_page, .customers_by_email = pos_by_email,
	.customer_create = pos_customer_create, .customer_type_get = pos_type_get,
	.customer_types_list = pos_types_list, .sale_find = pos_sale_find, .sale_create = pos_sale_create,
	.product_find_by_sku = pos_product_by_sku,
};

const struct connector_ops fake_shop_ops = {
	.kind = "fakeshop", .role = "shop", .display_name = "WooCommerce", .compact_name = "WooCommerce",
	.upper_name = "WOOCOMMERCE", .open = fake_open_shop, .close = fake_close, .test = fake_test,
	.customer_update = shop_customer_update, .order_get = shop_order_get,
};

static const struct connector_ops *
fake_find(const char *kind)
{
	if (strcmp(kind, "fakepos") == 0)
		return &fake_pos_ops;
	if (strcmp(kind, "fakeshop") == 0)
		return &fake_shop_ops;
	return NULL;
}

/* ---- harness ------------------------------------------------------------ */

struct env {
	struct test_store ts;
	struct engine *e;
	int64_t acc;
};

static void
env_setup(struct env *v, int customer_sync)
{
	struct sbuf err = SBUF_INIT;

	memset(&fk, 0, sizeof(fk));
	test_store_open(&v->ts);
	v->acc = test_account(v->ts.st, "shop1");
	assert_int_equal(engine_new(&v->e, fake_find, &err), 0);
	assert_int_equal(store_connection_set(v->ts.st, v->acc, "pos", "fakepos", "http://pos", "{}", 1, &err), 0);
	assert_int_equal(store_connection_set(v->ts.st, v->acc, "shop", "fakeshop", "http://shop", "{}", 1, &err), 0);
	if (customer_sync)
		assert_int_equal(store_setting_set(v->ts.st, v->acc, "customer_sync", "on", 1, &err), 0);
	sbuf_release(&err);
}

static void
env_teardown(struct env *v)
{
	engine_free(v->e);
	test_store_close(&v->ts);
}

/* Enqueue one item, claim it, run the engine as a worker would; returns the result. */
static enum item_status
run_item(struct env *v, const char *queue, const char *type, const char *id, int attempt_is_retry,
	 char *comment, size_t clen, char *detail, size_t dlen)
{
	struct sbuf err = SBUF_INIT;
	struct queue_item *items;
	struct work_result res;
	size_t n;
	enum item_status st;

	assert_int_equal(queue_enqueue(v->ts.st, v->acc, queue, type, id, strcmp(queue, "orders") == 0 ?
				       DIRECTION_SHOP_TO_POS : DIRECTION_POS_TO_SHOP, REASON_MANUAL, NULL, NULL,
				       1000, NULL, NULL, &err), 0);
	assert_int_equal(store_queue_claim(v->ts.st, "t", 2000, 60000, 1, NULL, &items, &n, &err), 0);
	assert_int_equal(n, 1);
	sbuf_init(&res.comment, SBUF_CAP_COMMENT);
	sbuf_init(&res.detail, SBUF_CAP_REMOTE);
	res.status = ITEM_FAILED;
	res.retry_after_ms = 0;
	assert_int_equal(engine_handle(v->e, v->ts.st, &items[0], attempt_is_retry, &res), 0);
	snprintf(comment, clen, "%s", res.comment.buf);
	if (detail)
		snprintf(detail, dlen, "%s", res.detail.buf);
	st = res.status;
	{
		struct queue_outcome o = { items[0].id, items[0].attempts, st == ITEM_RETRY ? ITEM_RETRY : st, 3000, 2000,
					   res.comment.buf, NULL };

		assert_int_equal(store_queue_finish(v->ts.st, "t", &o, 1, 2001, NULL, &err), 0);
	}
	queue_items_free(items, n);
	sbuf_release(&res.comment);
	sbuf_release(&res.detail);
	sbuf_release(&err);
	return st;
}

static void
add_pos_customer(const char *id, const char *email, int64_t points, const char *type)
{
	struct customer *c = &fk.pos_customers[fk.npos_customers++];

	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", id);
	snprintf(c->email, sizeof(c->email), "%s", email);
	snprintf(c->type_id, sizeof(c->type_id), "%s", type);
	c->has_points = 1;
	c->points = points;
}

/* ---- customers ---------------------------------------------------------- */

static void
test_flows__customer_comments_verbatim(void **state)
{
	struct env v;
	struct sbuf err = SBUF_INIT;
	char comment[256], detail[512];

	env_setup(&v, 0);
	add_pos_customer("42", "ann@example.com", 120, "");

	/* customer sync off */
	assert_int_equal(run_item(&v, "customers", "customer", "42", 0, comment, sizeof(comment), NULL, 0),
			 ITEM_SKIPPED);
	assert_string_equal(comment, "Customer sync is not enabled");

	/* on, but the shop is stock master: customer sync is not available that way round */
	assert_int_equal(store_setting_set(v.ts.st, v.acc, "customer_sync", "on", 1, &err), 0);
	assert_int_equal(store_setting_set(v.ts.st, v.acc, "stock_master", "shop", 1, &err), 0);
	assert_int_equal(run_item(&v, "customers", "customer", "42", 0, comment, sizeof(comment), NULL, 0),
			 ITEM_SKIPPED);
	assert_string_equal(comment, "Customer sync is not enabled");
	assert_int_equal(store_setting_set(v.ts.st, v.acc, "stock_master", "pos", 1, &err), 0);

	/* not linked */
	assert_int_equal(run_item(&v, "customers", "customer", "42", 0, comment, sizeof(comment), NULL, 0),
			 ITEM_FAILED);
	assert_string_equal(comment, "Customer is not linked");

	/* POS down: retried, with what the POS said */
	assert_int_equal(store_link_set(v.ts.st, v.acc, "customer", "42", "7", 1, &err), 0);
	fk.pos_down = 1;
	assert_int_equal(run_item(&v, "customers", "customer", "42", 0, comment, sizeof(comment), detail,
				  sizeof(detail)), ITEM_RETRY);
	assert_string_equal(comment, "Customer Endpoint Point call api failed");
	assert_non_null(strstr(detail, "Service Unavailable"));
	fk.pos_down = 0;

	/* the shop refuses: its answer is kept */
	fk.shop_refuses = 1;
	assert_int_equal(run_item(&v, "customers", "customer", "42", 0, comment, sizeof(comment), detail,
				  sizeof(detail)), ITEM_FAILED);
	assert_string_equal(comment, "WooCommerce customer not updated");
	assert_non_null(strstr(detail, "rest_invalid_param"));
	fk.shop_refuses = 0;

	/* fixed: points reach the shop under the configured key */
	assert_int_equal(run_item(&v, "customers", "customer", "42", 0, comment, sizeof(comment), NULL, 0),
			 ITEM_SUCCEEDED);
	assert_string_equal(comment, "Successfully Updated");
	assert_string_equal(fk.shop_points_written, "_tillsync_loyalty_points=120");

	/* same values again: nothing sent */
	fk.shop_update_calls = 0;
	assert_int_equal(run_item(&v, "customers", "customer", "42", 0, comment, sizeof(comment), NULL, 0),
			 ITEM_SUCCEEDED);
	assert_int_equal(fk.shop_update_calls, 0);
	/* points change: sent */
	fk.pos_customers[0].points = 150;
	assert_int_equal(run_item(&v, "customers", "customer", "42", 0, comment, sizeof(comment), NULL, 0),
			 ITEM_SUCCEEDED);
	assert_string_equal(fk.shop_points_written, "_tillsync_loyalty_points=150");

	/* the POS customer was deleted while linked: reported, not silently used */
	fk.npos_customers = 0;
	assert_int_equal(run_item(&v, "customers", "customer", "42", 0, comment, sizeof(comment), NULL, 0),
			 ITEM_FAILED);
	assert_non_null(strstr(comment, "no longer exists"));
	env_teardown(&v);
	sbuf_release(&err);
}

static void
test_flows__customer_type_name_travels(void **state)
{
	struct env v;
	struct sbuf err = SBUF_INIT;
	char comment[256];

	env_setup(&v, 1);
	snprintf(fk.types[0].id, sizeof(fk.types[0].id), "3");
	snprintf(fk.types[0].name, sizeof(fk.types[0].name), "Trade");
	fk.ntypes = 1;
	add_pos_customer("42", "ann@example.com", 5, "3");
	assert_int_equal(store_link_set(v.ts.st, v.acc, "customer", "42", "7", 1, &err), 0);
	assert_int_equal(run_item(&v, "customers", "customer", "42", 0, comment, sizeof(comment), NULL, 0),
			 ITEM_SUCCEEDED);
	assert_string_equal(fk.shop_type_written, "Trade");
	assert_int_equal(run_item(&v, "customer_types", "customer_type", "3", 0, comment, sizeof(comment), NULL, 0),
			 ITEM_SUCCEEDED);
	assert_string_equal(comment, "Successfully Updated");
	/* sync off: the seed's comment for customer types too */
	assert_int_equal(store_setting_set(v.ts.st, v.acc, "customer_sync", "off", 1, &err), 0);
	assert_int_equal(run_item(&v, "customer_types", "customer_type", "3", 0, comment, sizeof(comment), NULL, 0),
			 ITEM_SKIPPED);
	assert_string_equal(comment, "Customer sync is not enabled");
	env_teardown(&v);
	sbuf_release(&err);
}

/* ---- orders ------------------------------------------------------------- */

static struct order_line lines_store[8][4];

static void
add_order(const char *id, const char *status, const char *customer_id, const char *email, const char *sku)
{
	size_t k = fk.norders;

	assert_true(k < 8);
	struct order *o = &fk.orders[fk.norders++];

	memset(o, 0, sizeof(*o));
	snprintf(o->id, sizeof(o->id), "%s", id);
	snprintf(o->number, sizeof(o->number), "%s", id);
	snprintf(o->status, sizeof(o->status), "%s", status);
	snprintf(o->customer_id, sizeof(o->customer_id), "%s", customer_id);
	snprintf(o->email, sizeof(o->email), "%s", email);
	money_parse("9.00", &o->total);
	memset(lines_store[k], 0, sizeof(lines_store[k]));
	/* one shop product per SKU, as in a real shop */
	snprintf(lines_store[k][0].product_id, MODEL_ID_LEN, "%s", strcmp(sku, "TEA-1") == 0 ? "77" : "78");
	snprintf(lines_store[k][0].sku, sizeof(lines_store[k][0].sku), "%s", sku);
	lines_store[k][0].quantity = 2;
	money_parse("4.50", &lines_store[k][0].unit_price);
	o->lines = lines_store[k];
	o->nlines = 1;
}

static void
add_pos_product(const char *id, const char *sku)
{
	snprintf(fk.pos_products[fk.npos_products].id, 16, "%s", id);
	snprintf(fk.pos_products[fk.npos_products].sku, 32, "%s", sku);
	fk.npos_products++;
}

static void
test_flows__order_matching_comments(void **state)
{
	struct env v;
	char comment[256], detail[512];

	env_setup(&v, 0);
	add_pos_product("55", "TEA-1");
	add_pos_customer("1", "dup@example.com", 0, "");
	add_pos_customer("2", "dup@example.com", 0, "");

	add_order("100", "processing", "9", "dup@example.com", "TEA-1");
	assert_int_equal(run_item(&v, "orders", "order", "100", 0, comment, sizeof(comment), NULL, 0), ITEM_FAILED);
	assert_string_equal(comment, "We could not auto-link the customer as there is more than one customer in "
				     "EposNow with the same email address.");

	add_order("101", "processing", "9", "dup@example.com", "NOPE");
	assert_int_equal(run_item(&v, "orders", "order", "101", 0, comment, sizeof(comment), detail, sizeof(detail)),
			 ITEM_FAILED);
	assert_string_equal(comment, "Product Id and Customer Id Not Matched with EPOSNOW");

	add_order("102", "processing", "", "guest@example.com", "NOPE");
	assert_int_equal(run_item(&v, "orders", "order", "102", 0, comment, sizeof(comment), detail, sizeof(detail)),
			 ITEM_FAILED);
	assert_string_equal(comment, "Product Id Not Matched with EPOSNOW");
	assert_non_null(strstr(detail, "NOPE"));

	fk.pos_down = 1;
	add_order("103", "processing", "9", "new@example.com", "TEA-1");
	assert_int_equal(run_item(&v, "orders", "order", "103", 0, comment, sizeof(comment), NULL, 0), ITEM_RETRY);
	assert_string_equal(comment, "Customer Id Not Matched with EPOSNOW");
	fk.pos_down = 0;

	add_order("104", "pending", "9", "new@example.com", "TEA-1");
	assert_int_equal(run_item(&v, "orders", "order", "104", 0, comment, sizeof(comment), NULL, 0), ITEM_SKIPPED);
	assert_int_equal(fk.sale_create_calls, 0);
	env_teardown(&v);
}

static void
test_flows__order_creates_customer_once_and_links(void **state)
{
	struct env v;
	struct sbuf err = SBUF_INIT;
	struct link l;
	char comment[256];

	env_setup(&v, 0);
	add_pos_product("55", "TEA-1");
	add_order("200", "processing", "9", "new@example.com", "TEA-1");
	assert_int_equal(run_item(&v, "orders", "order", "200", 0, comment, sizeof(comment), NULL, 0), ITEM_SUCCEEDED);
	assert_string_equal(comment, "Order imported into Epos Now");
	assert_int_equal(fk.pos_customer_creates, 1);
	assert_int_equal(fk.nsales, 1);
	assert_string_equal(fk.sales[0].customer_id, "501");
	assert_int_equal(store_link_by_shop(v.ts.st, v.acc, "customer", "9", &l, &err), 0);
	assert_string_equal(l.pos_id, "501");
	assert_int_equal(store_link_by_shop(v.ts.st, v.acc, "order", "200", &l, &err), 0);
	assert_int_equal(store_link_by_shop(v.ts.st, v.acc, "product", "77", &l, &err), 0);

	/* the same customer's next order reuses the link */
	add_order("201", "completed", "9", "new@example.com", "TEA-1");
	assert_int_equal(run_item(&v, "orders", "order", "201", 0, comment, sizeof(comment), NULL, 0), ITEM_SUCCEEDED);
	assert_int_equal(fk.pos_customer_creates, 1);

	/* imported already: nothing more; cancelled after import: said, not undone */
	assert_int_equal(run_item(&v, "orders", "order", "200", 0, comment, sizeof(comment), NULL, 0), ITEM_SKIPPED);
	assert_string_equal(comment, "Order already imported into Epos Now");
	snprintf(fk.orders[0].status, sizeof(fk.orders[0].status), "refunded");
	assert_int_equal(run_item(&v, "orders", "order", "200", 0, comment, sizeof(comment), NULL, 0), ITEM_SKIPPED);
	assert_non_null(strstr(comment, "after import"));
	assert_int_equal(fk.nsales, 2);

	/* a guest order with an unknown e-mail imports without creating a customer */
	add_order("202", "processing", "", "walkin@example.com", "TEA-1");
	assert_int_equal(run_item(&v, "orders", "order", "202", 0, comment, sizeof(comment), NULL, 0), ITEM_SUCCEEDED);
	assert_int_equal(fk.pos_customer_creates, 1);
	assert_string_equal(fk.sales[2].customer_id, "");
	env_teardown(&v);
	sbuf_release(&err);
}

static void
test_flows__order_exactly_once_when_answer_lost(void **state)
{
	struct env v;
	char comment[256], detail[512];

	env_setup(&v, 0);
	add_pos_product("55", "TEA-1");
	add_order("300", "processing", "", "", "TEA-1");
	/* the sale lands but the answer is lost: found at once by reference, not created again */
	fk.lose_sale_answer = 1;
	assert_int_equal(run_item(&v, "orders", "order", "300", 0, comment, sizeof(comment), detail, sizeof(detail)),
			 ITEM_SUCCEEDED);
	assert_int_equal(fk.nsales, 1);
	assert_non_null(strstr(detail, "not created again"));
	assert_string_equal(fk.sales[0].reference, "TS1-300");

	/* a crash after the sale landed and before the outcome was stored: the retry
	 * (is_retry, intent present) finds it instead of writing a second sale */
	add_order("301", "processing", "", "", "TEA-1");
	fk.lose_sale_answer = 0;
	{
		struct sbuf err = SBUF_INIT;
		int earlier = 0;

		/* simulate: intent recorded and sale created by a worker that then died */
		assert_int_equal(store_intent_begin(v.ts.st, v.acc, "order", "301", "TS1-301", 999, 1000, 1, &earlier,
						    &err), 0);
		snprintf(fk.sales[fk.nsales].reference, MODEL_ID_LEN, "TS1-301");
		snprintf(fk.sales[fk.nsales].id, MODEL_ID_LEN, "9999");
		fk.nsales++;
		sbuf_release(&err);
	}
	assert_int_equal(run_item(&v, "orders", "order", "301", 1, comment, sizeof(comment), detail, sizeof(detail)),
			 ITEM_SUCCEEDED);
	assert_int_equal(fk.nsales, 2);
	assert_int_equal(fk.sale_create_calls, 1);
	env_teardown(&v);
}

/* ---- cycles ------------------------------------------------------------- */

static void
test_flows__customer_cycle_baseline_then_changes(void **state)
{
	struct env v;
	struct sbuf err = SBUF_INIT;
	struct cycle_result r;
	struct account a;
	struct inbound_event *ev;
	struct inbound_filter f = { 0, NULL, NULL, 10 };
	size_t n;

	env_setup(&v, 1);
	add_pos_customer("1", "a@example.com", 10, "");
	add_pos_customer("2", "b@example.com", 20, "");
	assert_int_equal(store_account_get(v.ts.st, v.acc, &a, &err), 0);
	assert_int_equal(cycle_run(v.e, v.ts.st, &a, "customers", &r, &err), 0);
	assert_int_equal(r.seen, 2);
	assert_int_equal(r.queued, 0);     /* the first scan is the baseline */
	assert_int_equal(cycle_run(v.e, v.ts.st, &a, "customers", &r, &err), 0);
	assert_int_equal(r.queued, 0);     /* nothing changed */
	fk.pos_customers[1].points = 25;
	add_pos_customer("3", "c@example.com", 0, "");
	assert_int_equal(cycle_run(v.e, v.ts.st, &a, "customers", &r, &err), 0);
	assert_int_equal(r.queued, 2);     /* the changed one and the new one */
	assert_int_equal(store_inbound_list(v.ts.st, &f, &ev, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].source, "cycle");
	assert_true(ev[0].item_id > 0);
	free(ev);
	/* orders feed without an orders op on the fake shop: nothing to do, no error */
	assert_int_equal(cycle_run(v.e, v.ts.st, &a, "orders", &r, &err), 0);
	assert_int_equal(cycle_run(v.e, v.ts.st, &a, "weather", &r, &err), -1);
	env_teardown(&v);
	sbuf_release(&err);
}

static void
test_flows__comment_templates(void **state)
{
	struct comment_names epos_woo = { "Epos Now", "EposNow", "EPOSNOW", "WooCommerce" };
	struct sbuf s = SBUF_INIT;

	comment_format(COMMENT_SHOP_CUSTOMER_NOT_UPDATED, &epos_woo, &s);
	assert_string_equal(s.buf, "WooCommerce customer not updated");
	sbuf_reset(&s);
	comment_format(COMMENT_CUSTOMER_NOT_MATCHED, &epos_woo, &s);
	assert_string_equal(s.buf, "Customer Id Not Matched with EPOSNOW");
	sbuf_reset(&s);
	comment_format(COMMENT_CUSTOMER_NOT_MATCHED, NULL, &s);
	assert_string_equal(s.buf, "Customer Id Not Matched with POS");
	sbuf_release(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flows__customer_comments_verbatim),
		cmocka_unit_test(test_flows__customer_type_name_travels),
		cmocka_unit_test(test_flows__order_matching_comments),
		cmocka_unit_test(test_flows__order_creates_customer_once_and_links),
		cmocka_unit_test(test_flows__order_exactly_once_when_answer_lost),
		cmocka_unit_test(test_flows__customer_cycle_baseline_then_changes),
		cmocka_unit_test(test_flows__comment_templates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
