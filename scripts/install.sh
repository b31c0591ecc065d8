#!/usr/bin/env bash
# Sets up context-cleaner on a fresh Debian 12 machine and runs it once:
#   1. installs the build dependencies from Debian's packages (apt),
#   2. builds an optimised binary (CMake preset "release"),
#   3. installs it as /usr/local/bin/context-cleaner (and the price table as
#      /usr/local/share/context-cleaner/prices.json),
#   4. syncs your Claude Code transcripts into the ledger
#      (~/.local/share/context-cleaner/ledger.db) and prints the daily report.
# Run as root or as a user with sudo. Safe to run again (it updates).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

DEPS=(build-essential cmake pkg-config libsqlite3-dev libsimdjson-dev
      libgtest-dev libgmock-dev libbenchmark-dev python3 tzdata
      libhowardhinnant-date-dev
      libcurl4-openssl-dev zlib1g-dev libzstd-dev libcpp-httplib-dev libboost-dev
      libprotobuf-dev protobuf-compiler)
missing=()
for p in "${DEPS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
# npm installs the dashboard's charting library at build time
# (web/package-lock.json); any npm will do.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "==> building (release)"
cmake --preset release -DCC_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc)" --target context-cleaner

echo "==> installing /usr/local/bin/context-cleaner and its price table"
$SUDO install -m 0755 build/release/context-cleaner /usr/local/bin/context-cleaner
# The price table beside the binary (the same table is compiled in as the
# fallback); edit it or pass --prices FILE, then `bridge reprice`.
$SUDO install -D -m 0644 data/prices.json \
  /usr/local/share/context-cleaner/prices.json

echo "==> syncing your transcripts"
context-cleaner bridge sync --once
echo
context-cleaner report daily
