#!/usr/bin/env bash
# bench/run.sh — the whole Trellis performance comparison in one command.
#
#   bench/run.sh
#
# 1. checks the peers the shared harness needs (installs them with apt-get when run as
#    root; otherwise says exactly what is missing);
# 2. builds trellis (Release) into $BUILD_DIR (default: build);
# 3. runs the shared migration benchmark (MIGBENCH_DIR, default ../shared/bench relative
#    to the repository root) with Trellis joined through bench/trellis_adapter.sh, so that
#    raw sqlite3/psql, Alembic, Sqitch and Trellis are timed in the same run;
# 4. counts PostgreSQL round trips per migration (bench/pg_round_trips.sh), and times
#    full apply again with Trellis and raw in alternating runs (bench/apply_ab.sh);
# 5. copies results.tsv, summary.md, env.txt, run_peers.out, round_trips.txt,
#    apply_alternating.txt and targets.md to
#    bench/results/<UTC date>-<host kind>/ and prints where.
#
# Knobs (environment): MIGBENCH_DIR, BUILD_DIR, WORK (scratch, default
# /tmp/trellis-bench), PGPORT (default: the first free port from 55433), RESULTS_DIR,
# and every knob of run_peers.sh (APPLY_SIZES, READ_SIZES, REPS, REPS_LARGE, REPS_RO,
# CAP, SEED).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { printf '[run.sh %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf 'bench/run.sh: error: %s\n' "$*" >&2; exit 1; }

# --- the shared harness --------------------------------------------------------------
MIGBENCH_DIR=${MIGBENCH_DIR:-$ROOT/../shared/bench}
[ -x "$MIGBENCH_DIR/run_peers.sh" ] ||
    die "shared benchmark harness not found: '$MIGBENCH_DIR/run_peers.sh' is missing or not executable.
  Set MIGBENCH_DIR to the directory holding run_peers.sh (default: ../shared/bench relative to the repository root)."
MIGBENCH_DIR=$(cd "$MIGBENCH_DIR" && pwd)

# --- peers ---------------------------------------------------------------------------
PY=${PY:-/usr/bin/python3}
missing_packages() {
    local p=()
    [ -x /usr/bin/time ] || p+=(time)
    command -v sqlite3 >/dev/null || p+=(sqlite3)
    command -v psql >/dev/null || p+=(postgresql-client-15)
    ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || p+=(postgresql-15)
    command -v sqitch >/dev/null || p+=(sqitch)
    perl -MDBD::SQLite -e1 2>/dev/null || p+=(libdbd-sqlite3-perl)
    perl -MDBD::Pg -e1 2>/dev/null || p+=(libdbd-pg-perl)
    "$PY" -c 'import alembic' 2>/dev/null || p+=(python3-alembic)
    "$PY" -c 'import sqlalchemy' 2>/dev/null || p+=(python3-sqlalchemy)
    "$PY" -c 'import psycopg2' 2>/dev/null || p+=(python3-psycopg2)
    command -v cmake >/dev/null || p+=(cmake)
    echo "${p[*]:-}"
}
need=$(missing_packages)
if [ -n "$need" ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        log "installing missing peers: $need"
        apt-get update -qq
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need
        need=$(missing_packages)
        [ -z "$need" ] || die "still missing after apt-get install: $need"
    else
        die "missing peers of the benchmark: $need
  install them (as root): apt-get install -y --no-install-recommends $need"
    fi
fi

# --- build ---------------------------------------------------------------------------
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
log "building trellis (Release) in $BUILD_DIR"
cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DTRELLIS_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" -j2 --target trellis
export TRELLIS_BIN=$BUILD_DIR/trellis
[ -x "$TRELLIS_BIN" ] || die "build produced no $TRELLIS_BIN"

# --- scratch and port ----------------------------------------------------------------
export WORK=${WORK:-/tmp/trellis-bench}
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -z "${PGPORT:-}" ]; then
    PGPORT=55433
    while ! port_free "$PGPORT"; do PGPORT=$((PGPORT + 1)); done
fi
export PGPORT

# --- the run -------------------------------------------------------------------------
log "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
MIGBENCH_TOOL=$ROOT/bench/trellis_adapter.sh MIGBENCH_TOOL_NAME=trellis \
    "$MIGBENCH_DIR/run_peers.sh" 2>&1 | tee "$OUT"

log "counting PostgreSQL round trips per migration"
RT=$(mktemp)
"$ROOT/bench/pg_round_trips.sh" "$MIGBENCH_DIR" | tee "$RT"

log "full apply again, Trellis and raw in alternating runs"
AB=$(mktemp)
"$ROOT/bench/apply_ab.sh" "$MIGBENCH_DIR" | tee "$AB"

# --- keep the results ----------------------------------------------------------------
host_kind() {
    local os
    os=$(. /etc/os-release && echo "${ID:-linux}${VERSION_ID:-}")
    echo "${os//./}-$(nproc)cores"
}
RESULTS_DIR=${RESULTS_DIR:-$ROOT/bench/results/$(date -u +%Y-%m-%d)-$(host_kind)}
mkdir -p "$RESULTS_DIR"
cp "$WORK/results.tsv" "$WORK/summary.md" "$WORK/env.txt" "$RESULTS_DIR/"
cp "$OUT" "$RESULTS_DIR/run_peers.out"
mv "$RT" "$RESULTS_DIR/round_trips.txt"
mv "$AB" "$RESULTS_DIR/apply_alternating.txt"
[ ! -s "$WORK/checks.txt" ] || cp "$WORK/checks.txt" "$RESULTS_DIR/"
"$PY" "$ROOT/bench/targets.py" "$RESULTS_DIR/results.tsv" | tee "$RESULTS_DIR/targets.md"
log "results in ${RESULTS_DIR#"$ROOT"/}"
