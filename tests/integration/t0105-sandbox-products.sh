#!/usr/bin/env bash
# Products Queue, Epos Now -> WooCommerce, against the sandbox: the full
# product scan, batch writes, prices on the shop's tax basis, categories
# found by name or created, SKU matching (no duplicate in the shop),
# validation naming the field, draft rules, a partial batch failure with the
# shop's reason, a batch whose answer is lost (nothing created twice) and
# the missing_category=skip setting.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_sandbox.sh"
T=$TILLSYNC

sandbox_start --seed 9 --products 0 --customers 0 --orders 0
account_setup cat
$T account set cat stock_master=pos product_sync=on prices_include_tax=on tier_map=Trade=10,VIP=50 >/dev/null
expect_fail 1 "a tier_map that cannot be read is refused when set" $T account set cat tier_map=AA
auth="Authorization: Basic $(printf '%s:%s' "$EPOS_KEY" "$EPOS_SECRET" | base64 -w0)"
epos() { curl -sS -X "$1" -H "$auth" -H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$EPOS_URL$2"; }
new_product() {   # name sku price inc_tax taxgroup category sell_on_web -> Epos Now id
	local sku=null
	[ -n "$2" ] && sku="\"$2\""
	epos POST /Product "{\"Name\":\"$1\",\"Sku\":$sku,\"SalePrice\":$3,\"IsSalePriceIncTax\":$4,
		\"SalePriceTaxGroupId\":$5,\"CategoryId\":$6,\"SellOnWeb\":$7,\"CostPrice\":1,\"EatOutPrice\":$3}" |
		jq_py 'j[0]["Id"] if isinstance(j, list) else j["Id"]'
}
product_item() { item_of cat products "product:$1" | cut -f2,3; }
woo_products() { ctl GET "/state?target=woocommerce" | jq_py "$1"; }
woo_by_sku() { woo_products "[p for p in j['woocommerce']['products'] if p.get('sku') == '$1']"; }

# an Epos Now category that WooCommerce also has (same name), and one it has not
CAT_NAME=$(ctl GET "/state?target=eposnow" | jq_py 'j["eposnow"]["categories"][0]["Name"]')
CAT=$(ctl GET "/state?target=eposnow" | jq_py 'j["eposnow"]["categories"][0]["Id"]')
GIFT=$(epos POST /Category '{"Name":"Gift Cards"}' | jq_py 'j[0]["Id"] if isinstance(j, list) else j["Id"]')

# a product the shop already has with the same SKU (made by hand before tillsync)
woo_api POST /products '{"name":"Lamp (old)","sku":"LAMP-1","regular_price":"1.00"}' >/dev/null

TABLE=$(new_product "Oak Table" OAK-1 100.00 false 1 "$CAT" true)    # 100.00 + 20% = 120.00 in the shop
CARD=$(new_product "Gift card" GIFT-1 25 true 2 "$GIFT" true)        # category created in the shop
LAMP=$(new_product "Desk Lamp" LAMP-1 40.00 true 1 "$CAT" true)      # matched by SKU, not created again
FREE=$(new_product "Sample" FREE-1 0 true 1 "$CAT" true)             # zero price: draft
NOSKU=$(new_product "Mystery box" "" 10 true 1 "$CAT" true)          # no SKU: not sent
TILL=$(new_product "Till only" TILL-1 3 true 1 "$CAT" false)         # not for the web: not queued
SIZE_S=$(epos POST /Product '{"Name":"Shirt S","Sku":"SHIRT-S","SalePrice":20,"CostPrice":1,"EatOutPrice":20,"SellOnWeb":true,"VariantGroupId":7,"Size":"S"}' |
	jq_py 'j[0]["Id"] if isinstance(j, list) else j["Id"]')
# per-customer-type prices in Epos Now become quantity prices through tier_map
epos PUT /Product "[{\"Id\":$TABLE,\"CustomerProductPricingDetails\":[{\"CustomerTypeId\":2,\"SalePrice\":90,\"EatOutPrice\":90},{\"CustomerTypeId\":4,\"SalePrice\":80,\"EatOutPrice\":80}]}]" >/dev/null

drain
expect_eq "$(product_item "$TABLE")" $'succeeded\tSuccessfully Updated' "a new product: created"
expect_eq "$(woo_by_sku OAK-1 | jq_py '[(p["regular_price"], p["status"], [c["name"] for c in p["categories"]]) for p in j]')" \
	"[[\"120.00\", \"publish\", [\"$CAT_NAME\"]]]" "100.00 before 20% tax is 120.00 in a tax-inclusive shop, in the same-named category"
expect_eq "$(woo_by_sku OAK-1 | jq_py '[json.loads(m["value"]) for m in j[0]["meta_data"] if m["key"] == "_tillsync_quantity_prices"]')" \
	'[[{"min_qty": 10, "price": "108.00"}, {"min_qty": 50, "price": "96.00"}]]' "customer-type prices are quantity prices from tier_map, tax included"
expect_eq "$(product_item "$CARD")" $'succeeded\tSuccessfully Updated; its category was created in WooCommerce' \
	"a missing category is created (missing_category=create)"
expect_eq "$(woo_by_sku GIFT-1 | jq_py '[(p["regular_price"], [c["name"] for c in p["categories"]]) for p in j]')" \
	'[["25.00", ["Gift Cards"]]]' "25.00 including 0% stays 25.00"
expect_eq "$(product_item "$LAMP")" $'succeeded\tSuccessfully Updated' "same SKU in the shop: linked and updated"
expect_eq "$(woo_by_sku LAMP-1 | jq_py '[(p["name"], p["regular_price"]) for p in j]')" '[["Desk Lamp", "40.00"]]' \
	"one LAMP-1 in the shop, now with the POS name and price"
expect_eq "$(woo_by_sku FREE-1 | jq_py '[p["status"] for p in j]')" '["draft"]' "a zero price is kept as draft"
expect_eq "$(product_item "$NOSKU")" $'failed\tProduct not sent: its SKU is missing in Epos Now (WooCommerce products are matched by SKU)' \
	"validation names the missing field"
expect_eq "$(product_item "$TILL")" "" "a product not for the web is not queued"
expect_eq "$(product_item "$SIZE_S")" $'succeeded\tSuccessfully Updated as a variation of the WooCommerce variable product' \
	"a size of a variable product is a variation (t0109 covers them)"
expect_eq "$(woo_by_sku TILL-1)" "[]" "and not in the shop"
expect_eq "$($T --json links list --account cat --entity product | json_len)" "5" "four products and a variation linked"

# nothing changed: the next scan queues nothing and writes nothing
ctl POST /reset-counters >/dev/null
drain
expect_eq "$(ctl GET /counters | jq_py 'sum(v["requests"] for k, v in j["woocommerce"]["endpoints"].items() if "/products" in k)')" \
	"0" "an unchanged catalog costs the shop no product request"

# Sync Now of the whole catalog: every product queued again, the shop already has them: no write
ctl POST /reset-counters >/dev/null
out=$($T sync-now --account cat --feed products)
expect_contains "$out" "7 products read, 6 queued; 1 failed, 0 waiting to retry" "sync-now products: what it did (the one without SKU fails again)"
expect_eq "$(ctl GET /counters | jq_py 'j["woocommerce"]["endpoints"].get("POST /products/batch", {}).get("requests", 0)')" \
	"0" "products the shop already holds cost no write"
expect_eq "$($T --json jobs --account cat | jq_py '[(x["kind"], x["state"], x["phase"], x["done"], x["total"]) for x in j][0]')" \
	'["sync-products", "succeeded", "Updating product", 6, 6]' "the job's progress reached the end"
expect_fail 2 "sync-now needs a known feed" $T sync-now --account cat --feed everything

# a partial batch failure: the shop product behind OAK-1 was deleted in WooCommerce
WOO_TABLE=$(woo_by_sku OAK-1 | jq_py 'j[0]["id"]')
woo_api DELETE "/products/$WOO_TABLE?force=true" >/dev/null
epos PUT /Product "[{\"Id\":$TABLE,\"SalePrice\":110},{\"Id\":$LAMP,\"SalePrice\":45}]" >/dev/null
drain
expect_eq "$(product_item "$TABLE")" $'failed\tWooCommerce refused the product: Invalid ID.' "the refused item fails with the shop's reason"
expect_eq "$(product_item "$LAMP")" $'succeeded\tSuccessfully Updated' "the rest of the batch succeeds"
expect_eq "$(woo_by_sku LAMP-1 | jq_py 'j[0]["regular_price"]')" "45.00" "and landed"

# unmarked for the web in the POS: the linked product goes to draft, never deleted
epos PUT /Product "[{\"Id\":$LAMP,\"SellOnWeb\":false}]" >/dev/null
drain
expect_eq "$(product_item "$LAMP")" $'succeeded\tProduct set to draft in WooCommerce: it was archived, deleted or unmarked for the web in Epos Now' \
	"unmarked: draft in the shop"
expect_eq "$(woo_by_sku LAMP-1 | jq_py '[p["status"] for p in j]')" '["draft"]' "the shop product is a draft"

# a batch answered with a 500: the items wait and retry; nothing is created twice
$T account set cat retry_base=1s >/dev/null
BAG=$(new_product "Tote Bag" BAG-1 12 true 1 "$CAT" true)
ctl POST /faults '{"target":"woocommerce","fail_next":{"count":1,"route":"POST /products/batch","status":500}}' >/dev/null
drain
expect_eq "$(product_item "$BAG")" $'retry\tWooCommerce did not answer; what landed is checked by SKU before sending again' \
	"500 on the batch: the item waits, saying why"
sleep 1.5
drain
expect_eq "$(woo_by_sku BAG-1 | jq_py 'len(j)')" "1" "after the retry: exactly one BAG-1"
expect_eq "$(product_item "$BAG")" $'succeeded\tSuccessfully Updated' "and the item succeeded"
expect_contains "$($T --json queue show "$(item_of cat products "product:$BAG" | cut -f1)")" "HTTP 500" "the 500 is in the item's history"

# loop detection: the shop fails the same batch again and again -> a Notification says so
ROPE=$(new_product "Rope" ROPE-1 9 true 1 "$CAT" true)
ctl POST /faults '{"target":"woocommerce","fail_next":{"count":3,"route":"POST /products/batch","status":500}}' >/dev/null
for i in $(seq 20); do   # three failures, each followed by a longer wait (retry_base 1s)
	drain
	$T --json logs --account cat --type notification | grep -q "Loop detected" && break
	sleep 0.5
done
expect_contains "$($T --json logs --account cat --type notification)" "Loop detected: 1 products sent 3 times or more without WooCommerce taking them" \
	"a batch the shop never takes raises a loop notification"
for i in $(seq 20); do drain; [ "$(product_item "$ROPE" | cut -f1)" = succeeded ] && break; sleep 0.5; done
expect_eq "$(product_item "$ROPE")" $'succeeded\tSuccessfully Updated' "and once the shop takes it, it is done"

# missing_category=skip: a product in a category the shop does not have waits
$T account set cat missing_category=skip >/dev/null
TOYS=$(epos POST /Category '{"Name":"Kites and Wind"}' | jq_py 'j[0]["Id"] if isinstance(j, list) else j["Id"]')
KITE=$(new_product "Kite" KITE-1 15 true 1 "$TOYS" true)
drain
expect_eq "$(product_item "$KITE")" $'skipped\tProduct skipped: its category does not exist in WooCommerce (missing_category is \'skip\')' \
	"missing_category=skip: skipped with why"
expect_eq "$(woo_by_sku KITE-1)" "[]" "and not in the shop"

sandbox_stop
finish
