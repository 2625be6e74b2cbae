#!/usr/bin/env bash
# The main job: installs what is needed, builds tillsync and the sandbox,
# starts the sandbox's seeded Epos Now till and WooCommerce shop, syncs them
# (customers with loyalty points, orders into the till), prints the queues
# with their Comments, then runs the daemon with the dashboard in the
# foreground until Ctrl-C.
#
#   TILLSYNC_DEMO_DIR   where the store lives (default ./demo)
#   TILLSYNC_LISTEN     dashboard address (default 127.0.0.1:8470)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/release -j "$(nproc 2>/dev/null || echo 2)" --target tillsync tillsync-sandbox

state=${TILLSYNC_DEMO_DIR:-$PWD/demo}
listen=${TILLSYNC_LISTEN:-127.0.0.1:8470}
mkdir -p "$state"
rm -f "$state/tillsync.db" "$state/tillsync.db-wal" "$state/tillsync.db-shm"   # the sandbox starts afresh too
export TILLSYNC_DB="$state/tillsync.db"
T=build/release/tillsync

sandbox_pid=""
stop_all() {
	if [ -n "$sandbox_pid" ]; then
		kill -TERM "$sandbox_pid" 2>/dev/null || true
		wait "$sandbox_pid" 2>/dev/null || true
	fi
}
trap stop_all EXIT

# The sandbox prints one JSON line naming each emulator's URL and credentials.
coproc SANDBOX { exec build/release/tillsync-sandbox --seed 1 --products 200 --customers 50 --orders 20 \
	2>"$state/sandbox.log"; }
sandbox_pid=$SANDBOX_PID
IFS= read -r -t 60 ready <&"${SANDBOX[0]}"
eval "$(printf '%s' "$ready" | python3 -c '
import json, shlex, sys
r = json.load(sys.stdin)
w, e = r["woocommerce"], r["eposnow"]
for k, v in (("WOO_URL", w["base_url"]), ("WOO_KEY", w["consumer_key"]), ("WOO_SECRET", w["consumer_secret"]),
             ("EPOS_URL", e["base_url"]), ("EPOS_KEY", e["api_key"]), ("EPOS_SECRET", e["api_secret"]),
             ("CTL", r["control"])):
    print(f"{k}={shlex.quote(v)}")
')"
echo "sandbox: Epos Now at $EPOS_URL, WooCommerce at $WOO_URL, control at $CTL"
ctl() { curl -sS -X "$1" -H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$CTL$2"; }

$T init
$T account add demo >/dev/null
printf '%s' "$EPOS_SECRET" | $T connection add --account demo --kind eposnow --url "$EPOS_URL" --key "$EPOS_KEY" --secret-file -
printf '%s' "$WOO_SECRET" | $T connection add --account demo --kind woocommerce --url "$WOO_URL" --key "$WOO_KEY" --secret-file -
$T account set demo stock_master=pos customer_sync=on cycle_interval=30s >/dev/null
$T connection test --account demo

echo
echo "== first sync: the shop's paid orders go into the till; customers are recorded"
$T run --until-idle >/dev/null

# Link the first three customers (same e-mail on both sides in the seed
# data), then have a till user change loyalty points, one of them for a
# customer that is not linked.
python3 - "$CTL" <<'PY' >"$state/links.txt"
import json, sys, urllib.request
s = json.load(urllib.request.urlopen(sys.argv[1] + "/state"))
shop = {c["email"].lower(): c["id"] for c in s["woocommerce"]["customers"] if c.get("email")}
pairs = [(c["Id"], shop[c["EmailAddress"].lower()]) for c in s["eposnow"]["customers"]
         if (c.get("EmailAddress") or "").lower() in shop]
unlinked = [c["Id"] for c in s["eposnow"]["customers"] if (c.get("EmailAddress") or "").lower() not in shop]
for pos, web in pairs[:3]:
    print("link", pos, web)
for pos, _ in pairs[:3]:
    print("points", pos)
print("points", (unlinked or [pairs[-1][0]])[0])
till_skus = {p.get("Sku") for p in s["eposnow"]["products"] if p.get("Sku")}
for p in s["woocommerce"]["products"]:
    if p["type"] == "simple" and p["sku"] in till_skus and (p.get("stock_quantity") or 0) > 0:
        print("checkout", p["id"], pairs[0][1] if pairs else 0)
        break
PY
points=100
while read -r what pos shop; do
	case $what in
	link) $T link customer --account demo --pos "$pos" --shop "$shop" >/dev/null ;;
	points) ctl PUT "/eposnow/customers/$pos" "{\"CurrentPoints\": $points}" >/dev/null; points=$((points + 25)) ;;
	checkout)   # a shopper (a linked customer) buys it in the web shop
		ctl POST /woocommerce/checkout "{\"customer_id\":$shop,\"line_items\":[{\"product_id\":$pos,\"quantity\":1}]}" >/dev/null ;;
	esac
done <"$state/links.txt"

echo "== second sync: the till's changes and the new order"
$T run --until-idle >/dev/null
echo
$T queue list --limit 25
echo
$T status

if ! $T user list 2>/dev/null | grep -q '^demo\b'; then
	printf 'demo-password' | $T user add demo --role merchant --account demo --password-file - >/dev/null
fi
echo
echo "dashboard: http://$listen/  (user demo, password demo-password)"
echo "state lives in $TILLSYNC_DB (inspect it with: TILLSYNC_DB=$TILLSYNC_DB $T status)"
echo "stop with Ctrl-C"
$T run --listen "$listen"
