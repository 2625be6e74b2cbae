/*
 * api_status.c: the status page ("the most recent activity for each of
 * your integrated solutions"), Test Connection, and finding the shop
 * customer to link a POS customer to.
 *
 *	GET  /api/activity?account=A                    per connection: kind, feeds, latest work
 *	POST /api/accounts/{name}/test-connection       reach each side, say what is wrong
 *	GET  /api/customer-match?account=A&pos_id=ID    the POS customer, its link, shop customers with its e-mail
 *
 * Test Connection and customer matching call the remotes from the request's
 * thread: the answer waits for them (each call has the HTTP client's
 * timeouts), which is what a person pressing the button expects.
 */
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "core/journal.h"
#include "core/render.h"
#include "queue/queue.h"
#include "server/api_internal.h"

static int
the_account(struct call *c, const char *name, struct account *a)
{
	if (api_account(c, name, 0, a) < 0)
		return -1;
	if (!a->id) {
		api_fail(c, 400, "name the account (?account=NAME)");
		return -1;
	}
	if (!a->name[0] && store_account_get(c->st, a->id, a, &c->err) < 0) {
		api_fail(c, 503, "the store is unavailable; try again");
		return -1;
	}
	return 0;
}

static const char *
display_name(struct call *c, const char *kind)
{
	const struct connector_ops *ops = c->find(kind);

	return ops ? ops->display_name : kind;
}

static json_t *
render_activity(const struct queue_activity *qa)
{
	const struct queue_def *d = queue_def_find(qa->queue);
	json_t *o = json_pack("{s:s, s:s, s:s, s:I}", "queue", qa->queue, "title", d ? d->title : qa->queue,
			      "direction", qa->direction, "items", (json_int_t)qa->items);

	json_object_set_new(o, "last_success_at", render_time(qa->last_success_at));
	json_object_set_new(o, "last_activity_at", render_time(qa->last_activity_at));
	return o;
}

/* The latest change seen from one side, or null: "did it reach us at all?" */
static json_t *
last_inbound(struct call *c, int64_t account_id, const char *entity)
{
	struct inbound_filter f = { account_id, entity, NULL, 1 };
	struct inbound_event *ev = NULL;
	size_t n = 0;
	json_t *o;

	if (store_inbound_list(c->st, &f, &ev, &n, &c->err) < 0 || !n) {
		free(ev);
		return json_null();
	}
	o = render_inbound(&ev[0]);
	free(ev);
	return o;
}

/*
 * GET /activity?account=A: one entry per connection with its feeds' health
 * and, for each queue, when work in either direction last succeeded: "no
 * orders downloaded from the shop since December 13th" reads off it.
 */
void
api_get_activity(struct call *c)
{
	struct connection *conns = NULL;
	struct queue_activity *qa = NULL;
	struct feed_health *h = NULL;
	struct job *jobs = NULL;
	size_t nc = 0, nq = 0, nh = 0, nj = 0;
	struct account a;
	json_t *integrations, *activity, *recent;

	if (the_account(c, api_query(c, "account"), &a) < 0)
		return;
	if (store_connection_list(c->st, a.id, &conns, &nc, &c->err) < 0 ||
	    store_queue_activity(c->st, a.id, &qa, &nq, &c->err) < 0 ||
	    store_health_list(c->st, a.id, &h, &nh, &c->err) < 0 ||
	    store_job_list(c->st, a.id, 5, &jobs, &nj, &c->err) < 0) {
		api_fail(c, 503, "the store is unavailable; try again");
		goto out;
	}
	integrations = json_array();
	for (int r = 0; r < 2; r++) {
		const char *role = r ? "shop" : "pos";
		const struct connection *conn = NULL;
		json_t *o;

		for (size_t i = 0; i < nc; i++)
			if (strcmp(conns[i].role, role) == 0)
				conn = &conns[i];
		if (conn) {
			o = render_connection(conn, a.name);
			json_object_set_new(o, "name", json_string(display_name(c, conn->kind)));
			json_object_set_new(o, "configured", json_true());
		} else {
			o = json_pack("{s:s, s:s, s:b}", "role", role, "name", r ? "Shop" : "POS", "configured", 0);
		}
		json_object_set_new(o, "feeds", api_render_feeds(c->st, a.id, h, nh, conns, nc, role));
		json_object_set_new(o, "last_change_seen", last_inbound(c, a.id, r ? "order" : "customer"));
		json_array_append_new(integrations, o);
	}
	activity = json_array();
	for (size_t i = 0; i < nq; i++)
		json_array_append_new(activity, render_activity(&qa[i]));
	recent = json_array();
	for (size_t i = 0; i < nj; i++)
		json_array_append_new(recent, render_job(&jobs[i]));
	api_reply(c, 200, json_pack("{s:s, s:o, s:o, s:o}", "account", a.name, "integrations", integrations,
				    "activity", activity, "recent_jobs", recent));
out:
	connections_free(conns, nc);
	free(qa);
	free(h);
	jobs_free(jobs, nj);
}

/*
 * POST /accounts/{name}/test-connection: each side's connector reads
 * something cheap and checks write permission where it can; the answer says
 * in the connector's words what is wrong. Always 200 when the test ran:
 * a failing remote is a result, not an API error. Journaled, so the logs
 * show when the credentials last worked.
 */
void
api_post_test_connection(struct call *c, const char *name)
{
	struct connection_check ck[2];
	struct engine *e = NULL;
	struct account a;
	json_t *results;
	int failures = 0;

	if (the_account(c, name, &a) < 0)
		return;
	if (engine_new(&e, c->find, &c->err) < 0) {
		api_fail(c, 500, "%s", c->err.buf);
		return;
	}
	results = json_array();
	failures = engine_test_connections(e, c->st, a.id, ck);
	for (int i = 0; i < 2; i++) {
		if (!ck[i].configured) {
			json_array_append_new(results, json_pack("{s:s, s:b, s:b, s:s}", "role", ck[i].role, "configured", 0,
								 "ok", 0, "message",
								 "not configured: add the connection first"));
			continue;
		}
		if (!ck[i].opened) {
			json_array_append_new(results, json_pack("{s:s, s:b, s:b, s:s}", "role", ck[i].role, "configured", 1,
								 "ok", 0, "message", ck[i].message));
			continue;
		}
		json_array_append_new(results, json_pack("{s:s, s:s, s:s, s:b, s:b, s:s}", "role", ck[i].role, "kind",
							 ck[i].kind, "name", ck[i].display_name, "configured", 1,
							 "ok", ck[i].ok, "message", ck[i].ok ? "OK" : ck[i].message));
		if (ck[i].ok)
			journal(c->st, a.id, a.name, ck[i].kind, LOG_INFO, "Test Connection by %s: %s OK", c->who.name,
				ck[i].display_name);
		else
			journal(c->st, a.id, a.name, ck[i].kind, LOG_ERROR, "Test Connection by %s: %s: %s",
				c->who.name, ck[i].display_name, ck[i].message);
	}
	engine_free(e);
	api_reply(c, 200, json_pack("{s:s, s:b, s:o}", "account", a.name, "ok", failures == 0, "results", results));
}

static json_t *
render_customer(const struct customer *cu)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "id", cu->id, "email", cu->email, "first_name", cu->first_name,
			 "last_name", cu->last_name);
}

/*
 * GET /customer-match?account=A&pos_id=ID: what the item view offers when
 * a Customers Queue item says "Customer is not linked": the POS customer,
 * the link it has (if any), and the shop customers with the same e-mail,
 * so the merchant links with one press instead of looking ids up.
 */
void
api_get_customer_match(struct call *c)
{
	const char *pos_id = api_query(c, "pos_id");
	struct connector *pos = NULL, *shop = NULL;
	struct customer cu, *found = NULL;
	struct remote_error re;
	struct engine *e = NULL;
	struct account a;
	struct link l;
	size_t n = 0;
	json_t *link, *cands;
	int rc;

	if (the_account(c, api_query(c, "account"), &a) < 0)
		return;
	if (!pos_id) {
		api_fail(c, 400, "name the POS customer (?pos_id=ID)");
		return;
	}
	rc = store_link_by_pos(c->st, a.id, "customer", pos_id, &l, &c->err);
	if (rc < 0) {
		api_fail(c, 503, "the store is unavailable; try again");
		return;
	}
	link = rc == 0 ? render_link(&l, a.name) : json_null();
	remote_error_init(&re);
	if (engine_new(&e, c->find, &c->err) < 0) {
		api_fail(c, 500, "%s", c->err.buf);
		goto out;
	}
	rc = engine_open_connector(e, c->st, a.id, "pos", &pos, &re, &c->err);
	if (rc == 0)
		rc = engine_open_connector(e, c->st, a.id, "shop", &shop, &re, &c->err);
	if (rc == STORE_NOTFOUND) {
		api_fail(c, 409, "the account needs both a POS and a shop connection to match customers");
		goto out;
	}
	if (rc < 0) {
		api_fail(c, 502, "%s", c->err.buf);
		goto out;
	}
	if (!pos->ops->customer_get || !shop->ops->customers_by_email) {
		api_fail(c, 409, "%s or %s cannot look customers up", pos->ops->display_name, shop->ops->display_name);
		goto out;
	}
	if (pos->ops->customer_get(pos, pos_id, &cu, &re) != REMOTE_OK) {
		api_fail(c, 502, "%s: %s", pos->ops->display_name, re.message.buf);
		goto out;
	}
	cands = json_array();
	if (cu.email[0]) {
		if (shop->ops->customers_by_email(shop, cu.email, &found, &n, &re) != REMOTE_OK) {
			json_decref(cands);
			api_fail(c, 502, "%s: %s", shop->ops->display_name, re.message.buf);
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			json_array_append_new(cands, render_customer(&found[i]));
	}
	api_reply(c, 200, json_pack("{s:s, s:o, s:O, s:s, s:o}", "account", a.name, "pos", render_customer(&cu),
				    "link", link, "shop_name", shop->ops->display_name, "candidates", cands));
out:
	json_decref(link);
	free(found);
	if (pos)
		pos->ops->close(pos);
	if (shop)
		shop->ops->close(shop);
	remote_error_release(&re);
	engine_free(e);
}
