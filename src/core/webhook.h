/*
 * webhook.h: a delivery pushed by a remote, taken in durably.
 *
 * webhook_ingest() verifies the delivery with the account's connector (a
 * bad or missing signature stores nothing), then records the event in the
 * inbound log and queues the change in one store transaction, and only then
 * says 200. A remote that hears 200 may forget the event: by then it is on
 * disk.
 */
#ifndef TILLSYNC_WEBHOOK_H
#define TILLSYNC_WEBHOOK_H

#include "connectors/connector.h"
#include "core/engine.h"

struct webhook_answer {
	unsigned status;           /* HTTP status to send */
	char message[256];         /* JSON-safe text for the body */
	int64_t item_id;           /* the queue item, when one was made */
};

/* A verified delivery, ready to be stored. */
struct webhook_delivery {
	int64_t account_id;
	char entity[32];
	char remote_id[MODEL_ID_LEN];
	const char *queue;         /* NULL: logged as arrived, not queued */
	const char *direction;
	char summary[160];
	struct retry_policy policy;
	int64_t item_id;           /* out: the queue item */
};

/*
 * Step 1, read-only (runs on any request thread): find the account and its
 * connection, check the signature, read the event. Returns 1 with *d filled
 * when the delivery must be stored; 0 when *out already holds the answer
 * (ping, refusal, unknown account).
 */
int webhook_verify(connector_find_fn find, struct store *st, const char *account_name, const char *role,
		   webhook_header_fn header, void *header_ctx, const char *body, size_t len,
		   struct webhook_delivery *d, struct webhook_answer *out);
/* Step 2: store n verified deliveries in one transaction (inbound log + queue). */
int webhook_store(struct store *st, struct webhook_delivery *d, size_t n, struct sbuf *err);

/* Both steps for one delivery. */
void webhook_ingest(connector_find_fn find, struct store *st, const char *account_name, const char *role,
		    webhook_header_fn header, void *header_ctx, const char *body, size_t len,
		    struct webhook_answer *out);

/* Where the shop should deliver an account's changes, or NULL (caller frees). */
char *webhook_delivery_url(struct store *st, const struct account *acc, struct sbuf *err);

#endif
