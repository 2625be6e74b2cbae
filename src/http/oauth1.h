/*
 * oauth1.h: OAuth 1.0a "one-legged" request signing (consumer key and
 * secret, no token), as WooCommerce requires on plain-HTTP sites.
 *
 * The signature covers the method, the URL without its query, and every
 * query parameter plus the oauth_* ones, each RFC 3986-encoded and sorted;
 * the key is "<consumer secret>&". A JSON body is not signed.
 */
#ifndef TILLSYNC_OAUTH1_H
#define TILLSYNC_OAUTH1_H

#include <stdint.h>

#include "util/sbuf.h"

enum oauth1_method {
	OAUTH1_HMAC_SHA1,
	OAUTH1_HMAC_SHA256,
};

/*
 * Returns url with oauth_consumer_key, oauth_nonce, oauth_signature_method,
 * oauth_timestamp and oauth_signature appended to its query (caller frees),
 * or NULL with err set. nonce NULL: a random one; timestamp 0: now.
 */
char *oauth1_sign_url(const char *method, const char *url, const char *consumer_key, const char *consumer_secret,
		      enum oauth1_method sig, const char *nonce, int64_t timestamp, struct sbuf *err);

#endif
