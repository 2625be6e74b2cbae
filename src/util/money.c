#include "util/money.h"

#include <stdio.h>
#include <string.h>

static const int64_t pow10_table[] = { 1, 10, 100, 1000, 10000 };

int
money_parse(const char *text, struct money *out)
{
	const char *p = text;
	int neg = 0, digits = 0, frac_digits = 0, round_up = 0;
	int64_t whole = 0, frac = 0;

	if (!p)
		return -1;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (whole > (INT64_MAX / MONEY_SCALE - 9) / 10)
			return -1;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++, digits++) {
			if (frac_digits < 4) {
				frac = frac * 10 + (*p - '0');
				frac_digits++;
			} else if (frac_digits == 4) {
				round_up = *p >= '5';   /* first dropped digit decides */
				frac_digits++;
			}
		}
	}
	if (*p || !digits)
		return -1;
	if (frac_digits > 4)
		frac_digits = 4;
	frac *= pow10_table[4 - frac_digits];
	out->units = whole * MONEY_SCALE + frac + round_up;
	if (neg)
		out->units = -out->units;
	return 0;
}

void
money_format(struct money m, int decimals, char *buf, size_t len)
{
	int64_t u = m.units, step, whole, frac;
	int neg = u < 0;

	if (decimals < 0)
		decimals = 0;
	if (decimals > 4)
		decimals = 4;
	if (neg)
		u = -u;
	step = pow10_table[4 - decimals];
	u = (u + step / 2) / step;   /* half away from zero */
	whole = u / pow10_table[decimals];
	frac = u % pow10_table[decimals];
	if (u == 0)
		neg = 0;
	if (decimals)
		snprintf(buf, len, "%s%lld.%0*lld", neg ? "-" : "", (long long)whole, decimals, (long long)frac);
	else
		snprintf(buf, len, "%s%lld", neg ? "-" : "", (long long)whole);
}

int
money_mul_int(struct money m, int64_t qty, struct money *out)
{
	if (__builtin_mul_overflow(m.units, qty, &out->units))
		return -1;
	return 0;
}

int
money_scale(struct money m, int64_t numerator, int64_t denominator, struct money *out)
{
	__int128 v;

	if (denominator == 0)
		return -1;
	v = (__int128)m.units * numerator;
	if ((v < 0) != (denominator < 0))
		v = (v - denominator / 2 * (denominator < 0 ? -1 : 1)) / denominator;
	else
		v = (v + denominator / 2 * (denominator < 0 ? -1 : 1)) / denominator;
	if (v > INT64_MAX || v < INT64_MIN)
		return -1;
	out->units = (int64_t)v;
	return 0;
}

int
money_equal_at(struct money a, struct money b, int decimals)
{
	char x[MONEY_TEXT_MAX], y[MONEY_TEXT_MAX];

	money_format(a, decimals, x, sizeof(x));
	money_format(b, decimals, y, sizeof(y));
	return strcmp(x, y) == 0;
}
