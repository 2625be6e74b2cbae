#include "core/product_codec.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static json_t *
money_json(struct money m)
{
	char buf[MONEY_TEXT_MAX];

	money_format(m, 4, buf, sizeof(buf));
	return json_string(buf);
}

char *
product_to_payload(const struct product *p)
{
	json_t *o = json_object(), *tiers = json_array();
	char *text = NULL;

	if (!o || !tiers)
		goto out;
	for (size_t i = 0; i < p->ntiers && i < PRODUCT_TIERS_MAX; i++)
		json_array_append_new(tiers, json_pack("{s:s, s:o}", "name", p->tiers[i].name, "price",
						       money_json(p->tiers[i].price)));
	/* json_pack refuses text that is not UTF-8: the payload is then NULL */
	if (json_object_set_new(o, "id", json_string(p->id)) < 0 ||
	    json_object_set_new(o, "sku", json_string(p->sku)) < 0 ||
	    json_object_set_new(o, "name", json_string(p->name)) < 0 ||
	    json_object_set_new(o, "description", json_string(p->description)) < 0 ||
	    json_object_set_new(o, "category_id", json_string(p->category_id)) < 0 ||
	    json_object_set_new(o, "variant_group", json_string(p->variant_group)) < 0 ||
	    json_object_set_new(o, "variant_option", json_string(p->variant_option)) < 0 ||
	    json_object_set_new(o, "price", p->has_price ? money_json(p->price) : json_null()) < 0 ||
	    json_object_set_new(o, "price_includes_tax", json_boolean(p->price_includes_tax)) < 0 ||
	    json_object_set_new(o, "tax_percent", money_json(p->tax_percent)) < 0 ||
	    json_object_set_new(o, "sync_to_shop", json_boolean(p->sync_to_shop)) < 0 ||
	    json_object_set_new(o, "archived", json_boolean(p->archived)) < 0 ||
	    json_object_set(o, "tiers", tiers) < 0)
		goto out;
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
out:
	json_decref(tiers);
	json_decref(o);
	return text;
}

static int
copy_text(const json_t *o, const char *key, char *out, size_t len, struct sbuf *err)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_string(v) || json_string_length(v) >= len)
		return error_set(err, "product payload: '%s' is missing or too long", key);
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int
read_money(const json_t *o, const char *key, struct money *out, struct sbuf *err)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_string(v) || money_parse(json_string_value(v), out) < 0)
		return error_set(err, "product payload: '%s' is not an amount", key);
	return 0;
}

int
product_from_payload(const char *text, struct product *out, struct sbuf *err)
{
	json_error_t je;
	json_t *o = json_loads(text ? text : "", 0, &je), *tiers, *v;
	int rc = -1;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(o)) {
		error_set(err, "product payload is not a JSON object: %s", je.text);
		goto out;
	}
	if (copy_text(o, "id", out->id, sizeof(out->id), err) < 0 ||
	    copy_text(o, "sku", out->sku, sizeof(out->sku), err) < 0 ||
	    copy_text(o, "name", out->name, sizeof(out->name), err) < 0 ||
	    copy_text(o, "description", out->description, sizeof(out->description), err) < 0 ||
	    copy_text(o, "category_id", out->category_id, sizeof(out->category_id), err) < 0 ||
	    copy_text(o, "variant_group", out->variant_group, sizeof(out->variant_group), err) < 0 ||
	    (json_object_get(o, "variant_option") &&   /* absent in payloads queued before sizes synced */
	     copy_text(o, "variant_option", out->variant_option, sizeof(out->variant_option), err) < 0) ||
	    read_money(o, "tax_percent", &out->tax_percent, err) < 0)
		goto out;
	out->has_price = !json_is_null(json_object_get(o, "price"));
	if (out->has_price && read_money(o, "price", &out->price, err) < 0)
		goto out;
	out->price_includes_tax = json_is_true(json_object_get(o, "price_includes_tax"));
	out->sync_to_shop = json_is_true(json_object_get(o, "sync_to_shop"));
	out->archived = json_is_true(json_object_get(o, "archived"));
	tiers = json_object_get(o, "tiers");
	if (!json_is_array(tiers) || json_array_size(tiers) > PRODUCT_TIERS_MAX) {
		error_set(err, "product payload: 'tiers' is not a list of at most %d", PRODUCT_TIERS_MAX);
		goto out;
	}
	json_array_foreach(tiers, i, v) {
		if (copy_text(v, "name", out->tiers[i].name, sizeof(out->tiers[i].name), err) < 0 ||
		    read_money(v, "price", &out->tiers[i].price, err) < 0)
			goto out;
		out->ntiers++;
	}
	rc = 0;
out:
	json_decref(o);
	return rc;
}
