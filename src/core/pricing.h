/*
 * pricing.h: a POS price as the shop must hold it.
 *
 * The POS keeps each price with its own flag (tax included or not) and the
 * rate of its tax group; the shop holds every price on one basis, the
 * account's prices_include_tax setting. Converting:
 *
 *	including = excluding * (100 + rate) / 100
 *	excluding = including * 100 / (100 + rate)
 *
 * The one rounding rule: the exact result is rounded once, half away from
 * zero, to the currency's 2 decimals (no intermediate rounding, so
 * 10.00 ex 20% is 12.00, and 12.00 inc 20% is 10.00 exactly).
 */
#ifndef TILLSYNC_PRICING_H
#define TILLSYNC_PRICING_H

#include <stddef.h>

#include "connectors/model.h"
#include "util/sbuf.h"

#define TIER_RULES_MAX PRODUCT_TIERS_MAX

/* price (with its own basis and rate) on the wanted basis, at 2 decimals. -1 on overflow. */
int price_on_basis(struct money price, int includes_tax, struct money tax_percent, int want_includes_tax,
		   struct money *out);

/* One entry of the account's tier_map: POS tier NAME -> shop quantity MIN_QTY. */
struct tier_rule {
	char name[64];
	int64_t min_quantity;
};

/* "AA=1,AAA=10" (or "-" / "" for none) into rules; -1 with err naming the bad part. */
int tier_map_parse(const char *text, struct tier_rule *rules, size_t *n, struct sbuf *err);

/* The product's tiers named in the map, as shop quantity prices on the shop's
 * basis, ordered by quantity. Tiers not in the map are left out; *unmapped
 * counts them. -1 on overflow. */
int tiers_for_shop(const struct product *p, const struct tier_rule *rules, size_t nrules, int shop_includes_tax,
		   struct quantity_price *out, size_t *n, size_t *unmapped);

#endif
