#!/usr/bin/env bash
# Speed and peak memory, side by side: Trellis and Squawk on (1) one file of 10,000
# statements, (2) a project of 5,000 migrations in 50 features, (3) 4,920 migrations in 20
# independent features that all touch the same objects (the cross-feature conflict
# analysis at its worst: every feature creates and alters the same tables, columns and
# indexes), and (3b) the same files with each feature requiring the previous one. Trellis
# runs cold (no analysis cache) and warm (cache filled by the previous run). Prints the
# median of RUNS runs (default 5); memory is the peak RSS of the last run (/usr/bin/time).
#
#   TRELLIS=build/trellis bench/lint/bench.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
trellis="$(realpath "${TRELLIS:-$here/../../build/trellis}")"
squawk="${SQUAWK:-$here/node_modules/.bin/squawk}"
runs="${RUNS:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

statement() {  # a mix of safe and dangerous DDL/DML, numbered
  local i=$1
  case $((i % 8)) in
    0) echo "CREATE TABLE t$i (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, created_at timestamptz DEFAULT now());" ;;
    1) echo "CREATE INDEX ix_$i ON orders (c$i);" ;;
    2) echo "ALTER TABLE orders ADD COLUMN c$i text;" ;;
    3) echo "ALTER TABLE orders ADD CONSTRAINT ck_$i CHECK (c$i <> '') NOT VALID;" ;;
    4) echo "UPDATE orders SET c$i = 'x' WHERE id BETWEEN $i AND $((i + 100));" ;;
    5) echo "ALTER TABLE orders ALTER COLUMN c$i SET NOT NULL;" ;;
    6) echo "CREATE TABLE u$i (id int PRIMARY KEY, at timestamp, doc json);" ;;
    7) echo "ALTER TABLE t$((i - 7)) ADD CONSTRAINT fk_$i FOREIGN KEY (id) REFERENCES orders (id);" ;;
  esac
}

project() {  # $1 dir
  mkdir -p "$1"
  printf '[project]\nmigrations = "migrations"\n' > "$1/trellis.toml"  # no environment: PostgreSQL, nothing applied
}

# (1) one file, 10,000 statements
project "$work/big"
mkdir -p "$work/big/migrations/big"
{ echo "-- +up"; for i in $(seq 1 10000); do statement "$i"; done; } > "$work/big/migrations/big/0001_big.sql"
# (2) 5,000 migrations: 50 features x 100 migrations of 3 statements
project "$work/many"
for f in $(seq 1 50); do
  mkdir -p "$work/many/migrations/f$f"
  for m in $(seq 1 100); do
    i=$((f * 1000 + m * 3))
    { echo "-- +up"; statement "$i"; statement $((i + 1)); statement $((i + 2)); } \
      > "$work/many/migrations/f$f/$(printf '%04d' "$m")_m.sql"
  done
done

# (3) 20 features x 246 migrations of 3 statements, the same statements in every feature
shared() {  # $1 dir, $2 "chain" to make each feature require the previous one
  project "$1"
  for f in $(seq 1 20); do
    mkdir -p "$1/migrations/f$f"
    for m in $(seq 1 246); do
      i=$((m * 3))
      {
        if [ "$2" = chain ] && [ "$f" -gt 1 ] && [ "$m" = 1 ]; then echo "-- requires: f$((f - 1))/0246"; fi
        echo "-- +up"; statement "$i"; statement $((i + 1)); statement $((i + 2))
      } > "$1/migrations/f$f/$(printf '%04d' "$m")_m.sql"
    done
  done
}
shared "$work/shared" independent
shared "$work/chained" chain

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_ms() {  # runs "$@" RUNS times, prints median wall ms
  for _ in $(seq 1 "$runs"); do
    local s e
    s=$(date +%s%N); "$@" > /dev/null 2>&1 || true; e=$(date +%s%N)
    echo $(((e - s) / 1000000))
  done | median
}
cold() { rm -rf "$1/.trellis"; "$trellis" -C "$1" lint --format json; }
warm() { "$trellis" -C "$1" lint --format json; }

peak_mib() {  # peak RSS of one run of "$@", MiB
  /usr/bin/time -f %M "$@" 2>&1 > /dev/null | tail -1 | awk '{printf "%.0f", $1 / 1024}'
}
for d in big many shared chained; do "$trellis" -C "$work/$d" lint > /dev/null 2>&1 || true; done  # fill the caches for "warm"
printf '%-34s %10s %10s %10s %10s %10s\n' "input" "trellis" "trellis" "squawk" "trellis" "squawk"
printf '%-34s %10s %10s %10s %10s %10s\n' "" "cold ms" "warm ms" "ms" "MiB" "MiB"
row() {  # label, dir, squawk's file argument
  printf '%-34s %10s %10s %10s %10s %10s\n' "$1" \
    "$(time_ms cold "$2")" "$(time_ms warm "$2")" \
    "$(time_ms "$squawk" --assume-in-transaction --reporter json "$3")" \
    "$(peak_mib "$trellis" -C "$2" lint --format json)" \
    "$(peak_mib "$squawk" --assume-in-transaction --reporter json "$3")"
}
row "1 file, 10,000 statements" "$work/big" "$work/big/migrations/big/0001_big.sql"
row "5,000 migrations, 15,000 stmts" "$work/many" "$work/many/migrations/**/*.sql"
row "4,920 in 20 independent features" "$work/shared" "$work/shared/migrations/**/*.sql"
row "the same, chained by requires" "$work/chained" "$work/chained/migrations/**/*.sql"
echo "(median of $runs runs; cold = no .trellis/analysis-cache.bin; MiB = peak RSS, warm run)"
