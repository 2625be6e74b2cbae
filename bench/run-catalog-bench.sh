#!/bin/sh
# A full product sync, Epos Now -> an EMPTY WooCommerce, against the sandbox
# with the shop's capacity model on (K PHP workers, base_ms a request,
# per_item_ms per item written), RUNS times (default 3); prints each run as
# one JSON line and the medians. Each run: a fresh sandbox and store, the
# shop cleared, `tillsync run --until-idle --threads T` under /usr/bin/time -v,
# checks (shop count, unique SKUs, every item succeeded), then a second
# cycle with nothing changed. With BASELINE=1 the shop is cleared again and
# catalog_one_by_one creates the same number of products one POST each from
# K threads (the naive client), and the wall ratio is printed.
#
# Usage: bench/run-catalog-bench.sh [build-dir] [products] [threads]
# Environment: RUNS (3), WORKERS (8), BASE_MS (20), PER_ITEM_MS (2), SEED (1),
#              BASELINE (0), KEEP (0: keep the work dirs)
set -eu
build=${1:-build}
n=${2:-100000}
threads=${3:-16}
runs=${RUNS:-3}
K=${WORKERS:-8}
base_ms=${BASE_MS:-20}
per_item_ms=${PER_ITEM_MS:-2}
seed=${SEED:-1}
baseline=${BASELINE:-0}
T=$(cd "$build" && pwd)/tillsync
SB=$(cd "$build" && pwd)/tillsync-sandbox
B=$(cd "$build" && pwd)/catalog_one_by_one
for f in "$T" "$SB"; do
	[ -x "$f" ] || { echo "missing $f (cmake --build $build --target tillsync tillsync-sandbox)" >&2; exit 2; }
done
if [ "$baseline" = 1 ] && [ ! -x "$B" ]; then
	echo "missing $B (cmake --build $build --target catalog_one_by_one)" >&2
	exit 2
fi
out=$(mktemp)
sb_pid=
dir=
cleanup() {
	[ -n "$sb_pid" ] && kill -TERM "$sb_pid" 2>/dev/null && wait "$sb_pid" 2>/dev/null
	[ -n "$dir" ] && [ "${KEEP:-0}" != 1 ] && rm -rf "$dir"
	rm -f "$out"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ready-line member -> value
ready() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$dir/ready" "$1"; }
ctl() { curl -sS -X "$1" "$CTL$2"; }
# total requests of one emulator in GET /counters
requests_of() { ctl GET /counters | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]]["total"]["requests"])' "$1"; }
# "h:mm:ss" or "m:ss.ss" from time -v -> seconds
time_field() { sed -n "s/^[[:space:]]*$1: //p" "$dir/time"; }
# user+system CPU seconds a process has used so far (to see what the emulator costs)
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / hz }' "/proc/$1/stat"; }
wall_s() { time_field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' | awk -F: '{s=0; for (i=1;i<=NF;i++) s=s*60+$i; print s}'; }

echo "catalog bench: products=$n threads=$threads runs=$runs capacity=K$K/${base_ms}ms+${per_item_ms}ms/item" \
	"nproc=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)" >&2
i=1
while [ "$i" -le "$runs" ]; do
	dir=$(mktemp -d)
	export TILLSYNC_DB="$dir/t.db"
	"$SB" --seed "$seed" --products "$n" --customers 0 --orders 0 \
		--fault woocommerce="{\"capacity\":{\"workers\":$K,\"base_ms\":$base_ms,\"per_item_ms\":$per_item_ms}}" \
		>"$dir/ready" 2>"$dir/sandbox.err" &
	sb_pid=$!
	j=0
	while [ ! -s "$dir/ready" ] && [ $j -lt 600 ]; do sleep 0.1; j=$((j + 1)); done
	[ -s "$dir/ready" ] || { echo "sandbox did not start:" >&2; cat "$dir/sandbox.err" >&2; exit 1; }
	CTL=$(ready 'r["control"]')
	ctl POST /woocommerce/clear >/dev/null
	ctl GET '/state?target=woocommerce' | python3 -c '
import json, sys
w = json.load(sys.stdin)["woocommerce"]
if w["products"] or w["categories"]:
    sys.exit("the shop is not empty after /woocommerce/clear")'
	epos_products=$(ctl GET '/state?target=eposnow' | python3 -c '
import json, sys
p = json.load(sys.stdin)["eposnow"]["products"]
web = [x for x in p if x["SellOnWeb"] and not x["IsArchived"]]
print(len(p), len(web), sum(1 for x in web if x["VariantGroupId"] is not None))')

	"$T" init >/dev/null
	"$T" account add bench >/dev/null
	ready 'r["eposnow"]["api_secret"]' | tr -d '\n' | "$T" connection add --account bench --kind eposnow \
		--url "$(ready 'r["eposnow"]["base_url"]')" --key "$(ready 'r["eposnow"]["api_key"]')" --secret-file - >/dev/null
	ready 'r["woocommerce"]["consumer_secret"]' | tr -d '\n' | "$T" connection add --account bench \
		--kind woocommerce --url "$(ready 'r["woocommerce"]["base_url"]')" \
		--key "$(ready 'r["woocommerce"]["consumer_key"]')" --secret-file - >/dev/null
	"$T" account set bench stock_master=pos product_sync=on >/dev/null
	ctl POST /reset-counters >/dev/null

	# 1. the full sync, timed
	sb_cpu0=$(cpu_s "$sb_pid")
	t_start_ms=$(date +%s%3N)
	/usr/bin/time -v "$T" run --until-idle --threads "$threads" >"$dir/run.out" 2>"$dir/time" ||
		{ echo "tillsync run failed:" >&2; tail -20 "$dir/time" >&2; exit 1; }
	wall=$(wall_s)
	user=$(time_field 'User time (seconds)')
	sys=$(time_field 'System time (seconds)')
	rss=$(time_field 'Maximum resident set size (kbytes)')
	sb_cpu=$(echo "$(cpu_s "$sb_pid") $sb_cpu0" | awk '{printf "%.2f", $1 - $2}')
	db_kb=$(du -sk "$dir" | cut -f1)
	ctl GET /counters >"$dir/counters.json"
	ctl GET '/state?target=woocommerce' >"$dir/shop.json"
	"$T" status --json >"$dir/status.json"

	# 3. a cycle with nothing changed
	ctl POST /reset-counters >/dev/null
	/usr/bin/time -v "$T" run --until-idle --threads "$threads" >/dev/null 2>"$dir/time"
	idle_wall=$(wall_s)
	idle_woo=$(requests_of woocommerce)
	idle_epos=$(requests_of eposnow)

	# 4. the naive client on the same sandbox, capacity and catalog size
	base_json=null
	if [ "$baseline" = 1 ]; then
		ctl POST /woocommerce/clear >/dev/null
		ctl POST /reset-counters >/dev/null
		items=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["woocommerce"]["products"]))' \
			"$dir/shop.json")
		base_json=$("$B" "$(ready 'r["woocommerce"]["base_url"]')" "$(ready 'r["woocommerce"]["consumer_key"]')" \
			"$(ready 'r["woocommerce"]["consumer_secret"]')" "$items" "$K")
		base_json=$(printf '%s' "$base_json" | python3 -c '
import json, sys
b = json.loads(sys.stdin.read()); c = json.loads(sys.argv[1])["woocommerce"]["total"]
b["woo_requests"] = c["requests"]; print(json.dumps(b, separators=(",", ":")))' "$(ctl GET /counters)")
	fi

	python3 - "$dir" "$wall" "$user" "$sys" "$rss" "$K" "$base_ms" "$per_item_ms" "$n" "$epos_products" \
		"$idle_wall" "$idle_woo" "$idle_epos" "$base_json" "$sb_cpu" "$db_kb" "$t_start_ms" <<'PY' | tee -a "$out"
import json, math, sqlite3, sys
(d, wall, user, sys_s, rss, K, base, per, n, epos, idle_wall, idle_woo, idle_epos, base_json, sb_cpu,
 db_kb, t0) = sys.argv[1:18]
# the two phases of the run, from the store: the full scan (until the last
# product was queued) and the drain (first attempt started .. last finished)
db = sqlite3.connect(f"file:{d}/t.db?mode=ro", uri=True)
last_queued, = db.execute("SELECT max(created_at) FROM queue_items WHERE queue = 'products'").fetchone()
first_start, last_end = db.execute("SELECT min(a.started_at), max(a.finished_at) FROM queue_attempts a "
                                   "JOIN queue_items q ON q.id = a.item_id WHERE q.queue = 'products'").fetchone()
db.close()
wall, user, sys_s, K, base, per = float(wall), float(user), float(sys_s), int(K), int(base), int(per)
shop = json.load(open(d + "/shop.json"))["woocommerce"]["products"]
counters = json.load(open(d + "/counters.json"))
status = json.load(open(d + "/status.json"))["queues"]["products"]
# the shop's records: simple products, variable products (one per Epos Now
# variant group) and their variations (one per size)
variations = [p for p in shop if p.get("type") == "variation"]
parents = [p for p in shop if p.get("type") == "variable"]
simple = len(shop) - len(variations) - len(parents)
items = simple + len(variations)   # the queue's items: one per Epos Now product
skus = [p["sku"].lower() for p in shop]
dups = len(skus) - len(set(skus))
problems = []
if dups:
    problems.append(f"{dups} duplicate SKUs in the shop")
# every item ended succeeded; nothing skipped, failed or waiting
n_epos, n_web, n_sizes = (int(x) for x in epos.split())
if status["succeeded"] != items or any(v for k, v in status.items() if k != "succeeded"):
    problems.append(f"products queue: {status}, shop has {items} products and variations")
if status["succeeded"] != n_web:
    problems.append(f"products queue ended {status['succeeded']} items, Epos Now has {n_web} products for the web")
if len(variations) != n_sizes:
    problems.append(f"{len(variations)} variations in the shop for {n_sizes} sizes in Epos Now")
woo = counters["woocommerce"]
# the floor: the fewest requests WooCommerce's API allows (products and
# variable products 100 a request, each variable product's variations in
# their own request) and every record written once, over K workers
floor_requests = math.ceil(simple / 100) + math.ceil(len(parents) / 100) + len(parents)
floor_s = (floor_requests * base + (simple + len(parents) + len(variations)) * per) / K / 1000.0
r = {
    "products_flag": int(n), "epos_products": n_epos, "epos_for_web": n_web, "epos_sizes_for_web": n_sizes,
    "items": items, "shop_simple": simple, "shop_variable": len(parents), "shop_variations": len(variations),
    "floor_requests": floor_requests,
    "wall_s": wall, "items_per_s": round(items / wall, 1),
    "woo_requests": woo["total"]["requests"],
    "woo_req_per_item": round(woo["total"]["requests"] / items, 4),
    "epos_requests": counters["eposnow"]["total"]["requests"],
    "cpu_us_per_item": round((user + sys_s) * 1e6 / items, 1),
    "user_s": user, "sys_s": sys_s, "peak_rss_kb": int(rss),
    "sandbox_cpu_s": float(sb_cpu), "store_dir_kb": int(db_kb),
    "floor_s": round(floor_s, 3), "wall_over_floor": round(wall / floor_s, 2),
    "scan_s": round((last_queued - int(t0)) / 1000, 2), "drain_s": round((last_end - first_start) / 1000, 2),
    "drain_over_floor": round((last_end - first_start) / 1000 / floor_s, 2),
    "dup_skus": dups, "queue": {k: v for k, v in status.items() if v},
    "idle_cycle": {"wall_s": float(idle_wall), "woo_requests": int(idle_woo), "epos_requests": int(idle_epos)},
    "woo_endpoints": {k: v["requests"] for k, v in woo["endpoints"].items()},
    "ok": not problems,
}
b = json.loads(base_json)
if b:
    r["baseline"] = b
    r["tillsync_over_baseline_wall"] = round(wall / b["seconds"], 3)
print(json.dumps(r, separators=(",", ":")))
for p in problems:
    print("CHECK FAILED: " + p, file=sys.stderr)
PY
	kill -TERM "$sb_pid"
	wait "$sb_pid" || true
	sb_pid=
	[ "${KEEP:-0}" = 1 ] && echo "kept $dir" >&2 || rm -rf "$dir"
	dir=
	i=$((i + 1))
done
python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
def med(get):
    v = sorted(get(r) for r in rows)
    return v[(len(v) - 1) // 2]
keys = ["items", "wall_s", "items_per_s", "woo_req_per_item", "cpu_us_per_item", "peak_rss_kb", "floor_s",
        "wall_over_floor", "scan_s", "drain_s", "drain_over_floor", "sandbox_cpu_s"]
for k in keys:
    print(f"{k} median: {med(lambda r: r[k])}")
print(f"idle cycle woo_requests median: {med(lambda r: r['idle_cycle']['woo_requests'])}")
print(f"idle cycle epos_requests median: {med(lambda r: r['idle_cycle']['epos_requests'])}")
if all("baseline" in r for r in rows):
    print(f"baseline seconds median: {med(lambda r: r['baseline']['seconds'])}")
    print(f"tillsync/baseline wall median: {med(lambda r: r['tillsync_over_baseline_wall'])}")
print("all checks ok" if all(r["ok"] for r in rows) else "SOME CHECKS FAILED")
PY
