/*
 * flow_customer_types.c: POS customer types (add, update, delete), seed 001.
 *
 *   Customer sync is not enabled      skipped, as for customers
 *   Successfully Updated
 *   <the remote's response text>      the shop refused the group write: its
 *                                     answer becomes the comment, as the seed says
 *
 * A shop with customer groups gets the type as a group. A shop without
 * (WooCommerce) has nothing to write here: the type's name travels on each
 * linked customer (meta_data, see flow_customers.c), and this item records
 * the type so renames are noticed.
 */
#include <stdio.h>
#include <string.h>

#include "core/flow.h"
#include "util/timeutil.h"

int flow_customer_sync_enabled(struct flow *f, int *enabled);

/* The remote's own words as the Comment (capped), or the catalogue text. */
static int
end_with_response(struct flow *f, enum remote_status rs)
{
	enum item_status status = flow_status_for(f, rs);

	flow_end_remote(f, status, COMMENT_CUSTOMER_TYPE_FETCH_FAILED);
	sbuf_reset(&f->res->comment);
	if (f->re.body.len)
		sbuf_add(&f->res->comment, f->re.body.buf,
			 f->re.body.len < SBUF_CAP_COMMENT - 1 ? f->re.body.len : SBUF_CAP_COMMENT - 1);
	else
		sbuf_addstr(&f->res->comment, f->re.message.buf);
	return 0;
}

int
flow_customer_types(struct flow *f)
{
	struct customer_type t;
	enum remote_status rs;
	char fp[65];
	int enabled;

	if (flow_customer_sync_enabled(f, &enabled) < 0)
		return flow_store_error(f);
	if (!enabled)
		return flow_end(f, ITEM_SKIPPED, COMMENT_CUSTOMER_SYNC_DISABLED);

	rs = f->pos->ops->customer_type_get ? f->pos->ops->customer_type_get(f->pos, f->it->subject_id, &t, &f->re)
					    : REMOTE_UNSUPPORTED;
	if (rs == REMOTE_NOT_FOUND) {   /* deleted in the POS */
		if (f->shop->ops->customer_group_delete) {
			rs = f->shop->ops->customer_group_delete(f->shop, f->it->subject_id, &f->re);
			if (rs != REMOTE_OK && rs != REMOTE_NOT_FOUND)
				return end_with_response(f, rs);
		}
		if (store_fingerprint_set(f->st, f->account.id, "pos", "customer_type", f->it->subject_id, "deleted",
					  time_now_ms(), &f->err) < 0)
			return flow_store_error(f);
		return flow_end(f, ITEM_SUCCEEDED, COMMENT_SUCCESSFULLY_UPDATED);
	}
	if (rs == REMOTE_UNSUPPORTED)
		return flow_end(f, ITEM_SKIPPED, COMMENT_CONNECTOR_UNAVAILABLE);
	if (rs != REMOTE_OK)
		return flow_end_remote(f, flow_status_for(f, rs), COMMENT_CUSTOMER_TYPE_FETCH_FAILED);

	if (f->shop->ops->customer_group_save) {
		rs = f->shop->ops->customer_group_save(f->shop, &t, &f->re);
		if (rs != REMOTE_OK)
			return end_with_response(f, rs);
	} else {
		sbuf_addf(&f->res->detail, "%s has no customer groups: the type name \"%s\" is written on each "
			  "linked customer when it syncs", f->names.shop, t.name);
	}
	flow_fingerprint(t.name, fp);
	if (store_fingerprint_set(f->st, f->account.id, "pos", "customer_type", t.id, fp, time_now_ms(), &f->err) < 0)
		return flow_store_error(f);
	return flow_end(f, ITEM_SUCCEEDED, COMMENT_SUCCESSFULLY_UPDATED);
}
