#include "core/pricing.h"

#include <stdlib.h>
#include <string.h>

#include "util/parse.h"

#define PERCENT (100 * MONEY_SCALE)   /* 100% in money units */
#define CENT (MONEY_SCALE / 100)

int
price_on_basis(struct money price, int includes_tax, struct money tax_percent, int want_includes_tax,
	       struct money *out)
{
	int64_t num = 1, den = 1;

	if (tax_percent.units < 0 || tax_percent.units > 10 * PERCENT)
		return -1;
	if (includes_tax && !want_includes_tax) {
		num = PERCENT;
		den = PERCENT + tax_percent.units;
	} else if (!includes_tax && want_includes_tax) {
		num = PERCENT + tax_percent.units;
		den = PERCENT;
	}
	/* scale straight to whole cents: one rounding, then back to units */
	if (money_scale(price, num, den * CENT, out) < 0)
		return -1;
	if (out->units > INT64_MAX / CENT || out->units < INT64_MIN / CENT)
		return -1;
	out->units *= CENT;
	return 0;
}

int
tier_map_parse(const char *text, struct tier_rule *rules, size_t *n, struct sbuf *err)
{
	char *copy, *save = NULL;
	int rc = 0;

	*n = 0;
	if (!text || !*text || strcmp(text, "-") == 0)
		return 0;
	copy = strdup(text);
	if (!copy)
		return error_set(err, "out of memory");
	for (char *tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		int64_t q;

		while (*tok == ' ')
			tok++;
		if (!eq || eq == tok || parse_int64(eq + 1, 1, 1000000, &q) < 0) {
			rc = error_set(err, "tier_map entry '%s' must be NAME=MIN_QTY with a quantity from 1", tok);
			break;
		}
		*eq = '\0';
		if (*n == TIER_RULES_MAX) {
			rc = error_set(err, "tier_map holds at most %d tiers", TIER_RULES_MAX);
			break;
		}
		if (strlen(tok) >= sizeof(rules[0].name)) {
			rc = error_set(err, "tier_map name '%.20s...' is too long", tok);
			break;
		}
		strcpy(rules[*n].name, tok);
		rules[*n].min_quantity = q;
		(*n)++;
	}
	free(copy);
	return rc;
}

int
tiers_for_shop(const struct product *p, const struct tier_rule *rules, size_t nrules, int shop_includes_tax,
	       struct quantity_price *out, size_t *n, size_t *unmapped)
{
	*n = 0;
	*unmapped = 0;
	for (size_t i = 0; i < p->ntiers && i < PRODUCT_TIERS_MAX; i++) {
		const struct tier_rule *r = NULL;

		for (size_t k = 0; k < nrules && !r; k++)
			if (strcmp(rules[k].name, p->tiers[i].name) == 0)
				r = &rules[k];
		if (!r) {
			(*unmapped)++;
			continue;
		}
		out[*n].min_quantity = r->min_quantity;
		if (price_on_basis(p->tiers[i].price, p->price_includes_tax, p->tax_percent, shop_includes_tax,
				   &out[*n].price) < 0)
			return -1;
		(*n)++;
	}
	/* insertion sort: at most PRODUCT_TIERS_MAX entries */
	for (size_t i = 1; i < *n; i++)
		for (size_t k = i; k > 0 && out[k - 1].min_quantity > out[k].min_quantity; k--) {
			struct quantity_price t = out[k];

			out[k] = out[k - 1];
			out[k - 1] = t;
		}
	return 0;
}
