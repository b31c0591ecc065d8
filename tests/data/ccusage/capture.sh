#!/usr/bin/env bash
# Re-captures the ccusage oracle outputs in this directory.
#
# Needs: node + npm, and ccusage 20.0.24 installed, e.g.
#   mkdir -p /tmp/ccu && (cd /tmp/ccu && npm install ccusage@20.0.24)
# Usage:
#   tests/data/ccusage/capture.sh [OUT_DIR]      (default OUT_DIR = this directory)
# Environment overrides:
#   CCUSAGE   path to the ccusage launcher (default /tmp/ccu/node_modules/.bin/ccusage)
#   FIXTURES  directory holding the real Claude Code JSONL fixtures
#             (default /work/shared/fixtures/claude-code/real)
#
# Every run uses an isolated HOME (so that no other agent's data, e.g. ~/.codex, and
# no real ~/.claude is picked up), CLAUDE_CONFIG_DIR pointing at a fake config dir,
# TZ=UTC (ccusage's default timezone is the system one), NO_COLOR=1, --offline
# (bundled pricing, no network) and --json.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE}
CCUSAGE=${CCUSAGE:-/tmp/ccu/node_modules/.bin/ccusage}
FIXTURES=${FIXTURES:-/work/shared/fixtures/claude-code/real}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$CCUSAGE" --version

# Fake config dir for the real fixtures: <home>/.claude/projects/sample-project/*.jsonl
REAL_HOME=$WORK/ccu-home
mkdir -p "$REAL_HOME/.claude/projects/sample-project"
cp "$FIXTURES"/*.jsonl "$REAL_HOME/.claude/projects/sample-project/"
EMPTY_HOME=$WORK/empty-home
mkdir -p "$EMPTY_HOME"

# run <config-dir> <out-file> <args...>
run() {
  local cfg=$1 out=$2
  shift 2
  mkdir -p "$(dirname "$out")"
  HOME=$EMPTY_HOME CLAUDE_CONFIG_DIR=$cfg TZ=UTC NO_COLOR=1 "$CCUSAGE" "$@" --offline --json >"$out"
}
help() {
  HOME=$EMPTY_HOME TZ=UTC NO_COLOR=1 "$CCUSAGE" "$@" --help
}

C=$REAL_HOME/.claude
# --- requested reports (top-level commands) ---
run "$C" "$OUT/daily.json"              daily
run "$C" "$OUT/daily-breakdown.json"    daily --breakdown
run "$C" "$OUT/weekly.json"             weekly
run "$C" "$OUT/monthly.json"            monthly
run "$C" "$OUT/session.json"            session
run "$C" "$OUT/blocks.json"             blocks
run "$C" "$OUT/daily-tokyo.json"        daily --timezone Asia/Tokyo
run "$C" "$OUT/daily-los-angeles.json"  daily --timezone America/Los_Angeles
run "$C" "$OUT/blocks-tokyo.json"       blocks --timezone Asia/Tokyo
run "$C" "$OUT/daily-by-agent.json"     daily --by-agent
# --- classic Claude-only report shapes (`ccusage claude <cmd>`) ---
run "$C" "$OUT/claude-daily.json"                claude daily
run "$C" "$OUT/claude-daily-breakdown.json"      claude daily --breakdown
run "$C" "$OUT/claude-daily-instances.json"      claude daily --instances
run "$C" "$OUT/claude-daily-tokyo.json"          claude daily --timezone Asia/Tokyo
run "$C" "$OUT/claude-daily-los-angeles.json"    claude daily --timezone America/Los_Angeles
run "$C" "$OUT/claude-daily-since.json"          claude daily --since 20250904
run "$C" "$OUT/claude-weekly.json"               claude weekly
run "$C" "$OUT/claude-weekly-monday.json"        claude weekly --start-of-week monday
run "$C" "$OUT/claude-monthly.json"              claude monthly
run "$C" "$OUT/claude-session.json"              claude session
run "$C" "$OUT/claude-session-since.json"        claude session --since 20250904
run "$C" "$OUT/claude-session-id.json"           claude session --id 1af7fc5e-8455-4414-9ccd-011d40f70b2a
run "$C" "$OUT/claude-blocks.json"               claude blocks
run "$C" "$OUT/claude-blocks-since.json"         claude blocks --since 20250904
run "$C" "$OUT/claude-blocks-until.json"         claude blocks --until 20250903
run "$C" "$OUT/claude-blocks-until-los-angeles.json" claude blocks --until 20250902 --timezone America/Los_Angeles
run "$C" "$OUT/blocks-kolkata.json"              blocks --timezone Asia/Kolkata
run "$C" "$OUT/weekly-los-angeles.json"          weekly --timezone America/Los_Angeles
run "$C" "$OUT/monthly-los-angeles.json"         monthly --timezone America/Los_Angeles
run "$C" "$OUT/session-los-angeles.json"         session --timezone America/Los_Angeles

# --- help texts ---
help daily   >"$OUT/help-daily.txt"
help weekly  >"$OUT/help-weekly.txt"
help monthly >"$OUT/help-monthly.txt"
help session >"$OUT/help-session.txt"
help blocks  >"$OUT/help-blocks.txt"
help claude daily   >"$OUT/help-claude-daily.txt"
help claude weekly  >"$OUT/help-claude-weekly.txt"
help claude session >"$OUT/help-claude-session.txt"
help claude blocks  >"$OUT/help-claude-blocks.txt"
HOME=$EMPTY_HOME NO_COLOR=1 "$CCUSAGE" --help >"$OUT/help-root.txt"

# --- synthetic rule probes: inputs in synthetic/<scenario>/projects, outputs beside them ---
S=$HERE/synthetic
s() { local scen=$1 name=$2; shift 2; run "$S/$scen" "$OUT/synthetic/$scen/$name.json" "$@"; }

s sessions claude-session                claude session
s sessions session                       session
s sessions claude-session-since          claude session --since 20251002
s sessions claude-session-until          claude session --until 20251001
s sessions claude-session-since-los-angeles claude session --since 20251002 --timezone America/Los_Angeles
s sessions claude-daily-instances        claude daily --instances

s dedup claude-daily       claude daily
s dedup claude-session     claude session
s dedup claude-session-id  claude session --id d1
s dedup claude-blocks      claude blocks

s blocks claude-blocks            claude blocks
s blocks claude-blocks-desc       claude blocks --order desc
s blocks claude-blocks-len2       claude blocks --session-length 2
s blocks claude-blocks-len1.5     claude blocks --session-length 1.5

for tz in UTC Asia/Tokyo America/Los_Angeles; do
  t=$(echo "$tz" | tr '/A-Z_' '-a-z-')
  s weekly "claude-weekly-$t"         claude weekly --timezone "$tz"
  s weekly "claude-weekly-monday-$t"  claude weekly --start-of-week monday --timezone "$tz"
  s weekly "weekly-$t"                weekly --timezone "$tz"
  s weekly "claude-monthly-$t"        claude monthly --timezone "$tz"
  s weekly "monthly-$t"               monthly --timezone "$tz"
  s weekly "claude-daily-$t"          claude daily --timezone "$tz"
  s weekly "daily-$t"                 daily --timezone "$tz"
done
s weekly claude-weekly-since-20251006   claude weekly --since 20251006
s weekly weekly-since-20251006          weekly --since 20251006
s weekly claude-monthly-since-20251015  claude monthly --since 20251015
s weekly claude-session-since-20251006  claude session --since 20251006
s weekly session-since-20251006         session --since 20251006
s weekly session-until-20251031         session --until 20251031
s weekly session-until-20251101         session --until 20251101
s weekly session-since-20251101-tokyo   session --since 20251101 --timezone Asia/Tokyo

s fmt   claude-daily    claude daily
s fmt   claude-session  claude session
s fmt   claude-blocks   claude blocks

s ties  claude-session  claude session
s ties  session         session
s ties  claude-daily    claude daily

s zero  claude-session  claude session
s zero  claude-daily    claude daily
s zero  claude-blocks   claude blocks

s nest  claude-session          claude session
s nest  session                 session
s nest  claude-daily-instances  claude daily --instances

s order claude-daily   claude daily
s order claude-blocks  claude blocks

echo "captured into $OUT"
