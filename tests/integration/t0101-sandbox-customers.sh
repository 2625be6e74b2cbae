#!/usr/bin/env bash
# Customers Queue (Epos Now -> WooCommerce) against the sandbox: every seed
# comment, loyalty points landing in the shop, Epos Now down then back,
# WooCommerce refusing, a 429 storm obeyed through Retry-After.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_sandbox.sh"
T=$TILLSYNC

sandbox_start --seed 7 --customers 6 --products 4 --orders 0
account_setup shop1
$T account set shop1 stock_master=pos customer_sync=off >/dev/null

# the first cycle records what exists and queues nothing
drain
expect_eq "$(items shop1 customers | json_len)" "0" "first cycle queues nothing"

E=$(ctl GET "/state?target=eposnow" | jq_py 'j["eposnow"]["customers"][0]["Id"]')
W=$(ctl GET "/state?target=woocommerce" | jq_py 'j["woocommerce"]["customers"][0]["id"]')
key=$($T account show shop1 | awk '$1 == "loyalty_meta_key" { print $2 }')
woo_points() {
	ctl GET "/state?target=woocommerce" | jq_py "[m['value'] for c in j['woocommerce']['customers'] if c['id'] == $W
		for m in c['meta_data'] if m['key'] == '$key'] or ['none']" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0])'
}

# a till user changes the customer's points
ctl PUT "/eposnow/customers/$E" '{"CurrentPoints": 120}' >/dev/null
drain
read -r id status comment < <(item_of shop1 customers "customer:$E" | tr '\t' ' ')
expect_eq "$status" "skipped" "sync off: item skipped"
expect_eq "$comment" "Customer sync is not enabled" "sync off: seed comment"
inbound=$($T --json inbound list --account shop1)
expect_contains "$inbound" "\"remote_id\": \"$E\"" "the change is in the inbound log"

$T account set shop1 customer_sync=on >/dev/null
$T queue retry "$id" >/dev/null
drain
expect_eq "$(item_of shop1 customers "customer:$E" | cut -f2,3)" $'failed\tCustomer is not linked' \
	"sync on, no link: failed, seed comment"

$T link customer --account shop1 --pos "$E" --shop "$W" >/dev/null
$T queue retry "$id" >/dev/null
drain
expect_eq "$(item_of shop1 customers "customer:$E" | cut -f2,3)" $'succeeded\tSuccessfully Updated' \
	"linked and retried: Successfully Updated"
expect_eq "$(woo_points)" "120" "the loyalty balance is on the WooCommerce customer ($key)"

# Epos Now down, then back
# (the cycle still sees the change; then every read of this customer fails)
ctl PUT "/eposnow/customers/$E" '{"CurrentPoints": 150}' >/dev/null
ctl POST /faults "{\"target\":\"eposnow\",\"fail_next\":{\"count\":3,\"route\":\"GET /Customer/{id}\",\"status\":503}}" >/dev/null
drain
read -r id status comment < <(item_of shop1 customers "customer:$E" | tr '\t' ' ')
expect_eq "$status $comment" "retry Customer Endpoint Point call api failed" "Epos Now down: retry comment"
expect_contains "$($T queue show "$id")" "503" "the attempt keeps Epos Now's answer"
ctl POST /faults '{"target":"eposnow","fail_next":0}' >/dev/null
$T queue retry "$id" >/dev/null
drain
expect_eq "$(item_of shop1 customers "customer:$E" | cut -f2,3)" $'succeeded\tSuccessfully Updated' \
	"Epos Now back: Successfully Updated"
expect_eq "$(woo_points)" "150" "the new balance reached WooCommerce"

# WooCommerce refuses the write
ctl POST /faults '{"target":"woocommerce","fail_next":{"count":50,"route":"PUT /customers/{id}","status":500}}' >/dev/null
ctl PUT "/eposnow/customers/$E" '{"CurrentPoints": 170}' >/dev/null
drain
read -r id status comment < <(item_of shop1 customers "customer:$E" | tr '\t' ' ')
expect_eq "$comment" "WooCommerce customer not updated" "WooCommerce 500: seed comment"
expect_eq "$status" "retry" "WooCommerce 500 is retried"
expect_contains "$($T queue show "$id")" "500" "the attempt keeps WooCommerce's answer"
expect_eq "$(woo_points)" "150" "nothing half-written in WooCommerce"
ctl POST /faults '{"target":"woocommerce","fail_next":0}' >/dev/null
$T queue retry "$id" >/dev/null
drain
expect_eq "$(item_of shop1 customers "customer:$E" | cut -f2,3)" $'succeeded\tSuccessfully Updated' \
	"WooCommerce back: Successfully Updated"

# a 429 storm: the item waits as long as Retry-After says, without hammering
# (a second, fresh customer and a short backoff, so Retry-After decides)
$T account set shop1 retry_base=1s >/dev/null
E2=$(ctl GET "/state?target=eposnow" | jq_py 'j["eposnow"]["customers"][1]["Id"]')
W2=$(ctl GET "/state?target=woocommerce" | jq_py 'j["woocommerce"]["customers"][1]["id"]')
$T link customer --account shop1 --pos "$E2" --shop "$W2" >/dev/null
ctl PUT "/eposnow/customers/$E2" '{"CurrentPoints": 200}' >/dev/null
$T cycle --account shop1 --feed customers >/dev/null
ctl POST /reset-counters '{"target":"eposnow"}' >/dev/null
ctl POST /faults '{"target":"eposnow","rate_limit":{"every":1,"retry_after":3}}' >/dev/null
drain
read -r id status comment < <(item_of shop1 customers "customer:$E2" | tr '\t' ' ')
expect_eq "$status" "retry" "429: the item waits"
calls=$(ctl GET "/counters?target=eposnow" | jq_py 'j["eposnow"]["endpoints"].get("GET /Customer/{id}", {}).get("requests", 0)')
expect_eq "$calls" "1" "one read of the customer, then it waits (no hammering)"
wait_s=$($T --json queue show "$id" | python3 -c '
import json, sys
from datetime import datetime
i = json.load(sys.stdin)
p = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
print(int((p(i["next_try_at"]) - p(i["updated_at"])).total_seconds() + 0.5))')
if [ "$wait_s" -ge 3 ] && [ "$wait_s" -le 5 ]; then ok "next try follows Retry-After (3 s), not the 1 s backoff: $wait_s s"
else not_ok "next try in $wait_s s, want Retry-After's 3 s"; fi
ctl POST /faults '{"target":"eposnow","rate_limit":null}' >/dev/null
sleep "$wait_s"
drain
expect_eq "$(item_of shop1 customers "customer:$E2" | cut -f2,3)" $'succeeded\tSuccessfully Updated' \
	"after the storm: Successfully Updated"
W=$W2
expect_eq "$(woo_points)" "200" "the balance reached WooCommerce"

sandbox_stop
finish
