#!/usr/bin/env bash
# Times `trellis import` of N generated migrations of each file-based tool (default 1,000;
# the target: under 1 s each), with --dry-run (reading, converting, checking: no writes)
# and the file system's floor (a shell creating N files) beside it. Usage: bench/import/run.sh [TRELLIS_BINARY] [N] [RUNS]
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

seconds() {  # command…: wall seconds of one run
  local start end
  start=$(date +%s.%N)
  "$@" > /dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }

# The file system's own floor: a shell creating N small files in a new directory.
floor=()
for ((r = 1; r <= runs; r++)); do
  mkdir "$work/floor-$r"
  floor+=("$(seconds bash -c 'for ((i = 1; i <= '"$n"'; i++)); do echo x > '"$work/floor-$r"'/$i.sql; done')")
done
echo "creating $n files with the shell: median $(median "${floor[@]}") s"

printf 'tool\tmigrations\timport_median_s\tdry_run_median_s\n'
for tool in golang-migrate dbmate goose flyway diesel; do
  generate "$tool" "$work/src-$tool"
  full=() dry=()
  for ((r = 1; r <= runs; r++)); do
    project="$work/p-$tool-$r"
    mkdir -p "$project"
    dry+=("$(seconds "$trellis" -C "$project" import --from "$tool" "$work/src-$tool" --dry-run)")
    full+=("$(seconds "$trellis" -C "$project" import --from "$tool" "$work/src-$tool")")
    test "$(ls "$project/migrations/core" | wc -l)" -eq "$n"
  done
  printf '%s\t%d\t%s\t%s\n' "$tool" "$n" "$(median "${full[@]}")" "$(median "${dry[@]}")"
done
