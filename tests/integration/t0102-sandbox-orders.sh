#!/usr/bin/env bash
# Orders Queue (WooCommerce -> Epos Now) against the sandbox: customer
# matching by e-mail (one, several, none, guest), product matching by SKU,
# the seed's comments, exactly one transaction per order even when the same
# order is queued again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_sandbox.sh"
T=$TILLSYNC

sandbox_start --seed 11 --customers 2 --products 2 --orders 0
account_setup shop2
$T account set shop2 stock_master=pos customer_sync=on >/dev/null
drain

id_of() { jq_py 'j["Id"] if "Id" in j else j["id"]' 2>/dev/null; }
epos_state() { ctl GET "/state?target=eposnow"; }
txns_with_ref() {   # how many Epos Now transactions carry this reference
	epos_state | jq_py "len([t for t in j['eposnow']['transactions'] if (t.get('ReferenceCode') or '') == '$1'])"
}
order_comment() { item_of shop2 orders "order:$1" | cut -f2,3; }
place_order() {     # place_order CUSTOMER_ID EMAIL PRODUCT_ID...
	local cust=$1 email=$2 lines="" p; shift 2
	for p in "$@"; do lines="$lines${lines:+,}{\"product_id\":$p,\"quantity\":2}"; done
	woo_api POST /orders "{\"customer_id\":$cust,\"status\":\"processing\",\"set_paid\":true,
		\"billing\":{\"first_name\":\"Pat\",\"last_name\":\"Doe\",\"email\":\"$email\"},
		\"line_items\":[$lines]}" | id_of
}

# the same SKU on both sides; the mug only in the shop
EP=$(ctl POST /eposnow/products '{"Name":"Green tea","SalePrice":2.50,"CostPrice":1.00,"EatOutPrice":2.50,"Sku":"TEA-GREEN"}' | id_of)
WP=$(woo_api POST /products '{"name":"Green tea","regular_price":"2.50","sku":"TEA-GREEN"}' | id_of)
MUG=$(woo_api POST /products '{"name":"Mug","regular_price":"8.00","sku":"MUG-1"}' | id_of)
[ -n "$EP" ] && [ -n "$WP" ] && [ -n "$MUG" ] && ok "products made on both sides" || not_ok "products: '$EP' '$WP' '$MUG'"

# one Epos Now customer with the order's e-mail: auto-linked and used
EC=$(ctl POST /eposnow/customers '{"Forename":"Ann","Surname":"Lee","EmailAddress":"ann@example.com"}' | id_of)
WC=$(woo_api POST /customers '{"email":"ann@example.com","first_name":"Ann","last_name":"Lee"}' | id_of)
O1=$(place_order "$WC" ann@example.com "$WP")
drain
expect_eq "$(order_comment "$O1")" $'succeeded\tOrder imported into Epos Now' "order imported"
expect_eq "$(txns_with_ref "TS1-$O1")" "1" "one Epos Now transaction carries our reference"
expect_eq "$(epos_state | jq_py "[t['CustomerId'] for t in j['eposnow']['transactions'] if t.get('ReferenceCode') == 'TS1-$O1'][0]")" \
	"$EC" "the transaction is the matched customer's"
expect_contains "$($T links list --account shop2 --entity customer 2>&1)" "$EC" "the customer was auto-linked"

# queued again (a webhook and a cycle both saw it): still one transaction
$T queue add --account shop2 --queue orders --subject "order:$O1" --direction shop_to_pos >/dev/null
drain
expect_eq "$(order_comment "$O1")" $'skipped\tOrder already imported into Epos Now' "the second item sees the import"
expect_eq "$(txns_with_ref "TS1-$O1")" "1" "still one transaction"

# two Epos Now customers with one e-mail
ctl POST /eposnow/customers '{"Forename":"Dee","Surname":"One","EmailAddress":"dup@example.com"}' >/dev/null
ctl POST /eposnow/customers '{"Forename":"Dee","Surname":"Two","EmailAddress":"dup@example.com"}' >/dev/null
WD=$(woo_api POST /customers '{"email":"dup@example.com","first_name":"Dee"}' | id_of)
O2=$(place_order "$WD" dup@example.com "$WP")
drain
expect_eq "$(order_comment "$O2")" \
	$'failed\tWe could not auto-link the customer as there is more than one customer in EposNow with the same email address.' \
	"duplicate e-mails: seed comment"
expect_eq "$(txns_with_ref "TS1-$O2")" "0" "nothing written for it"

# ... and with a product the till does not have
O3=$(place_order "$WD" dup@example.com "$MUG")
drain
expect_eq "$(order_comment "$O3")" $'failed\tProduct Id and Customer Id Not Matched with EPOSNOW' \
	"product and customer unmatched: seed comment"

# a product the till does not have, customer fine
O4=$(place_order "$WC" ann@example.com "$WP" "$MUG")
drain
expect_eq "$(order_comment "$O4")" $'failed\tProduct Id Not Matched with EPOSNOW' "product unmatched"

# once the till has the product (same SKU), a retry imports it
ctl POST /eposnow/products '{"Name":"Mug","SalePrice":8.00,"CostPrice":3.00,"EatOutPrice":8.00,"Sku":"MUG-1"}' >/dev/null
$T queue retry "$(item_of shop2 orders "order:$O4" | cut -f1)" >/dev/null
drain
expect_eq "$(order_comment "$O4")" $'succeeded\tOrder imported into Epos Now' "retried after the fix: imported"

# no Epos Now customer with that e-mail: created there and linked
WN=$(woo_api POST /customers '{"email":"new@example.com","first_name":"Neil","last_name":"New"}' | id_of)
O5=$(place_order "$WN" new@example.com "$WP")
drain
expect_eq "$(order_comment "$O5")" $'succeeded\tOrder imported into Epos Now' "new customer: imported"
expect_eq "$(epos_state | jq_py "len([c for c in j['eposnow']['customers'] if c.get('EmailAddress') == 'new@example.com'])")" \
	"1" "the customer was created in Epos Now once"

# a guest checkout: imported without creating a till customer
before=$(epos_state | jq_py "len(j['eposnow']['customers'])")
O6=$(place_order 0 guest@example.com "$WP")
drain
expect_eq "$(order_comment "$O6")" $'succeeded\tOrder imported into Epos Now' "guest order imported"
expect_eq "$(epos_state | jq_py "len(j['eposnow']['customers'])")" "$before" "no customer created for a guest"

# the e-mail lookup fails: Customer Id Not Matched, retried later
WF=$(woo_api POST /customers '{"email":"flaky@example.com","first_name":"Flo"}' | id_of)
ctl POST /faults '{"target":"eposnow","fail_next":{"count":5,"route":"GET /Customer/GetByEmail","status":500}}' >/dev/null
O7=$(place_order "$WF" flaky@example.com "$WP")
drain
expect_eq "$(order_comment "$O7")" $'retry\tCustomer Id Not Matched with EPOSNOW' "lookup failed: seed comment, will retry"
ctl POST /faults '{"target":"eposnow","fail_next":0}' >/dev/null
$T queue retry "$(item_of shop2 orders "order:$O7" | cut -f1)" >/dev/null
drain
expect_eq "$(order_comment "$O7")" $'succeeded\tOrder imported into Epos Now' "lookup back: imported"

# an order still pending payment is not imported
OP=$(woo_api POST /orders "{\"customer_id\":$WC,\"status\":\"pending\",\"billing\":{\"email\":\"ann@example.com\"},
	\"line_items\":[{\"product_id\":$WP,\"quantity\":1}]}" | id_of)
drain
expect_eq "$(order_comment "$OP" | cut -f2)" "Order is not paid yet; it is imported once it is processing or completed" \
	"unpaid order waits"

sandbox_stop
finish
