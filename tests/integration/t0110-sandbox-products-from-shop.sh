#!/usr/bin/env bash
# Products, WooCommerce -> Epos Now, when the shop is the stock master:
# the shop's catalog scanned, new products created in the till with the
# shop's price and its tax basis, a product the till already has linked by
# SKU (not duplicated), categories found or created in the till, drafts not
# sent, variable products skipped with a plain reason, nothing written
# again when unchanged, a price change written, a product trashed in the
# shop unmarked for the web in the till, and changes queued before the
# master changed sides skipped.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_sandbox.sh"
T=$TILLSYNC

sandbox_start --seed 15 --products 0 --customers 0 --orders 0
account_setup rev
$T account set rev stock_master=pos product_sync=on prices_include_tax=on >/dev/null
auth="Authorization: Basic $(printf '%s:%s' "$EPOS_KEY" "$EPOS_SECRET" | base64 -w0)"
epos() { curl -sS -X "$1" -H "$auth" -H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$EPOS_URL$2"; }
epos_by_sku() { epos GET "/Product?Sku=$1" | jq_py "[(p['Name'], p['SalePrice'], p['IsSalePriceIncTax'], p['SellOnWeb']) for p in j]"; }
epos_requests() { ctl GET /counters | jq_py "sum(v['requests'] for k, v in j['eposnow']['endpoints'].items() if k.startswith(('POST /Product', 'PUT /Product')))"; }
product_item() { item_of rev products "product:$1" | cut -f2,3; }

# a change queued while Epos Now was still the master
OLD=$(epos POST /Product '{"Name":"Old Chair","Sku":"CHAIR-1","SalePrice":30,"CostPrice":1,"EatOutPrice":30,"SellOnWeb":true}' |
	jq_py 'j[0]["Id"] if isinstance(j, list) else j["Id"]')
$T cycle --account rev --feed products >/dev/null
$T account set rev stock_master=shop >/dev/null

# the till already sells the mug; the shop has it, a lamp, a draft and a variable product
MUG_E=$(epos POST /Product '{"Name":"Mug (till)","Sku":"MUG-1","SalePrice":5,"CostPrice":1,"EatOutPrice":5,"SellOnWeb":false}' |
	jq_py 'j[0]["Id"] if isinstance(j, list) else j["Id"]')
LIGHTS=$(woo_api POST /products/categories '{"name":"Lighting"}' | jq_py 'j["id"]')
LAMP=$(woo_api POST /products "{\"name\":\"Desk Lamp\",\"sku\":\"LAMP-1\",\"regular_price\":\"12.50\",\"categories\":[{\"id\":$LIGHTS}]}" | jq_py 'j["id"]')
MUG=$(woo_api POST /products '{"name":"Mug","sku":"MUG-1","regular_price":"6.00"}' | jq_py 'j["id"]')
DRAFT=$(woo_api POST /products '{"name":"Not ready","sku":"DR-1","regular_price":"3.00","status":"draft"}' | jq_py 'j["id"]')
TEE=$(woo_api POST /products '{"name":"Tee","sku":"TEE","type":"variable"}' | jq_py 'j["id"]')
drain
expect_eq "$(item_of rev products "product:$OLD" | cut -f2,3)" $'skipped\tProduct change queued before the stock master changed; not synced (products now sync from WooCommerce)' \
	"a change queued before the master changed sides is skipped"
expect_eq "$(product_item "$LAMP")" $'succeeded\tSuccessfully Updated; its category was created in Epos Now' "a shop product is created in the till"
expect_eq "$(epos_by_sku LAMP-1)" '[["Desk Lamp", 12.5, true, true]]' "with the shop's price and its tax basis, for sale on the web"
expect_eq "$(epos GET "/Product?Sku=LAMP-1" | jq_py 'j[0]["CategoryId"]')" \
	"$(epos GET /Category | jq_py '[c["Id"] for c in j if c["Name"] == "Lighting"][0]')" "in the till's Lighting category, created"
expect_eq "$(product_item "$MUG")" $'succeeded\tSuccessfully Updated' "a product the till has: linked by SKU"
expect_eq "$(epos_by_sku MUG-1)" '[["Mug", 6.0, true, true]]' "updated, not duplicated"
expect_eq "$($T --json links list --account rev --entity product | jq_py "[l['pos_id'] for l in j if l['shop_id'] == '$MUG']")" "[\"$MUG_E\"]" \
	"linked to the till's own product"
expect_eq "$(product_item "$DRAFT")" "" "a draft, never linked, is not queued (only remembered)"
expect_eq "$(product_item "$TEE")" $'skipped\tProduct has variations in WooCommerce; variable products are not synced to Epos Now yet' \
	"a variable product says why it is skipped"
expect_eq "$(epos_by_sku DR-1)" "[]" "the draft is not in the till"

# unchanged: a full Sync Now queues every product again, and writes nothing to the till
ctl POST /reset-counters >/dev/null
out=$($T sync-now --account rev --feed products)
expect_contains "$out" "4 products read, 3 queued; 0 failed" "sync-now reads the shop's catalog and queues all but the unlinked draft"
expect_eq "$(epos_requests)" "0" "products the till already holds cost no write"

# a price change in the shop goes to the till
woo_api PUT "/products/$LAMP" '{"regular_price":"14.00"}' >/dev/null
drain
expect_eq "$(epos_by_sku LAMP-1)" '[["Desk Lamp", 14.0, true, true]]' "the new price is in the till"

# trashed in the shop: unmarked for the web in the till, never deleted there
woo_api DELETE "/products/$LAMP" >/dev/null
drain
expect_eq "$(product_item "$LAMP")" $'succeeded\tProduct unmarked for the web in Epos Now: it was unpublished, trashed or deleted in WooCommerce' \
	"a trashed shop product"
expect_eq "$(epos_by_sku LAMP-1)" '[["Desk Lamp", 14.0, true, false]]' "still in the till, no longer for the web"
# one write refused as a whole (the till's Lighting category was deleted there):
# the products that landed are found by SKU, the rest go one by one, only the bad one fails
E_LIGHTS=$(epos GET /Category | jq_py '[c["Id"] for c in j if c["Name"] == "Lighting"][0]')
epos DELETE /Category "[{\"Id\":$E_LIGHTS}]" >/dev/null
PEN=$(woo_api POST /products '{"name":"Pen","sku":"PEN-1","regular_price":"1.50"}' | jq_py 'j["id"]')
BULB=$(woo_api POST /products "{\"name\":\"Bulb\",\"sku\":\"BULB-1\",\"regular_price\":\"2.00\",\"categories\":[{\"id\":$LIGHTS}]}" | jq_py 'j["id"]')
drain
expect_eq "$(product_item "$PEN")" $'succeeded\tSuccessfully Updated' "the good product of a refused write lands"
expect_eq "$(epos_by_sku PEN-1 | json_len)" "1" "once"
expect_eq "$(product_item "$BULB" | cut -f1)" "failed" "the bad one fails"
expect_contains "$(product_item "$BULB")" "Epos Now refused the product" "with the till's reason"
expect_contains "$(product_item "$BULB")" "category does not exist" "naming it"

finish
