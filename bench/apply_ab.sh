#!/usr/bin/env bash
# bench/apply_ab.sh MIGBENCH_DIR — full apply, Trellis against the raw baseline, in
# alternating runs (raw, trellis, raw, trellis, ...), each on a fresh database.
#
# run_peers.sh times each tool's runs back to back in a fixed order (raw, Alembic,
# Sqitch, then the new tool), so on a shared disk a burst of I/O, or a PostgreSQL
# checkpoint caused by Sqitch's thousands of commits just before, falls on one tool's
# runs only. Alternating the two tools puts them under the same conditions. Prints
# the median wall time of each and the ratio, per backend and N.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
H=${1:?usage: apply_ab.sh MIGBENCH_DIR}
T=${TRELLIS_BIN:-$ROOT/build/trellis}
PY=${PY:-/usr/bin/python3}
SIZES=${AB_SIZES:-"100 1000"}
D=$(mktemp -d /tmp/trellis-ab.XXXXXX)
chmod 755 "$D"
port=57433
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
cleanup() { "$H/pg_cluster.sh" stop "$D/pg" >/dev/null 2>&1 || true; rm -rf "$D"; }
trap cleanup EXIT
"$H/pg_cluster.sh" start "$D/pg" "$port" >/dev/null
URI=postgresql://postgres@127.0.0.1:$port

wall() {  # COMMAND...: prints the wall seconds of one run
    "$PY" "$H/timecmd.py" --out "$D/t" -- "$@"
    cut -d' ' -f1 "$D/t"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
fresh() {  # BACKEND NAME: prints the target of a fresh database
    if [ "$1" = sqlite ]; then
        rm -rf "$D/db-$2" && mkdir -p "$D/db-$2" && echo "$D/db-$2/db.sqlite"
    else
        psql -X -q -d "$URI/postgres" -c "SET client_min_messages = warning" \
            -c "DROP DATABASE IF EXISTS $2" -c "CREATE DATABASE $2" && echo "$URI/$2"
    fi
}

echo "Full apply, alternating runs (median wall s)"
printf '%-7s %6s %5s %10s %10s %8s\n' backend N runs raw trellis ratio
for n in $SIZES; do
    f=$((n / 50)); if ((f < 5)); then f=5; fi
    "$PY" "$H/gen_workload.py" --migrations "$n" --features "$f" --seed 42 --out "$D/wl-$n" >/dev/null 2>&1
    "$ROOT/bench/trellis_adapter.sh" prepare "$D/wl-$n" "$D/p-$n"
    reps=5; if ((n > 100)); then reps=3; fi
    for be in sqlite pg; do
        : >"$D/raw" ; : >"$D/trellis"
        for ((i = 0; i < reps; i++)); do
            t=$(fresh "$be" raw_ab)
            wall "$H/run_raw.sh" "$be" "$t" "$D/wl-$n" >>"$D/raw"
            t=$(fresh "$be" trellis_ab)
            url=$t; [ "$be" = sqlite ] && url=sqlite:$t
            wall "$T" -C "$D/p-$n" -e bench --database "$url" apply >>"$D/trellis"
        done
        r=$(median <"$D/raw") tr=$(median <"$D/trellis")
        printf '%-7s %6s %5s %10.3f %10.3f %8.2f\n' "$be" "$n" "$reps" "$r" "$tr" "$(awk "BEGIN { print $tr / $r }")"
    done
done
