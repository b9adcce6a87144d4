#!/usr/bin/env bash
# trellis_adapter.sh — joins Trellis to the shared migration benchmark (the adapter
# contract of shared/bench/adapters/example_adapter.sh). TRELLIS_BIN selects the binary
# (default: build/trellis of this checkout).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T=${TRELLIS_BIN:-$HERE/../build/trellis}
mode=${1:-}
shift || true
url() { if [ "$1" = sqlite ]; then echo "sqlite:$2"; else echo "$2"; fi; }
case $mode in
prepare) exec python3 "$HERE/to_trellis.py" "$1" "$2" ;;
apply) exec "$T" -C "$3" --database "$(url "$1" "$2")" --no-color apply ;;
status) exec "$T" -C "$3" --database "$(url "$1" "$2")" --no-color status ;;
plan) exec "$T" -C "$1" --no-color graph --no-state ;;
stamp) exec "$T" -C "$3" --database "$(url "$1" "$2")" --no-color stamp --all ;;
*) echo "usage: trellis_adapter.sh prepare|apply|status|plan|stamp ..." >&2; exit 2 ;;
esac
