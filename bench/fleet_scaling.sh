#!/usr/bin/env bash
# bench/fleet_scaling.sh SHARED_BENCH_DIR — `trellis fleet apply` over a fleet of fresh
# PostgreSQL databases at --parallel 1, 2, 4 and 8, in one run, on one server over TCP
# (so that each migration's round trips wait on the server, as with a remote fleet).
# Target (issue 14): 100 databases x 20 migrations, --parallel 4 at least 2.5x faster
# than --parallel 1. Medians of FLEET_RUNS (default 3) alternating rounds.
#
#   bench/fleet_scaling.sh ../shared/bench                    # 100 x 20, 1 2 4 8
#   FLEET_DBS=50 FLEET_MIGRATIONS=10 FLEET_PARALLEL="1 4" FLEET_RUNS=1 bench/fleet_scaling.sh ../shared/bench
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
H=${1:?usage: fleet_scaling.sh SHARED_BENCH_DIR}
T=${TRELLIS_BIN:-$ROOT/build/trellis}
PY=${PY:-/usr/bin/python3}
DBS=${FLEET_DBS:-100}
MIGRATIONS=${FLEET_MIGRATIONS:-20}
PARALLEL=${FLEET_PARALLEL:-1 2 4 8}
RUNS=${FLEET_RUNS:-3}
D=$(mktemp -d /tmp/trellis-fleet.XXXXXX)
chmod 755 "$D"
port=57633
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
cleanup() {
    "$H/pg_cluster.sh" stop "$D/pg" >/dev/null 2>&1 || true
    rm -rf "$D"
}
trap cleanup EXIT
"$H/pg_cluster.sh" start "$D/pg" "$port" >/dev/null
URL=postgresql://postgres@127.0.0.1:$port

# The project: 4 features of MIGRATIONS/4 migrations, each a table and an index.
mkdir -p "$D/p"
printf '[env.fleet]\ndatabase = "sqlite:unused.db"\n' >"$D/p/trellis.toml"
for i in $(seq 1 "$MIGRATIONS"); do
    f=f$(( (i - 1) % 4 ))
    n=$(printf '%04d' "$i")
    mkdir -p "$D/p/migrations/$f"
    printf -- '-- +up\nCREATE TABLE t%s (id bigint PRIMARY KEY, v text);\nCREATE INDEX t%s_v ON t%s (v);\n-- +down\nDROP TABLE t%s;\n' \
        "$i" "$i" "$i" "$i" >"$D/p/migrations/$f/${n}_t$i.sql"
done
: >"$D/p/targets.toml"
for i in $(seq 1 "$DBS"); do printf '[target.db%03d]\ndatabase = "%s/db%03d"\n' "$i" "$URL" "$i" >>"$D/p/targets.toml"; done

fresh_fleet() {
    for i in $(seq 1 "$DBS"); do
        PGOPTIONS="-c client_min_messages=warning" psql -X -q -d "$URL/postgres" -c "DROP DATABASE IF EXISTS db$(printf '%03d' "$i")" -c "CREATE DATABASE db$(printf '%03d' "$i")"
    done
}

echo "fleet apply: $DBS databases x $MIGRATIONS migrations ($(nproc) CPUs), $RUNS round(s), medians"
# Rounds alternate the --parallel values, so a change of the machine's load falls on all of them.
for r in $(seq 1 "$RUNS"); do
    for p in $PARALLEL; do
        fresh_fleet
        : >"$D/out"
        "$PY" "$H/timecmd.py" --log "$D/out" --out "$D/t" -- "$T" -C "$D/p" fleet apply --targets "$D/p/targets.toml" --parallel "$p"
        read -r s rss rc <"$D/t"
        [ "$rc" = 0 ] || { cat "$D/out"; exit 1; }
        printf 'round %s --parallel %s: %s s, %s KB\n' "$r" "$p" "$s" "$rss" >&2
        printf '%s %s %s\n' "$p" "$s" "$rss" >>"$D/all"
    done
done
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf 'parallel\tseconds\tspeed-up\tmax RSS KB\n'
base=""
for p in $PARALLEL; do
    s=$(awk -v p="$p" '$1 == p { print $2 }' "$D/all" | median)
    rss=$(awk -v p="$p" '$1 == p { print $3 }' "$D/all" | median)
    [ -n "$base" ] || base=$s
    printf '%s\t%s\t%s\t%s\n' "$p" "$s" "$(awk -v a="$base" -v b="$s" 'BEGIN { printf "%.2f", a / b }')" "$rss"
done
