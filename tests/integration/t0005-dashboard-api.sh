#!/usr/bin/env bash
# The dashboard's API routes (health monitor, chart, status page, Test
# Connection, customer matching, Sync Now jobs) and its embedded files: each
# route refuses the unauthenticated and other merchants' accounts.
. "$(dirname "$0")/lib.sh"
T=$TILLSYNC

$T init >/dev/null
$T account add shop1 >/dev/null
$T account add shop2 >/dev/null
# a POS nobody answers at: Test Connection and the customers cycle must say so
printf 'pos-secret-value' | $T connection add --account shop1 --kind eposnow --url http://127.0.0.1:9 \
	--key pos-key --secret-file - >/dev/null
$T queue add --account shop1 --queue customers --subject customer:1 >/dev/null
$T queue add --account shop2 --queue orders --subject order:2 >/dev/null
export TILLSYNC_PASSWORD='correct horse battery'
$T user add ann --role merchant --account shop1 >/dev/null
$T user add sue --role support >/dev/null

$T run --threads 1 --listen 127.0.0.1:0 > "$WORK/run.out" 2> "$WORK/run.err" &
pid=$!
PIDS+=("$pid")
for _ in $(seq 1 50); do grep -q "listening on" "$WORK/run.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^tillsync: listening on \(http:[^ ]*\) .*/\1/p' "$WORK/run.out")

# call JAR METHOD PATH [BODY] [extra curl args...] -> "status body"
call() {
	local jar=$1 m=$2 p=$3 b=${4:-}; shift 4 2>/dev/null || shift $#
	local args=(-s -o "$WORK/body" -w '%{http_code}' -X "$m" -b "$jar" -c "$jar")
	[ -n "$b" ] && args+=(-H 'Content-Type: application/json' --data-binary "$b")
	code=$(curl "${args[@]}" "$@" "$URL/api$p")
	echo "$code $(cat "$WORK/body")"
}
field() { python3 -c "import json,sys; v=json.load(sys.stdin); print(($1))"; }
A="$WORK/ann.jar" S="$WORK/sue.jar" N="$WORK/none.jar"
r=$(call "$A" POST /login '{"name":"ann","password":"correct horse battery"}')
CA=$(echo "${r#* }" | field 'v["csrf"]')
r=$(call "$S" POST /login '{"name":"sue","password":"correct horse battery"}')
CS=$(echo "${r#* }" | field 'v["csrf"]')

# ---- every new route: not logged in -> 401, another merchant's account -> 403
for route in "GET /meta" "GET /health?account=shop1" "GET /stats/hourly" "GET /activity?account=shop1" \
	"POST /accounts/shop1/test-connection" "GET /customer-match?account=shop1&pos_id=1" "POST /jobs" "GET /jobs/1"; do
	r=$(call "$N" ${route% *} "${route#* }")
	expect_eq "${r%% *}" "401" "unauthenticated ${route} refused"
done
for route in "GET /health?account=shop2" "GET /stats/hourly?account=shop2" "GET /activity?account=shop2" \
	"GET /customer-match?account=shop2&pos_id=1"; do
	r=$(call "$A" ${route% *} "${route#* }")
	expect_eq "${r%% *}" "403" "merchant: ${route} of another account refused"
done
r=$(call "$A" POST /accounts/shop2/test-connection '' -H "X-CSRF-Token: $CA")
expect_eq "${r%% *}" "403" "merchant: Test Connection of another account refused"
r=$(call "$A" POST /jobs '{"account":"shop2","kind":"sync-now"}' -H "X-CSRF-Token: $CA")
expect_eq "${r%% *}" "403" "merchant: Sync Now of another account refused"
n=$($T --json jobs | json_len)
expect_eq "$n" "0" "no job started by the refused request"

# ---- meta: the dashboard's words come from the tables
r=$(call "$A" GET /meta)
expect_eq "${r%% *}" "200" "meta"
expect_contains "${r#* }" '"Customers Queue"' "meta names the Customers Queue"
expect_contains "$(echo "${r#* }" | field '[s["key"] for s in v["settings"]]')" "customer_sync" "meta lists the settings"
expect_eq "$(echo "${r#* }" | field '[s["default"] for s in v["settings"] if s["secret"]]')" "['']" "secret setting has no default shown"

# ---- the health monitor
r=$(call "$A" GET /health)
expect_eq "${r%% *}" "200" "merchant's health monitor defaults to its account"
expect_eq "$(echo "${r#* }" | field 'v["account"]')" "shop1" "health of shop1"
# the daemon's first cycle may have run already: it cannot reach the POS
expect_eq "$(echo "${r#* }" | field '",".join(f["feed"]+"="+f["state"].replace("never run","error") for f in v["feeds"])')" \
	"customers=error,customer_types=error,orders=not configured,products=off,inventory=off,stock_check=off" "each feed's state"
expect_eq "$(echo "${r#* }" | field 'v["queues"]["customers"]["pending"]+v["queues"]["customers"]["running"]+v["queues"]["customers"]["failed"]+v["queues"]["customers"]["retry"]+v["queues"]["customers"]["skipped"]+v["queues"]["customers"]["succeeded"]')" "1" "counts per queue and status"
r=$(call "$S" GET /health)
expect_eq "${r%% *}" "400" "support names the account"
r=$(call "$S" GET /health?account=shop2)
expect_eq "${r%% *}" "200" "support sees any account's health"
r=$(call "$S" GET /health?account=nosuch)
expect_eq "${r%% *}" "404" "unknown account"

# ---- Test Connection: a result, with the connector's words, journaled, no secret
r=$(call "$A" POST /accounts/shop1/test-connection '')
expect_eq "${r%% *}" "403" "Test Connection without CSRF token refused"
r=$(call "$A" POST /accounts/shop1/test-connection '' -H "X-CSRF-Token: $CA")
expect_eq "${r%% *}" "200" "Test Connection ran"
expect_eq "$(echo "${r#* }" | field 'v["ok"], v["results"][0]["kind"], v["results"][0]["ok"], v["results"][1]["configured"]')" \
	"(False, 'eposnow', False, False)" "POS unreachable, shop not configured"
expect_eq "$(echo "${r#* }" | field 'len(v["results"][0]["message"]) > 3')" "True" "says what is wrong"
[[ "${r}" == *pos-secret-value* || "${r}" == *pos-key* ]] && not_ok "credentials echoed" || ok "no credentials in the answer"
$T logs --account shop1 --type error | grep -q "Test Connection by ann" && ok "Test Connection journaled" || not_ok "not journaled"

# ---- customer matching needs both sides
r=$(call "$A" GET "/customer-match?account=shop1")
expect_eq "${r%% *}" "400" "customer match needs pos_id"
r=$(call "$A" GET "/customer-match?account=shop1&pos_id=1")
expect_eq "${r%% *}" "409" "customer match without a shop connection"
expect_contains "${r#* }" "both a POS and a shop connection" "and says why"

# ---- Sync Now as a job: 202, then progress to the end
r=$(call "$A" POST /jobs '{"account":"shop1","kind":"sync-now"' -H "X-CSRF-Token: $CA")
expect_eq "${r%% *}" "400" "malformed body refused"
r=$(call "$A" POST /jobs '{"account":"shop1","kind":"full-rebuild"}' -H "X-CSRF-Token: $CA")
expect_eq "${r%% *}" "400" "unknown job kind refused"
n=$($T --json jobs | json_len)
expect_eq "$n" "0" "nothing started by bad requests"
r=$(call "$S" POST /jobs '{"account":"shop2","kind":"sync-now"}' -H "X-CSRF-Token: $CS")
expect_eq "${r%% *}" "202" "Sync Now started"
J2=$(echo "${r#* }" | field 'v["job"]["id"]')
for _ in $(seq 1 100); do
	r=$(call "$S" GET /jobs/$J2)
	[ "$(echo "${r#* }" | field 'v["job"]["state"]')" != "running" ] && break
	sleep 0.1
done
expect_eq "$(echo "${r#* }" | field 'v["job"]["state"], v["job"]["done"], v["job"]["total"]')" "('succeeded', 6, 6)" "job reached the end"
expect_contains "$(echo "${r#* }" | field 'v["job"]["message"]')" "no POS connection yet" "job says what it did"
r=$(call "$A" GET /jobs/$J2)
expect_eq "${r%% *}" "404" "merchant cannot see another account's job"
r=$(call "$A" GET /jobs/abc)
expect_eq "${r%% *}" "400" "job id checked"

r=$(call "$A" POST /jobs '{"account":"shop1","kind":"sync-now"}' -H "X-CSRF-Token: $CA")
expect_eq "${r%% *}" "202" "merchant's Sync Now started"
J1=$(echo "${r#* }" | field 'v["job"]["id"]')
for _ in $(seq 1 300); do
	r=$(call "$A" GET /jobs/$J1)
	[ "$(echo "${r#* }" | field 'v["job"]["state"]')" != "running" ] && break
	sleep 0.1
done
expect_eq "$(echo "${r#* }" | field 'v["job"]["state"]')" "failed" "a feed that cannot reach its POS fails the job"
expect_contains "$(echo "${r#* }" | field 'v["job"]["message"]')" "Customers failed" "and the message says which"
r=$(call "$A" GET /health)
expect_eq "$(echo "${r#* }" | field 'v["feeds"][0]["state"], len(v["feeds"][0]["last_error"]) > 0, v["feeds"][0]["last_run_at"] is not None')" \
	"('error', True, True)" "the health monitor shows the failed run and why"

# ---- the status page
r=$(call "$A" GET /activity)
expect_eq "${r%% *}" "200" "status page"
expect_eq "$(echo "${r#* }" | field '[(i["role"], i["configured"]) for i in v["integrations"]]')" \
	"[('pos', True), ('shop', False)]" "one entry per side, configured or not"
expect_eq "$(echo "${r#* }" | field 'v["integrations"][0]["kind"], v["integrations"][0]["name"], v["integrations"][0]["credentials_set"]')" \
	"('eposnow', 'Epos Now', True)" "the connection's kind, no secret"
[[ "${r}" == *pos-secret-value* ]] && not_ok "secret on the status page" || ok "no secret on the status page"
expect_eq "$(echo "${r#* }" | field '[a["queue"] for a in v["activity"]]')" "['customers']" "latest work per queue"

# ---- the chart: every hour present, the workers' attempts counted
for _ in $(seq 1 50); do
	r=$(call "$A" GET /stats/hourly)
	[ "$(echo "${r#* }" | field 'sum(sum(b[o] for o in v["outcomes"]) for b in v["buckets"])')" != "0" ] && break
	sleep 0.1
done
expect_eq "${r%% *}" "200" "items per hour"
expect_eq "$(echo "${r#* }" | field 'len(v["buckets"]), v["outcomes"]')" \
	"(24, ['succeeded', 'skipped', 'retry', 'failed', 'abandoned'])" "24 hours by outcome"
expect_eq "$(echo "${r#* }" | field 'sum(sum(b[o] for o in v["outcomes"]) for b in v["buckets"])')" "1" "shop1's one attempt counted, not shop2's"
r=$(call "$S" GET /stats/hourly)
expect_eq "$(echo "${r#* }" | field 'sum(sum(b[o] for o in v["outcomes"]) for b in v["buckets"])')" "2" "support sees all accounts' attempts"
r=$(call "$A" GET "/stats/hourly?hours=0")
expect_eq "${r%% *}" "400" "hours checked"
r=$(call "$A" GET "/stats/hourly?queue=nope")
expect_eq "${r%% *}" "400" "queue checked"

# ---- the dashboard's files: built in, strict CSP, read-only
h=$(curl -s -D - -o "$WORK/index" "$URL/")
expect_contains "$h" "200" "GET / answers"
expect_contains "$h" "Content-Security-Policy: default-src 'self'" "with a strict CSP"
expect_contains "$h" "text/html" "as HTML"
grep -q '<script src="assets/app.js"' "$WORK/index" && ok "index loads app.js from the binary" || not_ok "no app.js"
h=$(curl -s -D - -o /dev/null "$URL/assets/app.js")
expect_contains "$h" "text/javascript" "app.js served as JavaScript"
etag=$(printf '%s\n' "$h" | sed -n 's/^ETag: \(.*\)\r$/\1/p')
r=$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$URL/assets/app.js")
expect_eq "$r" "304" "unchanged file revalidates with 304"
r=$(curl -s -o /dev/null -w '%{http_code}' --path-as-is "$URL/assets/../t.db")
expect_eq "$r" "404" "no path out of the assets"
r=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL/")
expect_eq "$r" "405" "the dashboard is read-only"

kill -TERM "$pid"; wait "$pid"
expect_eq "$?" "0" "daemon stopped cleanly"
finish
