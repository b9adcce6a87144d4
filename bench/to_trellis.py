#!/usr/bin/env python3
"""to_trellis.py WL_DIR PROJECT_DIR — converts a migbench workload (see the shared
bench README) into a Trellis project: one feature directory per workload feature, one
file per migration (the workload's global sequence number as the file number), the
cross-feature dependencies as `-- requires:` lines. Standard library only."""
import json
import os
import sys


def main():
    wl, proj = sys.argv[1], sys.argv[2]
    with open(os.path.join(wl, "workload.json")) as f:
        meta = json.load(f)
    by_id = {m["id"]: m for m in meta["migrations"]}

    def trellis_id(m):
        seq, feature = m["id"].split("_")[0], m["feature"]
        slug = m["id"][len(seq) + 1 + len(feature) + 1:]
        return feature, seq, slug

    os.makedirs(os.path.join(proj, "migrations"), exist_ok=True)
    with open(os.path.join(proj, "trellis.toml"), "w") as f:
        f.write('[project]\nmigrations = "migrations"\n\n[env.bench]\n'
                'database = "sqlite:bench.db"\nfeatures = "all"\n')
    for m in meta["migrations"]:
        feature, seq, slug = trellis_id(m)
        requires = []
        for dep in m["deps"]:
            d = by_id[dep]
            if d["feature"] != feature:
                df, dseq, _ = trellis_id(d)
                requires.append(f"{df}/{dseq}")
        with open(os.path.join(wl, m["up"])) as f:
            up = f.read()
        with open(os.path.join(wl, m["down"])) as f:
            down = f.read()
        d = os.path.join(proj, "migrations", feature)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"{seq}_{slug}.sql"), "w") as f:
            if requires:
                f.write("-- requires: " + ", ".join(requires) + "\n")
            f.write("-- +up\n" + up + "\n-- +down\n" + down)


if __name__ == "__main__":
    main()
