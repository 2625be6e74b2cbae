#!/usr/bin/env bash
# Installs what is needed, builds tillsync twice (warnings as errors; then
# AddressSanitizer + UndefinedBehaviorSanitizer) and runs every test in both,
# the browser tests included (screenshots in build/ci*/tests/browser/artifacts).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
bash scripts/install-browser-deps.sh   # chromium + playwright-core for tests/browser

jobs=$(nproc 2>/dev/null || echo 2)

run_suite() {
  local dir=$1; shift
  echo "== configure $dir ($*)"
  cmake -S . -B "$dir" -DTILLSYNC_WERROR=ON "$@" >/dev/null
  echo "== build $dir"
  cmake --build "$dir" -j "$jobs"
  echo "== test $dir"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 600
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_suite build/ci -DCMAKE_BUILD_TYPE=RelWithDebInfo
run_suite build/ci-asan -DCMAKE_BUILD_TYPE=Debug -DTILLSYNC_SANITIZE=ON
echo "== all suites passed"
