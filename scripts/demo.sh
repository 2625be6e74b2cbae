#!/usr/bin/env bash
# The main job: installs what is needed, builds tillsync, creates a store
# with a demo account wired to the bundled sandbox POS and shop, and runs the
# daemon in the foreground until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/release -j "$(nproc 2>/dev/null || echo 2)"

state=${TILLSYNC_DEMO_DIR:-$PWD/demo}
mkdir -p "$state"
export TILLSYNC_DB="$state/tillsync.db"
T=build/release/tillsync

$T init
$T account show demo >/dev/null 2>&1 || $T account add demo

sandbox_pid=""
stop_all() {
	[ -n "$sandbox_pid" ] && kill -TERM "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
	true
}
trap stop_all EXIT

if [ -x build/release/tillsync-sandbox ]; then
	# the sandbox prints one JSON line naming each emulator's URL and credentials
	coproc SANDBOX { exec build/release/tillsync-sandbox --seed 1 --products 200 --customers 50 --orders 20; }
	sandbox_pid=$SANDBOX_PID
	IFS= read -r -t 30 ready <&"${SANDBOX[0]}"
	echo "sandbox: $ready"
	eval "$(printf '%s' "$ready" | python3 -c '
import json, shlex, sys
r = json.load(sys.stdin)
w, e = r["woocommerce"], r["eposnow"]
for k, v in (("WOO_URL", w["base_url"]), ("WOO_KEY", w["consumer_key"]), ("WOO_SECRET", w["consumer_secret"]),
             ("EPOS_URL", e["base_url"]), ("EPOS_KEY", e["api_key"]), ("EPOS_SECRET", e["api_secret"])):
    print(f"{k}={shlex.quote(v)}")
')"
	printf '%s' "$EPOS_SECRET" | $T connection add --account demo --kind eposnow --url "$EPOS_URL" --key "$EPOS_KEY" --secret-file -
	printf '%s' "$WOO_SECRET" | $T connection add --account demo --kind woocommerce --url "$WOO_URL" --key "$WOO_KEY" --secret-file -
fi

$T account set demo stock_master=pos customer_sync=on
$T status
echo
echo "state lives in $TILLSYNC_DB (inspect it with: TILLSYNC_DB=$TILLSYNC_DB $T status)"
echo "stop with Ctrl-C"
$T run
