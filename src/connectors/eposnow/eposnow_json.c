/*
 * eposnow_json.c: Epos Now catalog answers -> model records (no I/O).
 *
 * Field names follow shared/apis/eposnow.md sections 6-8 and the sandbox's
 * emulator. Every reader validates the shape it relies on: a field of the
 * wrong type is an error naming the record, never a guess, because what
 * comes out of here becomes shop prices and stock.
 */
#include "connectors/eposnow/eposnow_json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/json_fields.h"

#define EPOS_CATEGORY_DEPTH_MAX 32   /* deeper nesting is a broken answer, not a shop */

/* ---- field readers ------------------------------------------------------ */

/* Copies s into out (len bytes) without splitting a UTF-8 sequence: half a
 * character makes the text unsendable as JSON to the shop later. */
static void
epos_copy(char *out, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (n >= len) {
		n = len - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

/* Text or null ("" then); anything else is an error. */
static int
text_field(const json_t *o, const char *key, char *out, size_t len, const char *who, struct sbuf *err)
{
	const json_t *v = json_object_get(o, key);

	out[0] = '\0';
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return error_set(err, "%s: '%s' is not text", who, key);
	epos_copy(out, len, json_string_value(v));
	return 0;
}

/* A positive id, integer or digit text; "" for null, absent or 0 (Epos Now's "none"). */
static int
id_field(const json_t *o, const char *key, char *out, size_t len, const char *who, struct sbuf *err)
{
	const json_t *v = json_object_get(o, key);
	char buf[32];
	const char *s;

	out[0] = '\0';
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return error_set(err, "%s: '%s' is negative", who, key);
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = buf;
	} else if (json_is_string(v) && *json_string_value(v) &&
		   strspn(json_string_value(v), "0123456789") == strlen(json_string_value(v))) {
		s = json_string_value(v);
	} else {
		return error_set(err, "%s: '%s' is not an id", who, key);
	}
	if (strspn(s, "0") == strlen(s))
		return 0;
	if (strlen(s) >= len)
		return error_set(err, "%s: '%s' is too long for an id", who, key);
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

/* A decimal (money, percentage, stock count): *present 0 for null or absent. */
static int
decimal_field(const json_t *o, const char *key, struct money *out, int *present, const char *who,
	      struct sbuf *err)
{
	const json_t *v = json_object_get(o, key);
	char buf[32];
	const char *s;

	out->units = 0;
	*present = 0;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = buf;
	} else if (json_is_string(v)) {   /* json_decimal_loads made the JSON number text */
		s = json_string_value(v);
	} else {
		return error_set(err, "%s: '%s' is not a number", who, key);
	}
	if (money_parse(s, out) < 0)
		return error_set(err, "%s: '%s' is not a number we can read exactly ('%.40s')", who, key, s);
	*present = 1;
	return 0;
}

/* A list or null/absent (NULL then); anything else is an error. */
static int
list_field(const json_t *o, const char *key, const json_t **out, const char *who, struct sbuf *err)
{
	const json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return error_set(err, "%s: '%s' is not a list", who, key);
	*out = v;
	return 0;
}

/* ---- tax groups --------------------------------------------------------- */

void
epos_tax_table_release(struct epos_tax_table *t)
{
	free(t->groups);
	memset(t, 0, sizeof(*t));
}

static const struct epos_tax_group *
tax_group_find(const struct epos_tax_table *t, const char *id)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->groups[i].id, id) == 0)
			return &t->groups[i];
	return NULL;
}

/* The sum of Percentage over a TaxRates list. */
static int
tax_rates_sum(const json_t *rates, struct money *sum, const char *who, struct sbuf *err)
{
	size_t i;
	json_t *r;

	sum->units = 0;
	json_array_foreach(rates, i, r) {
		struct money pct;
		int present;

		if (!json_is_object(r))
			return error_set(err, "%s: tax rate %zu is not an object", who, i + 1);
		if (decimal_field(r, "Percentage", &pct, &present, who, err) < 0)
			return EPOS_JSON_BAD;
		if (!present)
			return error_set(err, "%s: tax rate %zu has no Percentage", who, i + 1);
		if (__builtin_add_overflow(sum->units, pct.units, &sum->units))
			return error_set(err, "%s: the tax rates add up to more than we can hold", who);
	}
	return 0;
}

int
epos_tax_groups_from_json(const json_t *arr, struct epos_tax_table *t, struct sbuf *err)
{
	struct epos_tax_group *grown;
	size_t i;
	json_t *o;

	if (!json_is_array(arr))
		return error_set(err, "expected a list of tax groups");
	if (!json_array_size(arr))
		return 0;
	grown = realloc(t->groups, (t->n + json_array_size(arr)) * sizeof(*grown));
	if (!grown)
		return EPOS_JSON_NOMEM;
	t->groups = grown;
	json_array_foreach(arr, i, o) {
		struct epos_tax_group *g = &t->groups[t->n];
		const json_t *rates;
		char who[MODEL_ID_LEN + 16];

		memset(g, 0, sizeof(*g));
		if (!json_is_object(o))
			return error_set(err, "tax group %zu of the list is not an object", i + 1);
		if (id_field(o, "Id", g->id, sizeof(g->id), "a tax group", err) < 0)
			return EPOS_JSON_BAD;
		if (!g->id[0])
			return error_set(err, "tax group %zu of the list has no Id", i + 1);
		snprintf(who, sizeof(who), "tax group %s", g->id);
		if (list_field(o, "TaxRates", &rates, who, err) < 0)
			return EPOS_JSON_BAD;
		/* without its rates a group is kept as unknown: only a product using it fails */
		if (rates) {
			if (tax_rates_sum(rates, &g->percent, who, err) < 0)
				return EPOS_JSON_BAD;
			g->rates_known = 1;
		}
		t->n++;
	}
	return 0;
}

/* The group id a product's sale price uses, and its inline rates when the product carries them. */
static int
product_tax_ref(const json_t *o, char *group_id, size_t len, const json_t **inline_rates, const char *who,
		struct sbuf *err)
{
	const json_t *g = json_object_get(o, "SalePriceTaxGroup");

	*inline_rates = NULL;
	if (id_field(o, "SalePriceTaxGroupId", group_id, len, who, err) < 0)
		return EPOS_JSON_BAD;
	if (!g || json_is_null(g))
		return 0;
	if (!json_is_object(g))
		return error_set(err, "%s: 'SalePriceTaxGroup' is not an object", who);
	if (!group_id[0] && id_field(g, "Id", group_id, len, who, err) < 0)
		return EPOS_JSON_BAD;
	return list_field(g, "TaxRates", inline_rates, who, err);
}

static int
product_needs_table(const json_t *o, const struct epos_tax_table *t)
{
	char group[MODEL_ID_LEN];
	const json_t *rates;

	if (!json_is_object(o) || product_tax_ref(o, group, sizeof(group), &rates, "", NULL) < 0)
		return 0;   /* the mapping reports the broken shape */
	if (rates || !group[0])
		return 0;
	return !t->loaded || !tax_group_find(t, group);
}

int
epos_products_need_tax_table(const json_t *products, const struct epos_tax_table *t)
{
	size_t i;
	json_t *o;

	if (!json_is_array(products))
		return product_needs_table(products, t);
	json_array_foreach(products, i, o)
		if (product_needs_table(o, t))
			return 1;
	return 0;
}

/* ---- products ----------------------------------------------------------- */

static int
product_tiers(const json_t *o, struct product *p, const char *who, struct sbuf *err)
{
	const json_t *list;
	size_t i;
	json_t *d;

	if (list_field(o, "CustomerProductPricingDetails", &list, who, err) < 0)
		return EPOS_JSON_BAD;
	if (!list)
		return 0;
	json_array_foreach(list, i, d) {
		struct price_tier tier;
		int has_price;

		if (!json_is_object(d))
			return error_set(err, "%s: customer price %zu is not an object", who, i + 1);
		if (text_field(d, "TypeName", tier.name, sizeof(tier.name), who, err) < 0 ||
		    decimal_field(d, "Price", &tier.price, &has_price, who, err) < 0)
			return EPOS_JSON_BAD;
		/* a price for a deleted customer type has no name to match a tier by */
		if (!tier.name[0] || !has_price)
			continue;
		if (p->ntiers < PRODUCT_TIERS_MAX)   /* the model holds this many; more are ignored */
			p->tiers[p->ntiers++] = tier;
	}
	return 0;
}

static int
product_tax(const json_t *o, const struct epos_tax_table *t, struct product *p, const char *who,
	    struct sbuf *err)
{
	char group[MODEL_ID_LEN];
	const json_t *rates;
	const struct epos_tax_group *g;

	p->tax_percent.units = 0;
	if (product_tax_ref(o, group, sizeof(group), &rates, who, err) < 0)
		return EPOS_JSON_BAD;
	if (rates)
		return tax_rates_sum(rates, &p->tax_percent, who, err);
	if (!group[0])
		return 0;   /* no tax group: untaxed */
	g = tax_group_find(t, group);
	if (!g)
		return error_set(err, "%s uses sale tax group %s, which Epos Now's tax groups (/TaxGroup) do "
				 "not list; its tax rate is unknown", who, group);
	if (!g->rates_known)
		return error_set(err, "%s uses sale tax group %s, which Epos Now sent without its tax rates",
				 who, group);
	p->tax_percent = g->percent;
	return 0;
}

static int
product_read(const json_t *o, const struct epos_tax_table *t, struct product *p, size_t item,
	     struct sbuf *err)
{
	char who[MODEL_ID_LEN + 16];

	memset(p, 0, sizeof(*p));
	if (!json_is_object(o))
		return item ? error_set(err, "item %zu of the product list is not an object", item)
			    : error_set(err, "expected a product record");
	if (id_field(o, "Id", p->id, sizeof(p->id), "a product", err) < 0)
		return EPOS_JSON_BAD;
	if (!p->id[0])
		return item ? error_set(err, "item %zu of the product list has no Id", item)
			    : error_set(err, "the product record has no Id");
	snprintf(who, sizeof(who), "product %s", p->id);
	/* Sku, not Barcode: the barcode is what tills scan, the SKU is what shops match on */
	if (text_field(o, "Sku", p->sku, sizeof(p->sku), who, err) < 0 ||
	    text_field(o, "Name", p->name, sizeof(p->name), who, err) < 0 ||
	    text_field(o, "Description", p->description, sizeof(p->description), who, err) < 0 ||
	    id_field(o, "CategoryId", p->category_id, sizeof(p->category_id), who, err) < 0 ||
	    id_field(o, "VariantGroupId", p->variant_group, sizeof(p->variant_group), who, err) < 0 ||
	    text_field(o, "Size", p->variant_option, sizeof(p->variant_option), who, err) < 0 ||
	    decimal_field(o, "SalePrice", &p->price, &p->has_price, who, err) < 0)
		return EPOS_JSON_BAD;
	p->price_includes_tax = jf_bool(o, "IsSalePriceIncTax");
	p->sync_to_shop = jf_bool(o, "SellOnWeb");
	p->archived = jf_bool(o, "IsArchived");
	if (product_tiers(o, p, who, err) < 0)
		return EPOS_JSON_BAD;
	return product_tax(o, t, p, who, err);
}

int
epos_product_from_json(const json_t *o, const struct epos_tax_table *t, struct product *out, struct sbuf *err)
{
	return product_read(o, t, out, 0, err);
}

int
epos_products_from_json(const json_t *arr, const struct epos_tax_table *t, struct product **out, size_t *n,
			struct sbuf *err)
{
	struct product *all;
	size_t i;
	json_t *o;

	*out = NULL;
	*n = 0;
	if (!json_is_array(arr))
		return error_set(err, "expected a list of products");
	if (!json_array_size(arr))
		return 0;
	all = calloc(json_array_size(arr), sizeof(*all));
	if (!all)
		return EPOS_JSON_NOMEM;
	json_array_foreach(arr, i, o) {
		if (product_read(o, t, &all[i], i + 1, err) < 0) {
			free(all);
			return EPOS_JSON_BAD;
		}
	}
	*out = all;
	*n = json_array_size(arr);
	return 0;
}

/* ---- categories --------------------------------------------------------- */

/* Room for one more category: capacity doubles at powers of two from 8, so
 * it follows from *n alone (every *all comes through here). */
static int
category_room(struct category **all, size_t n)
{
	struct category *grown;

	if (n != 0 && (n < 8 || (n & (n - 1)) != 0))
		return 0;
	grown = realloc(*all, (n ? 2 * n : 8) * sizeof(*grown));
	if (!grown)
		return EPOS_JSON_NOMEM;
	*all = grown;
	return 0;
}

static int
category_list_flatten(const json_t *arr, const char *parent, int depth, struct category **all, size_t *n,
		      struct sbuf *err)
{
	size_t i;
	json_t *o;

	if (depth > EPOS_CATEGORY_DEPTH_MAX)
		return error_set(err, "categories nest more than %d levels deep", EPOS_CATEGORY_DEPTH_MAX);
	json_array_foreach(arr, i, o) {
		struct category *c;
		const json_t *children;
		char who[MODEL_ID_LEN + 16], id[MODEL_ID_LEN];
		int rc;

		if (!json_is_object(o))
			return error_set(err, "a category (item %zu of a list) is not an object", i + 1);
		if (id_field(o, "Id", id, sizeof(id), "a category", err) < 0)
			return EPOS_JSON_BAD;
		if (!id[0])
			return error_set(err, "a category (item %zu of a list) has no Id", i + 1);
		snprintf(who, sizeof(who), "category %s", id);
		if (list_field(o, "Children", &children, who, err) < 0)
			return EPOS_JSON_BAD;
		rc = category_room(all, *n);
		if (rc < 0)
			return rc;
		c = &(*all)[*n];
		memset(c, 0, sizeof(*c));
		memcpy(c->id, id, sizeof(id));
		if (text_field(o, "Name", c->name, sizeof(c->name), who, err) < 0 ||
		    id_field(o, "ParentId", c->parent_id, sizeof(c->parent_id), who, err) < 0)
			return EPOS_JSON_BAD;
		if (!c->parent_id[0])   /* nested without its ParentId: the nesting says it */
			epos_copy(c->parent_id, sizeof(c->parent_id), parent);
		(*n)++;
		/* c may move as *all grows: the children get the id from `id` */
		if (children) {
			rc = category_list_flatten(children, id, depth + 1, all, n, err);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

int
epos_categories_from_json(const json_t *arr, struct category **all, size_t *n, struct sbuf *err)
{
	if (!json_is_array(arr))
		return error_set(err, "expected a list of categories");
	return category_list_flatten(arr, "", 0, all, n, err);
}

/* A record's id and its place on the page: sorted, repeats of an id come
 * together with their first appearance in front. */
struct id_ref {
	const char *id;
	size_t at;
};

static int
id_ref_cmp(const void *a, const void *b)
{
	const struct id_ref *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c)
		return c;
	return x->at < y->at ? -1 : x->at > y->at;
}

int
epos_categories_dedupe(struct category *all, size_t *n)
{
	struct id_ref *refs;
	unsigned char *drop;
	size_t i, j, kept = 0;

	if (*n < 2)
		return 0;
	refs = malloc(*n * sizeof(*refs));
	drop = calloc(*n, 1);
	if (!refs || !drop) {
		free(refs);
		free(drop);
		return EPOS_JSON_NOMEM;
	}
	for (i = 0; i < *n; i++)
		refs[i] = (struct id_ref){ all[i].id, i };
	qsort(refs, *n, sizeof(*refs), id_ref_cmp);
	for (i = 0; i < *n; i = j) {
		struct category *first = &all[refs[i].at];

		for (j = i + 1; j < *n && strcmp(refs[j].id, refs[i].id) == 0; j++) {
			const struct category *again = &all[refs[j].at];

			if (!first->parent_id[0] && again->parent_id[0])
				memcpy(first->parent_id, again->parent_id, sizeof(first->parent_id));
			drop[refs[j].at] = 1;
		}
	}
	for (i = 0; i < *n; i++)
		if (!drop[i])
			all[kept++] = all[i];
	*n = kept;
	free(refs);
	free(drop);
	return 0;
}

/* ---- stock -------------------------------------------------------------- */

struct stock_row {
	char product_id[MODEL_ID_LEN];
	int64_t units;    /* 1/10000 of a unit, as struct money counts */
	int merged;       /* added to the product's first row */
};

/* One ProductStock record: its product, location and the sum of its batches. */
static int
stock_record_read(const json_t *o, size_t item, struct stock_row *row, char *location, size_t loclen,
		  struct sbuf *err)
{
	const json_t *batches;
	char who[MODEL_ID_LEN + 32];
	size_t i;
	json_t *b;

	memset(row, 0, sizeof(*row));
	if (!json_is_object(o))
		return error_set(err, "item %zu of the stock list is not an object", item + 1);
	if (id_field(o, "ProductId", row->product_id, sizeof(row->product_id), "a stock record", err) < 0)
		return EPOS_JSON_BAD;
	if (!row->product_id[0])
		return error_set(err, "item %zu of the stock list has no ProductId", item + 1);
	snprintf(who, sizeof(who), "stock of product %s", row->product_id);
	if (id_field(o, "LocationId", location, loclen, who, err) < 0 ||
	    list_field(o, "ProductStockBatches", &batches, who, err) < 0)
		return EPOS_JSON_BAD;
	if (!batches)
		return 0;
	json_array_foreach(batches, i, b) {
		struct money qty;
		int present;

		if (!json_is_object(b))
			return error_set(err, "%s: batch %zu is not an object", who, i + 1);
		if (decimal_field(b, "CurrentStock", &qty, &present, who, err) < 0)
			return EPOS_JSON_BAD;
		if (__builtin_add_overflow(row->units, qty.units, &row->units))
			return error_set(err, "%s: the batches add up to more than we can hold", who);
	}
	return 0;
}

/* Adds up the rows of each product into its first row, marking the rest merged. */
static int
stock_rows_merge(struct stock_row *rows, size_t nrows, struct sbuf *err)
{
	struct id_ref *refs = malloc((nrows ? nrows : 1) * sizeof(*refs));
	size_t i, j;

	if (!refs)
		return EPOS_JSON_NOMEM;
	for (i = 0; i < nrows; i++)
		refs[i] = (struct id_ref){ rows[i].product_id, i };
	qsort(refs, nrows, sizeof(*refs), id_ref_cmp);
	for (i = 0; i < nrows; i = j) {
		struct stock_row *first = &rows[refs[i].at];

		for (j = i + 1; j < nrows && strcmp(refs[j].id, refs[i].id) == 0; j++) {
			rows[refs[j].at].merged = 1;
			if (__builtin_add_overflow(first->units, rows[refs[j].at].units, &first->units)) {
				free(refs);
				return error_set(err, "stock of product %s: the locations add up to more than we "
						 "can hold", first->product_id);
			}
		}
	}
	free(refs);
	return 0;
}

int
epos_stock_from_json(const json_t *arr, const char *location, struct stock_level **out, size_t *n,
		     struct sbuf *err)
{
	struct stock_row *rows;
	struct stock_level *levels = NULL;
	size_t i, nrows = 0, cnt = 0;
	json_t *o;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (!json_is_array(arr))
		return error_set(err, "expected a list of product stock records");
	if (!json_array_size(arr))
		return 0;
	rows = calloc(json_array_size(arr), sizeof(*rows));
	if (!rows)
		return EPOS_JSON_NOMEM;
	json_array_foreach(arr, i, o) {
		char loc[MODEL_ID_LEN];

		rc = stock_record_read(o, i, &rows[nrows], loc, sizeof(loc), err);
		if (rc < 0)
			break;
		if (!location[0] || strcmp(loc, location) == 0)
			nrows++;
	}
	if (!rc)
		rc = stock_rows_merge(rows, nrows, err);
	if (!rc && nrows && !(levels = calloc(nrows, sizeof(*levels))))
		rc = EPOS_JSON_NOMEM;
	for (i = 0; !rc && i < nrows; i++) {
		if (rows[i].merged)
			continue;
		memcpy(levels[cnt].product_id, rows[i].product_id, sizeof(levels[cnt].product_id));
		levels[cnt].managed = 1;
		/* CurrentStock can be fractional (weighed goods: 2.5 kg); the model
		 * counts whole units, so the sum is cut toward zero: never promise
		 * the shop stock the till does not have (-0.5 oversold reads as 0) */
		levels[cnt++].quantity = rows[i].units / MONEY_SCALE;
	}
	free(rows);
	if (rc) {
		free(levels);
		return rc;
	}
	*out = levels;
	*n = cnt;
	return 0;
}
