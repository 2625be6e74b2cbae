/*
 * eposnow_json.c: Epos Now catalog answers -> model records (no I/O).
 *
 * Field names follow shared/apis/eposnow.md sections 6-8 and the sandbox's
 * emulator. Every reader validates the shape it relies on: a field of the
 * wrong type is an error naming the record, never a guess, because what
 * comes out of here becomes shop prices and stock.
 *
 * The other way (Epos Now as the catalog's target), bodies are built here
 * too: money goes out as bare JSON numbers through json_decimal_mark, so
 * it must be serialised with json_decimal_dumps.
 */
#include "connectors/eposnow/eposnow_json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/json_fields.h"
#include "util/json_decimal.h"

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

/* ---- the catalog's target: categories and products written ------------- */

/* A money amount as the bare JSON number Epos Now wants, never via a double. */
static int
set_money(json_t *obj, const char *key, struct money m, struct sbuf *err)
{
	char text[MONEY_TEXT_MAX];

	money_format(m, 2, text, sizeof(text));
	return jf_set(obj, key, json_decimal_mark(text), err);
}

int
epos_category_from_json(const json_t *o, struct category *out, struct sbuf *err)
{
	char who[MODEL_ID_LEN + 16];

	memset(out, 0, sizeof(*out));
	if (!json_is_object(o))
		return error_set(err, "expected a category record");
	if (id_field(o, "Id", out->id, sizeof(out->id), "a category", err) < 0)
		return EPOS_JSON_BAD;
	if (!out->id[0])
		return error_set(err, "the category record has no Id");
	snprintf(who, sizeof(who), "category %s", out->id);
	if (text_field(o, "Name", out->name, sizeof(out->name), who, err) < 0 ||
	    id_field(o, "ParentId", out->parent_id, sizeof(out->parent_id), who, err) < 0)
		return EPOS_JSON_BAD;
	return 0;
}

json_t *
epos_category_create_json(const struct category *in, struct sbuf *err)
{
	json_int_t parent = 0;
	json_t *j;

	if (!in->name[0]) {
		error_set(err, "a category needs a name");
		return NULL;
	}
	if (in->parent_id[0] && jf_id_int(in->parent_id, &parent) < 0) {
		error_set(err, "the parent '%.40s' is not an Epos Now category id", in->parent_id);
		return NULL;
	}
	j = json_object();
	if (!j) {
		error_set(err, "out of memory");
		return NULL;
	}
	if (jf_set_text(j, "Name", in->name, err) < 0 ||
	    (in->parent_id[0] && jf_set(j, "ParentId", json_integer(parent), err) < 0)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

int
epos_shop_product_from_json(const json_t *o, struct shop_product *out, struct sbuf *err)
{
	char who[MODEL_ID_LEN + 16];
	const char *status;
	const json_t *sku;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(o))
		return error_set(err, "a product of the list is not an object");
	if (id_field(o, "Id", out->id, sizeof(out->id), "a product", err) < 0)
		return EPOS_JSON_BAD;
	if (!out->id[0])
		return error_set(err, "a product of the list has no Id");
	snprintf(who, sizeof(who), "product %s", out->id);
	/* a SKU is a matching key: one that does not fit is left out, never cut
	 * (a cut SKU could be another product's) */
	sku = json_object_get(o, "Sku");
	if (sku && !json_is_null(sku) && !json_is_string(sku))
		return error_set(err, "%s: 'Sku' is not text", who);
	if (json_is_string(sku) && json_string_length(sku) < sizeof(out->sku))
		memcpy(out->sku, json_string_value(sku), json_string_length(sku) + 1);
	/* in the words a shop uses: archived is Epos Now's soft delete, SellOnWeb its "publish" */
	status = jf_bool(o, "IsArchived") ? "archived" : jf_bool(o, "SellOnWeb") ? "publish" : "draft";
	memcpy(out->status, status, strlen(status) + 1);
	return 0;
}

/* The catalog fields; a create also carries what Epos Now requires of a new
 * product (EatOutPrice, CostPrice), the eat-out price the same as the sale
 * price on the same basis, the cost 0 for the merchant to fill in. */
static int
product_catalog_fields(json_t *j, const struct product_write *w, int create, struct sbuf *err)
{
	json_int_t category = 0;

	if (w->category_id[0] && jf_id_int(w->category_id, &category) < 0)
		return error_set(err, "the category '%.40s' is not an Epos Now category id", w->category_id);
	if (jf_set_text(j, "Sku", w->sku, err) < 0 || jf_set_text(j, "Name", w->name, err) < 0 ||
	    jf_set_text(j, "Description", w->description, err) < 0 ||
	    /* null: the product leaves its category */
	    jf_set(j, "CategoryId", category ? json_integer(category) : json_null(), err) < 0 ||
	    set_money(j, "SalePrice", w->regular_price, err) < 0 ||
	    jf_set(j, "IsSalePriceIncTax", json_boolean(w->price_includes_tax), err) < 0)
		return -1;
	if (!create)
		return 0;
	if (set_money(j, "EatOutPrice", w->regular_price, err) < 0 ||
	    jf_set(j, "IsEatOutPriceIncTax", json_boolean(w->price_includes_tax), err) < 0 ||
	    set_money(j, "CostPrice", (struct money){ 0 }, err) < 0)
		return -1;
	return 0;
}

/* Why w cannot be written to Epos Now at all (error set), or 0. */
static int
product_write_refused(const struct product_write *w, struct sbuf *err)
{
	if (w->kind != PRODUCT_SIMPLE)
		return error_set(err, "Epos Now keeps each size as a product of its own: a %s is not written "
				 "to it", w->kind == PRODUCT_VARIABLE ? "variable product" : "variation");
	if (w->fields & PW_STOCK)
		return error_set(err, "stock is not written to Epos Now with its products");
	if (!(w->fields & (PW_CATALOG | PW_STATUS)))
		return error_set(err, "nothing to write");
	if (!w->shop_id[0] && !(w->fields & PW_CATALOG))
		return error_set(err, "a new product needs its catalog fields (SKU, name, price)");
	return 0;
}

json_t *
epos_product_write_json(const struct product_write *w, struct sbuf *err)
{
	int create = !w->shop_id[0];
	json_int_t id = 0;
	json_t *j;

	if (product_write_refused(w, err) < 0)
		return NULL;
	if (!create && jf_id_int(w->shop_id, &id) < 0) {
		error_set(err, "'%.40s' is not an Epos Now product id", w->shop_id);
		return NULL;
	}
	j = json_object();
	if (!j) {
		error_set(err, "out of memory");
		return NULL;
	}
	if ((!create && jf_set(j, "Id", json_integer(id), err) < 0) ||
	    ((w->fields & PW_CATALOG) && product_catalog_fields(j, w, create, err) < 0) ||
	    ((w->fields & PW_STATUS) &&
	     jf_set(j, "SellOnWeb", json_boolean(strcmp(w->status, "publish") == 0), err) < 0)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* One line for a queue Comment: control characters as spaces. */
static void
one_line(char *out, size_t len, const char *in)
{
	epos_copy(out, len, in);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
}

int
epos_products_write_json(const struct product_write *w, size_t n, unsigned char *sent, struct write_outcome *out,
			 json_t **creates, json_t **updates, struct sbuf *err)
{
	struct sbuf why = SBUF_INIT;
	json_t *item;

	*creates = json_array();
	*updates = json_array();
	if (!*creates || !*updates)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		sbuf_reset(&why);
		item = epos_product_write_json(&w[i], &why);
		sent[i] = item != NULL;
		if (!item) {
			epos_copy(out[i].code, sizeof(out[i].code), EPOS_CODE_NOT_SENT);
			one_line(out[i].message, sizeof(out[i].message), why.buf);
			continue;
		}
		if (json_array_append_new(w[i].shop_id[0] ? *updates : *creates, item) < 0)
			goto oom;
	}
	sbuf_release(&why);
	return 0;
oom:
	error_set(err, "out of memory building the products to write");
	json_decref(*creates);
	json_decref(*updates);
	*creates = *updates = NULL;
	sbuf_release(&why);
	return EPOS_JSON_NOMEM;
}

/* One element of a write's answer for w (sent as an update when it has a shop_id). */
static int
write_outcome_read(const json_t *el, size_t k, const struct product_write *w, struct write_outcome *out,
		   struct sbuf *err)
{
	char id[MODEL_ID_LEN], sent_id[32];
	json_int_t want;

	if (!json_is_object(el))
		return error_set(err, "item %zu of the answer is not an object", k + 1);
	if (id_field(el, "Id", id, sizeof(id), "a written product", err) < 0)
		return EPOS_JSON_BAD;
	if (!id[0])
		return error_set(err, "item %zu of the answer has no Id", k + 1);
	/* an answer for another product than we sent would be filed under the wrong one */
	if (w->shop_id[0] && jf_id_int(w->shop_id, &want) == 0) {
		snprintf(sent_id, sizeof(sent_id), "%" JSON_INTEGER_FORMAT, want);
		if (strcmp(id, sent_id) != 0)
			return error_set(err, "item %zu of the answer is product %s, not %s", k + 1, id, sent_id);
	}
	memset(out, 0, sizeof(*out));
	out->ok = 1;
	memcpy(out->id, id, strlen(id) + 1);
	return 0;
}

int
epos_write_outcomes(const json_t *answer, const struct product_write *w, size_t n, const unsigned char *sent,
		    int updates, struct write_outcome *out, struct sbuf *err)
{
	size_t nsent = 0, k = 0;
	int single;

	for (size_t i = 0; i < n; i++)
		nsent += sent[i] && (w[i].shop_id[0] != '\0') == (updates != 0);
	/* one record sent may come back as the object itself */
	single = nsent == 1 && json_is_object(answer);
	if (!single && !json_is_array(answer))
		return error_set(err, "expected a list of the written products");
	if (!single && json_array_size(answer) != nsent)
		return error_set(err, "the answer lists %zu products for the %zu sent", json_array_size(answer), nsent);
	for (size_t i = 0; i < n; i++) {
		if (!sent[i] || (w[i].shop_id[0] != '\0') != (updates != 0))
			continue;
		if (write_outcome_read(single ? answer : json_array_get(answer, k), k, &w[i], &out[i], err) < 0)
			return EPOS_JSON_BAD;
		k++;
	}
	return 0;
}

int
epos_error_text(const char *body, size_t len, char *out, size_t outlen)
{
	struct sbuf text = SBUF_INIT;
	json_t *j = json_loadb(body, len, 0, NULL);
	json_t *state = json_object_get(j, "ModelState"), *msgs, *m;
	const char *message = json_string_value(json_object_get(j, "Message")), *field;
	size_t i;

	out[0] = '\0';
	if (!message && !json_is_object(state)) {
		json_decref(j);
		return -1;
	}
	if (message)
		sbuf_addstr(&text, message);
	json_object_foreach(state, field, msgs) {
		if (json_is_string(msgs)) {   /* one message rather than a list */
			sbuf_addf(&text, "%s%s: %s", text.len ? " " : "", field, json_string_value(msgs));
			continue;
		}
		json_array_foreach(msgs, i, m)
			if (json_is_string(m))
				sbuf_addf(&text, "%s%s: %s", text.len ? " " : "", field, json_string_value(m));
	}
	one_line(out, outlen, text.buf);
	sbuf_release(&text);
	json_decref(j);
	return 0;
}
