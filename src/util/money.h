/*
 * money.h: exact amounts. A struct money counts ten-thousandths of the
 * currency unit in an int64 (so 21.99 is 219900), which holds every price a
 * shop or till shows and every tax calculation's intermediate result.
 *
 * Remotes send money as decimal text ("21.99" from WooCommerce) or as JSON
 * numbers (Epos Now), which json_decimal.h turns into text before jansson
 * sees them: nothing passes through a double.
 *
 * Rounding rule (the one place it is decided): half away from zero, to the
 * currency's decimals (2) when formatting for a remote, and to 4 decimals
 * when parsing text that carries more.
 */
#ifndef TILLSYNC_MONEY_H
#define TILLSYNC_MONEY_H

#include <stddef.h>
#include <stdint.h>

#define MONEY_SCALE 10000
#define MONEY_TEXT_MAX 32

struct money {
	int64_t units;   /* 1/10000 of the currency unit */
};

/* "21.99", "-0.5", "7", "1234.56789" (rounded). -1 on anything else. */
int money_parse(const char *text, struct money *out);
/* With `decimals` digits after the point (0..4), rounded half away from zero. */
void money_format(struct money m, int decimals, char *buf, size_t len);
/* m * qty; -1 on overflow. */
int money_mul_int(struct money m, int64_t qty, struct money *out);
/* m * numerator / denominator, rounded half away from zero; -1 on overflow or zero denominator. */
int money_scale(struct money m, int64_t numerator, int64_t denominator, struct money *out);
int money_equal_at(struct money a, struct money b, int decimals);

#endif
