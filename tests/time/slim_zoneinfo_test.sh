#!/bin/sh
# The TimeZone tests against a "slim" database (zic -b slim: transitions
# only until the rules settled, the future in each file's POSIX footer,
# Europe/Berlin's last transition in 1996). date/tz reads only
# /usr/share/zoneinfo, so the slim files are bind-mounted over it in a
# private mount namespace: root (CAP_SYS_ADMIN) only, else skipped.
# Usage: slim_zoneinfo_test.sh <cc_tests binary>
set -eu
tests="$1"
zi=/usr/share/zoneinfo/tzdata.zi
if [ "$(id -u)" -ne 0 ] || ! command -v zic >/dev/null || [ ! -f "$zi" ] ||
   ! unshare -m true 2>/dev/null; then
  echo "SKIPPED: needs root, unshare -m, zic and $zi"
  exit 0
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
zic -b slim -d "$dir" "$zi"
size=$(wc -c <"$dir/Europe/Berlin")
[ "$size" -lt 1000 ] || { echo "Europe/Berlin is $size bytes: not slim"; exit 1; }
exec unshare -m sh -c "mount --bind '$dir' /usr/share/zoneinfo &&
  '$tests' --gtest_filter='TimeZone.*'"
