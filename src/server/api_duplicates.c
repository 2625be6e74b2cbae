/*
 * api_duplicates.c: the Duplicates screen's API.
 *
 *	GET  /api/duplicates?account=A                      same-SKU groups per side (reads both catalogs)
 *	POST /api/duplicates/merge {"account","pos","shop"} link pos to shop, other copies to draft
 */
#include <string.h>

#include "core/duplicates.h"
#include "server/api_internal.h"

static int
engine_for(struct call *c, struct engine **e)
{
	if (engine_new(e, c->find, &c->err) < 0) {
		api_fail(c, 500, "%s", c->err.buf);
		return -1;
	}
	return 0;
}

static void
get_duplicates(struct call *c)
{
	struct duplicate_report r;
	struct engine *e = NULL;
	struct account a;

	if (api_account(c, api_query(c, "account"), 1, &a) < 0 || engine_for(c, &e) < 0)
		return;
	if (duplicates_find(e, c->st, &a, &r, &c->err) < 0)
		api_fail(c, 502, "%s", c->err.buf);
	else
		api_reply(c, 200, duplicates_json(&r, a.name));
	duplicate_report_release(&r);
	engine_free(e);
}

static void
post_merge(struct call *c)
{
	const char *pos = api_body_str(c, "pos"), *shop = api_body_str(c, "shop");
	struct sbuf said = SBUF_INIT;
	struct engine *e = NULL;
	struct account a;

	if (api_account(c, api_body_str(c, "account"), 1, &a) < 0)
		return;
	if (!pos || !shop) {
		api_fail(c, 400, "merge needs \"pos\" and \"shop\": the POS product and the shop product to keep");
		return;
	}
	if (engine_for(c, &e) < 0)
		return;
	if (duplicates_merge(e, c->st, &a, pos, shop, &said, &c->err) < 0)
		api_fail(c, 409, "%s", c->err.buf);
	else
		api_reply(c, 200, json_pack("{s:s}", "done", said.buf));
	sbuf_release(&said);
	engine_free(e);
}

int
api_duplicates_route(struct call *c, char seg[4][128], size_t n)
{
	if (n == 1 && strcmp(seg[0], "duplicates") == 0 && strcmp(c->rq->method, "GET") == 0)
		get_duplicates(c);
	else if (n == 2 && strcmp(seg[0], "duplicates") == 0 && strcmp(seg[1], "merge") == 0 &&
		 strcmp(c->rq->method, "POST") == 0)
		post_merge(c);
	else
		return 0;
	return 1;
}
