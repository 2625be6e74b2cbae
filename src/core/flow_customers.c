/*
 * flow_customers.c: the Customers Queue, POS -> shop (seed pages 000, 001).
 *
 * For a linked customer, read the latest record from the POS and write what
 * the POS owns to the shop: the loyalty points balance (one way; the shop is
 * never the truth for points) and the customer type's name. Each item ends
 * with exactly one of the seed's comments:
 *
 *   Customer sync is not enabled          skipped: the switch is off, or the
 *                                          shop is stock master (customer sync
 *                                          runs in the POS-master direction only)
 *   Customer is not linked                failed: link it, then retry
 *   Customer Endpoint Point call api failed  reading the POS failed: retried with backoff
 *   <Shop> customer not updated           the shop refused: its answer is kept with the attempt
 *   Successfully Updated
 *
 * A write whose content equals what was last written across the link (its
 * fingerprint) is not sent again, so cycles that see the same record cost
 * the shop nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/flow.h"
#include "core/settings.h"
#include "util/log.h"
#include "util/timeutil.h"

/* Customer sync runs only when enabled and the POS is stock master. */
int flow_customer_sync_enabled(struct flow *f, int *enabled);

int
flow_customer_sync_enabled(struct flow *f, int *enabled)
{
	char *master = NULL;
	int on = 0;

	if (settings_get_bool(f->st, f->account.id, "customer_sync", &on, &f->err) < 0 ||
	    settings_get_string(f->st, f->account.id, "stock_master", &master, &f->err) < 0)
		return -1;
	*enabled = on && strcmp(master, "pos") == 0;
	free(master);
	return 0;
}

int
flow_customers(struct flow *f)
{
	struct customer_update u = { 0 };
	struct customer cust;
	struct customer_type type;
	struct link link;
	char *points_key = NULL, fp[65];
	struct sbuf fp_text = SBUF_INIT;
	enum remote_status rs;
	int enabled, rc;

	if (flow_customer_sync_enabled(f, &enabled) < 0)
		return flow_store_error(f);
	if (!enabled)
		return flow_end(f, ITEM_SKIPPED, COMMENT_CUSTOMER_SYNC_DISABLED);

	rc = store_link_by_pos(f->st, f->account.id, "customer", f->it->subject_id, &link, &f->err);
	if (rc < 0)
		return flow_store_error(f);
	if (rc == STORE_NOTFOUND)
		return flow_end(f, ITEM_FAILED, COMMENT_CUSTOMER_NOT_LINKED);

	rs = f->pos->ops->customer_get(f->pos, f->it->subject_id, &cust, &f->re);
	if (rs == REMOTE_NOT_FOUND) {
		flow_log(f, LOG_ERROR, "customer %s was deleted in %s but is still linked to %s customer %s",
			 f->it->subject_id, f->names.pos, f->names.shop, link.shop_id);
		return flow_end_remote(f, ITEM_FAILED, COMMENT_LINKED_POS_CUSTOMER_GONE);
	}
	if (rs != REMOTE_OK)
		return flow_end_remote(f, flow_status_for(f, rs), COMMENT_CUSTOMER_FETCH_FAILED);

	if (settings_get_string(f->st, f->account.id, "loyalty_meta_key", &points_key, &f->err) < 0)
		return flow_store_error(f);
	if (cust.has_points) {
		u.set_points = 1;
		u.points = cust.points;
		u.points_key = points_key;
	}
	type.name[0] = '\0';
	if (cust.type_id[0] && f->pos->ops->customer_type_get) {
		rs = f->pos->ops->customer_type_get(f->pos, cust.type_id, &type, &f->re);
		if (rs == REMOTE_NOT_FOUND) {
			type.name[0] = '\0';   /* a deleted type: clear it in the shop */
		} else if (rs != REMOTE_OK) {
			free(points_key);
			return flow_end_remote(f, flow_status_for(f, rs), COMMENT_CUSTOMER_FETCH_FAILED);
		}
	}
	u.set_type = 1;
	u.type_name = type.name;

	sbuf_addf(&fp_text, "points=%d:%lld;key=%s;type=%s;shop=%s", u.set_points, (long long)u.points, points_key,
		  type.name, link.shop_id);
	flow_fingerprint(fp_text.buf, fp);
	sbuf_release(&fp_text);
	if (strcmp(fp, link.fingerprint) == 0) {
		free(points_key);
		sbuf_addstr(&f->res->detail, "the shop already has these values; nothing sent");
		return flow_end(f, ITEM_SUCCEEDED, COMMENT_SUCCESSFULLY_UPDATED);
	}

	rs = f->shop->ops->customer_update(f->shop, link.shop_id, &u, &f->re);
	free(points_key);
	if (rs == REMOTE_NOT_FOUND) {
		flow_log(f, LOG_ERROR, "%s customer %s linked to %s customer %s no longer exists", f->names.shop,
			 link.shop_id, f->names.pos, f->it->subject_id);
		return flow_end_remote(f, ITEM_FAILED, COMMENT_LINKED_SHOP_CUSTOMER_GONE);
	}
	if (rs != REMOTE_OK)
		return flow_end_remote(f, flow_status_for(f, rs), COMMENT_SHOP_CUSTOMER_NOT_UPDATED);
	if (store_link_set_fingerprint(f->st, f->account.id, "customer", f->it->subject_id, fp, time_now_ms(),
				       &f->err) < 0)
		flow_log(f, LOG_ERROR, "customer %s updated, but its fingerprint was not saved: %s",
			 f->it->subject_id, f->err.buf);
	return flow_end(f, ITEM_SUCCEEDED, COMMENT_SUCCESSFULLY_UPDATED);
}
