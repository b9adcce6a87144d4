#!/usr/bin/env bash
# bench/pg_round_trips.sh MIGBENCH_DIR — counts the messages Trellis and the raw psql
# baseline send to PostgreSQL to apply the N=100 migbench workload, from the server's
# own statement log (log_statement = all: one line per simple-protocol query string, one
# per extended-protocol execute), so every client round trip is counted once.
#
# Prints, per tool: round trips of a full apply, of a no-op apply, and the difference
# divided by the number of migrations, next to the workload's statements per migration.
# Uses a private cluster (shared pg_cluster.sh) on a free port in a temporary directory.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
H=${1:?usage: pg_round_trips.sh MIGBENCH_DIR}
T=${TRELLIS_BIN:-$ROOT/build/trellis}
N=${RT_MIGRATIONS:-100}
PY=${PY:-/usr/bin/python3}
D=$(mktemp -d /tmp/trellis-rt.XXXXXX)
chmod 755 "$D"
port=56433
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
cleanup() { "$H/pg_cluster.sh" stop "$D/pg" >/dev/null 2>&1 || true; rm -rf "$D"; }
trap cleanup EXIT

"$PY" "$H/gen_workload.py" --migrations "$N" --features 5 --seed 42 --out "$D/wl" >/dev/null 2>&1
"$ROOT/bench/trellis_adapter.sh" prepare "$D/wl" "$D/proj"
"$H/pg_cluster.sh" start "$D/pg" "$port" >/dev/null
URI=postgresql://postgres@127.0.0.1:$port
LOGF=$D/pg/server.log
statements=$(cat "$D"/wl/migrations/*.up.sql | grep -c ';$')

logged() { grep -cE 'LOG:  (statement|execute [^:]*):' "$LOGF" || true; }
count() {  # DB COMMAND...: messages the server logged while COMMAND ran
    local before after
    before=$(logged)
    "${@:2}" >/dev/null 2>&1
    after=$(logged)
    echo $((after - before))
}
setup_db() {
    psql -X -q -d "$URI/postgres" -c "CREATE DATABASE $1" -c "ALTER DATABASE $1 SET log_statement = 'all'"
}

setup_db rt_trellis
setup_db rt_raw
tf=$(count rt_trellis "$T" -C "$D/proj" -e bench --database "$URI/rt_trellis" apply)
tn=$(count rt_trellis "$T" -C "$D/proj" -e bench --database "$URI/rt_trellis" apply)
ts=$(count rt_trellis "$T" -C "$D/proj" -e bench --database "$URI/rt_trellis" status)
rf=$(count rt_raw "$H/run_raw.sh" pg "$URI/rt_raw" "$D/wl")
rn=$(count rt_raw "$H/run_raw.sh" pg "$URI/rt_raw" "$D/wl")

echo "PostgreSQL round trips, migbench workload N=$N ($statements statements, $(awk "BEGIN {printf \"%.2f\", $statements / $N}") per migration), from the server's statement log"
printf '%-8s %12s %12s %10s %22s\n' tool "full apply" "no-op apply" status "per migration (full-no-op)/N"
printf '%-8s %12s %12s %10s %22s\n' trellis "$tf" "$tn" "$ts" "$(awk "BEGIN {printf \"%.2f\", ($tf - $tn) / $N}")"
printf '%-8s %12s %12s %10s %22s\n' raw "$rf" "$rn" "-" "$(awk "BEGIN {printf \"%.2f\", ($rf - $rn) / $N}")"
