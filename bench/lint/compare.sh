#!/usr/bin/env bash
# Runs Trellis and Squawk on the same corpus (bench/lint/corpus/*.sql) and prints, per
# file and per rule, where they agree and where they differ. Squawk runs with
# --assume-in-transaction because Trellis migrations are transactional by default.
#
#   npm install --prefix bench/lint squawk-cli     # once
#   TRELLIS=build/trellis bench/lint/compare.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
trellis="$(realpath "${TRELLIS:-$here/../../build/trellis}")"
squawk="${SQUAWK:-$here/node_modules/.bin/squawk}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Each corpus file becomes the only migration of its own scratch project, as Squawk sees
# each file alone (in one project, a table created by an earlier pending migration of the
# chain would count as new). The projects have no environment, so Trellis lints them as
# PostgreSQL with nothing applied.
n=0
for f in "$here"/corpus/*.sql; do
  n=$((n + 1))
  name="$(basename "$f" .sql)"
  dir="$work/p$n"
  mkdir -p "$dir/migrations/corpus"
  printf '[project]\nmigrations = "migrations"\n' > "$dir/trellis.toml"
  { echo "-- +up"; cat "$f"; } > "$dir/migrations/corpus/0001_$name.sql"
  "$trellis" -C "$dir" lint --format json > "$work/trellis-$n.json" || true
done
python3 - "$work" > "$work/trellis.json" <<'PY'
import glob, json, sys
print(json.dumps({"findings": [f for p in sorted(glob.glob(sys.argv[1] + "/trellis-*.json"))
                               for f in json.load(open(p))["findings"]]}))
PY
"$squawk" --assume-in-transaction --reporter json "$here"/corpus/*.sql > "$work/squawk.json" 2>/dev/null || true

python3 - "$work/trellis.json" "$work/squawk.json" "$here/corpus" <<'PY'
import json, sys, re, collections, os
# Squawk rule -> the Trellis rule(s) that cover the same hazard.
MAP = {
  "adding-required-field": ["add-column-not-null-without-default"],
  "adding-field-with-default": ["add-column-volatile-default", "add-column-generated-stored"],
  "adding-foreign-key-constraint": ["constraint-missing-not-valid"],
  "adding-not-nullable-field": ["set-not-null"],
  "adding-primary-key-constraint": ["constraint-without-using-index"],
  "adding-serial-primary-key-field": ["constraint-without-using-index"],
  "disallowed-unique-constraint": ["constraint-without-using-index"],
  "constraint-missing-not-valid": ["constraint-missing-not-valid", "validate-in-same-transaction"],
  "ban-char-field": ["ban-char-field"],
  "ban-create-domain-with-constraint": ["ban-domain-constraint"],
  "ban-alter-domain-with-add-constraint": ["ban-domain-constraint"],
  "ban-drop-column": ["drop-column"], "ban-drop-table": ["drop-table"],
  "ban-drop-database": ["ban-drop-database"], "ban-drop-not-null": ["drop-not-null"],
  "ban-truncate-cascade": ["ban-cascade"],
  "changing-column-type": ["change-column-type"],
  "prefer-bigint-over-int": ["prefer-bigint-id"], "prefer-bigint-over-smallint": ["prefer-bigint-id"],
  "prefer-big-int": ["prefer-bigint-id"],
  "prefer-identity": ["prefer-identity"], "prefer-robust-stmts": ["prefer-robust-stmts"],
  "prefer-text-field": ["prefer-text-field"], "prefer-timestamp-tz": ["prefer-timestamptz"],
  "renaming-column": ["rename-column"], "renaming-table": ["rename-table"],
  "require-concurrent-index-creation": ["require-concurrent-index"],
  "require-concurrent-index-deletion": ["require-concurrent-index-drop"],
  "require-enum-value-ordering": ["enum-value-without-position"],
  "transaction-nesting": ["transaction-nesting"],
  "ban-concurrent-index-creation-in-transaction": ["concurrently-in-transaction"],
}
# Squawk rules with no Trellis counterpart on purpose (see README.md).
NOT_APPLICABLE = {"require-lock-timeout", "require-statement-timeout"}

def stem(path):
    base = path.rsplit("/", 1)[-1][:-4]
    return re.sub(r"^\d{4}_", "", base)

trellis = collections.defaultdict(set)
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["file"].endswith(".sql"):
        trellis[stem(f["file"])].add(f["rule"])
squawk = collections.defaultdict(set)
for v in json.load(open(sys.argv[2])):
    squawk[stem(v["file"])].add(v["rule_name"])

names = {f[:-4] for f in os.listdir(sys.argv[3]) if f.endswith(".sql")}
agree = differ = 0
per_rule = collections.Counter()
print(f"{'corpus file':32} {'verdict':8} details")
for name in sorted(names):
    t = trellis[name]
    s = {r for r in squawk[name] if r not in NOT_APPLICABLE}
    covered = {r for r in s if any(x in t for x in MAP.get(r, []))}
    only_s = s - covered
    only_t = {r for r in t if not any(r in MAP.get(q, []) for q in s)}
    ok = not only_s and not only_t
    agree += ok
    differ += not ok
    for r in covered: per_rule[("agree", r)] += 1
    for r in only_s: per_rule[("squawk-only", r)] += 1
    for r in only_t: per_rule[("trellis-only", r)] += 1
    detail = "both: " + ",".join(sorted(covered)) if covered else ""
    if only_s: detail += "  squawk only: " + ",".join(sorted(only_s))
    if only_t: detail += "  trellis only: " + ",".join(sorted(only_t))
    print(f"{name:32} {'agree' if ok else 'DIFFER':8} {detail.strip() or '(no findings from either)'}")
print()
print("per rule:")
for (kind, rule), n in sorted(per_rule.items(), key=lambda x: (x[0][1], x[0][0])):
    print(f"  {rule:45} {kind:13} {n}")
print(f"\n{agree} file(s) agree, {differ} differ; Squawk's require-lock-timeout / "
      "require-statement-timeout not compared (Trellis sets both itself)")
PY
