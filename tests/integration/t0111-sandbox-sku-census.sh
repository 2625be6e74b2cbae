#!/usr/bin/env bash
# The SKU census (docs/catalog.md, "SKU matching"): a first sync into an
# empty or small shop reads the shop's SKUs once instead of looking up every
# batch; a product the shop held before is still linked, never duplicated;
# a product made in the shop after the census is refused by the shop and
# linked; a shop beyond the census' size is looked up batch by batch, and a
# first sync into a full shop links every product by SKU and creates none.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_sandbox.sh"
T=$TILLSYNC

auth() { printf 'Authorization: Basic %s' "$(printf '%s:%s' "$EPOS_KEY" "$EPOS_SECRET" | base64 -w0)"; }
epos() { curl -sS -X "$1" -H "$(auth)" -H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$EPOS_URL$2"; }
new_product() {   # name sku -> Epos Now id
	epos POST /Product "{\"Name\":\"$1\",\"Sku\":\"$2\",\"SalePrice\":5,\"CostPrice\":1,\"EatOutPrice\":5,\"SellOnWeb\":true}" |
		jq_py 'j[0]["Id"] if isinstance(j, list) else j["Id"]'
}
requests() { ctl GET /counters | jq_py "j['woocommerce']['endpoints'].get('$1', {}).get('requests', 0)"; }
shop_products() {   # products (not variations) in the shop
	ctl GET "/state?target=woocommerce" | jq_py 'len([p for p in j["woocommerce"]["products"] if p["type"] != "variation"])'
}
twice_in_shop() {   # SKUs held by more than one product or variation, without case
	ctl GET "/state?target=woocommerce" | jq_py '
sorted(k for k, n in __import__("collections").Counter(p["sku"].strip().lower() for p in j["woocommerce"]["products"] if p.get("sku")).items() if n > 1)'
}
queue_counts() {   # the products queue's non-zero counts (one account per store here)
	$T status --json | jq_py '{k: v for k, v in j["queues"]["products"].items() if v}'
}

# ---- an empty shop but for one product made by hand --------------------------
sandbox_start --seed 11 --products 300 --customers 0 --orders 0
ctl POST /woocommerce/clear >/dev/null
account_setup census
$T account set census stock_master=pos product_sync=on >/dev/null
WEB=$(ctl GET "/state?target=eposnow" | jq_py 'len([p for p in j["eposnow"]["products"] if p.get("SellOnWeb")])')
HELD_SKU=$(ctl GET "/state?target=eposnow" | jq_py '[p["Sku"] for p in j["eposnow"]["products"] if p.get("SellOnWeb") and not p.get("VariantGroupId")][150]')
woo_api POST /products "{\"name\":\"Made by hand\",\"sku\":\"$HELD_SKU\",\"regular_price\":\"1.00\"}" >/dev/null

ctl POST /reset-counters >/dev/null
drain
expect_eq "$(queue_counts census)" "{\"succeeded\": $WEB}" "every product for the web synced ($WEB items)"
# one census page (the shop has one product) and one lookup: the batch holding the SKU the shop had
expect_eq "$(requests "GET /products")" "2" "one census page and one lookup, instead of a lookup per batch"
HELD_NAME=$(ctl GET "/state?target=eposnow" | jq_py "[p['Name'] for p in j['eposnow']['products'] if p.get('Sku') == '$HELD_SKU'][0]")
expect_eq "$(ctl GET "/state?target=woocommerce" | HELD_NAME=$HELD_NAME jq_py "[p['name'] == __import__('os').environ['HELD_NAME'] and p['regular_price'] != '1.00' for p in j['woocommerce']['products'] if p.get('sku') == '$HELD_SKU']")" \
	"[true]" "the product the shop held is linked and updated with the till's name and price, not made again"
expect_eq "$(twice_in_shop)" "[]" "no SKU twice in the shop"

# ---- a product made in the shop after the census: the shop refuses it, it is linked
$T account set census retry_base=1s >/dev/null
A=$(new_product "Late A" LATE-A)
B=$(new_product "Late B" LATE-B)
# the products batch waits 4 s before the shop carries it out; meanwhile the merchant adds LATE-B by hand
ctl POST /faults '{"target":"woocommerce","fail_next":{"count":1,"route":"POST /products/batch","hang_ms":4000}}' >/dev/null
ctl POST /reset-counters >/dev/null
drain &
DRAIN=$!
for i in $(seq 100); do [ "$(requests "GET /products")" -ge 1 ] && break; sleep 0.1; done
sleep 1
ctl POST /woocommerce/products '{"name":"Late B (by hand)","sku":"LATE-B","regular_price":"9.00"}' >/dev/null
wait $DRAIN
sleep 1.5   # LATE-B waits a second after being linked
drain
expect_eq "$(item_of census products "product:$B" | cut -f2,3)" $'succeeded\tSuccessfully Updated' "LATE-B, made in the shop meanwhile: linked, then updated"
expect_contains "$($T --json queue show "$(item_of census products "product:$B" | cut -f1)")" \
	"Linked by SKU to the existing WooCommerce product" "its first try says it was linked, not created"
# both are 5.00 in the till, sent as the shop's basis says: LATE-A shows what LATE-B should hold
expect_eq "$(ctl GET "/state?target=woocommerce" | jq_py "sorted([p['name'], p['regular_price']] for p in j['woocommerce']['products'] if p.get('sku') in ('LATE-A', 'LATE-B'))")" \
	'[["Late A", "4.17"], ["Late B", "4.17"]]' "exactly one LATE-B, now with the till's name and price (5.00 incl. 20% tax: 4.17 before tax)"
expect_eq "$(item_of census products "product:$A" | cut -f2)" "succeeded" "LATE-A, in the same batch, created"
expect_eq "$(twice_in_shop)" "[]" "still no SKU twice"
sandbox_stop

# ---- a full shop, beyond the census: lookups per batch, every product linked, none created
sandbox_start --seed 12 --products 2100 --customers 0 --orders 0
account_setup full
$T account set full stock_master=pos product_sync=on >/dev/null
BEFORE=$(shop_products)
expect_eq "$((BEFORE > 2000))" "1" "the shop holds more products than a census reads ($BEFORE)"
ctl POST /reset-counters >/dev/null
drain
LOOKUPS=$(requests "GET /products")
expect_eq "$((LOOKUPS >= 20))" "1" "a lookup per batch ($LOOKUPS GET /products)"
expect_eq "$(shop_products)" "$BEFORE" "nothing created: every product found by SKU"
expect_eq "$(twice_in_shop)" "[]" "no SKU twice in the shop"
expect_eq "$(queue_counts full | jq_py 'sorted(j)')" '["succeeded"]' "every item succeeded"
sandbox_stop
finish
