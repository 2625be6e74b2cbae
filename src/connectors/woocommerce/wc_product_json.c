/*
 * wc_product_json.c: the WooCommerce catalog <-> model.h, no I/O.
 *
 * Term names come back HTML-escaped (WordPress stores "Tea & Coffee" as
 * "Tea &amp; Coffee"), so names are decoded on the way in and sent raw on
 * the way out. Prices go out as decimal text with 2 decimals: WooCommerce
 * refuses a JSON number. A batch answer lists creates and updates each in
 * request order, every element the product or {"id","error":{...}}.
 */
#include "connectors/woocommerce/wc_json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "connectors/json_fields.h"

/* ---- text ------------------------------------------------------------- */

/* Code point cp as UTF-8 into buf; its length, or 0 when it is not one we decode. */
static size_t
utf8_put(unsigned long cp, char *buf)
{
	/* control characters stay escaped: a name or message is one line */
	if (cp < 0x20 || cp == 0x7f || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xC0 | (cp >> 6));
		buf[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		buf[0] = (char)(0xE0 | (cp >> 12));
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		buf[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	buf[0] = (char)(0xF0 | (cp >> 18));
	buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	buf[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* The entity at s (s[0] == '&') into buf; bytes of s it spans, or 0 when it is not one. */
static size_t
entity(const char *s, char *buf, size_t *blen)
{
	static const struct {
		const char *name;
		char c;
	} named[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' } };
	unsigned long cp = 0;
	size_t i = 2, digits = 0;
	int hex;

	for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
		if (strncmp(s, named[k].name, strlen(named[k].name)) == 0) {
			buf[0] = named[k].c;
			*blen = 1;
			return strlen(named[k].name);
		}
	}
	if (s[1] != '#')
		return 0;
	hex = s[2] == 'x' || s[2] == 'X';
	i += (size_t)hex;
	for (; digits < 7; i++, digits++) {
		char ch = s[i];

		if (ch >= '0' && ch <= '9')
			cp = cp * (hex ? 16 : 10) + (unsigned long)(ch - '0');
		else if (hex && ch >= 'a' && ch <= 'f')
			cp = cp * 16 + (unsigned long)(ch - 'a' + 10);
		else if (hex && ch >= 'A' && ch <= 'F')
			cp = cp * 16 + (unsigned long)(ch - 'A' + 10);
		else
			break;
	}
	if (digits == 0 || s[i] != ';')
		return 0;
	*blen = utf8_put(cp, buf);
	return *blen ? i + 1 : 0;
}

void
wc_unescape_html(char *out, size_t len, const char *in)
{
	size_t n = 0;

	if (len == 0)
		return;
	while (*in) {
		char piece[4];
		size_t plen = 1, used = *in == '&' ? entity(in, piece, &plen) : 0;

		if (!used) {
			piece[0] = *in;
			plen = 1;
			used = 1;
		}
		if (n + plen > len - 1)
			break;
		memcpy(out + n, piece, plen);
		n += plen;
		in += used;
	}
	out[n] = '\0';
	if (!*in)
		return;
	/* cut: drop a character the cut split (as wc_copy does) */
	if (((unsigned char)*in & 0xC0) == 0x80) {
		while (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0x80)
			n--;
		if (n > 0)
			n--;
		out[n] = '\0';
	}
}

/* One line for a log or a queue Comment: entities decoded, control characters as spaces. */
static void
one_line(char *out, size_t len, const char *in)
{
	wc_unescape_html(out, len, in);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
}

static const char *
str_of(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

/* A SKU is a matching key: one that does not fit is left out, never cut
 * (a cut SKU could be another product's). */
static void
sku_field(const json_t *obj, char *out, size_t len)
{
	const char *s = str_of(obj, "sku");

	out[0] = '\0';
	if (strlen(s) < len)
		memcpy(out, s, strlen(s) + 1);
}

/* A record's own id: present and positive, or an error naming `what`. */
static int
own_id(const json_t *j, char *out, size_t len, const char *what, struct sbuf *err)
{
	if (!json_is_object(j))
		return error_set(err, "a %s is not a JSON object", what);
	if (wc_id(j, "id", out, len, err) < 0)
		return error_prefix(err, "%s", what);
	if (!out[0])
		return error_set(err, "a %s has no 'id'", what);
	return 0;
}

int
wc_error_resource_id(const char *body, size_t len, char *id, size_t idlen)
{
	json_t *j = json_loadb(body, len, 0, NULL);
	int rc;

	id[0] = '\0';
	rc = wc_id(json_object_get(j, "data"), "resource_id", id, idlen, NULL) == 0 && id[0] ? 0 : -1;
	json_decref(j);
	return rc;
}

/* ---- categories --------------------------------------------------------- */

int
wc_category_from_json(const json_t *j, struct category *out, struct sbuf *err)
{
	memset(out, 0, sizeof(*out));
	if (own_id(j, out->id, sizeof(out->id), "category", err) < 0)
		return -1;
	if (wc_id(j, "parent", out->parent_id, sizeof(out->parent_id), err) < 0)
		return error_prefix(err, "category %s", out->id);
	wc_unescape_html(out->name, sizeof(out->name), str_of(j, "name"));
	return 0;
}

json_t *
wc_category_create_json(const struct category *in, struct sbuf *err)
{
	json_t *j;
	json_int_t parent = 0;

	if (!in->name[0]) {
		error_set(err, "a category needs a name");
		return NULL;
	}
	if (in->parent_id[0] && jf_id_int(in->parent_id, &parent) < 0) {
		error_set(err, "the parent '%.40s' is not a WooCommerce category id", in->parent_id);
		return NULL;
	}
	j = json_object();
	if (!j) {
		error_set(err, "out of memory");
		return NULL;
	}
	if (jf_set_text(j, "name", in->name, err) < 0 ||
	    (in->parent_id[0] && jf_set(j, "parent", json_integer(parent), err) < 0)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* ---- stock and matching ----------------------------------------------- */

int
wc_stock_from_json(const json_t *j, struct stock_level *out, struct sbuf *err)
{
	const json_t *q;

	memset(out, 0, sizeof(*out));
	if (own_id(j, out->product_id, sizeof(out->product_id), "product", err) < 0)
		return -1;
	sku_field(j, out->sku, sizeof(out->sku));
	out->managed = jf_bool(j, "manage_stock");
	/* null unless managed */
	q = json_object_get(j, "stock_quantity");
	if (q && !json_is_null(q) && jf_int64(j, "stock_quantity", &out->quantity) < 0)
		return error_set(err, "product %s: 'stock_quantity' is not a whole number", out->product_id);
	return 0;
}

int
wc_shop_product_from_json(const json_t *j, struct shop_product *out, struct sbuf *err)
{
	memset(out, 0, sizeof(*out));
	if (own_id(j, out->id, sizeof(out->id), "product", err) < 0)
		return -1;
	sku_field(j, out->sku, sizeof(out->sku));
	wc_copy(out->status, sizeof(out->status), str_of(j, "status"));
	return 0;
}

int
wc_variable_product_from_json(const json_t *j, struct variable_product *out, struct sbuf *err)
{
	const json_t *attrs = json_object_get(j, "attributes"), *a, *opts, *o;
	size_t i, k;

	memset(out, 0, sizeof(*out));
	if (own_id(j, out->id, sizeof(out->id), "product", err) < 0)
		return -1;
	sku_field(j, out->sku, sizeof(out->sku));
	out->is_variable = strcmp(str_of(j, "type"), "variable") == 0;
	if (attrs && !json_is_array(attrs))
		return error_set(err, "product %s: 'attributes' is not a list", out->id);
	json_array_foreach(attrs, i, a) {
		if (strcasecmp(str_of(a, "name"), PRODUCT_VARIANT_ATTRIBUTE) != 0)
			continue;
		opts = json_object_get(a, "options");
		json_array_foreach(opts, k, o) {
			/* past the first PRODUCT_OPTIONS_MAX, or too long: not needed
			 * to decide, and kept anyway (a write keeps every attribute) */
			if (!json_is_string(o) || json_string_length(o) >= PRODUCT_OPTION_LEN ||
			    out->noptions == PRODUCT_OPTIONS_MAX)
				continue;
			memcpy(out->options[out->noptions++], json_string_value(o), json_string_length(o) + 1);
		}
	}
	/* WooCommerce replaces the whole list on a write: every attribute
	 * (Colour, Material, ids of global ones) goes back as it came */
	if (attrs && json_array_size(attrs) && !(out->kept = json_dumps(attrs, JSON_COMPACT)))
		return error_set(err, "out of memory keeping product %s's attributes", out->id);
	return 0;
}

/* ---- the shop as the catalog master ------------------------------------ */

/* regular_price: "" (or absent, null) is a product without a price; any
 * other value must be a decimal, or the product's price would be guessed. */
static int
catalog_price(const json_t *j, struct product *out, struct sbuf *err)
{
	const json_t *v = json_object_get(j, "regular_price");
	char buf[32];
	const char *s;

	if (!v || json_is_null(v) || (json_is_string(v) && !json_string_value(v)[0]))
		return 0;
	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = buf;
	} else if (json_is_string(v)) {
		s = json_string_value(v);
	} else {
		return error_set(err, "product %s: 'regular_price' is not text", out->id);
	}
	if (money_parse(s, &out->price) < 0)
		return error_set(err, "product %s: 'regular_price' '%.40s' is not a price", out->id, s);
	out->has_price = 1;
	return 0;
}

/* The first of the product's categories, "" when it has none. */
static int
first_category(const json_t *j, struct product *out, struct sbuf *err)
{
	const json_t *cats = json_object_get(j, "categories");

	if (!cats || json_is_null(cats) || (json_is_array(cats) && !json_array_size(cats)))
		return 0;
	if (!json_is_array(cats))
		return error_set(err, "product %s: 'categories' is not a list", out->id);
	if (wc_id(json_array_get(cats, 0), "id", out->category_id, sizeof(out->category_id), err) < 0)
		return error_prefix(err, "product %s: category", out->id);
	return 0;
}

int
wc_catalog_product_from_json(const json_t *j, struct product *out, struct sbuf *err)
{
	const char *status, *type;

	memset(out, 0, sizeof(*out));
	if (own_id(j, out->id, sizeof(out->id), "product", err) < 0)
		return -1;
	sku_field(j, out->sku, sizeof(out->sku));
	wc_unescape_html(out->name, sizeof(out->name), str_of(j, "name"));
	/* HTML the merchant wrote: kept as it is */
	wc_copy(out->description, sizeof(out->description), str_of(j, "description"));
	if (first_category(j, out, err) < 0 || catalog_price(j, out, err) < 0)
		return -1;
	/* price_includes_tax, tax_percent and tiers stay 0: a shop has one tax
	 * basis for every price (the account's setting), no rate per product
	 * that matters here, and no tiers of its own */
	status = str_of(j, "status");
	out->sync_to_shop = strcmp(status, "publish") == 0;
	out->archived = strcmp(status, "trash") == 0;
	/* anything but a plain product is its own group: variable above all
	 * (its variations are its sizes), grouped and external are not one
	 * sellable article either; "" is WooCommerce's default type, simple */
	type = str_of(j, "type");
	if (type[0] && strcmp(type, "simple") != 0)
		memcpy(out->variant_group, out->id, sizeof(out->variant_group));
	return 0;
}

/* ---- writing products --------------------------------------------------- */

/* [{"min_qty":10,"price":"9.50"},...]: plain text built by hand, so its
 * form never depends on jansson's key order. */
static int
tiers_text(const struct product_write *w, struct sbuf *out, struct sbuf *err)
{
	char price[MONEY_TEXT_MAX];

	if (w->ntiers > PRODUCT_TIERS_MAX)
		return error_set(err, "%zu quantity prices: at most %d", w->ntiers, PRODUCT_TIERS_MAX);
	sbuf_addch(out, '[');
	for (size_t i = 0; i < w->ntiers; i++) {
		if (w->tiers[i].min_quantity < 1)
			return error_set(err, "quantity price %zu: the minimum quantity %" PRId64 " is below 1", i + 1,
					 w->tiers[i].min_quantity);
		money_format(w->tiers[i].price, 2, price, sizeof(price));
		sbuf_addf(out, "%s{\"min_qty\":%" PRId64 ",\"price\":\"%s\"}", i ? "," : "", w->tiers[i].min_quantity,
			  price);
	}
	sbuf_addch(out, ']');
	if (out->failed)
		return error_set(err, "out of memory");
	return 0;
}

static int
add_meta(json_t *arr, const char *key, const char *value, struct sbuf *err)
{
	json_t *m = json_object();

	if (!m || json_array_append_new(arr, m) < 0)
		return error_set(err, "out of memory");
	return jf_set_text(m, "key", key, err) < 0 || jf_set_text(m, "value", value, err) < 0 ? -1 : 0;
}

/*
 * A variable product carries the attribute with every option (visible, used
 * for variations); a variation names its own option. WooCommerce keeps a
 * variation's option only if its parent lists it, so the caller sends the
 * parent's full list first.
 */
static int
has_text(const json_t *arr, const char *text)
{
	const json_t *x;
	size_t i;

	json_array_foreach(arr, i, x)
		if (json_is_string(x) && strcmp(json_string_value(x), text) == 0)
			return 1;
	return 0;
}

/* A variation: its one option. A variable product: the attributes it has
 * (w->kept, as read) with ours holding its options plus w's, or ours alone
 * when it is new. */
static int
attributes_field(json_t *j, const struct product_write *w, struct sbuf *err)
{
	json_t *attrs, *a = NULL, *opts, *x;
	json_error_t je;
	size_t i;

	if (w->kind == PRODUCT_VARIATION) {
		if (!(w->fields & PW_OPTION))
			return 0;   /* left as the variation has it */
		if (w->noptions != 1)
			return error_set(err, "a variation needs exactly one option, not %zu", w->noptions);
		attrs = json_pack("[{s:s, s:s}]", "name", PRODUCT_VARIANT_ATTRIBUTE, "option", w->options[0]);
		return attrs ? jf_set(j, "attributes", attrs, err) : error_set(err, "the option is not UTF-8 text");
	}
	attrs = w->kept ? json_loads(w->kept, 0, &je) : json_array();
	if (!json_is_array(attrs)) {
		json_decref(attrs);
		return error_set(err, "the product's attributes as read cannot be written back");
	}
	if (jf_set(j, "attributes", attrs, err) < 0)
		return -1;
	json_array_foreach(attrs, i, x)
		if (json_is_object(x) && strcasecmp(str_of(x, "name"), PRODUCT_VARIANT_ATTRIBUTE) == 0)
			a = x;
	if (!a) {
		a = json_object();
		if (!a || json_array_append_new(attrs, a) < 0 || jf_set_text(a, "name", PRODUCT_VARIANT_ATTRIBUTE, err) < 0)
			return error_set(err, "out of memory building 'attributes'");
	}
	opts = json_object_get(a, "options");
	if (!json_is_array(opts)) {
		opts = json_array();
		if (jf_set(a, "options", opts, err) < 0)
			return -1;
	}
	if (json_object_set_new(a, "visible", json_true()) < 0 || json_object_set_new(a, "variation", json_true()) < 0)
		return error_set(err, "out of memory building 'attributes'");
	for (i = 0; i < w->noptions && i < PRODUCT_OPTIONS_MAX; i++)
		if (!has_text(opts, w->options[i]) && json_array_append_new(opts, json_string(w->options[i])) < 0)
			return error_set(err, "option %zu is not UTF-8 text", i + 1);
	return 0;
}

static int
catalog_fields(json_t *j, const struct product_write *w, struct sbuf *err)
{
	struct sbuf tiers = SBUF_INIT;
	char price[MONEY_TEXT_MAX];
	json_t *meta, *cats, *cat;
	json_int_t cat_id = 0;
	int rc = -1;

	money_format(w->regular_price, 2, price, sizeof(price));
	if (jf_set_text(j, "sku", w->sku, err) < 0 || jf_set_text(j, "description", w->description, err) < 0)
		goto out;
	/* a variation's name is its parent's; a variable product's price is its variations' */
	if ((w->kind != PRODUCT_VARIATION && jf_set_text(j, "name", w->name, err) < 0) ||
	    (w->kind != PRODUCT_VARIABLE && jf_set_text(j, "regular_price", price, err) < 0) ||
	    (w->kind == PRODUCT_VARIABLE && jf_set_text(j, "type", "variable", err) < 0) ||
	    (w->kind != PRODUCT_SIMPLE && attributes_field(j, w, err) < 0))
		goto out;
	if (w->category_id[0] && w->kind != PRODUCT_VARIATION) {
		if (jf_id_int(w->category_id, &cat_id) < 0) {
			error_set(err, "the category '%.40s' is not a WooCommerce category id", w->category_id);
			goto out;
		}
		cats = json_array();
		cat = json_pack("{s:I}", "id", (json_int_t)cat_id);
		if (jf_set(j, "categories", cats, err) < 0 || !cat || json_array_append_new(cats, cat) < 0) {
			error_set(err, "out of memory building 'categories'");
			goto out;
		}
	}
	meta = json_array();
	if (jf_set(j, "meta_data", meta, err) < 0)
		goto out;
	if (w->reference[0] && add_meta(meta, WC_META_PRODUCT_REF, w->reference, err) < 0)
		goto out;
	/* always sent, "[]" included, so tiers removed in the POS disappear */
	if (w->kind != PRODUCT_VARIABLE &&
	    (tiers_text(w, &tiers, err) < 0 || add_meta(meta, WC_META_QUANTITY_PRICES, tiers.buf, err) < 0))
		goto out;
	rc = 0;
out:
	sbuf_release(&tiers);
	return rc;
}

json_t *
wc_product_write_json(const struct product_write *w, struct sbuf *err)
{
	json_t *j;
	json_int_t id = 0;

	if (w->shop_id[0] && jf_id_int(w->shop_id, &id) < 0) {
		error_set(err, "the shop id '%.40s' is not a WooCommerce product id", w->shop_id);
		return NULL;
	}
	if (!(w->fields & (PW_CATALOG | PW_STATUS | PW_STOCK))) {
		error_set(err, "nothing to write");
		return NULL;
	}
	if (!w->shop_id[0] && !(w->fields & PW_CATALOG)) {
		error_set(err, "a new product needs its catalog fields (SKU, name, price)");
		return NULL;
	}
	j = json_object();
	if (!j) {
		error_set(err, "out of memory");
		return NULL;
	}
	if ((w->shop_id[0] && jf_set(j, "id", json_integer(id), err) < 0) ||
	    ((w->fields & PW_CATALOG) && catalog_fields(j, w, err) < 0) ||
	    ((w->fields & PW_STATUS) && jf_set_text(j, "status", w->status, err) < 0) ||
	    ((w->fields & PW_STOCK) && (jf_set(j, "manage_stock", json_true(), err) < 0 ||
					jf_set(j, "stock_quantity", json_integer(w->stock), err) < 0))) {
		json_decref(j);
		return NULL;
	}
	return j;
}

json_t *
wc_products_batch_json(const struct product_write *w, size_t n, unsigned char *sent, struct write_outcome *out,
		       struct sbuf *err)
{
	struct sbuf why = SBUF_INIT;
	json_t *body = json_object(), *creates = json_array(), *updates = json_array(), *item;

	if (!body || !creates || !updates)
		goto oom;
	for (size_t i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		sbuf_reset(&why);
		item = wc_product_write_json(&w[i], &why);
		sent[i] = item != NULL;
		if (!item) {
			wc_copy(out[i].code, sizeof(out[i].code), WC_CODE_NOT_SENT);
			one_line(out[i].message, sizeof(out[i].message), why.buf);
			continue;
		}
		if (json_array_append_new(w[i].shop_id[0] ? updates : creates, item) < 0)
			goto oom;
	}
	if ((json_array_size(creates) && json_object_set(body, "create", creates) < 0) ||
	    (json_array_size(updates) && json_object_set(body, "update", updates) < 0))
		goto oom;
	json_decref(creates);
	json_decref(updates);
	sbuf_release(&why);
	return body;
oom:
	error_set(err, "out of memory building the batch");
	json_decref(creates);
	json_decref(updates);
	json_decref(body);
	sbuf_release(&why);
	return NULL;
}

/* The answer's list for one part: as long as what was sent (absent or empty when nothing was). */
static const json_t *
answer_list(const json_t *answer, const char *part, size_t sent, struct sbuf *err)
{
	const json_t *a = json_object_get(answer, part);

	if (sent == 0 && (!a || json_is_null(a) || (json_is_array(a) && json_array_size(a) == 0)))
		return a;
	if (!json_is_array(a)) {
		error_set(err, "no '%s' list for the %zu sent", part, sent);
		return NULL;
	}
	if (json_array_size(a) != sent) {
		error_set(err, "'%s' has %zu entries for the %zu sent", part, json_array_size(a), sent);
		return NULL;
	}
	return a;
}

/* One element of the answer; sent_id is the id we sent ("" for a create). */
static int
outcome_from_json(const json_t *el, const char *part, size_t k, const char *sent_id, struct write_outcome *out,
		  struct sbuf *err)
{
	const json_t *e;
	char id[MODEL_ID_LEN];

	memset(out, 0, sizeof(*out));
	if (!json_is_object(el))
		return error_set(err, "%s %zu is not a JSON object", part, k + 1);
	if (wc_id(el, "id", id, sizeof(id), err) < 0)
		return error_prefix(err, "%s %zu", part, k + 1);
	/* an answer for another product than we asked about would be
	 * filed under the wrong one */
	if (sent_id[0] && id[0] && strcmp(id, sent_id) != 0)
		return error_set(err, "%s %zu answers for product %s, not %s", part, k + 1, id, sent_id);
	e = json_object_get(el, "error");
	if (e && !json_is_null(e)) {
		one_line(out->code, sizeof(out->code), str_of(e, "code"));
		one_line(out->message, sizeof(out->message), str_of(e, "message"));
		if (!out->message[0])
			wc_copy(out->message, sizeof(out->message), "WooCommerce gave no reason");
		if (wc_id(json_object_get(e, "data"), "resource_id", out->existing_id, sizeof(out->existing_id),
			  NULL) < 0)
			out->existing_id[0] = '\0';
		/* what the engine acts on, in its own words */
		out->sku_taken = strcmp(out->code, "product_invalid_sku") == 0;
		out->gone = strlen(out->code) > 11 && strcmp(out->code + strlen(out->code) - 11, "_invalid_id") == 0;
		return 0;
	}
	if (!id[0])
		return error_set(err, "%s %zu has neither an 'id' nor an 'error'", part, k + 1);
	out->ok = 1;
	memcpy(out->id, id, strlen(id) + 1);
	return 0;
}

int
wc_batch_outcomes(const json_t *answer, const struct product_write *w, size_t n, const unsigned char *sent,
		  struct write_outcome *out, struct sbuf *err)
{
	const json_t *creates, *updates;
	size_t ncreate = 0, nupdate = 0, ci = 0, ui = 0;

	for (size_t i = 0; i < n; i++) {
		if (sent[i] && w[i].shop_id[0])
			nupdate++;
		else if (sent[i])
			ncreate++;
	}
	if (!json_is_object(answer))
		return error_set(err, "the batch answer is not a JSON object");
	creates = answer_list(answer, "create", ncreate, err);
	if (!creates && ncreate)
		return -1;
	updates = answer_list(answer, "update", nupdate, err);
	if (!updates && nupdate)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int rc;

		if (!sent[i])
			continue;
		if (w[i].shop_id[0]) {
			rc = outcome_from_json(json_array_get(updates, ui), "update", ui, w[i].shop_id, &out[i], err);
			ui++;
		} else {
			rc = outcome_from_json(json_array_get(creates, ci), "create", ci, "", &out[i], err);
			ci++;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}
