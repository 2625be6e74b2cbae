#!/usr/bin/env bash
# tillsync connection test tells the shop's failures apart, each with what to
# do: unreachable, maintenance (503), REST API disabled, wrong credentials,
# a key without write permission, rate limited.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_sandbox.sh"
T=$TILLSYNC

sandbox_start --seed 12 --products 2 --customers 0 --orders 0
account_setup ct
check() { $T connection test --account ct 2>&1; }
expect_eq "$(check)" $'pos   Epos Now: OK\nshop  WooCommerce: OK' "both connections answer"

fault() { ctl POST /faults "{\"target\":\"woocommerce\",$1}" >/dev/null; }
fault '"maintenance":1'
expect_contains "$(check)" "down for maintenance or overloaded (HTTP 503)" "maintenance mode"
fault '"maintenance":0,"rest_disabled":1'
expect_contains "$(check)" "no WordPress REST API at this address: check the site URL, that permalinks are not set to 'Plain' (Settings > Permalinks), and that no plugin disables the REST API" "REST API disabled"
fault '"rest_disabled":0,"read_only_key":1'
expect_contains "$(check)" "the API key is read-only" "a key without write permission"
fault '"read_only_key":0,"rate_limit":{"every":1,"retry_after":5}'
expect_contains "$(check)" "limiting how often we may ask (HTTP 429)" "rate limited"
fault '"rate_limit":null,"revoke_key":1'
expect_contains "$(check)" "WooCommerce does not know this consumer key" "wrong (revoked) credentials"
fault '"revoke_key":0'
expect_eq "$(check)" $'pos   Epos Now: OK\nshop  WooCommerce: OK' "back to normal"
printf 'cs_x' | $T connection add --account ct --kind woocommerce --url http://127.0.0.1:9/wp-json/wc/v3 \
	--key ck_x --secret-file - >/dev/null
expect_contains "$(check)" "cannot reach the site" "bad URL or site unreachable"

sandbox_stop
finish
