#include "core/settings.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "core/pricing.h"
#include "util/parse.h"
#include "util/timeutil.h"

#define MINUTE (60 * 1000)
#define HOUR (60 * MINUTE)

static int
check_tier_map(const char *value, struct sbuf *err)
{
	struct tier_rule rules[TIER_RULES_MAX];
	size_t n;

	return tier_map_parse(value, rules, &n, err);
}

const struct setting_def setting_defs[] = {
	{ "stock_master", SETTING_CHOICE, "pos", "pos|shop", 0, 0,
	  "Which side owns the catalog, stock and prices: 'pos' (the till; products go to the shop, "
	  "shop orders sync into the POS and customer sync is available) or 'shop' (products go "
	  "from the shop to the till)", 0, NULL },
	{ "customer_sync", SETTING_BOOL, "off", NULL, 0, 0,
	  "Sync POS customer changes (including loyalty points) to the shop", 0, NULL },
	{ "loyalty_meta_key", SETTING_STRING, "_tillsync_loyalty_points", NULL, 1, 64,
	  "Shop customer meta_data key that receives the POS loyalty points balance", 0, NULL },
	{ "product_sync", SETTING_BOOL, "off", NULL, 0, 0,
	  "Sync POS products (name, description, category, price, tiers, status) to the shop through the "
	  "Products Queue; only products marked for the web shop in the POS", 0, NULL },
	{ "prices_include_tax", SETTING_BOOL, "off", NULL, 0, 0,
	  "The shop's prices are entered including tax (the shop's own tax setting); POS prices are "
	  "converted with each product's tax rate", 0, NULL },
	{ "missing_category", SETTING_CHOICE, "create", "create|skip", 0, 0,
	  "A product whose POS category is not in the shop: 'create' the category there, or 'skip' the "
	  "product until it is mapped", 0, NULL },
	{ "product_removed", SETTING_CHOICE, "draft", "draft|ignore", 0, 0,
	  "A linked product archived in the POS or no longer marked for the web: 'draft' hides it in the shop, "
	  "'ignore' leaves the shop alone (tillsync never deletes shop products)", 0, NULL },
	{ "tier_map", SETTING_STRING, "-", NULL, 1, 256,
	  "POS price tiers to shop quantity prices, as NAME=MIN_QTY pairs: 'AA=1,AAA=10,AAAA=50'; "
	  "'-' for none", 0, check_tier_map },
	{ "inventory_sync", SETTING_BOOL, "off", NULL, 0, 0,
	  "Push the stock master's quantities to the shop (Inventory Queue) and check the shop's stock "
	  "every catalog_interval", 0, NULL },
	{ "stock_location", SETTING_STRING, "-", NULL, 1, 64,
	  "POS location id whose stock is pushed to the shop; '-' sums every location", 0, NULL },
	{ "auto_correct", SETTING_BOOL, "on", NULL, 0, 0,
	  "Set shop stock that changed without an order or tillsync back to the stock master's value", 0, NULL },
	{ "catalog_interval", SETTING_DURATION, "3600000", NULL, 60 * 1000, 7 * 24 * HOUR,
	  "How often the full product sync and the stock reconciliation run", 0, NULL },
	{ "cycle_interval", SETTING_DURATION, "300000", NULL, 10 * 1000, 24 * HOUR,
	  "How often each feed asks the remotes what changed", 0, NULL },
	{ "retry_max_attempts", SETTING_INT, "8", NULL, 1, 100,
	  "Tries before a failing item stops and waits for an operator", 0, NULL },
	{ "retry_base", SETTING_DURATION, "30000", NULL, 1000, HOUR,
	  "Wait after the first failure; doubles each time", 0, NULL },
	{ "retry_cap", SETTING_DURATION, "3600000", NULL, 1000, 24 * HOUR,
	  "Longest wait between two tries", 0, NULL },
	{ "webhook_url", SETTING_STRING, "-", NULL, 1, 512,
	  "Address the shop can reach tillsync's webhook receiver at (e.g. https://sync.example.com); "
	  "'-' for none: changes then arrive by cycle only", 0, NULL },
	{ "webhook_secret", SETTING_STRING, "", NULL, 16, 128,
	  "Secret the shop signs webhook deliveries with; made on first use", 1, NULL },
};
const size_t setting_def_count = sizeof(setting_defs) / sizeof(setting_defs[0]);

const struct setting_def *
setting_def_find(const char *key)
{
	for (size_t i = 0; key && i < setting_def_count; i++)
		if (strcmp(setting_defs[i].key, key) == 0)
			return &setting_defs[i];
	return NULL;
}

const char *
setting_type_name(enum setting_type t)
{
	switch (t) {
	case SETTING_BOOL: return "on|off";
	case SETTING_CHOICE: return "choice";
	case SETTING_INT: return "integer";
	case SETTING_DURATION: return "duration";
	case SETTING_STRING: return "text";
	}
	return "text";
}

static int
choice_ok(const char *choices, const char *v)
{
	size_t n = strlen(v);
	const char *p = choices;

	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (len == n && strncmp(p, v, n) == 0)
			return 1;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

int
setting_normalize(const struct setting_def *d, const char *value, char **stored, struct sbuf *err)
{
	char buf[32];
	int64_t v;
	int b;

	*stored = NULL;
	switch (d->type) {
	case SETTING_BOOL:
		if (parse_bool(value, &b) < 0)
			return error_set(err, "%s must be on or off, not '%s'", d->key, value);
		*stored = strdup(b ? "on" : "off");
		break;
	case SETTING_CHOICE:
		if (!choice_ok(d->choices, value))
			return error_set(err, "%s must be one of %s, not '%s'", d->key, d->choices, value);
		*stored = strdup(value);
		break;
	case SETTING_INT:
		if (parse_int64(value, d->min, d->max, &v) < 0)
			return error_set(err, "%s must be a whole number from %" PRId64 " to %" PRId64 ", not '%s'",
					 d->key, d->min, d->max, value);
		snprintf(buf, sizeof(buf), "%" PRId64, v);
		*stored = strdup(buf);
		break;
	case SETTING_DURATION:
		if (parse_duration_ms(value, &v) < 0 || v < d->min || v > d->max)
			return error_set(err, "%s must be a duration like 30s, 5m or 2h between %" PRId64
					 "s and %" PRId64 "s, not '%s'", d->key, d->min / 1000, d->max / 1000, value);
		snprintf(buf, sizeof(buf), "%" PRId64, v);
		*stored = strdup(buf);
		break;
	case SETTING_STRING:
		if ((int64_t)strlen(value) < d->min || (int64_t)strlen(value) > d->max)
			return error_set(err, "%s must be %" PRId64 " to %" PRId64 " characters long",
					 d->key, d->min, d->max);
		if (d->check && d->check(value, err) < 0)
			return -1;
		*stored = strdup(value);
		break;
	}
	return *stored ? 0 : error_set(err, "out of memory");
}

/* The stored value, or the default; *out is heap memory. */
static int
get_raw(struct store *st, int64_t account_id, const struct setting_def *d, char **out, struct sbuf *err)
{
	int rc = store_setting_get(st, account_id, d->key, out, err);

	if (rc < 0)
		return -1;
	if (rc == STORE_NOTFOUND && !(*out = strdup(d->def)))
		return error_set(err, "out of memory");
	return 0;
}

static const struct setting_def *
def_or_bug(const char *key, struct sbuf *err)
{
	const struct setting_def *d = setting_def_find(key);

	if (!d)
		error_set(err, "unknown setting '%s'", key);
	return d;
}

int
settings_get_bool(struct store *st, int64_t account_id, const char *key, int *out, struct sbuf *err)
{
	const struct setting_def *d = def_or_bug(key, err);
	char *v;
	int rc;

	if (!d || get_raw(st, account_id, d, &v, err) < 0)
		return -1;
	rc = parse_bool(v, out);
	free(v);
	return rc < 0 ? error_set(err, "setting %s holds an unreadable value", key) : 0;
}

int
settings_get_int(struct store *st, int64_t account_id, const char *key, int64_t *out, struct sbuf *err)
{
	const struct setting_def *d = def_or_bug(key, err);
	char *v;
	int rc;

	if (!d || get_raw(st, account_id, d, &v, err) < 0)
		return -1;
	rc = parse_int64(v, INT64_MIN, INT64_MAX, out);
	free(v);
	return rc < 0 ? error_set(err, "setting %s holds an unreadable value", key) : 0;
}

int
settings_get_string(struct store *st, int64_t account_id, const char *key, char **out, struct sbuf *err)
{
	const struct setting_def *d = def_or_bug(key, err);

	*out = NULL;
	return d ? get_raw(st, account_id, d, out, err) : -1;
}

int
settings_retry_policy(struct store *st, int64_t account_id, struct retry_policy *out, struct sbuf *err)
{
	int64_t max;

	if (settings_get_int(st, account_id, "retry_base", &out->base_ms, err) < 0 ||
	    settings_get_int(st, account_id, "retry_cap", &out->cap_ms, err) < 0 ||
	    settings_get_int(st, account_id, "retry_max_attempts", &max, err) < 0)
		return -1;
	out->max_attempts = (int)max;
	return 0;
}

int
settings_webhook_secret(struct store *st, int64_t account_id, char **out, struct sbuf *err)
{
	unsigned char raw[32];
	char hex[65];

	if (settings_get_string(st, account_id, "webhook_secret", out, err) < 0)
		return -1;
	if (**out)
		return 0;
	free(*out);
	*out = NULL;
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return error_set(err, "cannot make a webhook secret (no randomness)");
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	if (store_setting_set(st, account_id, "webhook_secret", hex, time_now_ms(), err) < 0)
		return -1;
	*out = strdup(hex);
	return *out ? 0 : error_set(err, "out of memory");
}
