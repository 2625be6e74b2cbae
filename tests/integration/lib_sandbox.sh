# Integration tests against the sandbox emulators (source after lib.sh).
#
#   sandbox_start [flags...]    start tillsync-sandbox; sets WOO_URL WOO_KEY
#                               WOO_SECRET EPOS_URL EPOS_KEY EPOS_SECRET CTL
#   account_setup NAME          account + both connections from the ready line
#   ctl METHOD PATH [JSON]      the sandbox's control endpoint; prints the body
#   jq_py EXPR                  evaluate a Python expression on stdin's JSON (j)
#   items ACCOUNT QUEUE         the queue as JSON
#   drain                       tillsync run --until-idle
: "${SANDBOX:?set SANDBOX to the tillsync-sandbox binary}"

sandbox_start() {
	local ready
	coproc SB { exec "$SANDBOX" "$@" 2>"$WORK/sandbox.err"; }
	SB_PID=$SB_PID
	PIDS+=("$SB_PID")
	if ! IFS= read -r -t 30 ready <&"${SB[0]}"; then
		echo "sandbox did not start:"; cat "$WORK/sandbox.err"
		exit 1
	fi
	eval "$(printf '%s' "$ready" | python3 -c '
import json, shlex, sys
r = json.load(sys.stdin)
w, e = r["woocommerce"], r["eposnow"]
for k, v in (("WOO_URL", w["base_url"]), ("WOO_KEY", w["consumer_key"]), ("WOO_SECRET", w["consumer_secret"]),
             ("EPOS_URL", e["base_url"]), ("EPOS_KEY", e["api_key"]), ("EPOS_SECRET", e["api_secret"]),
             ("CTL", r["control"])):
    print(f"{k}={shlex.quote(v)}")
')"
}

sandbox_stop() {
	kill -TERM "$SB_PID" 2>/dev/null
	wait "$SB_PID" 2>/dev/null
}

account_setup() {
	"$TILLSYNC" init >/dev/null
	"$TILLSYNC" account add "$1" >/dev/null
	printf '%s' "$EPOS_SECRET" | "$TILLSYNC" connection add --account "$1" --kind eposnow --url "$EPOS_URL" \
		--key "$EPOS_KEY" --secret-file - >/dev/null
	printf '%s' "$WOO_SECRET" | "$TILLSYNC" connection add --account "$1" --kind woocommerce --url "$WOO_URL" \
		--key "$WOO_KEY" --secret-file - >/dev/null
}

ctl() {
	local m=$1 p=$2 body=${3:-}
	if [ -n "$body" ]; then
		curl -sS -X "$m" -H 'Content-Type: application/json' --data-binary "$body" "$CTL$p"
	else
		curl -sS -X "$m" "$CTL$p"
	fi
}

# jq_py 'j["eposnow"]["customers"][0]["Id"]': prints the value (strings bare)
jq_py() {
	python3 -c '
import json, sys
j = json.load(sys.stdin)
v = eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v))' "$1"
}

items() { "$TILLSYNC" --json queue list --account "$1" --queue "$2" --limit 1000; }

drain() { "$TILLSYNC" run --until-idle --threads 2 "$@" >/dev/null; }

# the comment and status of the newest item of a queue for a subject
item_of() {
	items "$1" "$2" | python3 -c '
import json, sys
for i in json.load(sys.stdin):
    if i["subject_type"] + ":" + i["subject_id"] == sys.argv[1]:
        print(i["id"], i["status"], i["comment"], sep="\t"); break' "$3"
}

# woo_api METHOD PATH [JSON]: the WooCommerce REST API as a shop admin's
# script would call it (OAuth 1.0a over plain http, signed here in Python,
# independently of the connector). PATH is below /wp-json/wc/v3.
woo_api() {
	python3 - "$WOO_URL" "$WOO_KEY" "$WOO_SECRET" "$@" <<'PY'
import base64, hashlib, hmac, json, secrets, sys, time, urllib.parse, urllib.request, urllib.error
base, key, secret, method, path = sys.argv[1:6]
body = sys.argv[6].encode() if len(sys.argv) > 6 else None
root = base.rstrip("/")
if not root.endswith("/wp-json/wc/v3"):
    root += "/wp-json/wc/v3"
u = urllib.parse.urlsplit(root + path)
q = urllib.parse.parse_qsl(u.query, keep_blank_values=True)
oauth = [("oauth_consumer_key", key), ("oauth_nonce", secrets.token_hex(16)),
         ("oauth_signature_method", "HMAC-SHA256"), ("oauth_timestamp", str(int(time.time())))]
enc = lambda s: urllib.parse.quote(s, safe="-._~")
params = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(q + oauth))
bare = f"{u.scheme}://{u.netloc}{u.path}"
base_string = "&".join([method, enc(bare), enc(params)])
sig = base64.b64encode(hmac.new((secret + "&").encode(), base_string.encode(), hashlib.sha256).digest()).decode()
url = bare + "?" + urllib.parse.urlencode(q + oauth + [("oauth_signature", sig)])
req = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/json"})
try:
    with urllib.request.urlopen(req, timeout=20) as r:
        sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    sys.stdout.write(e.read().decode())
    sys.exit(1)
PY
}
