#!/usr/bin/env bash
# The daemon is killed (kill -9) while Epos Now is still answering the
# transaction POST for a WooCommerce order; Epos Now then creates it anyway.
# After a restart the order's item is taken up again and must find that
# transaction by our reference instead of creating a second one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_sandbox.sh"
T=$TILLSYNC

sandbox_start --seed 3 --customers 1 --products 1 --orders 0
account_setup crash
$T account set crash stock_master=pos customer_sync=on >/dev/null
drain

id_of() { jq_py 'j["Id"] if "Id" in j else j["id"]' 2>/dev/null; }
ctl POST /eposnow/products '{"Name":"Scone","SalePrice":3.20,"CostPrice":1.10,"EatOutPrice":3.20,"Sku":"SCONE"}' >/dev/null
WP=$(woo_api POST /products '{"name":"Scone","regular_price":"3.20","sku":"SCONE"}' | id_of)
O=$(woo_api POST /orders "{\"customer_id\":0,\"status\":\"processing\",\"set_paid\":true,
	\"billing\":{\"email\":\"walkin@example.com\"},\"line_items\":[{\"product_id\":$WP,\"quantity\":1}]}" | id_of)
$T cycle --account crash --feed orders >/dev/null
item=$(item_of crash orders "order:$O" | cut -f1)
[ -n "$item" ] && ok "the order is queued (item $item)" || not_ok "the order was not queued"

# Epos Now takes 3 s over the next transaction POST, then stores it
ctl POST /faults '{"target":"eposnow","fail_next":{"count":1,"route":"POST /Transaction","hang_ms":3000}}' >/dev/null
$T run --threads 1 --lease 2 --listen 127.0.0.1:0 >"$WORK/run.out" 2>&1 &
pid=$!
PIDS+=("$pid")
# wait until the worker is inside the hanging POST: the request has been
# received (fail_next used up) but not answered
for _ in $(seq 1 100); do
	left=$(ctl GET "/faults?target=eposnow" | python3 -c '
import json, sys
f = json.load(sys.stdin)
f = f.get("eposnow", f)
print(f.get("fail_next", {}).get("count", -1))')
	[ "$left" = "0" ] && break
	sleep 0.1
done
expect_eq "$left" "0" "the daemon is inside the transaction POST"
kill -9 "$pid"
wait "$pid" 2>/dev/null
sleep 3.5   # Epos Now finishes the hung request and stores the transaction
refs=$(ctl GET "/state?target=eposnow" | jq_py "len([t for t in j['eposnow']['transactions'] if t.get('ReferenceCode') == 'TS1-$O'])")
expect_eq "$refs" "1" "the transaction landed although nobody heard the answer"
expect_eq "$(item_of crash orders "order:$O" | cut -f2)" "running" "the item is still leased to the dead worker"

# restart: the lease expires, the item is taken up again and looks first
drain --lease 2
expect_eq "$(item_of crash orders "order:$O" | cut -f2,3)" $'succeeded\tOrder imported into Epos Now' \
	"after the restart the item finds the transaction"
refs=$(ctl GET "/state?target=eposnow" | jq_py "len([t for t in j['eposnow']['transactions'] if t.get('ReferenceCode') == 'TS1-$O'])")
expect_eq "$refs" "1" "exactly one transaction in Epos Now"
show=$($T queue show "$item")
expect_contains "$show" "abandoned" "the attempt history shows the lost attempt"

sandbox_stop
finish
