#!/usr/bin/env bash
# bench/verify_ab.sh MIGBENCH_DIR — `trellis verify` (3 orders) against one full
# `trellis apply` of the same shared workload, in alternating runs (apply, verify,
# verify with the stairway, apply, …), each apply on a fresh database, on SQLite and
# PostgreSQL. Prints the median wall time of each and the ratios to the apply.
#
# The apply is the real one (a SQLite file / a PostgreSQL database, bookkeeping and all);
# verify replays on scratch databases (SQLite in memory; PostgreSQL CREATE DATABASE on the
# same server), with a fixed seed so every run replays the same orders. The target of
# issue 12 is `verify --orders 3 --no-stairway` ≤ 2.5× apply; the stairway (up, down, up
# and two schema reads per migration) is timed too, as the default run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
H=${1:?usage: verify_ab.sh MIGBENCH_DIR}
T=${TRELLIS_BIN:-$ROOT/build/trellis}
PY=${PY:-/usr/bin/python3}
N=${VERIFY_N:-1000}
REPS=${VERIFY_REPS:-5}
BACKENDS=${VERIFY_BACKENDS:-"sqlite pg"}
D=$(mktemp -d /tmp/trellis-verify-ab.XXXXXX)
chmod 755 "$D"
port=58433
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
started=0
cleanup() { [ "$started" = 1 ] && "$H/pg_cluster.sh" stop "$D/pg" >/dev/null 2>&1; rm -rf "$D"; }
trap cleanup EXIT
case " $BACKENDS " in *" pg "*) "$H/pg_cluster.sh" start "$D/pg" "$port" >/dev/null; started=1 ;; esac
URI=postgresql://postgres@127.0.0.1:$port

wall() {  # COMMAND...: prints the wall seconds of one run; fails unless it exits 0
    "$PY" "$H/timecmd.py" --log "$D/log" --out "$D/t" -- "$@"
    read -r s _ rc <"$D/t"
    if [ "$rc" != 0 ]; then echo "verify_ab.sh: exit $rc from: $*" >&2; tail -20 "$D/log" >&2; exit 1; fi
    echo "$s"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
fresh() {  # BACKEND: prints the URL of a fresh database
    if [ "$1" = sqlite ]; then
        rm -rf "$D/db" && mkdir -p "$D/db" && echo "sqlite:$D/db/db.sqlite"
    else
        psql -X -q -d "$URI/postgres" -c "SET client_min_messages = warning" \
            -c "DROP DATABASE IF EXISTS verify_ab" -c "CREATE DATABASE verify_ab" && echo "$URI/verify_ab"
    fi
}

f=$((N / 50)); if ((f < 5)); then f=5; fi
"$PY" "$H/gen_workload.py" --migrations "$N" --features "$f" --seed 42 --out "$D/wl" >/dev/null 2>&1
"$ROOT/bench/trellis_adapter.sh" prepare "$D/wl" "$D/p"

echo "verify vs one full apply, N=$N, $REPS alternating runs (median wall s)"
printf '%-7s %9s %9s %9s %8s %8s\n' backend apply verify +stairway ratio ratio+st
for be in $BACKENDS; do
    : >"$D/apply"; : >"$D/verify"; : >"$D/stairway"
    for ((i = 0; i < REPS; i++)); do
        url=$(fresh "$be")
        wall "$T" -C "$D/p" -e bench --database "$url" apply >>"$D/apply"
        url=$(fresh "$be")  # verify needs only the backend: an empty database to start from
        wall "$T" -C "$D/p" -e bench --database "$url" verify --orders 3 --seed 1 --no-stairway >>"$D/verify"
        wall "$T" -C "$D/p" -e bench --database "$url" verify --orders 3 --seed 1 >>"$D/stairway"
    done
    a=$(median <"$D/apply") v=$(median <"$D/verify") s=$(median <"$D/stairway")
    printf '%-7s %9.3f %9.3f %9.3f %8.2f %8.2f\n' "$be" "$a" "$v" "$s" \
        "$(awk "BEGIN { print $v / $a }")" "$(awk "BEGIN { print $s / $a }")"
done
