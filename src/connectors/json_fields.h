/*
 * json_fields.h: reading fields of a remote's JSON into model records,
 * tolerant of what remotes really send: ids as numbers or strings, money as
 * decimal text or integers (after json_decimal_loads), null for "unset",
 * over-long text cut at the field's size rather than overflowing it.
 */
#ifndef TILLSYNC_JSON_FIELDS_H
#define TILLSYNC_JSON_FIELDS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "util/money.h"
#include "util/sbuf.h"

/* Text of a string field ("" when absent or null). */
void jf_str(const json_t *obj, const char *key, char *out, size_t len);
/* An id given as integer or string into out; 0 when present, -1 when absent/null/0. */
int jf_id(const json_t *obj, const char *key, char *out, size_t len);
/* Integer (or integer text); -1 when absent or not a whole number. */
int jf_int64(const json_t *obj, const char *key, int64_t *out);
/* Money from decimal text or integer; -1 when absent, null or malformed. */
int jf_money(const json_t *obj, const char *key, struct money *out);
/* 1 for true, 0 for false/absent. */
int jf_bool(const json_t *obj, const char *key);

/* An id we hold as text ("4711") as the JSON integer a request body wants:
 * 0, or -1 when it is not a positive whole number that fits. */
int jf_id_int(const char *s, json_int_t *out);
/* Writing a request: obj[key] = val (taken; NULL is out of memory), or -1
 * with err naming the field. */
int jf_set(json_t *obj, const char *key, json_t *val, struct sbuf *err);
/* obj[key] = text; -1 with err naming the field when it is not UTF-8. */
int jf_set_text(json_t *obj, const char *key, const char *val, struct sbuf *err);

#endif
