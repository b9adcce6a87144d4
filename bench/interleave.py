#!/usr/bin/env python3
"""Times commands in interleaved runs, for A/B comparisons on a shared machine.

    bench/interleave.py RUNS -- CMD_A ARGS... -- CMD_B ARGS... [-- CMD_C ...]

Each round runs every command once, in order (A, B, C, A, B, C, ...), so drift in the
machine's load falls on all of them alike; hyperfine, by contrast, runs all of A's
runs before B's. After three untimed warm-up runs of each, prints each command's median,
quartiles and minimum wall time in ms, and each one's median as a ratio of the first's.
Commands are started with posix_spawn, stdout to /dev/null, stderr kept.
"""
import os
import statistics
import sys
import time


def parse(argv):
    if len(argv) < 3 or argv[1] != "--":
        sys.exit(__doc__)
    runs = int(argv[0])
    cmds = [[]]
    for a in argv[2:]:
        if a == "--":
            cmds.append([])
        else:
            cmds[-1].append(a)
    if any(not c for c in cmds):
        sys.exit("interleave.py: empty command\n" + __doc__)
    return runs, cmds


def main():
    runs, cmds = parse(sys.argv[1:])
    devnull = os.open(os.devnull, os.O_WRONLY)

    def once(cmd):
        start = time.perf_counter_ns()
        pid = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
        os.waitpid(pid, 0)
        return (time.perf_counter_ns() - start) / 1e6

    for cmd in cmds:
        for _ in range(3):
            once(cmd)
    times = [[] for _ in cmds]
    for _ in range(runs):
        for k, cmd in enumerate(cmds):
            times[k].append(once(cmd))
    first = statistics.median(times[0])
    for k, t in enumerate(times):
        t.sort()
        med = statistics.median(t)
        print(f"cmd{k}: median {med:7.2f}  p25 {t[len(t) // 4]:7.2f}  p75 {t[3 * len(t) // 4]:7.2f}  "
              f"min {t[0]:7.2f}  ratio {med / first:.3f}  {' '.join(cmds[k])[:60]}")


if __name__ == "__main__":
    main()
