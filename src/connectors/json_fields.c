#include "connectors/json_fields.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"

void
jf_str(const json_t *obj, const char *key, char *out, size_t len)
{
	const json_t *v = json_object_get(obj, key);
	const char *s = json_is_string(v) ? json_string_value(v) : "";

	snprintf(out, len, "%s", s);
}

int
jf_id(const json_t *obj, const char *key, char *out, size_t len)
{
	const json_t *v = json_object_get(obj, key);

	out[0] = '\0';
	if (json_is_integer(v)) {
		if (json_integer_value(v) == 0)
			return -1;
		snprintf(out, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return 0;
	}
	if (json_is_string(v) && *json_string_value(v) && strcmp(json_string_value(v), "0") != 0) {
		snprintf(out, len, "%s", json_string_value(v));
		return 0;
	}
	return -1;
}

int
jf_int64(const json_t *obj, const char *key, int64_t *out)
{
	const json_t *v = json_object_get(obj, key);

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (json_is_string(v))
		return parse_int64(json_string_value(v), INT64_MIN, INT64_MAX, out);
	return -1;
}

int
jf_money(const json_t *obj, const char *key, struct money *out)
{
	const json_t *v = json_object_get(obj, key);
	char buf[32];

	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return money_parse(buf, out);
	}
	if (json_is_string(v))
		return money_parse(json_string_value(v), out);
	return -1;
}

int
jf_bool(const json_t *obj, const char *key)
{
	return json_is_true(json_object_get(obj, key));
}

int
jf_set(json_t *obj, const char *key, json_t *val, struct sbuf *err)
{
	if (!val || json_object_set_new(obj, key, val) < 0)
		return error_set(err, "out of memory building '%s'", key);
	return 0;
}

/* json_string() refuses text that is not UTF-8: say which field it was. */
int
jf_set_text(json_t *obj, const char *key, const char *val, struct sbuf *err)
{
	json_t *s = json_string(val);

	if (!s)
		return error_set(err, "'%s' is not valid UTF-8 text", key);
	return jf_set(obj, key, s, err);
}

int
jf_id_int(const char *s, json_int_t *out)
{
	char *end;
	long long v;

	if (!s || !*s || strlen(s) > 19 || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return -1;
	*out = (json_int_t)v;
	return 0;
}
