/*
 * wc_json.c: the WooCommerce side of the model. WooCommerce sends ids as
 * integers, money as decimal strings (line_items[].price as a bare number,
 * which json_decimal_loads turns into text), dates twice (site zone and
 * *_gmt: only the _gmt twin is read, so the site's zone never matters), and
 * "" or null for blanks.
 */
#include "connectors/woocommerce/wc_json.h"

#include "connectors/json_fields.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void
wc_copy(char *out, size_t len, const char *s)
{
	size_t n;

	if (len == 0)
		return;
	n = strlen(s);
	if (n >= len) {
		n = len - 1;
		/* s[n] is the first byte left out: if it continues a character, that
		 * character would be cut in half, and half a character makes the
		 * text unsendable as JSON later (jansson refuses invalid UTF-8) */
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

static const char *
str_of(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

static void
str_field(const json_t *obj, const char *key, char *out, size_t len)
{
	wc_copy(out, len, str_of(obj, key));
}

static int
all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int
wc_id(const json_t *obj, const char *key, char *out, size_t len, struct sbuf *err)
{
	const json_t *v = json_object_get(obj, key);
	char buf[32];
	const char *s;

	out[0] = '\0';
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return error_set(err, "'%s' is negative", key);
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = buf;
	} else if (json_is_string(v) && all_digits(json_string_value(v))) {
		s = json_string_value(v);
	} else {
		return error_set(err, "'%s' is not an id", key);
	}
	if (strspn(s, "0") == strlen(s))
		return 0;   /* WooCommerce's 0: none (a guest, a deleted product) */
	if (strlen(s) >= len)
		return error_set(err, "'%s' is too long for an id", key);
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

/* An integer field (WooCommerce quantities are integers; accept digit text too). */
static int
int_field(const json_t *obj, const char *key, int64_t *out, struct sbuf *err)
{
	const json_t *v = json_object_get(obj, key);
	const char *s;
	int neg = 0;
	int64_t n = 0;

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return error_set(err, v && !json_is_null(v) ? "'%s' is not a whole number" : "no '%s'", key);
	s = json_string_value(v);
	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (!all_digits(s) || strlen(s) > 18)
		return error_set(err, "'%s' is not a whole number", key);
	for (; *s; s++)
		n = n * 10 + (*s - '0');
	*out = neg ? -n : n;
	return 0;
}

/*
 * Money from decimal text or a JSON integer. An absent, null or "" value is
 * zero unless required, then an error: a wrong total is worse than none.
 * Returns 1 when a value was present, 0 when defaulted, -1 with err.
 */
static int
money_field(const json_t *obj, const char *key, int required, struct money *out, struct sbuf *err)
{
	const json_t *v = json_object_get(obj, key);
	char buf[32];
	const char *s;

	out->units = 0;
	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = buf;
	} else if (json_is_string(v) && *json_string_value(v)) {
		s = json_string_value(v);
	} else if (!v || json_is_null(v) || json_is_string(v)) {
		return required ? error_set(err, "no '%s'", key) : 0;
	} else {
		return error_set(err, "'%s' is not an amount", key);
	}
	if (money_parse(s, out) < 0)
		return error_set(err, "'%s' is not an amount: '%.40s'", key, s);
	return 1;
}

static int
two(const char *s, int *out)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	return 0;
}

int
wc_parse_gmt(const char *s, int64_t *ms)
{
	struct tm tm;
	int hi, lo, mon, day, h, m, sec;
	time_t t;

	if (strlen(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return -1;
	if (two(s, &hi) || two(s + 2, &lo) || two(s + 5, &mon) || two(s + 8, &day) || two(s + 11, &h) ||
	    two(s + 14, &m) || two(s + 17, &sec))
		return -1;
	if (!(s[19] == '\0' || (s[19] == 'Z' && s[20] == '\0')))
		return -1;
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || h > 23 || m > 59 || sec > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = hi * 100 + lo - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*ms = (int64_t)t * 1000;
	return 0;
}

void
wc_format_gmt(int64_t ms, char *buf, size_t len)
{
	/* floor, not truncate toward zero, so a time is never moved later */
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000));
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		wc_copy(buf, len, "1970-01-01T00:00:00");
}

/* A *_gmt date: null or absent is 0 (unknown); anything unreadable is an error. */
static int
date_field(const json_t *obj, const char *key, int64_t *out, struct sbuf *err)
{
	const json_t *v = json_object_get(obj, key);

	*out = 0;
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return 0;
	if (!json_is_string(v) || wc_parse_gmt(json_string_value(v), out) < 0)
		return error_set(err, "'%s' is not a date", key);
	return 0;
}

int
wc_customer_from_json(const json_t *j, struct customer *out, struct sbuf *err)
{
	const json_t *billing;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(j))
		return error_set(err, "a customer is not a JSON object");
	if (wc_id(j, "id", out->id, sizeof(out->id), err) < 0)
		return error_prefix(err, "customer");
	if (!out->id[0])
		return error_set(err, "a customer has no 'id'");
	billing = json_object_get(j, "billing");
	str_field(j, "email", out->email, sizeof(out->email));
	str_field(j, "first_name", out->first_name, sizeof(out->first_name));
	str_field(j, "last_name", out->last_name, sizeof(out->last_name));
	/* a customer made from a guest checkout may only have billing names */
	if (!out->first_name[0] && !out->last_name[0]) {
		str_field(billing, "first_name", out->first_name, sizeof(out->first_name));
		str_field(billing, "last_name", out->last_name, sizeof(out->last_name));
	}
	str_field(billing, "phone", out->phone, sizeof(out->phone));
	/* has_points stays 0: a shop is never the truth for loyalty points */
	if (date_field(j, "date_modified_gmt", &out->modified_at, err) < 0)
		return error_prefix(err, "customer %s", out->id);
	return 0;
}

static int
line_from_json(const json_t *j, struct order_line *l, struct sbuf *err)
{
	struct money subtotal;
	int has_subtotal = 0;

	memset(l, 0, sizeof(*l));
	if (!json_is_object(j))
		return error_set(err, "not a JSON object");
	if (wc_id(j, "product_id", l->product_id, sizeof(l->product_id), err) < 0 ||
	    wc_id(j, "variation_id", l->variation_id, sizeof(l->variation_id), err) < 0 ||
	    int_field(j, "quantity", &l->quantity, err) < 0 || money_field(j, "total", 1, &l->total, err) < 0 ||
	    (has_subtotal = money_field(j, "subtotal", 0, &subtotal, err)) < 0)
		return -1;
	str_field(j, "sku", l->sku, sizeof(l->sku));
	str_field(j, "name", l->name, sizeof(l->name));
	/* subtotal is the line before discounts and tax, kept exact as text;
	 * price is the same divided by quantity but sent as a float-made number
	 * (9.166666666666666), so it is only the fallback */
	if (has_subtotal && l->quantity != 0) {
		if (money_scale(subtotal, 1, l->quantity, &l->unit_price) < 0)
			return error_set(err, "'subtotal' / 'quantity' overflows");
	} else if (money_field(j, "price", 0, &l->unit_price, err) < 0) {
		return -1;
	}
	return 0;
}

int
wc_order_from_json(const json_t *j, struct order *out, struct sbuf *err)
{
	const json_t *billing, *v, *refunds, *items;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(j))
		return error_set(err, "an order is not a JSON object");
	if (wc_id(j, "id", out->id, sizeof(out->id), err) < 0)
		return error_prefix(err, "order");
	if (!out->id[0])
		return error_set(err, "an order has no 'id'");
	v = json_object_get(j, "number");
	if (json_is_integer(v))
		snprintf(out->number, sizeof(out->number), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_string(v) && *json_string_value(v))
		wc_copy(out->number, sizeof(out->number), json_string_value(v));
	else
		wc_copy(out->number, sizeof(out->number), out->id);
	str_field(j, "status", out->status, sizeof(out->status));
	str_field(j, "currency", out->currency, sizeof(out->currency));
	billing = json_object_get(j, "billing");
	str_field(billing, "email", out->email, sizeof(out->email));
	str_field(billing, "first_name", out->first_name, sizeof(out->first_name));
	str_field(billing, "last_name", out->last_name, sizeof(out->last_name));
	str_field(billing, "phone", out->phone, sizeof(out->phone));
	if (wc_id(j, "customer_id", out->customer_id, sizeof(out->customer_id), err) < 0 ||
	    money_field(j, "total", 1, &out->total, err) < 0 ||
	    money_field(j, "total_tax", 0, &out->total_tax, err) < 0 ||
	    date_field(j, "date_created_gmt", &out->created_at, err) < 0 ||
	    date_field(j, "date_modified_gmt", &out->modified_at, err) < 0)
		return error_prefix(err, "order %s", out->id);

	/* refunds[].total is negative ("-5.00"); the model keeps what went back
	 * to the customer as a positive sum */
	refunds = json_object_get(j, "refunds");
	for (i = 0; json_is_array(refunds) && i < json_array_size(refunds); i++) {
		struct money r;

		if (money_field(json_array_get(refunds, i), "total", 1, &r, err) < 0)
			return error_prefix(err, "order %s: refund %zu", out->id, i + 1);
		r.units = r.units < 0 ? -r.units : r.units;
		if (r.units > INT64_MAX - out->refunded.units)
			return error_set(err, "order %s: the refunds overflow", out->id);
		out->refunded.units += r.units;
	}

	items = json_object_get(j, "line_items");
	if (items && !json_is_array(items))
		return error_set(err, "order %s: 'line_items' is not a list", out->id);
	if (json_array_size(items) == 0)
		return 0;
	out->lines = calloc(json_array_size(items), sizeof(*out->lines));
	if (!out->lines)
		return error_set(err, "order %s: out of memory for %zu lines", out->id, json_array_size(items));
	for (i = 0; i < json_array_size(items); i++) {
		if (line_from_json(json_array_get(items, i), &out->lines[i], err) < 0) {
			error_prefix(err, "order %s: line %zu", out->id, i + 1);
			order_release(out);
			return -1;
		}
	}
	out->nlines = i;
	return 0;
}

json_t *
wc_customer_create_json(const struct customer *in, struct sbuf *err)
{
	json_t *j = json_object(), *billing = json_object();

	if (!j || !billing) {
		error_set(err, "out of memory");
		goto fail;
	}
	if (jf_set_text(j, "email", in->email, err) < 0 ||
	    (in->first_name[0] && jf_set_text(j, "first_name", in->first_name, err) < 0) ||
	    (in->last_name[0] && jf_set_text(j, "last_name", in->last_name, err) < 0) ||
	    (in->phone[0] && jf_set_text(billing, "phone", in->phone, err) < 0))
		goto fail;
	if (json_object_size(billing) && json_object_set(j, "billing", billing) < 0) {
		error_set(err, "out of memory");
		goto fail;
	}
	json_decref(billing);
	return j;
fail:
	json_decref(billing);
	json_decref(j);
	return NULL;
}

static int
add_meta(json_t *arr, const char *key, const char *value, struct sbuf *err)
{
	json_t *m = json_object();

	if (!m || json_array_append_new(arr, m) < 0)
		return error_set(err, "out of memory");
	if (jf_set_text(m, "key", key, err) < 0 || jf_set_text(m, "value", value, err) < 0)
		return -1;
	return 0;
}

json_t *
wc_customer_update_json(const struct customer_update *u, struct sbuf *err)
{
	json_t *j = NULL, *meta = NULL;
	char points[24];

	if (!u->set_points && !u->set_type) {
		error_set(err, "nothing to change");
		return NULL;
	}
	if (u->set_points && (!u->points_key || !*u->points_key)) {
		error_set(err, "no meta key to keep loyalty points in (setting loyalty_meta_key)");
		return NULL;
	}
	j = json_object();
	meta = json_array();
	if (!j || !meta || json_object_set(j, "meta_data", meta) < 0) {
		error_set(err, "out of memory");
		goto fail;
	}
	/* a meta value is text: plugins and themes read it with get_user_meta */
	snprintf(points, sizeof(points), "%" PRId64, u->points);
	if (u->set_points && add_meta(meta, u->points_key, points, err) < 0)
		goto fail;
	if (u->set_type && add_meta(meta, WC_META_CUSTOMER_TYPE, u->type_name ? u->type_name : "", err) < 0)
		goto fail;
	json_decref(meta);
	return j;
fail:
	json_decref(meta);
	json_decref(j);
	return NULL;
}

int
wc_error_body(const char *body, size_t len, char *code, size_t codelen, char *msg, size_t msglen)
{
	json_t *j = json_loadb(body, len, 0, NULL);
	const json_t *c;
	int rc = -1;

	c = json_object_get(j, "code");
	if (!json_is_string(c) || !*json_string_value(c))
		goto out;
	wc_copy(code, codelen, json_string_value(c));
	wc_copy(msg, msglen, str_of(j, "message"));
	/* the message goes into one log line */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	for (char *p = code; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	rc = 0;
out:
	json_decref(j);
	return rc;
}
