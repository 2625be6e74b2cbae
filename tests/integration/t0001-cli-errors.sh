#!/usr/bin/env bash
# CLI: bad arguments, unknown accounts, missing or corrupt stores give a
# one-line error and a non-zero exit, and change nothing.
. "$(dirname "$0")/lib.sh"
T=$TILLSYNC

expect_fail 1 "missing store" $T status
[ ! -e "$TILLSYNC_DB" ] && ok "missing store is not created by a read" || not_ok "store was created"
$T init >/dev/null && ok "init" || not_ok "init"
perm=$(stat -c %a "$TILLSYNC_DB")
expect_eq "$perm" "600" "store file is owner-only"
$T account add corner-shop >/dev/null && ok "account add" || not_ok "account add"

before=$(sha256sum "$TILLSYNC_DB" | cut -d' ' -f1)
expect_fail 2 "unknown command" $T frobnicate
expect_fail 2 "unknown global option" $T --frob status
expect_fail 1 "duplicate account" $T account add corner-shop
expect_fail 1 "unknown account" $T account show nobody
expect_fail 1 "bad setting value" $T account set corner-shop customer_sync=maybe
expect_fail 2 "unknown setting" $T account set corner-shop colour=blue
expect_fail 1 "bad item id" $T queue show abc
expect_fail 1 "missing item" $T queue show 999
expect_fail 2 "unknown queue" $T queue list --queue nope
expect_fail 2 "unknown status" $T queue list --status nope
expect_fail 1 "queue add for unknown account" $T queue add --account nobody --queue customers --subject customer:1
expect_fail 1 "queue add with bad payload" $T queue add --account corner-shop --queue customers --subject customer:1 --payload '{oops'
expect_fail 2 "connection without credentials" $T connection add --account corner-shop --kind eposnow --url http://x
expect_fail 2 "connection of unknown kind" $T connection add --account corner-shop --kind till9000 --url http://x --key k
expect_fail 2 "logs with bad type" $T logs --type loud
after=$(sha256sum "$TILLSYNC_DB" | cut -d' ' -f1)
expect_eq "$after" "$before" "failed commands changed nothing"

# a half-valid 'account set' writes nothing
expect_fail 1 "account set stops at the first bad value" $T account set corner-shop customer_sync=on retry_base=forever
sync_val=$($T --json account show corner-shop | python3 -c 'import json,sys; print(json.load(sys.stdin)["settings"]["customer_sync"])')
expect_eq "$sync_val" "off" "no setting written when one is invalid"

# secrets are stored but never printed
printf 'cs_verysecret\n' > "$WORK/secret"
$T connection add --account corner-shop --kind woocommerce --url http://127.0.0.1:9 --key ck_visible --secret-file "$WORK/secret" >/dev/null
out=$($T connection list; $T --json connection list; $T account show corner-shop; $T --json account show corner-shop; $T status)
[[ "$out" == *cs_verysecret* ]] && not_ok "secret printed" || ok "secret never printed"
[[ "$out" == *ck_visible* ]] && not_ok "key printed" || ok "key never printed"

# every listing has --json with an array of objects
for cmd in "account list" "connection list" "queue list" "jobs" "logs"; do
	n=$($T --json $cmd | python3 -c 'import json,sys; v=json.load(sys.stdin); assert isinstance(v, list); print("ok")' 2>&1)
	expect_eq "$n" "ok" "'$cmd --json' prints a JSON array"
done

# help on every command
for c in init account connection queue jobs logs status run; do
	$T $c --help | grep -q "usage: tillsync" && ok "$c --help" || not_ok "$c --help"
done

# corrupt store
echo "this is not a database" > "$WORK/bad.db"
expect_fail 1 "corrupt store" $T --db "$WORK/bad.db" status
finish
