/*
 * wc_webhook.c: reading a WooCommerce webhook delivery.
 *
 * WooCommerce signs the exact body it sends: X-WC-Webhook-Signature =
 * base64(HMAC-SHA256(secret, body)). The check runs on the raw bytes before
 * any parsing and compares in constant time. The ping WooCommerce sends when
 * a webhook is created or activated is form-encoded (webhook_id=N) and
 * unsigned; it is recognised and answered without storing anything.
 * The topic header (order.updated, customer.deleted, ...) names the record;
 * the body's "id" says which one.
 */
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

#include "connectors/connector.h"
#include "connectors/json_fields.h"

enum remote_status wc_webhook_verify(const char *secret, webhook_header_fn header, void *ctx, const char *body,
				     size_t len, struct webhook_event *ev, struct remote_error *re);

enum remote_status
wc_webhook_verify(const char *secret, webhook_header_fn header, void *ctx, const char *body, size_t len,
		  struct webhook_event *ev, struct remote_error *re)
{
	const char *sig = header(ctx, "X-WC-Webhook-Signature");
	const char *topic = header(ctx, "X-WC-Webhook-Topic");
	unsigned char mac[EVP_MAX_MD_SIZE], expect[2 * EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	json_error_t jerr;
	json_t *j;
	const char *dot;
	size_t n;

	memset(ev, 0, sizeof(*ev));
	if (!sig && len > 11 && strncmp(body, "webhook_id=", 11) == 0) {
		ev->is_ping = 1;
		return REMOTE_OK;
	}
	if (!sig || !*sig)
		return remote_fail(re, REMOTE_AUTH, "the delivery has no X-WC-Webhook-Signature header");
	if (!secret || !*secret)
		return remote_fail(re, REMOTE_AUTH, "no webhook secret is configured for this account");
	if (!HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)body, len, mac, &mac_len))
		return remote_fail(re, REMOTE_AUTH, "cannot compute the webhook signature");
	n = (size_t)EVP_EncodeBlock(expect, mac, (int)mac_len);
	if (strlen(sig) != n || CRYPTO_memcmp(sig, expect, n) != 0)
		return remote_fail(re, REMOTE_AUTH, "the webhook signature does not match our secret");

	if (!topic || !(dot = strchr(topic, '.')) || (size_t)(dot - topic) >= sizeof(ev->entity))
		return remote_fail(re, REMOTE_REFUSED, "the delivery has no usable X-WC-Webhook-Topic header");
	snprintf(ev->topic, sizeof(ev->topic), "%s", topic);
	snprintf(ev->entity, sizeof(ev->entity), "%.*s", (int)(dot - topic), topic);
	ev->deleted = strcmp(dot + 1, "deleted") == 0;
	j = json_loadb(body, len, 0, &jerr);
	if (!j || jf_id(j, "id", ev->remote_id, sizeof(ev->remote_id)) < 0) {
		json_decref(j);
		return remote_fail(re, REMOTE_BAD_ANSWER, "the delivery's body has no record id");
	}
	json_decref(j);
	return REMOTE_OK;
}
