#!/usr/bin/env bash
# Daemon: workers process queued items with a Comment and an attempt
# history; SIGTERM stops it cleanly; logs are stored per service and type.
. "$(dirname "$0")/lib.sh"
T=$TILLSYNC

$T init >/dev/null
$T account add bakery >/dev/null
for i in 1 2 3 4 5; do $T queue add --account bakery --queue customers --subject customer:$i >/dev/null; done
$T queue add --account bakery --queue orders --subject order:1 --direction shop_to_pos >/dev/null

$T run --threads 2 --listen 127.0.0.1:0 > "$WORK/run.out" 2> "$WORK/run.err" &
pid=$!
PIDS+=("$pid")
for _ in $(seq 1 100); do
	pending=$($T --json queue list --status pending | json_len)
	[ "$pending" -eq 0 ] && break
	sleep 0.1
done
expect_eq "$pending" "0" "daemon took every item"
grep -q "state in $TILLSYNC_DB" "$WORK/run.out" && ok "daemon says where the state lives" || not_ok "no state line"
grep -q "kill -TERM $pid" "$WORK/run.out" && ok "daemon says how to stop it" || not_ok "no stop line"

# no POS connection yet: each item fails with a comment saying what to do
failed=$($T --json queue list --status failed | json_len)
expect_eq "$failed" "6" "items without connections fail for an operator"
c=$($T --json queue show 1 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["comment"]); print(len(d["attempt_history"]))')
expect_contains "$c" "no POS connection" "comment explains the cause"
expect_contains "$c" $'\n1' "attempt history recorded"

# operator retries all failed items of the queue sharing one comment
comment=$($T --json queue show 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["comment"])')
out=$($T queue retry --all-failed --queue customers --comment "$comment")
expect_contains "$out" "5 failed items" "bulk retry by comment"
for _ in $(seq 1 100); do
	n=$($T --json queue list --status failed --queue customers | json_len)
	[ "$n" -eq 5 ] && break
	sleep 0.1
done
h=$($T --json queue show 1 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["attempt_history"]))')
expect_eq "$h" "2" "retried item has two attempts in its history"

kill -TERM "$pid"
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then not_ok "daemon still running after SIGTERM"; else ok "daemon exits on SIGTERM"; fi
wait "$pid"; rc=$?
expect_eq "$rc" "0" "clean exit code"
running=$($T --json queue list --status running | json_len)
expect_eq "$running" "0" "no item left claimed after shutdown"
logs=$($T logs --service daemon --type info)
expect_contains "$logs" "started with 2 workers" "start is logged"
expect_contains "$logs" "stopped on signal" "stop is logged"
grep -q 'info service=daemon msg="started' "$WORK/run.err" && ok "structured stderr line" || not_ok "no structured stderr line"

# --until-idle: works off what is due, then exits by itself
$T queue add --account bakery --queue customers --subject customer:77 >/dev/null
$T queue add --account bakery --queue orders --subject order:78 --direction shop_to_pos >/dev/null
timeout 60 $T run --until-idle --threads 2 >/dev/null 2>&1; rc=$?
expect_eq "$rc" "0" "run --until-idle exits 0 by itself"
left=$($T --json queue list --status pending | json_len)
expect_eq "$left" "0" "nothing left pending after --until-idle"
st=$($T --json queue list --account bakery --queue orders | python3 -c '
import json, sys
print([i["status"] for i in json.load(sys.stdin) if i["subject_id"] == "78"][0])')
[ "$st" != "pending" ] && [ "$st" != "running" ] && ok "the order item was worked ($st)" || not_ok "order item still $st"
expect_fail 2 "run --lease 0 is refused" $T run --until-idle --lease 0
finish
