#!/usr/bin/env python3
"""targets.py RESULTS_TSV - checks Trellis against its performance targets, using only
medians of one run_peers.sh run (results.tsv, tool label "trellis"). Standard library only.

Targets (issues 2 and 3), per backend:
  full apply (a)/(b), N=100 and N=1000:     trellis / raw <= 1.2
  no-op apply (d) and status (c), N=5000:   trellis / raw <= 1.5,
                                            alembic / trellis >= 20, sqitch / trellis >= 20
Also lists the graph listing (trellis plan) beside alembic heads/history and sqitch plan.
Prints a markdown table; exit status 0 even when a target is missed (the table says so).
"""
import csv
import statistics
import sys


def medians(path):
    runs = {}
    with open(path, newline="") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            if r["status"] != "ok":
                continue
            runs.setdefault((r["section"], r["backend"], r["tool"], int(r["n"])), []).append(float(r["wall_s"]))
    return {k: statistics.median(v) for k, v in runs.items()}


def fmt(x):
    return "-" if x is None else ("%.4f" % x if x < 0.1 else "%.3f" % x)


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    m = medians(argv[0])
    rows = []

    def check(label, sec, be, n, tool, base_be, base_tool, op, limit, inverse=False):
        t = m.get((sec, be, tool, n))
        b = m.get((sec, base_be, base_tool, n))
        if t is None or b is None:
            rows.append([label, be, str(n), fmt(t), fmt(b), "-", "%s %g" % (op, limit), "NO DATA"])
            return
        ratio = b / t if inverse else t / b
        ok = ratio <= limit if op == "<=" else ratio >= limit
        rows.append([label, be, str(n), fmt(t), fmt(b), "%.2f" % ratio, "%s %g" % (op, limit),
                     "met" if ok else "MISSED"])

    for be, sec in (("sqlite", "a_apply"), ("pg", "b_apply")):
        for n in (100, 1000):
            check("full apply: trellis / raw", sec, be, n, "trellis apply", be, "raw apply", "<=", 1.2)
    for be in ("sqlite", "pg"):
        n = 5000
        check("no-op apply: trellis / raw", "d_noop", be, n, "trellis apply", be, "raw apply", "<=", 1.5)
        check("no-op apply: alembic / trellis", "d_noop", be, n, "trellis apply", be, "alembic upgrade heads",
              ">=", 20, inverse=True)
        check("no-op apply: sqitch / trellis", "d_noop", be, n, "trellis apply", be, "sqitch deploy",
              ">=", 20, inverse=True)
        check("status: trellis / raw", "c_readonly", be, n, "trellis status", be, "raw status", "<=", 1.5)
        check("status: alembic current / trellis", "c_readonly", be, n, "trellis status", be, "alembic current",
              ">=", 20, inverse=True)
        check("status: sqitch status / trellis", "c_readonly", be, n, "trellis status", be, "sqitch status",
              ">=", 20, inverse=True)
    hdr = ["target", "backend", "N", "trellis s", "other s", "ratio", "goal", "result"]
    widths = [max(len(r[i]) for r in rows + [hdr]) for i in range(len(hdr))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"
    print(line(hdr))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))
    print()
    print("Graph listing (no database), median wall s:")
    sizes = sorted({k[3] for k in m if k[0] == "c_readonly" and k[1] == "-"})
    for tool in ("trellis plan", "alembic heads", "alembic history", "sqitch plan"):
        cells = ["N=%d %s" % (n, fmt(m.get(("c_readonly", "-", tool, n)))) for n in sizes]
        print("  %-16s %s" % (tool, "  ".join(cells)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
