#!/usr/bin/env bash
# Duplicates: the same SKU twice in the POS (compared trimmed and without
# case) is refused by the Products Queue with a comment pointing at
# 'tillsync duplicates', which lists each group with its links and the merge
# command; the merge moves the link to the product kept. (WooCommerce keeps
# SKUs unique, so the shop side cannot be set up with duplicates here.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_sandbox.sh"
T=$TILLSYNC

sandbox_start --seed 13 --products 0 --customers 0 --orders 0
account_setup dup
$T account set dup stock_master=pos product_sync=on >/dev/null
auth="Authorization: Basic $(printf '%s:%s' "$EPOS_KEY" "$EPOS_SECRET" | base64 -w0)"
epos() { curl -sS -X "$1" -H "$auth" -H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$EPOS_URL$2"; }
new_product() {   # name sku -> Epos Now id
	epos POST /Product "{\"Name\":\"$1\",\"Sku\":\"$2\",\"SalePrice\":5,\"IsSalePriceIncTax\":true,\"SalePriceTaxGroupId\":1,
		\"SellOnWeb\":true,\"CostPrice\":1,\"EatOutPrice\":5}" | jq_py 'j[0]["Id"] if isinstance(j, list) else j["Id"]'
}
product_item() { item_of dup products "product:$1" | cut -f2,3; }

# the shop already has the article; the till has it twice (the second SKU differs only in case and a blank)
W1=$(woo_api POST /products '{"name":"Dress","sku":"DRESS-1","regular_price":"5.00"}' | jq_py 'j["id"]')
D1=$(new_product "Dress" DRESS-1)
D2=$(new_product "Dress again" "dress-1 ")
drain
expect_eq "$(product_item "$D1")" $'succeeded\tSuccessfully Updated' "the first of the POS pair is linked by SKU and synced"
expect_eq "$(product_item "$D2")" $'failed\tMore than one Epos Now product has this SKU; see \'tillsync duplicates\'' \
	"the second is refused, not created twice"
expect_eq "$(ctl GET "/state?target=woocommerce" | jq_py 'len(j["woocommerce"]["products"])')" "1" "one product in the shop"

# a later change of the second one: its SKU belongs to the shop product linked to the first
epos PUT /Product "[{\"Id\":$D2,\"SalePrice\":6}]" >/dev/null
drain
expect_eq "$(product_item "$D2")" $'failed\tMore than one Epos Now product has this SKU; see \'tillsync duplicates\'' \
	"still refused in a later batch"

report=$($T --json duplicates --account dup)
expect_eq "$(echo "$report" | jq_py '[(g["side"], g["sku"], sorted(p["id"] for p in g["products"])) for g in j["groups"]]')" \
	"[[\"pos\", \"dress-1\", $(python3 -c "print(sorted(['$D1','$D2']))" | tr "'" '"')]]" "tillsync duplicates finds the POS pair"
expect_eq "$(echo "$report" | jq_py '[p["linked_to"] for g in j["groups"] for p in g["products"] if p["id"] == "'"$D1"'"]')" \
	"[\"$W1\"]" "with the link each one has"
expect_contains "$($T duplicates --account dup)" "tillsync duplicates merge --account dup --pos $D1 --shop $W1" "and the merge command"

# the merchant keeps the second one (and archives the first in the till)
out=$($T duplicates merge --account dup --pos "$D2" --shop "$W1")
expect_contains "$out" "POS product $D1 is no longer linked to shop product $W1" "merge moves the link"
expect_contains "$out" "linked to WooCommerce product $W1 and queued for an update" "to the product kept"
epos PUT /Product "[{\"Id\":$D1,\"IsArchived\":true}]" >/dev/null
drain
expect_eq "$(product_item "$D2")" $'succeeded\tSuccessfully Updated' "the kept one is synced to the shop product"
expect_eq "$(ctl GET "/state?target=woocommerce" | jq_py '[(p["name"], p["regular_price"], p["status"]) for p in j["woocommerce"]["products"]]')" \
	'[["Dress again", "5.00", "publish"]]' "one shop product, with the kept one's content (6.00 with 20% tax)"
expect_fail 1 "merge checks the shop product holds the SKU" $T duplicates merge --account dup --pos "$D2" --shop 99999

sandbox_stop
finish
