/*
 * json_decimal.h: keep JSON numbers exact across jansson.
 *
 * jansson stores a non-integer JSON number as a double. For money that is
 * not acceptable, so remote bodies pass through json_decimal_quote() first:
 * every number with a fraction or exponent (4.50, 1e2) becomes a JSON string
 * holding the same text ("4.50"), strings and integers untouched. Readers
 * then accept money as either string or integer (money_parse).
 *
 * The other way, json_decimal_mark() wraps decimal text in a marker string,
 * and json_decimal_dumps() serialises and then unquotes the marked strings,
 * so a remote that wants JSON numbers (Epos Now) gets 4.50, not "4.50".
 */
#ifndef TILLSYNC_JSON_DECIMAL_H
#define TILLSYNC_JSON_DECIMAL_H

#include <jansson.h>
#include <stddef.h>

#include "util/sbuf.h"

/* Rewrites in into out; -1 if in is not well-formed enough to scan (unbalanced strings). */
int json_decimal_quote(const char *in, size_t len, struct sbuf *out);
/* jansson parse of a remote body with reals kept as text; NULL with *err set on failure. */
json_t *json_decimal_loads(const char *body, size_t len, struct sbuf *err);
/* A JSON value that json_decimal_dumps() prints as the bare number `decimal_text`. */
json_t *json_decimal_mark(const char *decimal_text);
/* json_dumps plus unquoting of marked decimals; caller frees. NULL on error. */
char *json_decimal_dumps(const json_t *v, size_t flags);

#endif
