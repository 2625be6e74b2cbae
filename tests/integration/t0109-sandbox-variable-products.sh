#!/usr/bin/env bash
# Variable products, Epos Now -> WooCommerce, against the sandbox: sizes
# sharing a VariantGroupId become one variable product whose variations are
# the sizes (options, prices, SKUs), nothing written twice when unchanged, a
# size's price change costs one request, a new size extends the options, a
# variable product the shop already has is linked by SKU (its variation
# too), validation of a size without its Size, stock pushed to variations
# and reconciled there,
# an archived size drafted, a lost answer to variation creates recovered
# without duplicates, and a parent SKU taken by a simple product refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_sandbox.sh"
T=$TILLSYNC

sandbox_start --seed 13 --products 0 --customers 0 --orders 0
account_setup var
$T account set var stock_master=pos product_sync=on inventory_sync=on prices_include_tax=on retry_base=1s >/dev/null
auth="Authorization: Basic $(printf '%s:%s' "$EPOS_KEY" "$EPOS_SECRET" | base64 -w0)"
epos() { curl -sS -X "$1" -H "$auth" -H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$EPOS_URL$2"; }
CAT=$(ctl GET "/state?target=eposnow" | jq_py 'j["eposnow"]["categories"][0]["Id"]')
new_size() {   # name sku price group size -> Epos Now id
	epos POST /Product "{\"Name\":\"$1\",\"Sku\":\"$2\",\"SalePrice\":$3,\"IsSalePriceIncTax\":true,\"SalePriceTaxGroupId\":1,
		\"CategoryId\":$CAT,\"SellOnWeb\":true,\"CostPrice\":1,\"EatOutPrice\":$3,\"VariantGroupId\":$4,\"Size\":\"$5\"}" |
		jq_py 'j[0]["Id"] if isinstance(j, list) else j["Id"]'
}
product_item() { item_of var products "product:$1" | cut -f2,3; }
parent_of() { woo_api GET "/products?sku=$1&status=any" | jq_py "[(p['id'], p['type'], p['name'], p['status'], [a['options'] for a in p['attributes']]) for p in j]"; }
parent_id() { woo_api GET "/products?sku=$1&status=any" | jq_py 'j[0]["id"]'; }
variations() { woo_api GET "/products/$1/variations?per_page=100&context=edit" | jq_py "sorted((v['sku'], v['regular_price'], v['attributes'][0]['option'], v['status']) for v in j)"; }
requests_to() { ctl GET /counters | jq_py "sum(v['requests'] for k, v in j['woocommerce']['endpoints'].items() if '$1' in k)"; }

# three sizes of one shirt
S=$(new_size "Shirt - S" SHIRT-S 20 7 S)
M=$(new_size "Shirt - M" SHIRT-M 21 7 M)
L=$(new_size "Shirt - L" SHIRT-L 22 7 L)
NOOPT=$(new_size "Scarf" SCARF-1 9 8 "")
drain
expect_eq "$(product_item "$M")" $'succeeded\tSuccessfully Updated as a variation of the WooCommerce variable product' \
	"a size: a variation of the variable product"
expect_eq "$(parent_of SHIRT)" "[[$(parent_id SHIRT), \"variable\", \"Shirt\", \"publish\", [[\"S\", \"M\", \"L\"]]]]" \
	"one variable product: the SKU and name without the size, every size an option"
SHIRT=$(parent_id SHIRT)
expect_eq "$(variations "$SHIRT")" \
	'[["SHIRT-L", "22.00", "L", "publish"], ["SHIRT-M", "21.00", "M", "publish"], ["SHIRT-S", "20.00", "S", "publish"]]' \
	"the sizes are its variations, with their own SKUs and prices"
expect_eq "$(woo_api GET "/products?sku=SHIRT-S" | json_len)" "0" "no simple product for a size"
expect_eq "$(product_item "$NOOPT")" $'failed\tProduct not sent: it is one size of a variable product but its Size is missing in Epos Now' \
	"a size without its Size: the field is named, nothing sent"

# unchanged: nothing is sent again, not even read
ctl POST /reset-counters >/dev/null
$T sync-now --account var --feed products >/dev/null
expect_eq "$(requests_to /products)" "0" "an unchanged variable product costs no request"

# a size's price: only its variation is written; the variable product is not read
ctl POST /reset-counters >/dev/null
epos PUT /Product "[{\"Id\":$M,\"SalePrice\":25}]" >/dev/null
drain
# (the stock reconciliation of the same run reads variations: GET .../variations)
expect_eq "$(ctl GET /counters | jq_py "sorted(k for k, v in j['woocommerce']['endpoints'].items() if k in ('GET /products/{id}', 'POST /products/batch', 'POST /products/{id}/variations/batch') and v['requests'])")" \
	'["POST /products/{id}/variations/batch"]' "a variations batch only: no read or write of the variable product"
expect_eq "$(variations "$SHIRT" | jq_py '[v[1] for v in j if v[0] == "SHIRT-M"]')" '["25.00"]' "the new price landed"

# a new size: the variable product gets the option, the size its variation
XL=$(new_size "Shirt - XL" SHIRT-XL 23 7 XL)
drain
expect_eq "$(product_item "$XL")" $'succeeded\tSuccessfully Updated as a variation of the WooCommerce variable product' "the new size"
expect_eq "$(parent_of SHIRT | jq_py 'j[0][4]')" '[["S", "M", "L", "XL"]]' "its option added to the variable product"
expect_eq "$(variations "$SHIRT" | json_len)" "4" "four variations"

# a variable product the merchant already has in the shop, with one variation: linked, not duplicated
HAT_W=$(woo_api POST /products '{"name":"Hat (old)","type":"variable","sku":"HAT","attributes":[{"name":"Colour","options":["Red"],"visible":true,"variation":false},{"name":"Size","options":["S"],"visible":true,"variation":true}]}' | jq_py 'j["id"]')
woo_api POST "/products/$HAT_W/variations" '{"sku":"HAT-S","regular_price":"1.00","attributes":[{"name":"Size","option":"S"}]}' >/dev/null
HS=$(new_size "Hat - S" HAT-S 15 9 S)
HM=$(new_size "Hat - M" HAT-M 16 9 M)
drain
expect_eq "$(woo_api GET "/products?sku=HAT&status=any" | jq_py '[(p["id"], p["name"]) for p in j]')" "[[$HAT_W, \"Hat\"]]" \
	"the shop's variable product is linked by SKU and updated, not created again"
expect_eq "$(variations "$HAT_W")" '[["HAT-M", "16.00", "M", "publish"], ["HAT-S", "15.00", "S", "publish"]]' \
	"its variation is linked by SKU (updated), the missing size created"
expect_eq "$(parent_of HAT | jq_py 'j[0][4]')" '[["Red"], ["S", "M"]]' "the shop's options kept, the new one added"
expect_eq "$(woo_api GET "/products/$HAT_W" | jq_py '[a["name"] for a in j["attributes"]]')" '["Colour", "Size"]' \
	"the merchant's other attribute is kept (a write replaces the whole list)"

# stock of a size goes to its variation
ctl PUT /eposnow/stock "{\"ProductId\":$S,\"LocationId\":1,\"CurrentStock\":6}" >/dev/null
drain
drain
expect_eq "$(woo_api GET "/products/$SHIRT/variations?context=edit&per_page=100" | jq_py "[(v['manage_stock'], v['stock_quantity']) for v in j if v['sku'] == 'SHIRT-S']")" \
	'[[true, 6]]' "the size's stock is on its variation"
expect_eq "$(item_of var inventory "stock:$S" | cut -f2,3)" $'succeeded\tSuccessfully Updated' "the Inventory Queue item"
# someone changes the variation's stock by hand in the shop: the reconciliation reads variations too
VS=$(woo_api GET "/products/$SHIRT/variations?context=edit&per_page=100" | jq_py "[v['id'] for v in j if v['sku'] == 'SHIRT-S'][0]")
woo_api PUT "/products/$SHIRT/variations/$VS" '{"stock_quantity":2}' >/dev/null
drain
drain
expect_contains "$($T --json logs --account var --service change_detection)" "stock of product $VS" \
	"a manual change on a variation is in the change-detection log"
expect_eq "$(woo_api GET "/products/$SHIRT/variations/$VS" | jq_py 'j["stock_quantity"]')" "6" "and set back (auto_correct)"

# an archived size: its variation goes to draft, the rest stays
epos PUT /Product "[{\"Id\":$L,\"IsArchived\":true}]" >/dev/null
drain
expect_eq "$(product_item "$L")" $'succeeded\tProduct set to draft in WooCommerce: it was archived, deleted or unmarked for the web in Epos Now' \
	"an archived size is drafted"
expect_eq "$(variations "$SHIRT" | jq_py '[(v[0], v[3]) for v in j]')" \
	'[["SHIRT-L", "draft"], ["SHIRT-M", "publish"], ["SHIRT-S", "publish"], ["SHIRT-XL", "publish"]]' "only its variation"

# variation creates refused with a 500 (nothing made): the size waits and is created once
# (stock pushes use the same route: off here, so the injected fault meets the create)
$T account set var inventory_sync=off >/dev/null
ctl POST /faults '{"target":"woocommerce","fail_next":{"count":1,"route":"POST /products/{id}/variations/batch","status":500}}' >/dev/null
XS=$(new_size "Shirt - XS" SHIRT-XS 19 7 XS)
drain
expect_eq "$(product_item "$XS" | cut -f1)" "retry" "a 500 on the variations batch: the size waits"
sleep 1.5
drain
expect_eq "$(product_item "$XS")" $'succeeded\tSuccessfully Updated as a variation of the WooCommerce variable product' \
	"and is created on the next try, after looking"
expect_eq "$(variations "$SHIRT" | jq_py '[v[0] for v in j if v[0] == "SHIRT-XS"]')" '["SHIRT-XS"]' "exactly one SHIRT-XS"

# the variations batch is carried out but its answer is lost: found by SKU, not sent again
ctl POST /faults '{"target":"woocommerce","fail_next":{"count":1,"route":"POST /products/{id}/variations/batch","truncate":true}}' >/dev/null
XXL=$(new_size "Shirt - XXL" SHIRT-XXL 24 7 XXL)
drain
expect_eq "$(product_item "$XXL")" $'succeeded\tSuccessfully Updated as a variation of the WooCommerce variable product' \
	"a lost answer: the variation that landed is found at once"
expect_contains "$($T --json queue show "$(item_of var products "product:$XXL" | cut -f1)")" "found by SKU" "the item says so"
expect_eq "$(variations "$SHIRT" | jq_py '[v[0] for v in j if v[0] == "SHIRT-XXL"]')" '["SHIRT-XXL"]' "exactly one SHIRT-XXL"

# a simple POS product whose SKU is a variable product's (made from sizes): a duplicate, the variable product untouched
SHIRTP=$(epos POST /Product "{\"Name\":\"Shirt bundle\",\"Sku\":\"SHIRT\",\"SalePrice\":50,\"CostPrice\":1,\"EatOutPrice\":50,\"SellOnWeb\":true,\"CategoryId\":$CAT}" |
	jq_py 'j[0]["Id"] if isinstance(j, list) else j["Id"]')
drain
expect_eq "$(product_item "$SHIRTP" | cut -f1)" "failed" "a simple product with a variable product's SKU fails"
expect_contains "$($T --json queue show "$(item_of var products "product:$SHIRTP" | cut -f1)")" "variant group 7" "naming the group"
expect_eq "$(parent_of SHIRT | jq_py '[(p[1], p[2]) for p in j]')" '[["variable", "Shirt"]]' "the variable product is left as it was"

# the variable product's SKU is a simple product in the shop: refused, nothing overwritten
woo_api POST /products '{"name":"Cap","sku":"CAP","regular_price":"5.00"}' >/dev/null
CS=$(new_size "Cap - S" CAP-S 7 10 S)
drain
expect_eq "$(product_item "$CS")" $'failed\tProduct not sent: the SKU of its variable product is held by a WooCommerce product that is not a variable product' \
	"a parent SKU held by a simple product"
expect_eq "$(woo_api GET "/products?sku=CAP" | jq_py '[(p["type"], p["regular_price"]) for p in j]')" '[["simple", "5.00"]]' "left as it was"
expect_eq "$($T --json links list --account var --entity product_group | json_len)" "2" "two variable products linked"
finish
