/*
 * wc_json.h: WooCommerce wc/v3 JSON <-> model.h records, private to the
 * WooCommerce connector. No I/O here, so every mapping can be tested with a
 * canned body (tests/connectors/test_woocommerce.c does).
 *
 * Readers take a parsed answer (json_decimal_loads, so money arrives as
 * text or integer, never double) and return 0, or -1 with err naming the
 * field that was missing or unreadable; the caller turns that into
 * REMOTE_BAD_ANSWER. Unknown fields are ignored. Text longer than a model
 * field is cut at a UTF-8 character boundary; an id that does not fit is an
 * error instead, because a cut id names a different record.
 */
#ifndef TILLSYNC_WC_JSON_H
#define TILLSYNC_WC_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/model.h"
#include "util/sbuf.h"

/* Where tillsync keeps the customer type name on a shop customer. */
#define WC_META_CUSTOMER_TYPE "_tillsync_customer_type"

/* Copies s into out (len bytes) without splitting a UTF-8 sequence. */
void wc_copy(char *out, size_t len, const char *s);
/* A positive id given as integer or digit string; "" for 0, null or absent.
 * -1 with err when it is something else or does not fit. */
int wc_id(const json_t *obj, const char *key, char *out, size_t len, struct sbuf *err);

/* "YYYY-MM-DDTHH:MM:SS" (an optional trailing Z) read as UTC; -1 on anything else. */
int wc_parse_gmt(const char *s, int64_t *ms);
/* UTC ms as "YYYY-MM-DDTHH:MM:SS", floored to the second, no zone suffix. */
void wc_format_gmt(int64_t ms, char *buf, size_t len);

int wc_customer_from_json(const json_t *j, struct customer *out, struct sbuf *err);
/* On success out->lines is malloc'd (order_release frees it); on failure nothing is left to free. */
int wc_order_from_json(const json_t *j, struct order *out, struct sbuf *err);

/* Request bodies; the caller owns (json_decref) the result. NULL with err
 * when a value cannot be sent (not UTF-8, out of memory). */
json_t *wc_customer_create_json(const struct customer *in, struct sbuf *err);
/* Also NULL with err when it asks for nothing, or for points without a meta key. */
json_t *wc_customer_update_json(const struct customer_update *u, struct sbuf *err);

/* The WordPress error body {"code","message","data":{"status"}}: 0 with code
 * and message (control characters turned into spaces), -1 when the body is
 * not one (HTML, empty, truncated). */
int wc_error_body(const char *body, size_t len, char *code, size_t codelen, char *msg, size_t msglen);

#endif
