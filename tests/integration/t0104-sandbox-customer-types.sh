#!/usr/bin/env bash
# Customer types (Epos Now add / update / delete) against the sandbox, and a
# type's name reaching the linked WooCommerce customer. WooCommerce has no
# customer groups, so "the remote's response text" comment (a shop refusing
# a group write) cannot happen with it; tests/unit/test_flows.c covers that
# with a shop that has groups.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_sandbox.sh"
T=$TILLSYNC

sandbox_start --seed 5 --customers 3 --products 1 --orders 0
account_setup types
$T account set types stock_master=pos customer_sync=off >/dev/null
drain
auth="Authorization: Basic $(printf '%s:%s' "$EPOS_KEY" "$EPOS_SECRET" | base64 -w0)"
epos() { curl -sS -X "$1" -H "$auth" -H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$EPOS_URL$2"; }
type_item() { item_of types customer_types "customer_type:$1" | cut -f2,3; }

# added in Back Office while sync is off
TY=$(ctl POST /eposnow/customer-types '{"Name":"Trade"}' | jq_py 'j["Id"]')
drain
expect_eq "$(type_item "$TY")" $'skipped\tCustomer sync is not enabled' "sync off: seed comment"

$T account set types customer_sync=on >/dev/null
$T queue retry "$(item_of types customer_types "customer_type:$TY" | cut -f1)" >/dev/null
drain
expect_eq "$(type_item "$TY")" $'succeeded\tSuccessfully Updated' "added: Successfully Updated"

# a customer of that type, linked: the type's name lands on the WooCommerce customer
E=$(ctl GET "/state?target=eposnow" | jq_py 'j["eposnow"]["customers"][0]["Id"]')
W=$(ctl GET "/state?target=woocommerce" | jq_py 'j["woocommerce"]["customers"][0]["id"]')
$T link customer --account types --pos "$E" --shop "$W" >/dev/null
ctl PUT "/eposnow/customers/$E" "{\"CustomerTypeId\": $TY}" >/dev/null
drain
woo_type() {
	ctl GET "/state?target=woocommerce" | jq_py "([m['value'] for c in j['woocommerce']['customers'] if c['id'] == $W
		for m in c['meta_data'] if m['key'] == '_tillsync_customer_type'] or ['none'])[0]"
}
expect_eq "$(woo_type)" "Trade" "the type's name is on the WooCommerce customer"

# renamed in Back Office
epos PUT /CustomerType "{\"Id\": $TY, \"Name\": \"Trade account\"}" >/dev/null
drain
expect_eq "$(type_item "$TY")" $'succeeded\tSuccessfully Updated' "renamed: Successfully Updated"

# deleted in Back Office
epos DELETE /CustomerType "{\"Id\": $TY}" >/dev/null
drain
expect_eq "$(type_item "$TY")" $'succeeded\tSuccessfully Updated' "deleted: Successfully Updated"
expect_eq "$($T --json inbound list --account types | python3 -c '
import json, sys
print(sum(1 for e in json.load(sys.stdin) if e["entity"] == "customer_type" and e["remote_id"] == sys.argv[1]))' "$TY")" \
	"3" "add, rename and delete are each in the inbound log"

sandbox_stop
finish
