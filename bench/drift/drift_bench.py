#!/usr/bin/env python3
"""drift_bench.py — times `trellis check` with schema drift against its targets (issue 12):

  warm: check with the expected schema cached in .trellis/  <= 3   x a no-op `status`
  cold: check that replays every applied migration          <= 1.3 x a full `apply`

on the same database, SQLite and PostgreSQL, in alternating runs (A, B, A, B, ...) so
the machine's load falls on both alike. The project is the shared migration workload
(../shared/bench/gen_workload.py) sized to about TABLES tables; a cold check is
`TRELLIS_NO_CACHE=1 trellis check` (nothing read from .trellis/), each apply runs on a
fresh database. Prints medians, quartiles and the ratios of the medians.

    bench/drift/drift_bench.py --trellis build/trellis --harness ../shared/bench \\
        --work /tmp/trellis-drift-bench [--tables 500] [--reps 7] [--backends sqlite,pg] \\
        [--pg-uri postgresql://postgres@127.0.0.1:55433]

Without --pg-uri it starts a throw-away cluster with the harness's pg_cluster.sh (and
stops it at the end). Standard library only.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time


def run(cmd, env=None, check=True):
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and p.returncode != 0:
        sys.exit(f"drift_bench: {' '.join(cmd)} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return p


def timed(cmd, env=None, expect=0):
    start = time.perf_counter()
    p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if p.returncode != expect:
        sys.exit(f"drift_bench: {' '.join(cmd)} exited {p.returncode} (expected {expect}):\n{p.stderr}")
    return wall


def psql(uri, *sql):
    cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", uri, "-c", "SET client_min_messages = warning"]
    for s in sql:
        cmd += ["-c", s]
    return run(cmd)


class Backend:
    def __init__(self, name, work, pg_uri):
        self.name, self.work, self.pg_uri = name, work, pg_uri

    def fresh(self, label):
        """A new empty database; its trellis URL."""
        if self.name == "sqlite":
            d = os.path.join(self.work, f"db-{label}")
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            return "sqlite:" + os.path.join(d, "db.sqlite")
        db = f"drift_{label}"
        base = self.pg_uri.rsplit("/", 1)[0]
        psql(base + "/postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)", f"CREATE DATABASE {db}")
        return f"{base}/{db}"

    def tables(self, url):
        if self.name == "sqlite":
            p = run(["sqlite3", url[len("sqlite:"):], "SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
                     "AND name NOT LIKE 'trellis_%' AND name NOT LIKE 'sqlite_%'"])
        else:
            p = run(["psql", "-X", "-A", "-t", "-d", url, "-c",
                     "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"])
        return int(p.stdout.strip())


def summary(label, times):
    t = sorted(times)
    return (f"{label:<22} median {statistics.median(t) * 1000:9.1f} ms  p25 {t[len(t) // 4] * 1000:9.1f}  "
            f"p75 {t[3 * len(t) // 4] * 1000:9.1f}  min {t[0] * 1000:9.1f}  (n={len(t)})")


def bench_backend(args, be, project, out):
    trellis = [args.trellis, "-C", project, "-e", "bench"]
    live = be.fresh("live")
    run(trellis + ["--database", live, "apply"])
    tables = be.tables(live)
    nocache = dict(os.environ, TRELLIS_NO_CACHE="1")
    check = trellis + ["--database", live, "check"]
    # Correctness first: a cold check replays, compares and passes; a warm one hits the cache.
    doc = json.loads(run(check + ["--json"], env=nocache).stdout)
    assert doc["ok"] and doc["drift"]["compared"] and doc["drift"]["expected_from"] == "replay", doc["drift"]
    run(check)  # fills the cache
    doc = json.loads(run(check + ["--json"]).stdout)
    assert doc["ok"] and doc["drift"]["expected_from"] == "cache", doc["drift"]
    migrations = doc["drift"]["migrations"]

    apply_t, cold_t = [], []
    for k in range(args.reps + 1):  # the first round warms up, untimed
        url = be.fresh(f"apply{k % 2}")
        a = timed(trellis + ["--database", url, "apply"])
        c = timed(check, env=nocache)
        if k > 0:
            apply_t.append(a)
            cold_t.append(c)
    status_t, warm_t = [], []
    status = trellis + ["--database", live, "status"]
    for k in range(args.reps_fast + 3):
        s = timed(status)
        w = timed(check)
        if k >= 3:
            status_t.append(s)
            warm_t.append(w)
    nodrift_t = [timed(check + ["--no-drift"]) for _ in range(args.reps_fast)]

    cold = statistics.median(cold_t) / statistics.median(apply_t)
    warm = statistics.median(warm_t) / statistics.median(status_t)
    lines = [f"## {be.name}: {migrations} applied migrations, {tables} tables",
             summary("apply (fresh db)", apply_t), summary("check, cold", cold_t),
             summary("status (no-op)", status_t), summary("check, warm cache", warm_t),
             summary("check --no-drift", nodrift_t),
             f"cold check / apply   = {cold:.2f}  (target <= 1.3: {'met' if cold <= 1.3 else 'MISSED'})",
             f"warm check / status  = {warm:.2f}  (target <= 3: {'met' if warm <= 3 else 'MISSED'})", ""]
    for line in lines:
        print(line, flush=True)
        out.write(line + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trellis", required=True)
    ap.add_argument("--harness", required=True, help="the shared bench directory (gen_workload.py, pg_cluster.sh)")
    ap.add_argument("--work", default="/tmp/trellis-drift-bench")
    ap.add_argument("--tables", type=int, default=500)
    ap.add_argument("--reps", type=int, default=7, help="rounds of apply and cold check")
    ap.add_argument("--reps-fast", type=int, default=21, help="rounds of status and warm check")
    ap.add_argument("--backends", default="sqlite,pg")
    ap.add_argument("--pg-uri", default="")
    ap.add_argument("--out", default="", help="also write the results to this file")
    args = ap.parse_args()
    args.trellis = os.path.abspath(args.trellis)
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    os.chmod(args.work, 0o755)
    # The workload: each feature's first migration and ~8% of the later ones create a table.
    features = max(5, int(args.tables * 0.75))
    migrations = features + int((args.tables - features) / 0.08)
    wl, project = os.path.join(args.work, "wl"), os.path.join(args.work, "project")
    run([sys.executable, os.path.join(args.harness, "gen_workload.py"), "--migrations", str(migrations),
         "--features", str(features), "--seed", "42", "--out", wl])
    here = os.path.dirname(os.path.abspath(__file__))
    run([sys.executable, os.path.join(here, "..", "to_trellis.py"), wl, project])
    started = None
    if "pg" in args.backends.split(",") and not args.pg_uri:
        started = os.path.join(args.work, "pg")
        port = 58433
        args.pg_uri = run([os.path.join(args.harness, "pg_cluster.sh"), "start", started, str(port)]).stdout.strip()
    out = open(args.out, "w") if args.out else open(os.devnull, "w")
    try:
        out.write(f"# drift benchmark: {migrations} migrations in {features} features (seed 42), "
                  f"{os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n\n")
        for name in args.backends.split(","):
            bench_backend(args, Backend(name, args.work, args.pg_uri), project, out)
    finally:
        out.close()
        if started:
            run([os.path.join(args.harness, "pg_cluster.sh"), "stop", started], check=False)


if __name__ == "__main__":
    main()
