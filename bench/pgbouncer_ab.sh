#!/usr/bin/env bash
# bench/pgbouncer_ab.sh SHARED_BENCH_DIR — full apply of the shared workload through
# PgBouncer (pool_mode = transaction, so Trellis takes its lease lock) against the direct
# connection (advisory lock), in alternating runs on fresh databases, and the median of
# each. Target (issue 14): through the pooler within 1.3x of direct at N=1,000.
#
#   bench/pgbouncer_ab.sh ../shared/bench            # N=1000, 5 runs each
#   AB_SIZES="100 1000" AB_RUNS=3 bench/pgbouncer_ab.sh ../shared/bench
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
H=${1:?usage: pgbouncer_ab.sh SHARED_BENCH_DIR}
T=${TRELLIS_BIN:-$ROOT/build/trellis}
PY=${PY:-/usr/bin/python3}
SIZES=${AB_SIZES:-1000}
RUNS=${AB_RUNS:-5}
BOUNCER=${PGBOUNCER:-/usr/sbin/pgbouncer}
[ -x "$BOUNCER" ] || { echo "pgbouncer_ab.sh: no pgbouncer at $BOUNCER (apt-get install pgbouncer)" >&2; exit 2; }
D=$(mktemp -d /tmp/trellis-bouncer.XXXXXX)
chmod 755 "$D"
port=57533
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
bport=$((port + 1))
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    [ -f "$D/bouncer/pgbouncer.pid" ] && kill "$(cat "$D/bouncer/pgbouncer.pid")" 2>/dev/null || true
    "$H/pg_cluster.sh" stop "$D/pg" >/dev/null 2>&1 || true
    rm -rf "$D"
}
trap cleanup EXIT
"$H/pg_cluster.sh" start "$D/pg" "$port" >/dev/null
mkdir -p "$D/bouncer"
echo '"postgres" ""' >"$D/bouncer/userlist.txt"
cat >"$D/bouncer/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$port
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bport
unix_socket_dir =
auth_type = trust
auth_file = $D/bouncer/userlist.txt
pool_mode = transaction
default_pool_size = 3
max_client_conn = 100
server_reset_query =
logfile = $D/bouncer/pgbouncer.log
pidfile = $D/bouncer/pgbouncer.pid
INI
[ "$(id -u)" -eq 0 ] && chown -R postgres: "$D/bouncer"
as_pg "$BOUNCER" -d "$D/bouncer/pgbouncer.ini"
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$bport") 2>/dev/null && break; sleep 0.05; done
DIRECT=postgresql://postgres@127.0.0.1:$port
POOLED=postgresql://postgres@127.0.0.1:$bport

wall() { "$PY" "$H/timecmd.py" --out "$D/t" -- "$@"; cut -d' ' -f1 "$D/t"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
fresh() {  # NAME: a new database, created on the direct connection (PgBouncer keeps its
           # server connections to earlier ones open, so they are never dropped here)
    psql -X -q -d "$DIRECT/postgres" -c "CREATE DATABASE $1"
}

echo "Full apply on PostgreSQL, direct (advisory lock) vs through PgBouncer (lease), median wall s"
printf '%6s %5s %10s %10s %8s\n' N runs direct pooled ratio
for n in $SIZES; do
    f=$((n / 50)); if ((f < 5)); then f=5; fi
    "$PY" "$H/gen_workload.py" --migrations "$n" --features "$f" --seed 42 --out "$D/wl-$n" >/dev/null 2>&1
    "$ROOT/bench/trellis_adapter.sh" prepare "$D/wl-$n" "$D/p-$n"
    : >"$D/direct"; : >"$D/pooled"
    for ((i = 0; i < RUNS; i++)); do
        fresh "ab_direct_${n}_$i"
        wall "$T" -C "$D/p-$n" -e bench --database "$DIRECT/ab_direct_${n}_$i" apply >>"$D/direct"
        fresh "ab_pooled_${n}_$i"
        wall "$T" -C "$D/p-$n" -e bench --database "$POOLED/ab_pooled_${n}_$i" apply >>"$D/pooled"
    done
    d=$(median <"$D/direct") p=$(median <"$D/pooled")
    printf '%6s %5s %10.3f %10.3f %8.2f\n' "$n" "$RUNS" "$d" "$p" "$(awk "BEGIN { print $p / $d }")"
done
