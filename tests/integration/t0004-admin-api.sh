#!/usr/bin/env bash
# Admin API: log in, see and act on your own account only, CSRF on changes,
# API tokens for scripts, malformed bodies refused with nothing changed.
. "$(dirname "$0")/lib.sh"
T=$TILLSYNC

$T init >/dev/null
$T account add shop1 >/dev/null
$T account add shop2 >/dev/null
$T queue add --account shop1 --queue customers --subject customer:1 >/dev/null
$T queue add --account shop2 --queue customers --subject customer:2 >/dev/null
export TILLSYNC_PASSWORD='correct horse battery'
$T user add ann --role merchant --account shop1 >/dev/null && ok "merchant user added" || not_ok "user add"
$T user add bob --role merchant --account shop2 >/dev/null
$T user add sue --role support >/dev/null
TILLSYNC_PASSWORD=short $T user add eve --role support 2>/dev/null && not_ok "short password accepted" || ok "short password refused"
$T user list | grep -q 'argon2' && not_ok "password hash listed" || ok "password hash never listed"

$T run --threads 1 --listen 127.0.0.1:0 > "$WORK/run.out" 2> "$WORK/run.err" &
pid=$!
PIDS+=("$pid")
for _ in $(seq 1 50); do grep -q "listening on" "$WORK/run.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^tillsync: listening on \(http:[^ ]*\) .*/\1/p' "$WORK/run.out")
J="$WORK/jar"

# call METHOD PATH [BODY] [extra curl args...] -> "status body"
call() {
	local m=$1 p=$2 b=${3:-}; shift 3 2>/dev/null || shift $#
	local args=(-s -o "$WORK/body" -w '%{http_code}' -X "$m" -b "$J" -c "$J")
	[ -n "$b" ] && args+=(-H 'Content-Type: application/json' --data-binary "$b")
	code=$(curl "${args[@]}" "$@" "$URL/api$p")
	echo "$code $(cat "$WORK/body")"
}
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

r=$(call GET /accounts)
expect_eq "${r%% *}" "401" "unauthenticated request refused"
r=$(call POST /login '{"name":"ann","password":"wrong password!"}')
expect_eq "${r%% *}" "401" "wrong password refused"
r=$(call POST /login '{"name":"nobody","password":"whatever12345"}')
expect_eq "${r%% *}" "401" "unknown user refused alike"
r=$(call POST /login '{"name":"ann","password":"correct horse battery"}')
expect_eq "${r%% *}" "200" "merchant logs in"
CSRF=$(echo "${r#* }" | field '["csrf"]')
grep -q 'ts_session' "$J" && ok "session cookie set" || not_ok "no cookie"
grep -q '#HttpOnly_' "$J" && ok "cookie is HttpOnly" || not_ok "cookie not HttpOnly"

r=$(call GET /accounts)
n=$(echo "${r#* }" | field '.__len__()'); names=$(echo "${r#* }" | python3 -c 'import json,sys; print(",".join(a["name"] for a in json.load(sys.stdin)))')
expect_eq "$names" "shop1" "merchant sees only its own account"
r=$(call GET /accounts/shop2)
expect_eq "${r%% *}" "403" "another account refused"
r=$(call GET "/items?account=shop2")
expect_eq "${r%% *}" "403" "another account's queue refused"
r=$(call GET /items)
ids=$(echo "${r#* }" | python3 -c 'import json,sys; print(",".join(i["account"] for i in json.load(sys.stdin)["items"]))')
expect_eq "$ids" "shop1" "item listing limited to own account"
own=$($T --json queue list --account shop1 | field '[0]["id"]')
other=$($T --json queue list --account shop2 | field '[0]["id"]')
r=$(call GET /items/$other)
expect_eq "${r%% *}" "404" "another account's item is not found"
r=$(call GET /items/$own)
expect_eq "${r%% *}" "200" "own item with history"

# changes need the CSRF token with a cookie session
r=$(call POST /items/$own/cancel '')
expect_eq "${r%% *}" "403" "state change without CSRF token refused"
st=$($T --json queue show $own | field '["status"]')
[ "$st" != "cancelled" ] && ok "nothing changed ($st)" || not_ok "cancelled without CSRF"
r=$(call POST /items/$own/cancel '' -H "X-CSRF-Token: $CSRF")
expect_eq "${r%% *}" "200" "cancel with CSRF token"
r=$(call POST /items/$own/retry '' -H "X-CSRF-Token: $CSRF")
expect_eq "${r%% *}" "200" "retry with CSRF token"
r=$(call POST /items/$other/cancel '' -H "X-CSRF-Token: $CSRF")
expect_eq "${r%% *}" "404" "cross-account action refused"
st=$($T --json queue show $other | field '["status"]')
[ "$st" != "cancelled" ] && ok "the other account's item untouched ($st)" || not_ok "other account's item cancelled"

# settings: all or nothing
r=$(call PUT /accounts/shop1/settings '{"customer_sync":"on","retry_base":"forever"}' -H "X-CSRF-Token: $CSRF")
expect_eq "${r%% *}" "400" "bad setting refused"
v=$($T --json account show shop1 | field '["settings"]["customer_sync"]')
expect_eq "$v" "off" "no setting written when one is bad"
r=$(call PUT /accounts/shop1/settings '{"customer_sync":"on"' -H "X-CSRF-Token: $CSRF")
expect_eq "${r%% *}" "400" "malformed JSON refused"
expect_contains "${r#* }" "not a JSON object" "error says what is wrong"
r=$(call PUT /accounts/shop1/settings '{"customer_sync":"on"}' -H "X-CSRF-Token: $CSRF")
expect_eq "${r%% *}" "200" "setting changed"
v=$($T --json account show shop1 | field '["settings"]["customer_sync"]')
expect_eq "$v" "on" "setting stored"

r=$(call POST /links '{"account":"shop1","entity":"customer","pos_id":"42","shop_id":"7"}' -H "X-CSRF-Token: $CSRF")
expect_eq "${r%% *}" "200" "link a customer"
$T links list --account shop1 | grep -q ' 42 ' && ok "link stored" || not_ok "link missing"
r=$(call POST /links '{"account":"shop2","entity":"customer","pos_id":"1","shop_id":"2"}' -H "X-CSRF-Token: $CSRF")
expect_eq "${r%% *}" "403" "cannot link in another account"
r=$(call GET "/logs?type=error")
expect_eq "${r%% *}" "200" "logs by type"

r=$(call POST /logout '' -H "X-CSRF-Token: $CSRF")
r=$(call GET /accounts)
expect_eq "${r%% *}" "401" "logged out"

# API tokens: no cookie, no CSRF; support sees everything; revoked is refused
TOK=$($T token create --user sue --name ci | tail -1)
r=$(curl -s -o "$WORK/body" -w '%{http_code}' -H "Authorization: Bearer $TOK" "$URL/api/accounts")
n=$(python3 -c 'import json; print(len(json.load(open("'"$WORK/body"'"))))')
expect_eq "$r $n" "200 2" "support token sees all accounts"
r=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOK" "$URL/api/items/$other/cancel")
expect_eq "$r" "200" "token acts without CSRF"
$T token list | grep -q "$TOK" && not_ok "token stored in clear" || ok "token never listed"
tid=$($T --json token list | field '[0]["id"]')
$T token revoke "$tid" >/dev/null
r=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" "$URL/api/accounts")
expect_eq "$r" "401" "revoked token refused"
$T logs --service api --type error | grep -q "refused" && ok "refusals logged" || not_ok "refusals not logged"
$T logs --service api | grep -q -e "$TOK" -e "correct horse" && not_ok "secret in logs" || ok "no secret in logs"

kill -TERM "$pid"; wait "$pid"
finish
