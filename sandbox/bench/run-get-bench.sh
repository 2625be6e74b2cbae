#!/bin/sh
# run-get-bench.sh - simple GETs per second against the sandbox.
#
#   sandbox/bench/run-get-bench.sh [BUILD_DIR]
#
# Starts tillsync-sandbox (no injected latency: no capacity model, no
# hangs), runs sandbox-bench RUNS times and prints every run's JSON line,
# then the median run (by per_second) prefixed with "median:".
#
# Environment: RUNS (5), DURATION seconds per run (5), CONCURRENCY (8),
# TARGET eposnow|woocommerce|mix (eposnow).  Build with
# -DCMAKE_BUILD_TYPE=RelWithDebInfo for numbers worth comparing.
set -eu

BUILD=${1:-build}
RUNS=${RUNS:-5}
DURATION=${DURATION:-5}
CONCURRENCY=${CONCURRENCY:-8}
TARGET=${TARGET:-eposnow}
SBX=$BUILD/tillsync-sandbox
BENCH=$BUILD/sandbox-bench

for f in "$SBX" "$BENCH"; do
	if [ ! -x "$f" ]; then
		echo "run-get-bench: $f not built" >&2
		exit 1
	fi
done

tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$SBX" --seed 1 --products 200 --customers 100 --orders 20 \
    --fault 'all={"capacity":{"workers":0,"base_ms":0,"per_item_ms":0},"hang_ms":0}' \
    >"$tmp/ready" 2>"$tmp/stderr" &
pid=$!

# the ready line: one line of JSON once every listener is up
i=0
while [ ! -s "$tmp/ready" ] || ! grep -q '}$' "$tmp/ready"; do
	i=$((i + 1))
	if [ $i -gt 200 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "run-get-bench: the sandbox did not start:" >&2
		cat "$tmp/stderr" >&2
		exit 1
	fi
	sleep 0.1
done

: >"$tmp/runs"
r=0
while [ $r -lt "$RUNS" ]; do
	r=$((r + 1))
	"$BENCH" -d "$DURATION" -c "$CONCURRENCY" -t "$TARGET" "$tmp/ready" \
	    | tee -a "$tmp/runs"
done

# median by per_second
sed 's/.*"per_second":\([0-9.]*\).*/\1 &/' "$tmp/runs" | sort -n \
    | awk -v n="$RUNS" 'NR == int((n + 1) / 2) { $1 = ""; sub(/^ /, ""); \
	print "median: " $0 }'
