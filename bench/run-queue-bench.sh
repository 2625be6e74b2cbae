#!/bin/sh
# Runs queue_bench RUNS times (default 5) and prints the median items/s of
# each phase and setting, plus every raw JSON line to $RAW if set.
#
#   bench/run-queue-bench.sh [path/to/queue_bench] [items]
#
# TMPDIR picks the disk the store files go on; use the one the daemon uses.
set -eu

bin=${1:-build/queue_bench}
items=${2:-100000}
runs=${RUNS:-5}
raw=${RAW:-}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

if [ ! -x "$bin" ]; then
	echo "run-queue-bench: no queue_bench at '$bin' (build it, or pass its path)" >&2
	exit 1
fi

i=1
while [ "$i" -le "$runs" ]; do
	echo "run-queue-bench: run $i of $runs" >&2
	"$bin" "$items" >>"$out"
	i=$((i + 1))
done
[ -n "$raw" ] && cp "$out" "$raw"

# key = phase/threads/batch; values sorted numerically, median taken per key
awk '
function field(line, name,    m) {
	if (match(line, "\"" name "\":\"?[^,\"}]*")) {
		m = substr(line, RSTART, RLENGTH)
		sub("^\"" name "\":\"?", "", m)
		return m
	}
	return ""
}
{
	key = field($0, "phase") " threads=" field($0, "threads") " batch=" field($0, "batch")
	if (!(key in count))
		order[++nkeys] = key
	v[key, ++count[key]] = field($0, "items_per_s") + 0
}
END {
	printf "%-40s %10s %s\n", "phase / setting", "median/s", "(runs)"
	for (k = 1; k <= nkeys; k++) {
		key = order[k]
		n = count[key]
		for (i = 1; i <= n; i++)            # insertion sort: n is small
			for (j = i; j > 1 && v[key, j - 1] > v[key, j]; j--) {
				t = v[key, j]; v[key, j] = v[key, j - 1]; v[key, j - 1] = t
			}
		med = n % 2 ? v[key, (n + 1) / 2] : (v[key, n / 2] + v[key, n / 2 + 1]) / 2
		line = ""
		for (i = 1; i <= n; i++)
			line = line (i > 1 ? " " : "") v[key, i]
		printf "%-40s %10.0f (%s)\n", key, med, line
	}
}' "$out"
