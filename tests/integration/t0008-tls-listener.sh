#!/usr/bin/env bash
# The listener over HTTPS (--tls-cert/--tls-key): the dashboard URL says
# https, the API answers over TLS, the session cookie is Secure; bad
# certificate files are refused with a clear error before anything starts.
. "$(dirname "$0")/lib.sh"
T=$TILLSYNC

$T init >/dev/null
$T account add tls >/dev/null
printf 'a-long-password-1' | $T user add sue --role support --password-file - >/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null

expect_fail 2 "--tls-cert alone" $T run --listen 127.0.0.1:0 --tls-cert "$WORK/cert.pem"
echo "not a key" > "$WORK/bad.pem"
expect_fail 1 "a file that is not PEM" $T run --listen 127.0.0.1:0 --tls-cert "$WORK/cert.pem" --tls-key "$WORK/bad.pem"
expect_fail 1 "a missing file" $T run --listen 127.0.0.1:0 --tls-cert "$WORK/cert.pem" --tls-key "$WORK/nothing.pem"

$T run --threads 1 --listen 127.0.0.1:0 --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" >"$WORK/run.out" 2>"$WORK/run.err" &
pid=$!
PIDS+=("$pid")
for _ in $(seq 1 50); do grep -q "listening on" "$WORK/run.out" && break; sleep 0.1; done
url=$(sed -n 's/^tillsync: listening on \(https:[^ ]*\) .*/\1/p' "$WORK/run.out")
expect_contains "$url" "https://127.0.0.1:" "the daemon says https"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$WORK/cert.pem" "$url/api/meta")
expect_eq "$code" "401" "the API answers over TLS (verified certificate), asking to log in"
hdr=$(curl -s -D - -o /dev/null --cacert "$WORK/cert.pem" -H 'Content-Type: application/json' \
	--data '{"name":"sue","password":"a-long-password-1"}' "$url/api/login")
expect_contains "$hdr" "Secure" "the session cookie is Secure over TLS"
plain=$(curl -s -o /dev/null -w '%{http_code}' "${url/https/http}/api/meta")
expect_eq "$plain" "000" "plain http on the TLS port gets no answer"
kill -TERM "$pid"; wait "$pid"
expect_eq "$?" "0" "stops cleanly"
finish
