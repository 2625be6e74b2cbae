/*
 * wire.c - buffers, JSON writing, money, dates, URL coding, base64, PRNG and
 * the string index used by the emulators.  See wire.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "wire.h"

static const char *STRMAP_TOMB = "";

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL) {
		fprintf(stderr, "tillsync-sandbox: out of memory\n");
		abort();
	}
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (p == NULL) {
		fprintf(stderr, "tillsync-sandbox: out of memory\n");
		abort();
	}
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL) {
		fprintf(stderr, "tillsync-sandbox: out of memory\n");
		abort();
	}
	return q;
}

char *
xstrdup(const char *s)
{
	size_t n;
	char *p;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	p = xmalloc(n + 1);
	memcpy(p, s, n + 1);
	return p;
}

int
str_empty(const char *s)
{
	return s == NULL || *s == '\0';
}

int
parse_long(const char *s, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* ---------------------------------------------------------------- wbuf */

static void
wbuf_grow(struct wbuf *b, size_t extra)
{
	size_t want = b->len + extra + 1;

	if (want <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 256;
	while (b->cap < want)
		b->cap *= 2;
	b->buf = xrealloc(b->buf, b->cap);
}

void
wbuf_add(struct wbuf *b, const void *p, size_t n)
{
	wbuf_grow(b, n);
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void
wbuf_adds(struct wbuf *b, const char *s)
{
	wbuf_add(b, s, strlen(s));
}

void
wbuf_addc(struct wbuf *b, char c)
{
	wbuf_grow(b, 1);
	b->buf[b->len++] = c;
	b->buf[b->len] = '\0';
}

void
wbuf_addf(struct wbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	wbuf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
wbuf_reset(struct wbuf *b)
{
	b->len = 0;
	if (b->buf != NULL)
		b->buf[0] = '\0';
}

void
wbuf_release(struct wbuf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
}

char *
wbuf_take(struct wbuf *b)
{
	char *p;

	if (b->buf == NULL)
		return xstrdup("");
	p = b->buf;
	b->buf = NULL;
	b->len = b->cap = 0;
	return p;
}

const char *
wbuf_str(struct wbuf *b)
{
	return b->buf != NULL ? b->buf : "";
}

/* ---------------------------------------------------------------- JSON */

static size_t
utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0 && n >= 2 && (s[1] & 0xc0) == 0x80) {
		*cp = ((unsigned)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		return 2;
	}
	if ((s[0] & 0xf0) == 0xe0 && n >= 3 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		*cp = ((unsigned)(s[0] & 0x0f) << 12) |
		    ((unsigned)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		return 3;
	}
	if ((s[0] & 0xf8) == 0xf0 && n >= 4 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80) {
		*cp = ((unsigned)(s[0] & 0x07) << 18) |
		    ((unsigned)(s[1] & 0x3f) << 12) |
		    ((unsigned)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
		return 4;
	}
	*cp = 0xfffd;
	return 1;
}

/*
 * php: escape as PHP's json_encode does by default (WordPress REST output):
 * '/' becomes "\/" and every non-ASCII character "\uXXXX" (surrogate pairs
 * above U+FFFF).  Otherwise UTF-8 passes through, as .NET writes it.
 */
void
json_escape(struct wbuf *b, const char *s, size_t n, int php)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, start = 0;

	wbuf_addc(b, '"');
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;
		char u[16];
		size_t adv = 1;

		switch (c) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		case '\b': rep = "\\b"; break;
		case '\f': rep = "\\f"; break;
		case '/':
			if (php)
				rep = "\\/";
			break;
		default:
			if (c < 0x20) {
				snprintf(u, sizeof(u), "\\u00%c%c", hex[c >> 4],
				    hex[c & 15]);
				rep = u;
			} else if (c >= 0x80 && php) {
				unsigned cp;

				adv = utf8_decode((const unsigned char *)s + i,
				    n - i, &cp);
				if (cp >= 0x10000) {
					cp -= 0x10000;
					snprintf(u, sizeof(u), "\\u%04x\\u%04x",
					    0xd800 + (cp >> 10),
					    0xdc00 + (cp & 0x3ff));
				} else
					snprintf(u, sizeof(u), "\\u%04x", cp);
				rep = u;
			}
		}
		if (rep != NULL) {
			wbuf_add(b, s + start, i - start);
			wbuf_adds(b, rep);
			start = i + adv;
		}
		i += adv;
	}
	wbuf_add(b, s + start, n - start);
	wbuf_addc(b, '"');
}

void
jw_init(struct jw *w, struct wbuf *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

static int
jw_field_kept(struct jw *w, const char *k)
{
	int i;

	if (strcmp(k, "id") == 0)
		return 1;
	for (i = 0; i < w->nfields; i++)
		if (strcmp(w->fields[i], k) == 0)
			return 1;
	return 0;
}

/* returns 0 when output is being swallowed by a _fields filter */
static int
jw_sep(struct jw *w)
{
	if (w->skip)
		return 0;
	if (w->after_key) {
		w->after_key = 0;
		return 1;
	}
	if (w->depth > 0) {
		if (!w->first[w->depth])
			wbuf_addc(w->out, ',');
		w->first[w->depth] = 0;
	}
	return 1;
}

static void
jw_open(struct jw *w, char c)
{
	int out = jw_sep(w);

	if (out)
		wbuf_addc(w->out, c);
	if (w->depth + 1 < JW_MAXDEPTH)
		w->depth++;
	if (out)
		w->first[w->depth] = 1;
}

static void
jw_close(struct jw *w, char c)
{
	if (w->skip && w->depth == w->skip_depth)
		w->skip = 0;		/* the object holding the skipped key */
	if (!w->skip)
		wbuf_addc(w->out, c);
	if (w->depth > 0)
		w->depth--;
}

void jw_obj(struct jw *w) { jw_open(w, '{'); }
void jw_obj_end(struct jw *w) { jw_close(w, '}'); }
void jw_arr(struct jw *w) { jw_open(w, '['); }
void jw_arr_end(struct jw *w) { jw_close(w, ']'); }

void
jw_key(struct jw *w, const char *k)
{
	if (w->skip && w->depth == w->skip_depth)
		w->skip = 0;
	if (w->skip)
		return;
	if (w->fields != NULL && w->depth == w->fdepth &&
	    !jw_field_kept(w, k)) {
		w->skip = 1;
		w->skip_depth = w->depth;
		return;
	}
	jw_sep(w);
	json_escape(w->out, k, strlen(k), w->php);
	wbuf_addc(w->out, ':');
	w->after_key = 1;
}

void
jw_strn(struct jw *w, const char *s, size_t n)
{
	if (jw_sep(w))
		json_escape(w->out, s, n, w->php);
}

void
jw_str(struct jw *w, const char *s)
{
	if (s == NULL)
		s = "";
	jw_strn(w, s, strlen(s));
}

void
jw_str_or_null(struct jw *w, const char *s)
{
	if (s == NULL)
		jw_null(w);
	else
		jw_str(w, s);
}

void
jw_int(struct jw *w, long long v)
{
	if (jw_sep(w))
		wbuf_addf(w->out, "%lld", v);
}

void
jw_bool(struct jw *w, int v)
{
	if (jw_sep(w))
		wbuf_adds(w->out, v ? "true" : "false");
}

void
jw_null(struct jw *w)
{
	if (jw_sep(w))
		wbuf_adds(w->out, "null");
}

void
jw_raw(struct jw *w, const char *s)
{
	if (jw_sep(w))
		wbuf_adds(w->out, s);
}

void jw_kstr(struct jw *w, const char *k, const char *v) { jw_key(w, k); jw_str(w, v); }
void jw_kint(struct jw *w, const char *k, long long v) { jw_key(w, k); jw_int(w, v); }
void jw_kbool(struct jw *w, const char *k, int v) { jw_key(w, k); jw_bool(w, v); }
void jw_knull(struct jw *w, const char *k) { jw_key(w, k); jw_null(w); }
void jw_kraw(struct jw *w, const char *k, const char *v) { jw_key(w, k); jw_raw(w, v); }

void
jw_json(struct jw *w, const json_t *v)
{
	const char *k;
	json_t *x;
	size_t i;
	char b[64];

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		jw_obj(w);
		json_object_foreach((json_t *)v, k, x) {
			jw_key(w, k);
			jw_json(w, x);
		}
		jw_obj_end(w);
		break;
	case JSON_ARRAY:
		jw_arr(w);
		json_array_foreach(v, i, x)
			jw_json(w, x);
		jw_arr_end(w);
		break;
	case JSON_STRING:
		jw_strn(w, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		jw_int(w, (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(b, sizeof(b), "%.17g", json_real_value(v));
		jw_raw(w, b);
		break;
	case JSON_TRUE:
		jw_bool(w, 1);
		break;
	case JSON_FALSE:
		jw_bool(w, 0);
		break;
	default:
		jw_null(w);
	}
}

/* ---------------------------------------------------------------- money */

int
money_parse(const char *s, struct money *m)
{
	int64_t units = 0;
	int scale = 0, neg = 0, digits = 0, dot = 0;

	memset(m, 0, sizeof(*m));
	if (s == NULL)
		return -1;
	if (*s == '\0')
		return 0;	/* "" = no value */
	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	for (; *s != '\0'; s++) {
		if (*s == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			return -1;
		if (dot) {
			if (scale >= 8)
				return -1;
			scale++;
		}
		if (units > (INT64_MAX - 9) / 10)
			return -1;
		units = units * 10 + (*s - '0');
		digits++;
	}
	if (digits == 0)
		return -1;
	m->units = neg ? -units : units;
	m->scale = (uint8_t)scale;
	m->set = 1;
	return 0;
}

void
money_fmt(const struct money *m, char *out, size_t n)
{
	int64_t p = 1, u, whole, frac;
	int i;

	if (!m->set) {
		snprintf(out, n, "%s", "");
		return;
	}
	for (i = 0; i < m->scale; i++)
		p *= 10;
	u = m->units < 0 ? -m->units : m->units;
	whole = u / p;
	frac = u % p;
	if (m->scale == 0)
		snprintf(out, n, "%s%lld", m->units < 0 ? "-" : "",
		    (long long)whole);
	else
		snprintf(out, n, "%s%lld.%0*lld", m->units < 0 ? "-" : "",
		    (long long)whole, (int)m->scale, (long long)frac);
}

int64_t
money_to_scale(const struct money *m, int scale)
{
	int64_t u = m->units;
	int s = m->scale;

	if (!m->set)
		return 0;
	while (s < scale) {
		u *= 10;
		s++;
	}
	while (s > scale) {
		int64_t q = u / 10, r = u % 10;

		if (r >= 5)
			q++;
		else if (r <= -5)
			q--;
		u = q;
		s--;
	}
	return u;
}

void
money_fmt_dp(const struct money *m, int dp, char *out, size_t n)
{
	struct money t;

	t.units = money_to_scale(m, dp);
	t.scale = (uint8_t)dp;
	t.set = 1;
	money_fmt(&t, out, n);
}

struct money
money_cents(int64_t cents)
{
	struct money m;

	m.units = cents;
	m.scale = 2;
	m.set = 1;
	return m;
}

int
money_cmp(const struct money *a, const struct money *b)
{
	int64_t x = money_to_scale(a, 8), y = money_to_scale(b, 8);

	return x < y ? -1 : x > y;
}

int
money_from_json(const json_t *j, struct money *m)
{
	char buf[64];

	memset(m, 0, sizeof(*m));
	if (json_is_integer(j)) {
		m->units = json_integer_value(j);
		m->set = 1;
		return 0;
	}
	if (json_is_real(j)) {
		/*
		 * jansson hands us a double; a decimal of at most 15
		 * significant digits prints back to the same text with %.15g,
		 * so the exact decimal the client wrote is recovered here and
		 * never used as binary floating point afterwards.
		 */
		snprintf(buf, sizeof(buf), "%.15g", json_real_value(j));
		if (strchr(buf, 'e') != NULL || strchr(buf, 'E') != NULL)
			return -1;
		return money_parse(buf, m);
	}
	if (json_is_string(j))
		return money_parse(json_string_value(j), m);
	return -1;
}

/* ---------------------------------------------------------------- dates */

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void
date_fmt(int64_t t, int zone_min, char *out, size_t n)
{
	time_t tt = (time_t)(t + (int64_t)zone_min * 60);
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
date_parse(const char *s, int64_t *wall, int *has_zone, int *zone_min)
{
	int y, mo, d, h, mi, se, zh = 0, zm = 0;
	const char *p;

	*has_zone = 0;
	*zone_min = 0;
	if (s == NULL || strlen(s) < 19)
		return -1;
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) ||
	    s[16] != ':' || digits(s + 17, 2, &se))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60)
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		*has_zone = 1;
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;

		p++;
		if (digits(p, 2, &zh))
			return -1;
		p += 2;
		if (*p == ':')
			p++;
		if (*p != '\0') {
			if (digits(p, 2, &zm))
				return -1;
			p += 2;
		}
		*has_zone = 1;
		*zone_min = sign * (zh * 60 + zm);
	}
	if (*p != '\0')
		return -1;
	*wall = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + se;
	return 0;
}

int64_t
now_utc(void)
{
	return (int64_t)time(NULL);
}

/* ---------------------------------------------------------------- URLs */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
url_decode_take(const char *s, size_t n, int plus)
{
	char *out = xmalloc(n + 1);
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			out[o++] = (char)(hexval(s[i + 1]) * 16 +
			    hexval(s[i + 2]));
			i += 2;
		} else if (plus && s[i] == '+') {
			out[o++] = ' ';
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

void
url_rawencode(struct wbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			wbuf_addc(b, (char)c);
		else {
			wbuf_addc(b, '%');
			wbuf_addc(b, hex[c >> 4]);
			wbuf_addc(b, hex[c & 15]);
		}
	}
}

void
kv_add(struct kvlist *l, const char *k, const char *v)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n].key = xstrdup(k);
	l->v[l->n].val = xstrdup(v);
	l->n++;
}

/* PHP parse_str without arrays: '+' is a space, later keys win on get. */
void
kv_parse_query(struct kvlist *l, const char *q, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i, eq;
		char *k, *v;

		while (j < n && q[j] != '&')
			j++;
		for (eq = i; eq < j && q[eq] != '='; eq++)
			;
		if (eq > i) {
			k = url_decode_take(q + i, eq - i, 1);
			v = eq < j ? url_decode_take(q + eq + 1, j - eq - 1, 1)
			    : xstrdup("");
			if (l->n == l->cap) {
				l->cap = l->cap ? l->cap * 2 : 8;
				l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
			}
			l->v[l->n].key = k;
			l->v[l->n].val = v;
			l->n++;
		}
		i = j + 1;
	}
}

const char *
kv_get(const struct kvlist *l, const char *k)
{
	size_t i;

	for (i = l->n; i > 0; i--)
		if (strcmp(l->v[i - 1].key, k) == 0)
			return l->v[i - 1].val;
	return NULL;
}

void
kv_release(struct kvlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].val);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* ---------------------------------------------------------------- crypto */

char *
b64_encode_take(const unsigned char *p, size_t n)
{
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

int
b64_decode(const char *s, unsigned char *out, size_t cap, size_t *outlen)
{
	size_t n = strlen(s), pad = 0;
	int r;

	if (n % 4 != 0 || (n / 4) * 3 > cap)
		return -1;
	r = EVP_DecodeBlock(out, (const unsigned char *)s, (int)n);
	if (r < 0)
		return -1;
	if (n >= 1 && s[n - 1] == '=')
		pad++;
	if (n >= 2 && s[n - 2] == '=')
		pad++;
	*outlen = (size_t)r - pad;
	return 0;
}

int
hmac_b64(const char *algo, const char *key, size_t keylen, const char *msg,
    char *out, size_t outcap)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const EVP_MD *evp;
	char *b;

	evp = strcmp(algo, "sha1") == 0 ? EVP_sha1() : EVP_sha256();
	if (HMAC(evp, key, (int)keylen, (const unsigned char *)msg,
	    strlen(msg), md, &mdlen) == NULL)
		return -1;
	b = b64_encode_take(md, mdlen);
	snprintf(out, outcap, "%s", b);
	free(b);
	return 0;
}

int
ct_streq(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), i;
	unsigned char d = 0;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* ---------------------------------------------------------------- PRNG */

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
rng_seed(struct rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

uint64_t
rng_below(struct rng *r, uint64_t n)
{
	return n == 0 ? 0 : rng_next(r) % n;
}

double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

void
rng_hex(struct rng *r, char *out, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i + 1 < n; i++)
		out[i] = hex[rng_next(r) & 15];
	if (n > 0)
		out[n - 1] = '\0';
}

/* ---------------------------------------------------------------- strmap */

static uint64_t
strhash(const char *s, int nocase)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (nocase)
			c = (unsigned char)tolower(c);
		h = (h ^ c) * 1099511628211ULL;
	}
	return h;
}

static int
streq_mode(const char *a, const char *b, int nocase)
{
	return nocase ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

void
strmap_init(struct strmap *m, int nocase)
{
	memset(m, 0, sizeof(*m));
	m->nocase = nocase;
}

void
strmap_release(struct strmap *m)
{
	free(m->slot);
	m->slot = NULL;
	m->cap = m->used = m->live = 0;
}

static void
strmap_rehash(struct strmap *m, size_t cap)
{
	struct strmap_slot *old = m->slot;
	size_t oldcap = m->cap, i;

	m->slot = xcalloc(cap, sizeof(*m->slot));
	m->cap = cap;
	m->used = m->live = 0;
	for (i = 0; i < oldcap; i++) {
		size_t j;

		if (old[i].key == NULL || old[i].key == STRMAP_TOMB)
			continue;
		j = old[i].hash & (cap - 1);
		while (m->slot[j].key != NULL)
			j = (j + 1) & (cap - 1);
		m->slot[j] = old[i];
		m->used++;
		m->live++;
	}
	free(old);
}

/* Several records may share a key (Epos Now e-mails): put never replaces. */
void
strmap_put(struct strmap *m, const char *k, long v)
{
	uint64_t h;
	size_t j;

	if (k == NULL || *k == '\0')
		return;
	if ((m->used + 1) * 10 >= m->cap * 7)
		strmap_rehash(m, m->cap ? (m->live * 4 > m->cap ? m->cap * 2 :
		    m->cap) : 64);
	h = strhash(k, m->nocase);
	j = h & (m->cap - 1);
	while (m->slot[j].key != NULL && m->slot[j].key != STRMAP_TOMB)
		j = (j + 1) & (m->cap - 1);
	if (m->slot[j].key == NULL)
		m->used++;
	m->slot[j].key = k;
	m->slot[j].hash = h;
	m->slot[j].val = v;
	m->live++;
}

long
strmap_get(const struct strmap *m, const char *k)
{
	uint64_t h;
	size_t j;

	if (m->cap == 0 || k == NULL)
		return -1;
	h = strhash(k, m->nocase);
	j = h & (m->cap - 1);
	while (m->slot[j].key != NULL) {
		if (m->slot[j].key != STRMAP_TOMB && m->slot[j].hash == h &&
		    streq_mode(m->slot[j].key, k, m->nocase))
			return m->slot[j].val;
		j = (j + 1) & (m->cap - 1);
	}
	return -1;
}

size_t
strmap_getall(const struct strmap *m, const char *k, long *out, size_t max)
{
	uint64_t h;
	size_t j, n = 0;

	if (m->cap == 0 || k == NULL)
		return 0;
	h = strhash(k, m->nocase);
	j = h & (m->cap - 1);
	while (m->slot[j].key != NULL && n < max) {
		if (m->slot[j].key != STRMAP_TOMB && m->slot[j].hash == h &&
		    streq_mode(m->slot[j].key, k, m->nocase))
			out[n++] = m->slot[j].val;
		j = (j + 1) & (m->cap - 1);
	}
	return n;
}

/* Removes the entry with this key and value (val -1: any value). */
void
strmap_del(struct strmap *m, const char *k, long v)
{
	uint64_t h;
	size_t j;

	if (m->cap == 0 || k == NULL || *k == '\0')
		return;
	h = strhash(k, m->nocase);
	j = h & (m->cap - 1);
	while (m->slot[j].key != NULL) {
		if (m->slot[j].key != STRMAP_TOMB && m->slot[j].hash == h &&
		    (v < 0 || m->slot[j].val == v) &&
		    streq_mode(m->slot[j].key, k, m->nocase)) {
			m->slot[j].key = STRMAP_TOMB;
			m->live--;
			return;
		}
		j = (j + 1) & (m->cap - 1);
	}
}

/* ---------------------------------------------------------------- tab */

void *
tab_get(const struct tab *t, long id)
{
	if (id < t->base || (size_t)(id - t->base) >= t->n)
		return NULL;
	return t->v[id - t->base];
}

static void
tab_grow(struct tab *t, size_t want)
{
	if (want <= t->cap)
		return;
	if (t->cap == 0)
		t->cap = 64;
	while (t->cap < want)
		t->cap *= 2;
	t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
}

long
tab_add(struct tab *t, void *rec)
{
	tab_grow(t, t->n + 1);
	t->v[t->n] = rec;
	t->n++;
	if (rec != NULL)
		t->live++;
	return t->base + (long)t->n - 1;
}

long
tab_reserve(struct tab *t)
{
	return tab_add(t, NULL);
}

int
tab_put(struct tab *t, long id, void *rec)
{
	size_t i;

	if (t->n == 0 && t->live == 0 && id > 0 && id < t->base)
		t->base = id;
	if (id < t->base)
		return -1;
	i = (size_t)(id - t->base);
	if (i > 50000000)
		return -1;
	if (i < t->n) {
		if (t->v[i] != NULL)
			return -1;
		t->v[i] = rec;
		t->live++;
		return 0;
	}
	tab_grow(t, i + 1);
	while (t->n < i)
		t->v[t->n++] = NULL;
	t->v[t->n++] = rec;
	t->live++;
	return 0;
}

void *
tab_del(struct tab *t, long id)
{
	void *r = tab_get(t, id);

	if (r != NULL) {
		t->v[id - t->base] = NULL;
		t->live--;
	}
	return r;
}

long
tab_next_id(const struct tab *t)
{
	return t->base + (long)t->n;
}

void
tab_release(struct tab *t, void (*fr)(void *))
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i] != NULL && fr != NULL)
			fr(t->v[i]);
	free(t->v);
	t->v = NULL;
	t->n = t->cap = t->live = 0;
}

/* ---------------------------------------------------------------- JSON in */

const char *
jx_str(const json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

int
jx_has(const json_t *o, const char *k)
{
	return json_object_get(o, k) != NULL;
}

void
money_text(const struct money *m, char *buf, size_t n)
{
	money_fmt(m, buf, n);
}

void
jw_money_num(struct jw *w, const struct money *m)
{
	char b[48];

	if (!m->set) {
		jw_null(w);
		return;
	}
	money_fmt(m, b, sizeof(b));
	jw_raw(w, b);
}

struct money
money_add(const struct money *a, const struct money *b)
{
	struct money r;
	int s = a->scale > b->scale ? a->scale : b->scale;

	r.units = money_to_scale(a, s) + money_to_scale(b, s);
	r.scale = (uint8_t)s;
	r.set = 1;
	return r;
}

struct money
money_mul(const struct money *a, const struct money *b)
{
	struct money r;
	int s = a->scale + b->scale;

	r.units = (a->set ? a->units : 0) * (b->set ? b->units : 0);
	r.scale = (uint8_t)s;
	r.set = 1;
	if (s > 8) {
		r.units = money_to_scale(&r, 8);
		r.scale = 8;
	}
	return r;
}

struct money
money_neg(const struct money *a)
{
	struct money r = *a;

	r.units = -r.units;
	return r;
}
