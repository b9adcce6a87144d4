#!/usr/bin/env python3
"""Reads what run.sh left in its work directory and prints the result table (Markdown).

usage: report.py WORK_DIR ROWS CLIENTS

Client transactions come from pgbench's per-transaction logs (`--log`): each line is
`client tx latency_us script epoch_s epoch_us [schedule_lag_us]`, the epoch being the end
of the transaction, so it started at end - latency (with --rate the latency counts from
the scheduled start, so a client held up also shows in the transactions queued behind it).
The migration window is [start of `trellis apply`, its end]; a transaction belongs to it
when it overlaps it. The baseline window is the load before the migration (its first two
seconds left out).
"""
import glob
import math
import os
import re
import sys

STALL_MS = 250.0


def read_transactions(work, name):
    txs = []  # (start_s, end_s, latency_ms, script, failed)
    for path in glob.glob(os.path.join(work, name + "_tx.*")):
        with open(path) as f:
            for line in f:
                p = line.split()
                if len(p) < 6:
                    continue
                end = int(p[4]) + int(p[5]) / 1e6
                if not p[2].isdigit():  # "failed" / "skipped"
                    txs.append((end, end, 0.0, int(p[3]), True))
                    continue
                lat = int(p[2]) / 1000.0
                txs.append((end - lat / 1000.0, end, lat, int(p[3]), False))
    return txs


def percentile(values, q):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(q * len(s)) - 1))]


def stats(txs):
    lat = [t[2] for t in txs if not t[4]]
    return {
        "n": len(lat),
        "max": max(lat) if lat else float("nan"),
        "p99": percentile(lat, 0.99),
        "p50": percentile(lat, 0.50),
        "over": sum(1 for v in lat if v > STALL_MS),
        "failed": sum(1 for t in txs if t[4]),
    }


def read(work, name):
    path = os.path.join(work, name)
    return open(path).read() if os.path.exists(path) else ""


def client_errors(work, name, failed):
    err = read(work, name + "_pgbench.err")
    aborted = len(re.findall(r"client \d+ aborted", err))
    first = next((l for l in err.splitlines() if "aborted" in l or "ERROR" in l), "")
    return failed + aborted, aborted, first


def lock_waits(work, name):
    log = read(work, name + ".server.log")
    waits = re.findall(r"still waiting for (\S+) on .* after ([\d.]+) ms", log)
    acquired = [float(m) for m in re.findall(r"acquired \S+ on .* after ([\d.]+) ms", log)]
    return len(waits), max(acquired) if acquired else 0.0


def naive_update_ms(work):
    m = re.search(r"duration: ([\d.]+) ms\s+statement: UPDATE accounts SET tier_id = 1",
                  read(work, "naive.server.log"))
    return float(m.group(1)) if m else None


def variant(work, name):
    t0, t1, status, rate = read(work, name + ".window").split()
    t0, t1 = float(t0), float(t1)
    txs = read_transactions(work, name)
    first = min((t[1] for t in txs), default=t0)
    window = [t for t in txs if t[0] < t1 and t[1] > t0]
    base = [t for t in txs if first + 2.0 <= t[1] < t0]
    w, b = stats(window), stats(base)
    errors, aborted, first_error = client_errors(work, name, w["failed"] + b["failed"])
    pgbench_status = int(read(work, name + "_pgbench.status") or 0)
    if pgbench_status != 0 and errors == 0:
        errors, first_error = 1, f"pgbench exit status {pgbench_status}"
    covered = max((t[1] for t in txs), default=0) >= t1
    v = {"name": name, "rate": int(rate), "t0": t0, "t1": t1, "status": int(status), "w": w, "b": b,
         "errors": errors, "first_error": first_error, "covered": covered,
         "waits": lock_waits(work, name), "seconds": t1 - t0,
         "tps": w["n"] / (t1 - t0) if t1 > t0 else float("nan")}
    if name == "naive":
        upd = naive_update_ms(work)
        v["fill_rate"] = v["rows"] = None
        if upd:
            v["fill_rate"] = ROWS / (upd / 1000.0)
    else:
        rows, active_ms, wall_s, batches = read(work, name + ".backfill").split()
        v["rows"], v["batches"], v["wall"] = int(rows), int(batches), float(wall_s)
        v["active"] = int(active_ms) / 1000.0
        v["fill_rate"] = v["rows"] / v["wall"] if v["wall"] > 0 else float("nan")
        v["steps"] = read(work, name + ".steps").strip()
    return v


def fmt(v, digits=0):
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:,.{digits}f}"


ROWS = 0
TITLES = {"naive": "(a) naive, one migration", "safe": "(b) trellis safe sequence",
          "safe_heavy": "(b) again, heavy insert load"}


def main():
    global ROWS
    work, ROWS, clients = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    singles = [tuple(float(x) for x in line.split()) for line in read(work, "single.window").splitlines()]
    single_s = min(t1 - t0 for t0, t1 in singles)
    single_rate = ROWS / single_s
    vs = [variant(work, n) for n in ("naive", "safe", "safe_heavy")]

    print(f"{ROWS:,} rows; pgbench, {clients} clients (60% reads by key and by owner, 40% update one row + "
          f"insert one); stall threshold {STALL_MS:.0f} ms\n")
    print("| | " + " | ".join(TITLES[v["name"]] for v in vs) + " |")
    print("| --- |" + " --- |" * len(vs))

    def row(label, f):
        print(f"| {label} | " + " | ".join(str(f(v)) for v in vs) + " |")

    row("client load (tx/s, all clients)", lambda v: v["rate"])
    row("`trellis apply` exit status", lambda v: v["status"])
    row("**migration time (s)**", lambda v: fmt(v["seconds"], 1))
    row("client tx overlapping the migration", lambda v: fmt(v["w"]["n"]))
    row("  completed per second meanwhile", lambda v: fmt(v["tps"], 0))
    row("  **longest (ms)**", lambda v: fmt(v["w"]["max"], 1))
    row("  **p99** / p50 (ms)", lambda v: f"{fmt(v['w']['p99'], 1)} / {fmt(v['w']['p50'], 1)}")
    row(f"  over {STALL_MS:.0f} ms", lambda v: fmt(v["w"]["over"]))
    row("load before the migration: longest / p99 (ms)",
        lambda v: f"{fmt(v['b']['max'], 1)} / {fmt(v['b']['p99'], 1)}")
    row("**client errors**", lambda v: v["errors"])
    row("server lock waits > 100 ms / longest (ms)", lambda v: f"{v['waits'][0]} / {fmt(v['waits'][1], 0)}")
    row("backfill rows / batches", lambda v: "one UPDATE" if v["rows"] is None else f"{v['rows']:,} / {v['batches']}")
    row("**backfill rows/s** (wall clock)", lambda v: fmt(v["fill_rate"]))
    row("  vs one UPDATE, no load",
        lambda v: "n/a" if v["fill_rate"] is None else fmt(v["fill_rate"] / single_rate, 2) + "x")
    row("  time inside batches only (s), rate vs one UPDATE",
        lambda v: "n/a" if v["rows"] is None else
        f"{v['active']:.1f}, {fmt(v['rows'] / v['active'] / single_rate, 2)}x")
    print(f"\nOne `UPDATE accounts SET tier_id = 1` of the whole fresh table, no load: "
          + ", ".join(f"{t1 - t0:.1f} s" for t0, t1 in singles)
          + f"; the faster, {single_rate:,.0f} rows/s, is the baseline.")
    print("(a)'s backfill rate is its UPDATE statement's duration in the server log; (b)'s is rows over "
          "the time from the backfill's start to its last batch, pauses included.")
    for v in vs[1:]:
        print(f"\n{TITLES[v['name']]}: backfill {v['rows']:,} rows in {v['batches']} batches, {v['wall']:.1f} s "
              f"({v['active']:.1f} s inside batches); per migration (ms):\n")
        for line in v["steps"].splitlines():
            ident, ms = line.split()
            print(f"    {ident:45} {int(ms):>8,}")
    print(f"\nFinal schemas of (a) and (b) (pg_dump -s of both tables): {read(work, 'schema.same').strip()}")
    for v in vs:
        if not v["covered"]:
            print(f"WARNING: the {v['name']} load ended before its migration did; raise its *_SECONDS")
        if v["first_error"]:
            print(f"{v['name']}: first client error: {v['first_error']}")
    for v in vs[1:]:
        ok = (v["errors"] == 0 and v["status"] == 0 and v["w"]["over"] == 0
              and v["fill_rate"] >= 0.5 * single_rate)
        print(f"Targets for {TITLES[v['name']]} ({v['rate']} tx/s) — no client error, no tx over {STALL_MS:.0f} ms, backfill "
              f">= half the single-UPDATE rate: {'met' if ok else 'MISSED'}")
    print("\nMachine: " + read(work, "uptime").strip().replace("\n", "; "))


if __name__ == "__main__":
    main()
