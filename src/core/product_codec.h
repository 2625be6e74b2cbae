/*
 * product_codec.h: a POS product as queue payload text.
 *
 * A full product scan reads the catalog a page at a time; each changed
 * product goes into the Products Queue with its content, so writing it to
 * the shop needs no second read of the POS. The text is tillsync's own
 * (not a vendor's), canonical (keys sorted, money as 4-decimal text), so
 * its hash is the product's fingerprint.
 */
#ifndef TILLSYNC_PRODUCT_CODEC_H
#define TILLSYNC_PRODUCT_CODEC_H

#include "connectors/model.h"
#include "util/sbuf.h"

/* Heap text the caller frees; NULL when out of memory or not encodable. */
char *product_to_payload(const struct product *p);
/* -1 with err naming the field when the text is not a product payload. */
int product_from_payload(const char *text, struct product *out, struct sbuf *err);

#endif
