/*
 * flow_orders.c: the Orders Queue, shop -> POS (seed 001).
 *
 * DESIGN
 *   Each shop order becomes exactly one POS sale, even across crashes,
 *   timeouts, retries and a webhook racing a cycle:
 *     1. an order already linked to a sale is never written again;
 *     2. before writing, an intent (order -> our reference) is stored; if
 *        one already existed, the POS is searched for a sale carrying our
 *        reference before anything is created;
 *     3. the sale carries our reference ("TS<account>-<order>");
 *     4. an answer lost after the write (timeout, broken connection,
 *        unreadable reply) is followed at once by that search.
 *   Two items for one order (one running, one queued after it) are
 *   serialised by the intent: the second waits while the first is live.
 *
 *   Matching, read-only first so nothing is created for an order that
 *   cannot be imported anyway:
 *     products  by link, then by SKU (the shop's line SKU, or the shop
 *               product's SKU when the line has none);
 *     customer  a linked shop customer uses its link; otherwise by e-mail:
 *               one POS customer -> link and use it; more than one -> the
 *               seed's "could not auto-link" message; none -> create the
 *               customer in the POS and link it (registered customers).
 *               Guest orders use a POS customer with that e-mail when there
 *               is exactly one, and otherwise import without a customer:
 *               a guest checkout is not a customer account, so tillsync
 *               does not create one in the till for it.
 *
 *   Which orders: processing and completed (paid) are imported. pending,
 *   on-hold, failed and drafts are skipped with a comment and imported
 *   when a later change makes them paid. An order cancelled or refunded
 *   before import is skipped; after import tillsync does not void or
 *   refund the till's sale by itself (that changes the till's takings):
 *   the item says so and a Notification is logged for the merchant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/flow.h"
#include "core/settings.h"
#include "util/log.h"
#include "util/timeutil.h"

#define INTENT_STALE_MS (10 * 60 * 1000)

enum customer_match {
	MATCH_NONE_NEEDED,   /* guest without e-mail, or guest with no single match */
	MATCH_FOUND,
	MATCH_CREATE,        /* no POS customer yet: create after products are fine */
	MATCH_AMBIGUOUS,
	MATCH_FAILED,
};

static int
status_is(const char *status, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(status, *list) == 0)
			return 1;
	return 0;
}

/* The POS product for one order line: by link, then by SKU. */
static enum remote_status
match_product(struct flow *f, const struct order_line *l, char *pos_id, size_t len)
{
	const char *shop_id = l->variation_id[0] ? l->variation_id : l->product_id;
	char sku[128];
	struct link link;
	enum remote_status rs;
	int rc;

	rc = store_link_by_shop(f->st, f->account.id, "product", shop_id, &link, &f->err);
	if (rc == 0) {
		snprintf(pos_id, len, "%s", link.pos_id);
		return REMOTE_OK;
	}
	if (rc < 0)
		return REMOTE_TEMPORARY;
	snprintf(sku, sizeof(sku), "%s", l->sku);
	if (!sku[0] && f->shop->ops->product_get_sku) {
		char id[MODEL_ID_LEN * 2 + 2];

		if (l->variation_id[0])
			snprintf(id, sizeof(id), "%s/%s", l->product_id, l->variation_id);
		else
			snprintf(id, sizeof(id), "%s", l->product_id);
		rs = f->shop->ops->product_get_sku(f->shop, id, sku, sizeof(sku), &f->re);
		if (rs != REMOTE_OK && rs != REMOTE_NOT_FOUND)
			return rs;
	}
	if (!sku[0])
		return REMOTE_NOT_FOUND;
	rs = f->pos->ops->product_find_by_sku(f->pos, sku, pos_id, len, &f->re);
	if (rs == REMOTE_OK && shop_id[0] &&
	    store_link_set(f->st, f->account.id, "product", pos_id, shop_id, time_now_ms(), &f->err) < 0)
		flow_log(f, LOG_ERROR, "product %s matched by SKU %s but the link was not saved: %s", shop_id, sku,
			 f->err.buf);
	return rs;
}

static enum customer_match
match_customer(struct flow *f, const struct order *o, char *pos_id, size_t len)
{
	struct customer *found = NULL;
	struct link link;
	size_t n = 0;
	enum remote_status rs;
	int rc;

	pos_id[0] = '\0';
	if (o->customer_id[0]) {
		rc = store_link_by_shop(f->st, f->account.id, "customer", o->customer_id, &link, &f->err);
		if (rc < 0)
			return MATCH_FAILED;
		if (rc == 0) {
			snprintf(pos_id, len, "%s", link.pos_id);
			return MATCH_FOUND;
		}
	}
	if (!o->email[0])
		return o->customer_id[0] ? MATCH_CREATE : MATCH_NONE_NEEDED;
	rs = f->pos->ops->customers_by_email(f->pos, o->email, &found, &n, &f->re);
	if (rs != REMOTE_OK)
		return MATCH_FAILED;
	if (n > 1) {
		free(found);
		return MATCH_AMBIGUOUS;
	}
	if (n == 1) {
		snprintf(pos_id, len, "%s", found[0].id);
		free(found);
		if (o->customer_id[0] &&
		    store_link_set(f->st, f->account.id, "customer", pos_id, o->customer_id, time_now_ms(), &f->err) < 0)
			flow_log(f, LOG_ERROR, "customer matched by e-mail but the link was not saved: %s", f->err.buf);
		return MATCH_FOUND;
	}
	free(found);
	return o->customer_id[0] ? MATCH_CREATE : MATCH_NONE_NEEDED;
}

static int
create_customer(struct flow *f, const struct order *o, char *pos_id, size_t len)
{
	struct customer in, out;
	enum remote_status rs;

	memset(&in, 0, sizeof(in));
	snprintf(in.email, sizeof(in.email), "%s", o->email);
	snprintf(in.first_name, sizeof(in.first_name), "%s", o->first_name);
	snprintf(in.last_name, sizeof(in.last_name), "%s", o->last_name);
	snprintf(in.phone, sizeof(in.phone), "%s", o->phone);
	rs = f->pos->ops->customer_create(f->pos, &in, &out, &f->re);
	if (rs != REMOTE_OK)
		return -1;
	snprintf(pos_id, len, "%s", out.id);
	if (store_link_set(f->st, f->account.id, "customer", out.id, o->customer_id, time_now_ms(), &f->err) < 0)
		flow_log(f, LOG_ERROR, "customer %s created but the link was not saved: %s", out.id, f->err.buf);
	flow_log(f, LOG_INFO, "created %s customer %s for %s customer %s (%s)", f->names.pos, out.id, f->names.shop,
		 o->customer_id, o->email);
	return 0;
}

/* Sale found or created: link it, clear the intent, end the item. */
static int
record_sale(struct flow *f, const struct order *o, const struct pos_sale *sale, int found_earlier)
{
	if (store_link_set(f->st, f->account.id, "order", sale->id, o->id, time_now_ms(), &f->err) < 0)
		return flow_store_error(f);   /* the retry finds the sale by reference */
	store_intent_end(f->st, f->account.id, "order", o->id, &f->err);
	sbuf_addf(&f->res->detail, "%s sale %s%s", f->names.pos, sale->id,
		  found_earlier ? " (found from an earlier attempt; not created again)" : "");
	return flow_end(f, ITEM_SUCCEEDED, COMMENT_ORDER_IMPORTED);
}

static int
import(struct flow *f, struct order *o)
{
	static const char *const paid[] = { "processing", "completed", NULL };
	static const char *const reversed[] = { "cancelled", "refunded", "trash", NULL };
	struct pos_sale sale, made;
	struct link link;
	char reference[MODEL_ID_LEN], customer[MODEL_ID_LEN];
	enum customer_match cm;
	enum remote_status rs;
	int rc, earlier = 0, products_ok = 1, product_failed_temporarily = 0;

	rc = store_link_by_shop(f->st, f->account.id, "order", o->id, &link, &f->err);
	if (rc < 0)
		return flow_store_error(f);
	if (rc == 0) {
		if (status_is(o->status, reversed) || o->refunded.units) {
			flow_log(f, LOG_NOTIFICATION, "%s order %s was %s after it was imported as %s sale %s; "
				 "reverse the sale on the till if needed", f->names.shop, o->number, o->status,
				 f->names.pos, link.pos_id);
			return flow_end(f, ITEM_SKIPPED, COMMENT_ORDER_CHANGED_AFTER_IMPORT);
		}
		sbuf_addf(&f->res->detail, "%s sale %s", f->names.pos, link.pos_id);
		return flow_end(f, ITEM_SKIPPED, COMMENT_ORDER_ALREADY_IMPORTED);
	}
	if (status_is(o->status, reversed))
		return flow_end(f, ITEM_SKIPPED, COMMENT_ORDER_CANCELLED_BEFORE_IMPORT);
	if (!status_is(o->status, paid)) {
		sbuf_addf(&f->res->detail, "order status: %s", o->status);
		return flow_end(f, ITEM_SKIPPED, COMMENT_ORDER_NOT_PAID);
	}

	/* read-only matching first */
	memset(&sale, 0, sizeof(sale));
	sale.lines = calloc(o->nlines ? o->nlines : 1, sizeof(*sale.lines));
	if (!sale.lines)
		return flow_end(f, ITEM_RETRY, COMMENT_ORDER_NOT_IMPORTED);
	for (size_t i = 0; i < o->nlines; i++) {
		sale.lines[i] = o->lines[i];
		rs = match_product(f, &o->lines[i], sale.lines[i].product_id, sizeof(sale.lines[i].product_id));
		if (rs == REMOTE_NOT_FOUND) {
			products_ok = 0;
			sbuf_addf(&f->res->detail, "%sline %zu: no %s product for %s (SKU '%s')",
				  f->res->detail.len ? "\n" : "", i + 1, f->names.pos, o->lines[i].name, o->lines[i].sku);
		} else if (rs != REMOTE_OK) {
			product_failed_temporarily = 1;
			break;
		}
	}
	sale.nlines = o->nlines;
	if (product_failed_temporarily) {
		pos_sale_release(&sale);
		return flow_end_remote(f, ITEM_RETRY, COMMENT_ORDER_FETCH_FAILED);
	}
	cm = match_customer(f, o, customer, sizeof(customer));
	if (!products_ok) {
		pos_sale_release(&sale);
		if (cm == MATCH_AMBIGUOUS || cm == MATCH_FAILED)
			return flow_end(f, ITEM_FAILED, COMMENT_PRODUCT_AND_CUSTOMER_NOT_MATCHED);
		return flow_end(f, ITEM_FAILED, COMMENT_PRODUCT_NOT_MATCHED);
	}
	if (cm == MATCH_AMBIGUOUS) {
		pos_sale_release(&sale);
		sbuf_addf(&f->res->detail, "e-mail: %s", o->email);
		return flow_end(f, ITEM_FAILED, COMMENT_CUSTOMER_EMAIL_AMBIGUOUS);
	}
	if (cm == MATCH_FAILED) {
		pos_sale_release(&sale);
		return flow_end_remote(f, flow_status_for(f, f->re.status ? f->re.status : REMOTE_TEMPORARY),
				       COMMENT_CUSTOMER_NOT_MATCHED);
	}
	if (cm == MATCH_CREATE && create_customer(f, o, customer, sizeof(customer)) < 0) {
		pos_sale_release(&sale);
		return flow_end_remote(f, flow_status_for(f, f->re.status), COMMENT_CUSTOMER_NOT_MATCHED);
	}

	/* intent first, then look before writing if anything was tried before */
	snprintf(reference, sizeof(reference), "TS%lld-%.60s", (long long)f->account.id, o->id);
	rc = store_intent_begin(f->st, f->account.id, "order", o->id, reference, f->it->id, time_now_ms(),
				INTENT_STALE_MS, &earlier, &f->err);
	if (rc < 0) {
		pos_sale_release(&sale);
		return flow_store_error(f);
	}
	if (rc == STORE_BUSY) {
		pos_sale_release(&sale);
		f->res->retry_after_ms = 30 * 1000;
		return flow_end(f, ITEM_RETRY, COMMENT_ORDER_IMPORT_IN_PROGRESS);
	}
	if (earlier || f->is_retry) {
		rs = f->pos->ops->sale_find(f->pos, reference, o->created_at, &made, &f->re);
		if (rs == REMOTE_OK) {
			pos_sale_release(&sale);
			return record_sale(f, o, &made, 1);
		}
		if (rs != REMOTE_NOT_FOUND) {
			pos_sale_release(&sale);
			return flow_end_remote(f, ITEM_RETRY, COMMENT_ORDER_NOT_IMPORTED);
		}
	}
	snprintf(sale.reference, sizeof(sale.reference), "%s", reference);
	snprintf(sale.customer_id, sizeof(sale.customer_id), "%s", customer);
	sale.total = o->total;
	sale.created_at = o->created_at;
	rs = f->pos->ops->sale_create(f->pos, &sale, &made, &f->re);
	pos_sale_release(&sale);
	if (rs == REMOTE_OK && made.id[0])
		return record_sale(f, o, &made, 0);
	if (f->re.may_have_landed || rs == REMOTE_OK) {
		/* the write may have happened: look now rather than write twice */
		struct remote_error first = f->re;

		remote_error_init(&f->re);
		if (f->pos->ops->sale_find(f->pos, reference, o->created_at, &made, &f->re) == REMOTE_OK) {
			remote_error_release(&first);
			return record_sale(f, o, &made, 1);
		}
		remote_error_release(&f->re);
		f->re = first;
		return flow_end_remote(f, ITEM_RETRY, COMMENT_ORDER_NOT_IMPORTED);
	}
	/* refused for certain: nothing landed, the intent can go */
	store_intent_end(f->st, f->account.id, "order", o->id, &f->err);
	return flow_end_remote(f, flow_status_for(f, rs), COMMENT_ORDER_NOT_IMPORTED);
}

int
flow_orders(struct flow *f)
{
	struct order o;
	enum remote_status rs;
	char *master = NULL;
	int rc;

	if (settings_get_string(f->st, f->account.id, "stock_master", &master, &f->err) < 0)
		return flow_store_error(f);
	rc = strcmp(master, "pos") == 0;
	free(master);
	if (!rc)
		return flow_end(f, ITEM_SKIPPED, COMMENT_ORDER_SYNC_NEEDS_POS_MASTER);

	memset(&o, 0, sizeof(o));
	rs = f->shop->ops->order_get(f->shop, f->it->subject_id, &o, &f->re);
	if (rs == REMOTE_NOT_FOUND)
		return flow_end_remote(f, ITEM_SKIPPED, COMMENT_ORDER_GONE);
	if (rs != REMOTE_OK)
		return flow_end_remote(f, flow_status_for(f, rs), COMMENT_ORDER_FETCH_FAILED);
	rc = import(f, &o);
	order_release(&o);
	return rc;
}
