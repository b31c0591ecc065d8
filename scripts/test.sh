#!/usr/bin/env bash
# Builds the tests (CMake preset "dev": warnings are errors) and runs the
# whole suite with ctest: unit tests and the end-to-end scripts in
# tests/e2e/ (crash, shuffle and bad-input tests at CI scale).
# Extra arguments go to ctest (e.g. -R Syncer, -L e2e).
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${CC_PRESET:-dev}"
# The ClickHouse SQL tests run in chDB (the engine as a library, ~560 MB,
# fetched once from npm into ~/.cache). CC_SKIP_CHDB=1 skips the fetch; the
# tests then report themselves skipped.
if [ -z "${CC_SKIP_CHDB:-}" ] && [ -z "${CC_CHDB_DIR:-}" ]; then
  CC_CHDB_DIR="$(./scripts/install-chdb.sh || true)"
  export CC_CHDB_DIR
fi
# The dashboard's browser test runs Debian's chromium (installed here when
# missing; CC_SKIP_BROWSER=1 skips that, and the test reports itself
# skipped).
if [ -z "${CC_SKIP_BROWSER:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "==> installing chromium for the dashboard's browser test"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
    $SUDO apt-get install -y -qq chromium >/dev/null || true
fi
cmake --preset "$preset" >/dev/null
cmake --build "build/$preset" -j"$(nproc)"
ctest --test-dir "build/$preset" --output-on-failure -j"$(nproc)" "$@"
