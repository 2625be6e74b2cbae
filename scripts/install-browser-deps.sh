#!/usr/bin/env bash
# Installs what the browser tests (tests/browser/) need: Debian's chromium
# and playwright-core (npm, pinned by tests/browser/package-lock.json) in
# tests/browser/node_modules. Safe to run again: quick when both are there.
# Needs root (or sudo) on Debian 12 for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

missing=()
for p in chromium nodejs npm fonts-dejavu-core; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nodejs from another source (nvm, nodesource) is fine if it is new enough
if command -v node >/dev/null && command -v npm >/dev/null; then
  kept=()
  for p in "${missing[@]}"; do
    [ "$p" = nodejs ] || [ "$p" = npm ] || kept+=("$p")
  done
  missing=("${kept[@]}")
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-browser-deps: installing ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Debian 12's nodejs is 18: playwright-core is pinned to 1.61, the last
# release that supports it (1.62 and later need node 20)
if ! node -e 'process.exit(parseInt(process.versions.node, 10) >= 18 ? 0 : 1)'; then
  echo "install-browser-deps: node $(node --version) is too old for playwright-core (needs 18 or later)" >&2
  exit 1
fi

cd tests/browser
want=$(python3 -c 'import json; print(json.load(open("package-lock.json"))["packages"]["node_modules/playwright-core"]["version"])')
have=$(python3 -c 'import json; print(json.load(open("node_modules/playwright-core/package.json"))["version"])' 2>/dev/null || true)
if [ "$have" = "$want" ]; then
  echo "install-browser-deps: chromium and playwright-core $have present"
  exit 0
fi
echo "install-browser-deps: installing playwright-core $want"
# the browser is Debian's: never let an install script fetch one of its own
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
