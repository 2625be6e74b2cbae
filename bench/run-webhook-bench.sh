#!/bin/sh
# Starts a daemon on a fresh store (workers paused: only intake is measured)
# and fires signed deliveries at it, RUNS times (default 5); prints each run
# and the medians. Usage: bench/run-webhook-bench.sh [build-dir] [deliveries] [concurrency]
set -eu
build=${1:-build}
n=${2:-20000}
conc=${3:-32}
runs=${RUNS:-5}
T=$build/tillsync
B=$build/webhook_bench
secret=0123456789abcdef0123456789abcdef
out=$(mktemp)
trap 'rm -f "$out"' EXIT
i=1
while [ "$i" -le "$runs" ]; do
	dir=$(mktemp -d)
	export TILLSYNC_DB="$dir/t.db"
	$T init >/dev/null
	$T account add bench >/dev/null
	printf 'cs_x' | $T connection add --account bench --kind woocommerce --url http://127.0.0.1:9 --key ck_x --secret-file - >/dev/null
	$T account set bench webhook_secret=$secret >/dev/null
	# no POS connection: workers fail items at once; intake is what is timed
	$T run --threads 1 --listen 127.0.0.1:0 >"$dir/run.out" 2>/dev/null &
	pid=$!
	j=0
	while ! grep -q "listening on" "$dir/run.out" 2>/dev/null && [ $j -lt 50 ]; do sleep 0.1; j=$((j + 1)); done
	url=$(sed -n 's/^tillsync: listening on \(http:[^ ]*\) .*/\1/p' "$dir/run.out")
	$B "$url/hooks/bench/shop" "$secret" "$n" "$conc" | tee -a "$out"
	kill -TERM $pid; wait $pid || true
	rm -rf "$dir"
	i=$((i + 1))
done
for k in per_second p50_ms p99_ms; do
	printf '%s median: ' "$k"
	sed -n "s/.*\"$k\":\([0-9.]*\).*/\1/p" "$out" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
done
