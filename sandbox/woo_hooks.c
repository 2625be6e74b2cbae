/*
 * woo_hooks.c - WooCommerce webhook deliveries (includes/class-wc-webhook.php).
 *
 * A change fires woo_fire() with the store's write lock held; for every
 * active webhook on "<resource>.<event>" the payload is rendered now (the
 * same JSON as GET /<resource>s/<id>, or {"id":N} for deleted), signed with
 * base64(HMAC-SHA256(secret, body)) and handed to the delivery thread.  The
 * outcome comes back in delivered(): HTTP 200-302 resets failure_count;
 * anything else increments it, and a failure while it is already above 5
 * disables the webhook (the 7th straight failure), as failed_delivery() does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "woo.h"

static const char *const topics[] = {
	"coupon.created", "coupon.updated", "coupon.deleted", "coupon.restored",
	"customer.created", "customer.updated", "customer.deleted",
	"order.created", "order.updated", "order.deleted", "order.restored",
	"product.created", "product.updated", "product.deleted",
	"product.restored",
};

int
woo_topic_valid(const char *t)
{
	size_t i;

	if (t == NULL)
		return 0;
	if (strncmp(t, "action.", 7) == 0 && t[7] != '\0')
		return 1;
	for (i = 0; i < sizeof(topics) / sizeof(topics[0]); i++)
		if (strcmp(topics[i], t) == 0)
			return 1;
	return 0;
}

static void
log_add(struct woo *st, const struct delivery *d, long status, int ok,
    const char *topic, const char *did)
{
	struct wc_logent *e;

	pthread_mutex_lock(&st->log_mu);
	e = &st->log[st->nlog % WOO_LOGMAX];
	memset(e, 0, sizeof(*e));
	e->webhook_id = d->ref;
	e->ping = d->kind == 1;
	snprintf(e->topic, sizeof(e->topic), "%s", topic);
	snprintf(e->delivery_id, sizeof(e->delivery_id), "%s", did);
	e->http_status = status;
	e->ok = ok;
	e->at = now_utc();
	st->nlog++;
	pthread_mutex_unlock(&st->log_mu);
}

static const char *
hdr_value(const struct delivery *d, const char *name)
{
	size_t n = strlen(name);
	int i;

	for (i = 0; i < d->nhdr; i++)
		if (strncmp(d->hdr[i], name, n) == 0 && d->hdr[i][n] == ':')
			return d->hdr[i] + n + 2;
	return "";
}

static void
delivered(void *ctx, const struct delivery *d, long status, int ok)
{
	struct woo *st = ctx;
	struct wc_webhook *h;
	int success = ok && status >= 200 && status <= 302;

	log_add(st, d, status, success, d->kind == 1 ? "ping" :
	    hdr_value(d, "X-WC-Webhook-Topic"),
	    hdr_value(d, "X-WC-Webhook-Delivery-ID"));
	if (d->kind == 1)
		return;		/* a ping never touches failure_count */
	pthread_rwlock_wrlock(&st->lock);
	h = tab_get(&st->webhooks, d->ref);
	if (h != NULL) {
		if (success)
			h->failure_count = 0;
		else if (h->failure_count > 5)
			h->status = WH_DISABLED;
		else
			h->failure_count++;
	}
	pthread_rwlock_unlock(&st->lock);
}

/* wp_http_validate_url(): the port must be 80, 443, 8080 or the site's. */
static int
url_safe(struct woo *st, const char *url)
{
	const char *p = strstr(url, "://"), *colon, *slash;
	long port;

	if (!st->strict_urls)
		return 1;
	if (p == NULL)
		return 0;
	p += 3;
	slash = strchr(p, '/');
	colon = strchr(p, ':');
	if (colon == NULL || (slash != NULL && colon > slash))
		return 1;	/* default port */
	port = strtol(colon + 1, NULL, 10);
	return port == 80 || port == 443 || port == 8080 ||
	    port == st->emu->port;
}

static struct delivery *
delivery_new(struct woo *st, struct wc_webhook *h, const char *body,
    size_t len, int kind)
{
	struct delivery *d = xcalloc(1, sizeof(*d));

	d->url = xstrdup(h->delivery_url);
	d->body = xmalloc(len + 1);
	memcpy(d->body, body, len);
	d->body[len] = '\0';
	d->len = len;
	d->ref = h->id;
	d->kind = kind;
	d->done = delivered;
	d->ctx = st;
	if (!url_safe(st, h->delivery_url)) {
		free(d->url);
		d->url = xstrdup("http://0.0.0.0:0/refused-by-wp_http_validate_url");
	}
	return d;
}

void
woo_ping(struct woo *st, struct wc_webhook *h)
{
	char body[64];
	struct delivery *d;

	snprintf(body, sizeof(body), "webhook_id=%ld", h->id);
	d = delivery_new(st, h, body, strlen(body), 1);
	delivery_header(d, "Content-Type", "application/x-www-form-urlencoded");
	deliverer_push(st->dl, d, 0);
}

static void
render(struct woo *st, const char *resource, long id, struct wbuf *out)
{
	struct jw w;

	jw_init(&w, out);
	w.php = 1;
	if (strcmp(resource, "product") == 0) {
		struct wc_product *p = tab_get(&st->products, id);

		if (p != NULL)
			wc_product_json(st, p, &w, 0);
	} else if (strcmp(resource, "order") == 0) {
		struct wc_order *o = tab_get(&st->orders, id);

		if (o != NULL)
			wc_order_json(st, o, &w, 2);
	} else if (strcmp(resource, "customer") == 0) {
		struct wc_customer *c = tab_get(&st->customers, id);

		if (c != NULL)
			wc_customer_json(st, c, &w);
	} else if (strcmp(resource, "coupon") == 0) {
		struct wc_coupon *c = tab_get(&st->coupons, id);

		if (c != NULL)
			wc_coupon_json(st, c, &w);
	}
	if (out->len == 0)
		wbuf_addf(out, "{\"id\":%ld}", id);
}

void
woo_fire(struct woo *st, const char *resource, const char *event, long id)
{
	struct wbuf body = WBUF_INIT;
	char topic[64], sig[128], src[80], did[40], idbuf[24];
	size_t i;

	snprintf(topic, sizeof(topic), "%s.%s", resource, event);
	for (i = 0; i < st->webhooks.n; i++) {
		struct wc_webhook *h = st->webhooks.v[i];
		struct delivery *d;
		uint64_t x;

		if (h == NULL || h->status != WH_ACTIVE ||
		    strcmp(h->topic, topic) != 0)
			continue;
		if (body.len == 0) {
			if (strcmp(event, "deleted") == 0)
				wbuf_addf(&body, "{\"id\":%ld}", id);
			else
				render(st, resource, id, &body);
		}
		d = delivery_new(st, h, body.buf, body.len, 0);
		hmac_b64("sha256", h->secret, strlen(h->secret), body.buf, sig,
		    sizeof(sig));
		snprintf(src, sizeof(src), "%s/", st->emu->base);
		x = (uint64_t)++st->delivery_seq * 0x9e3779b97f4a7c15ULL ^
		    (uint64_t)h->id;
		snprintf(did, sizeof(did), "%016llx%016llx",
		    (unsigned long long)x,
		    (unsigned long long)(x * 0xbf58476d1ce4e5b9ULL));
		snprintf(idbuf, sizeof(idbuf), "%ld", h->id);
		delivery_header(d, "Content-Type", "application/json");
		delivery_header(d, "X-WC-Webhook-Source", src);
		delivery_header(d, "X-WC-Webhook-Topic", topic);
		delivery_header(d, "X-WC-Webhook-Resource", resource);
		delivery_header(d, "X-WC-Webhook-Event", event);
		delivery_header(d, "X-WC-Webhook-Signature", sig);
		delivery_header(d, "X-WC-Webhook-ID", idbuf);
		delivery_header(d, "X-WC-Webhook-Delivery-ID", did);
		deliverer_push(st->dl, d, 0);
	}
	wbuf_release(&body);
}

void
woo_hooks_log_json(struct woo *st, struct jw *w)
{
	long i, from;

	pthread_mutex_lock(&st->log_mu);
	from = st->nlog > WOO_LOGMAX ? st->nlog - WOO_LOGMAX : 0;
	jw_arr(w);
	for (i = from; i < st->nlog; i++) {
		struct wc_logent *e = &st->log[i % WOO_LOGMAX];

		jw_obj(w);
		jw_kint(w, "webhook_id", e->webhook_id);
		jw_kstr(w, "topic", e->topic);
		jw_kbool(w, "ping", e->ping);
		jw_kstr(w, "delivery_id", e->delivery_id);
		jw_kint(w, "http_status", e->http_status);
		jw_kbool(w, "ok", e->ok);
		jw_kint(w, "at", e->at);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	pthread_mutex_unlock(&st->log_mu);
}
