#!/usr/bin/env bash
# Times `trellis import` of N generated migrations of each file-based tool (default 1,000;
# the target: under 1 s each). Usage: bench/import/run.sh [TRELLIS_BINARY] [N] [RUNS]
set -euo pipefail
trellis=${1:-build/trellis}
n=${2:-1000}
runs=${3:-5}
trellis=$(cd "$(dirname "$trellis")" && pwd)/$(basename "$trellis")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sql() {  # a few statements per migration, with a function body, like a real schema
  printf 'CREATE TABLE t%d (id bigint PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now());\n' "$1"
  printf 'CREATE INDEX t%d_name ON t%d (name);\n' "$1" "$1"
  printf 'CREATE FUNCTION f%d() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN %d;\nEND;\n$$;\n' "$1" "$1"
}

generate() {  # tool dir
  local tool=$1 dir=$2 i v
  mkdir -p "$dir"
  for ((i = 1; i <= n; i++)); do
    v=$(printf '%06d' "$i")
    case $tool in
      golang-migrate)
        sql "$i" > "$dir/${v}_m$i.up.sql"
        printf 'DROP TABLE t%d;\nDROP FUNCTION f%d();\n' "$i" "$i" > "$dir/${v}_m$i.down.sql" ;;
      dbmate)
        { echo "-- migrate:up"; sql "$i"; echo "-- migrate:down"; echo "DROP TABLE t$i;"; } > "$dir/${v}_m$i.sql" ;;
      goose)
        { echo "-- +goose Up"; sql "$i"; echo "-- +goose Down"; echo "DROP TABLE t$i;"; } > "$dir/${v}_m$i.sql" ;;
      flyway)
        sql "$i" > "$dir/V1.$i""__m$i.sql" ;;
      diesel)
        mkdir -p "$dir/${v}_m$i"; sql "$i" > "$dir/${v}_m$i/up.sql"; echo "DROP TABLE t$i;" > "$dir/${v}_m$i/down.sql" ;;
    esac
  done
}

printf 'tool\tmigrations\tbest_s\tmedian_s\n'
for tool in golang-migrate dbmate goose flyway diesel; do
  generate "$tool" "$work/src-$tool"
  times=()
  for ((r = 1; r <= runs; r++)); do
    project="$work/p-$tool-$r"
    mkdir -p "$project"
    start=$(date +%s.%N)
    "$trellis" -C "$project" import --from "$tool" "$work/src-$tool" > /dev/null
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
    test "$(ls "$project/migrations/core" | wc -l)" -eq "$n"
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  best=$(echo "$sorted" | head -1)
  median=$(echo "$sorted" | sed -n "$(((runs + 1) / 2))p")
  printf '%s\t%d\t%s\t%s\n' "$tool" "$n" "$best" "$median"
done
