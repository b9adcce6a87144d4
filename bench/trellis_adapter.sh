#!/bin/sh
# trellis_adapter.sh — joins Trellis to the shared migration benchmark, following the
# adapter contract of shared/bench/adapters/example_adapter.sh:
#   prepare WL_DIR PROJECT_DIR              untimed: workload -> Trellis project
#   apply   sqlite|pg TARGET PROJECT_DIR    timed: apply every pending migration
#   status  sqlite|pg TARGET PROJECT_DIR    timed: read-only status
#   plan    PROJECT_DIR                     timed: graph listing from the files, no DB
#   stamp   sqlite|pg TARGET PROJECT_DIR    untimed: record all as applied, run no SQL
# TARGET is a SQLite file path or a postgresql:// URI. TRELLIS_BIN selects the binary
# (default: build/trellis of this checkout).
#
# Timed modes exec the binary, and the script forks nothing before that: it is POSIX sh
# (dash starts in about 1 ms, bash in 1.5) and finds its directory with a parameter
# expansion instead of $(cd "$(dirname …)"), which cost a fork and an exec. Alembic is
# timed as `python3 -m alembic` with no wrapper at all; this keeps Trellis' wrapper near
# that.
set -eu
case $0 in
*/*) HERE=${0%/*} ;;
*) HERE=. ;;
esac
T=${TRELLIS_BIN:-$HERE/../build/trellis}
mode=${1:-}
[ $# -gt 0 ] && shift
usage() { sed -n '2,10p' "$0" >&2; exit 2; }
# TARGET as a Trellis database URL: a SQLite path gets the sqlite: scheme.
backend_url() {
    case $1 in
    sqlite) url=sqlite:$2 ;;
    pg) url=$2 ;;
    *) echo "trellis_adapter.sh: backend must be sqlite or pg, not '$1'" >&2; exit 2 ;;
    esac
}
if [ "$mode" != prepare ] && [ ! -x "$T" ]; then
    echo "trellis_adapter.sh: no trellis binary at $T (build it, or set TRELLIS_BIN)" >&2
    exit 2
fi
# -e bench: the environment written by to_trellis.py, whatever TRELLIS_ENV says.
case $mode in
prepare) [ $# -eq 2 ] || usage; exec python3 "$HERE/to_trellis.py" "$1" "$2" ;;
apply | status)
    [ $# -eq 3 ] || usage
    backend_url "$1" "$2"
    exec "$T" -C "$3" -e bench --database "$url" --no-color "$mode" ;;
plan) [ $# -eq 1 ] || usage; exec "$T" -C "$1" -e bench --no-color graph --no-state ;;
stamp)
    # Untimed, and the last step of the harness's preparation of the migrated databases:
    # `sync` writes out what preparing left dirty (every tool's project files and
    # databases), so that the kernel's writeback, due 30 s later, does not land on the
    # timed runs that follow (it used to, on whichever tool was timed then).
    [ $# -eq 3 ] || usage
    backend_url "$1" "$2"
    "$T" -C "$3" -e bench --database "$url" --no-color stamp --all --yes
    sync ;;
*) usage ;;
esac
