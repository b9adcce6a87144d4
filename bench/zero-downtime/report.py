#!/usr/bin/env python3
"""Reads what run.sh left in its work directory and prints the result table (Markdown).

usage: report.py WORK_DIR ROWS CLIENTS RATE

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
    t0, t1, status = read(work, name + ".window").split()
    t0, t1 = float(t0), float(t1)
    txs = read_transactions(work, name)
    first = min((t[1] for t in txs), default=t0)
    window = [t for t in txs if t[0] < t1 and t[1] > t0]
    base = [t for t in txs if first + 2.0 <= t[1] < t0]
    w, b = stats(window), stats(base)
    errors, aborted, first_error = client_errors(work, name, w["failed"] + b["failed"])
    covered = max((t[1] for t in txs), default=0) >= t1
    return {"t0": t0, "t1": t1, "status": int(status), "w": w, "b": b, "errors": errors,
            "aborted": aborted, "first_error": first_error, "covered": covered,
            "waits": lock_waits(work, name), "seconds": t1 - t0,
            "tps": w["n"] / (t1 - t0) if t1 > t0 else float("nan")}


def fmt(v, digits=0):
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:,.{digits}f}"


def main():
    work, rows, clients, rate = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    s0, s1 = (float(x) for x in read(work, "single.window").split())
    single_rate = rows / (s1 - s0)
    a, b = variant(work, "naive"), variant(work, "safe")
    upd = naive_update_ms(work)
    naive_rate = rows / (upd / 1000.0) if upd else None
    bf = read(work, "safe.backfill").split()
    bf_rows, bf_active_ms, bf_wall_s, bf_batches = int(bf[0]), int(bf[1]), float(bf[2]), int(bf[3])
    safe_rate = bf_rows / bf_wall_s if bf_wall_s > 0 else float("nan")
    safe_active_rate = bf_rows / (bf_active_ms / 1000.0) if bf_active_ms > 0 else float("nan")

    print(f"{rows:,} rows; pgbench {clients} clients at {rate} tx/s in all (60% reads, 40% "
          f"update+insert); stall threshold {STALL_MS:.0f} ms\n")
    print("| | (a) naive, one migration | (b) trellis safe sequence |")
    print("| --- | --- | --- |")
    row = lambda label, x, y: print(f"| {label} | {x} | {y} |")
    row("`trellis apply` exit status", a["status"], b["status"])
    row("migration time (s)", fmt(a["seconds"], 1), fmt(b["seconds"], 1))
    row("client tx in the migration window", fmt(a["w"]["n"]), fmt(b["w"]["n"]))
    row("  completed per second in the window", fmt(a["tps"], 1), fmt(b["tps"], 1))
    row("  longest client tx (ms)", fmt(a["w"]["max"], 1), fmt(b["w"]["max"], 1))
    row("  p99 / p50 (ms)", f"{fmt(a['w']['p99'], 1)} / {fmt(a['w']['p50'], 1)}",
        f"{fmt(b['w']['p99'], 1)} / {fmt(b['w']['p50'], 1)}")
    row(f"  tx over {STALL_MS:.0f} ms", fmt(a["w"]["over"]), fmt(b["w"]["over"]))
    row("baseline before it: longest / p99 (ms)",
        f"{fmt(a['b']['max'], 1)} / {fmt(a['b']['p99'], 1)}", f"{fmt(b['b']['max'], 1)} / {fmt(b['b']['p99'], 1)}")
    row("client errors (failed tx + aborted clients)", a["errors"], b["errors"])
    row("lock waits > 100 ms in the server log / longest (ms)",
        f"{a['waits'][0]} / {fmt(a['waits'][1], 0)}", f"{b['waits'][0]} / {fmt(b['waits'][1], 0)}")
    row("backfill rows/s (wall clock)", fmt(naive_rate), fmt(safe_rate))
    row("  vs one UPDATE of the whole table, no load", fmt(naive_rate / single_rate, 2) + "x" if naive_rate else "n/a",
        fmt(safe_rate / single_rate, 2) + "x")
    print(f"\nOne `UPDATE accounts SET tier_id = 1` on a fresh copy, no load: {s1 - s0:.1f} s, "
          f"{single_rate:,.0f} rows/s.")
    print(f"Safe backfill: {bf_rows:,} rows in {bf_batches} batches, {bf_wall_s:.1f} s wall clock, "
          f"{bf_active_ms / 1000.0:.1f} s inside batches ({safe_active_rate:,.0f} rows/s there).")
    steps = read(work, "safe.steps").strip()
    if steps:
        print("\nSafe sequence, per migration (ms):\n")
        for line in steps.splitlines():
            ident, ms = line.split()
            print(f"    {ident:45} {int(ms):>8,}")
    print(f"\nFinal schemas of (a) and (b) (pg_dump -s of both tables): {read(work, 'schema.same').strip()}")
    for name, v in (("naive", a), ("safe", b)):
        if not v["covered"]:
            print(f"WARNING: the {name} load ended before its migration did; raise "
                  f"{name.upper()}_SECONDS")
        if v["first_error"]:
            print(f"{name}: first client error: {v['first_error']}")
    ok = (b["errors"] == 0 and b["status"] == 0 and b["w"]["over"] == 0
          and safe_rate >= 0.5 * single_rate)
    print(f"\nTargets for (b) — no client error, no tx over {STALL_MS:.0f} ms, backfill >= half the "
          f"single-UPDATE rate: {'met' if ok else 'MISSED'}")
    print("\nMachine: " + read(work, "uptime").strip().replace("\n", "; "))


if __name__ == "__main__":
    main()
