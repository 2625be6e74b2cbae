#!/usr/bin/env bash
# Webhook receiver: a signed delivery is stored (inbound log + Orders Queue)
# before the 200; a missing or wrong signature gets 401 and stores nothing;
# WooCommerce's unsigned ping gets 200; an oversized body gets 413.
# Signatures are computed here with the openssl CLI, independently of tillsync.
. "$(dirname "$0")/lib.sh"
T=$TILLSYNC
SECRET=0123456789abcdef0123456789abcdef

$T init >/dev/null
$T account add corner-shop >/dev/null
printf 'cs_x' | $T connection add --account corner-shop --kind woocommerce --url http://127.0.0.1:9 --key ck_x --secret-file - >/dev/null
$T account set corner-shop webhook_secret=$SECRET >/dev/null
shown=$($T account show corner-shop)
[[ "$shown" == *"$SECRET"* ]] && not_ok "webhook secret printed" || ok "webhook secret never printed"

$T run --threads 1 --listen 127.0.0.1:0 > "$WORK/run.out" 2> "$WORK/run.err" &
pid=$!
PIDS+=("$pid")
for _ in $(seq 1 50); do grep -q "listening on" "$WORK/run.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^tillsync: listening on \(http:[^ ]*\) .*/\1/p' "$WORK/run.out")
[ -n "$URL" ] && ok "daemon listens ($URL)" || { not_ok "no listen line"; cat "$WORK/run.out" "$WORK/run.err"; finish; exit 1; }
HOOK="$URL/hooks/corner-shop/shop"

sign() { printf '%s' "$1" | openssl dgst -sha256 -hmac "$2" -binary | base64; }
post() {  # post BODY SIGNATURE TOPIC -> prints the HTTP status
	local args=(-s -o "$WORK/resp" -w '%{http_code}' -X POST -H 'Content-Type: application/json'
		-H "X-WC-Webhook-Topic: $3" --data-binary "$1")
	[ -n "$2" ] && args+=(-H "X-WC-Webhook-Signature: $2")
	curl "${args[@]}" "$HOOK"
}

body='{"id":1042,"status":"processing","total":"21.99"}'
code=$(post "$body" "$(sign "$body" $SECRET)" order.updated)
expect_eq "$code" "200" "signed delivery accepted"
items=$($T --json queue list --queue orders | python3 -c 'import json,sys; v=json.load(sys.stdin); print(len(v), v[0]["subject_id"], v[0]["reason"])')
expect_eq "$items" "1 1042 webhook" "delivery queued in the Orders Queue before the answer"
ev=$($T --json inbound list | python3 -c 'import json,sys; v=json.load(sys.stdin); print(len(v), v[0]["source"], v[0]["entity"], v[0]["remote_id"], v[0]["item_id"] is not None)')
expect_eq "$ev" "1 webhook order 1042 True" "arrival recorded in the inbound log"

code=$(post "$body" "$(sign "$body" wrongsecretwrongsecret)" order.updated)
expect_eq "$code" "401" "wrong signature refused"
code=$(post '{"id":9}' "" order.updated)
expect_eq "$code" "401" "missing signature refused"
tampered='{"id":1043,"status":"processing","total":"21.99"}'
code=$(post "$tampered" "$(sign "$body" $SECRET)" order.updated)
expect_eq "$code" "401" "body changed after signing refused"
n=$($T --json inbound list | json_len)
expect_eq "$n" "1" "refused deliveries stored nothing"
$T logs --service webhook --type error | grep -q "signature" && ok "refusals logged" || not_ok "refusals not logged"
$T logs --service webhook | grep -q "$SECRET" && not_ok "secret in logs" || ok "secret not in logs"

code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data 'webhook_id=5' "$HOOK")
expect_eq "$code" "200" "unsigned ping answered 200"
n=$($T --json inbound list | json_len)
expect_eq "$n" "1" "ping stored nothing"

# the same order pushed again: queued again (a pending item would absorb it; unit-tested)
code=$(post "$body" "$(sign "$body" $SECRET)" order.updated)
expect_eq "$code" "200" "second delivery accepted"
n=$($T --json inbound list | json_len)
expect_eq "$n" "2" "each delivery is its own arrival record"

head -c 3000000 /dev/zero | tr '\0' 'a' > "$WORK/big"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary @"$WORK/big" "$HOOK")
expect_eq "$code" "413" "oversized body refused"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary "$body" "$URL/hooks/nobody/shop")
expect_eq "$code" "404" "unknown account"
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")
expect_eq "$code" "200" "health check"

m=$(curl -s "$URL/metrics")
expect_contains "$m" 'tillsync_events_total{event="webhook_accepted"} 2' "metrics count accepted deliveries"
expect_contains "$m" 'tillsync_events_total{event="webhook_refused"} 3' "metrics count refused deliveries"
expect_contains "$m" 'tillsync_queue_items{queue="orders",status=' "metrics show queue depth"
expect_contains "$m" '# TYPE tillsync_remote_call_seconds histogram' "remote latency histogram exposed"

kill -TERM "$pid"; wait "$pid"; rc=$?
expect_eq "$rc" "0" "clean exit"
finish
