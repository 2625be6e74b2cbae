#include "util/json_decimal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/rand.h"

int
json_decimal_quote(const char *in, size_t len, struct sbuf *out)
{
	size_t i = 0;

	while (i < len) {
		char c = in[i];

		if (c == '"') {   /* copy a string verbatim, honouring escapes */
			size_t j = i + 1;

			while (j < len && in[j] != '"')
				j += in[j] == '\\' ? 2 : 1;
			if (j >= len)
				return -1;
			sbuf_add(out, in + i, j + 1 - i);
			i = j + 1;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			size_t j = i + 1;
			int real = 0;

			while (j < len && (strchr("0123456789.eE+-", in[j]))) {
				real |= in[j] == '.' || in[j] == 'e' || in[j] == 'E';
				j++;
			}
			if (real)
				sbuf_addch(out, '"');
			sbuf_add(out, in + i, j - i);
			if (real)
				sbuf_addch(out, '"');
			i = j;
		} else {
			sbuf_addch(out, c);
			i++;
		}
	}
	return out->failed ? -1 : 0;
}

json_t *
json_decimal_loads(const char *body, size_t len, struct sbuf *err)
{
	struct sbuf q = SBUF_INIT;
	json_error_t jerr;
	json_t *v;

	if (json_decimal_quote(body, len, &q) < 0) {
		sbuf_release(&q);
		error_set(err, "the response is not valid JSON (it ends inside a string)");
		return NULL;
	}
	v = json_loadb(q.buf, q.len, JSON_DECODE_ANY, &jerr);
	sbuf_release(&q);
	if (!v)
		error_set(err, "the response is not valid JSON (%s at character %d)", jerr.text, jerr.position);
	return v;
}

/* A marker no remote can put in our output: fixed per process, random. */
static char marker[24];

static const char *
get_marker(void)
{
	if (!marker[0]) {
		struct rng r;

		rng_seed_random(&r);
		snprintf(marker, sizeof(marker), "\x01%016llx:", (unsigned long long)rng_next(&r));
	}
	return marker;
}

json_t *
json_decimal_mark(const char *decimal_text)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s%s", get_marker(), decimal_text);
	return json_string(buf);
}

char *
json_decimal_dumps(const json_t *v, size_t flags)
{
	char *s = json_dumps(v, flags | JSON_ENCODE_ANY), *p, *end;
	struct sbuf out = SBUF_INIT;
	char quoted[40];
	size_t qlen;

	if (!s)
		return NULL;
	/* jansson writes the \x01 control byte as \u0001 */
	snprintf(quoted, sizeof(quoted), "\"\\u0001%s", get_marker() + 1);
	qlen = strlen(quoted);
	p = s;
	while ((end = strstr(p, quoted))) {
		char *close = strchr(end + qlen, '"');

		if (!close)
			break;
		sbuf_add(&out, p, (size_t)(end - p));
		sbuf_add(&out, end + qlen, (size_t)(close - end - qlen));
		p = close + 1;
	}
	sbuf_addstr(&out, p);
	free(s);
	if (out.failed) {
		sbuf_release(&out);
		return NULL;
	}
	return sbuf_take(&out);
}
