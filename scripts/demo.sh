#!/usr/bin/env bash
# The main job: install what is missing, build, and walk the demo project (examples/shop)
# through plan -> apply -> status on the embedded SQLite default, in dev (all features)
# and in production (only core and billing are released there).
set -euo pipefail
cd "$(dirname "$0")/.."
TRELLIS_TESTS=OFF scripts/setup.sh
trellis=$PWD/build/trellis
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R examples/shop/. "$work/"
bold='' plain=''
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; fi
step() { printf '\n%s$ trellis %s%s\n' "$bold" "$*" "$plain"; "$trellis" -C "$work" "$@"; }
step plan
step apply
step status
step -e production plan
step -e production apply
step -e production status
step graph
step history --limit 4
echo
echo "Demo finished. The project lives in examples/shop; try: $trellis -C examples/shop --help"
