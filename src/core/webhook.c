#include "core/webhook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/journal.h"
#include "core/settings.h"
#include "http/client.h"
#include "queue/queue.h"
#include "util/metrics.h"
#include "util/timeutil.h"

static void
answer(struct webhook_answer *out, unsigned status, const char *msg)
{
	out->status = status;
	snprintf(out->message, sizeof(out->message), "%s", msg);
}

/*
 * The queue for a pushed record, and which way it travels: shop orders go
 * to the POS, POS customers to the shop. Other pushes are logged as arrived
 * and not queued (the catalog feeds read them by cycle).
 */
static const char *
queue_for(const char *entity, const char *role, const char **direction)
{
	int from_shop = strcmp(role, "shop") == 0;

	*direction = from_shop ? DIRECTION_SHOP_TO_POS : DIRECTION_POS_TO_SHOP;
	if (from_shop && strcmp(entity, "order") == 0)
		return "orders";
	if (!from_shop && strcmp(entity, "customer") == 0)
		return "customers";
	return NULL;
}

int
webhook_verify(connector_find_fn find, struct store *st, const char *account_name, const char *role,
	       webhook_header_fn header, void *header_ctx, const char *body, size_t len,
	       struct webhook_delivery *d, struct webhook_answer *out)
{
	const struct connector_ops *ops;
	struct webhook_event ev;
	struct remote_error re;
	struct connection conn;
	struct account acc;
	struct sbuf err = SBUF_INIT;
	char *secret = NULL;
	int rc, store = 0;

	memset(out, 0, sizeof(*out));
	memset(d, 0, sizeof(*d));
	remote_error_init(&re);
	memset(&conn, 0, sizeof(conn));
	rc = store_account_find(st, account_name, &acc, &err);
	if (rc != 0) {
		answer(out, rc == STORE_NOTFOUND ? 404 : 503, rc == STORE_NOTFOUND ? "unknown account" : "store unavailable");
		goto out;
	}
	if (strcmp(role, "pos") != 0 && strcmp(role, "shop") != 0) {
		answer(out, 404, "unknown connection role");
		goto out;
	}
	rc = store_connection_get(st, acc.id, role, &conn, &err);
	ops = rc == 0 && find ? find(conn.kind) : NULL;
	if (!ops || !ops->webhook_verify) {
		answer(out, 404, "this connection takes no webhooks");
		goto out;
	}
	if (settings_webhook_secret(st, acc.id, &secret, &err) < 0 ||
	    settings_retry_policy(st, acc.id, &d->policy, &err) < 0) {
		answer(out, 503, "store unavailable");
		goto out;
	}
	if (ops->webhook_verify(secret, header, header_ctx, body, len, &ev, &re) != REMOTE_OK) {
		/* nothing stored; logged without the body or any secret */
		journal(st, acc.id, acc.name, "webhook", LOG_ERROR, "refused a %s webhook delivery: %s",
			ops->display_name, re.message.buf);
		answer(out, re.status == REMOTE_AUTH ? 401 : 400, re.message.buf);
		metrics_event("webhook_refused");
		goto out;
	}
	if (ev.is_ping) {
		answer(out, 200, "ping received");
		goto out;
	}
	d->account_id = acc.id;
	snprintf(d->entity, sizeof(d->entity), "%s", ev.entity);
	snprintf(d->remote_id, sizeof(d->remote_id), "%s", ev.remote_id);
	d->queue = queue_for(ev.entity, role, &d->direction);
	if (d->queue)
		snprintf(d->summary, sizeof(d->summary), "%s webhook %s", ops->display_name, ev.topic);
	else
		snprintf(d->summary, sizeof(d->summary), "%s webhook %s (not synced by tillsync)", ops->display_name,
			 ev.topic);
	store = 1;
out:
	free(secret);
	connection_free(&conn);
	remote_error_release(&re);
	sbuf_release(&err);
	return store;
}

int
webhook_store(struct store *st, struct webhook_delivery *d, size_t n, struct sbuf *err)
{
	int64_t now = time_now_ms();
	int rc = 0;

	if (store_tx_begin(st, err) < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		d[i].item_id = 0;
		if (d[i].queue)
			rc = queue_enqueue(st, d[i].account_id, d[i].queue, d[i].entity, d[i].remote_id, d[i].direction,
					   REASON_WEBHOOK, NULL, &d[i].policy, now, &d[i].item_id, NULL, err);
		if (rc == 0)
			rc = store_inbound_add(st, d[i].account_id, "webhook", d[i].entity, d[i].remote_id, d[i].summary,
					       d[i].item_id, now, err);
	}
	if (rc == 0)
		return store_tx_commit(st, err);
	store_tx_rollback(st);
	return -1;
}

void
webhook_ingest(connector_find_fn find, struct store *st, const char *account_name, const char *role,
	       webhook_header_fn header, void *header_ctx, const char *body, size_t len,
	       struct webhook_answer *out)
{
	struct webhook_delivery d;
	struct sbuf err = SBUF_INIT;

	if (!webhook_verify(find, st, account_name, role, header, header_ctx, body, len, &d, out))
		return;
	if (webhook_store(st, &d, 1, &err) < 0) {
		journal(st, d.account_id, account_name, "webhook", LOG_ERROR, "could not store a webhook delivery: %s",
			err.buf);
		answer(out, 503, "could not store the delivery; deliver again");
	} else {
		metrics_event("webhook_accepted");
		out->item_id = d.item_id;
		answer(out, 200, "queued");
	}
	sbuf_release(&err);
}

char *
webhook_delivery_url(struct store *st, const struct account *acc, struct sbuf *err)
{
	struct sbuf url = SBUF_INIT;
	char *base = NULL, *enc;
	size_t len;

	if (settings_get_string(st, acc->id, "webhook_url", &base, err) < 0)
		return NULL;
	if (!*base || strcmp(base, "-") == 0) {
		free(base);
		return NULL;
	}
	len = strlen(base);
	while (len && base[len - 1] == '/')
		base[--len] = '\0';
	enc = http_url_encode(acc->name);
	sbuf_addf(&url, "%s/hooks/%s/shop", base, enc);
	free(enc);
	free(base);
	return sbuf_take(&url);
}
