#!/usr/bin/env bash
# Installs chDB — the ClickHouse engine as a shared library (npm package
# @chdb/lib-linux-x64-gnu, ~560 MB) — once, into a cache directory, for the
# tests that run real ClickHouse SQL. Prints the directory holding
# libchdb.so. The program itself never needs it.
#   CC_CHDB_CACHE  the cache directory (default ~/.cache/context-cleaner/chdb)
set -euo pipefail
VERSION=26.7.3-stable.1
DIR=${CC_CHDB_CACHE:-$HOME/.cache/context-cleaner/chdb}
LIBDIR=$DIR/node_modules/@chdb/lib-linux-x64-gnu
if [ ! -f "$LIBDIR/libchdb.so" ] || \
   ! grep -q "\"version\": \"$VERSION\"" "$LIBDIR/package.json" 2>/dev/null; then
  if ! command -v npm >/dev/null; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null
  fi
  mkdir -p "$DIR"
  echo "==> installing chDB $VERSION into $DIR" >&2
  npm install --prefix "$DIR" --no-audit --no-fund --loglevel=error \
    "@chdb/lib-linux-x64-gnu@$VERSION" >&2
fi
echo "$LIBDIR"
