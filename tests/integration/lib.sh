# Shared by the integration tests: a private directory, assertions, cleanup.
set -u
: "${TILLSYNC:?set TILLSYNC to the tillsync binary}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tsint.XXXXXX")
export TILLSYNC_DB="$WORK/t.db"
PIDS=()
cleanup() {
	for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
fails=0
passes=0
ok() { passes=$((passes + 1)); echo "ok - $*"; }
not_ok() { fails=$((fails + 1)); echo "not ok - $*"; }
# expect_fail CODE "what" cmd...: exit code and a one-line "tillsync: " error
expect_fail() {
	local want=$1 what=$2; shift 2
	local out rc
	out=$("$@" 2>&1 >/dev/null); rc=$?
	if [ "$rc" -eq "$want" ] && [ "$(printf '%s\n' "$out" | grep -c .)" -eq 1 ] && [[ "$out" == tillsync:* ]]; then
		ok "$what: $out"
	else
		not_ok "$what (rc=$rc, want $want): $out"
	fi
}
expect_eq() { if [ "$1" == "$2" ]; then ok "$3"; else not_ok "$3: got '$1', want '$2'"; fi; }
expect_contains() { if [[ "$1" == *"$2"* ]]; then ok "$3"; else not_ok "$3: '$2' not in: $1"; fi; }
finish() {
	echo "$passes passed, $fails failed"
	[ "$fails" -eq 0 ]
}
# jq is not assumed: small JSON reads go through python3 when present, else grep
json_len() { python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
