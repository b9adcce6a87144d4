#!/usr/bin/env python3
"""Checks that dependencies between the library's folders point one way.

The table below is ARCHITECTURE.md's: each folder of src/ with the folders it may use, and
which folder owns each public header of include/trellis/ (a header counts as its owner's).
Every #include "..." of every file under src/ is checked against it; a file may always
include its own folder's headers. Exit status 1 lists each include that points the wrong
way, as file:line.
"""
import pathlib
import re
import sys

# folder -> folders it may use (besides itself), top to bottom.
MAY_USE = {
    "cli": {"engine", "import", "backfill", "patterns", "analysis", "report", "graph", "project", "db", "schema", "sql", "util"},
    "engine": {"import", "backfill", "analysis", "report", "graph", "project", "db", "schema", "sql", "util"},
    "backfill": {"graph", "project", "db", "schema", "sql", "util"},
    "import": {"project", "sql", "util"},
    "patterns": {"project", "util"},
    "analysis": {"report", "project", "sql", "util"},
    "graph": {"project", "util"},
    "project": {"schema", "util"},
    "db": {"schema", "sql", "util"},
    "schema": {"util"},
    "report": {"util"},
    "sql": {"util"},
    "util": set(),
}

# include/trellis/<header> -> the folder that owns it.
OWNER = {
    "error.h": "util", "duration.h": "util", "diagnostic.h": "util",
    "statement.h": "sql",
    "state.h": "db", "backfill.h": "db", "connection.h": "db", "state_store.h": "db",
    "runner_lock.h": "db", "dialect.h": "db", "driver.h": "db", "scratch.h": "db",
    "schema.h": "schema",
    "migration.h": "project", "project.h": "project", "targets.h": "project", "scaffold.h": "project",
    "graph.h": "graph",
    "analysis.h": "analysis", "lint.h": "analysis",
    "patterns.h": "patterns", "import.h": "import",
    "backfill_report.h": "backfill",
    "plan.h": "engine", "apply.h": "engine", "rollback.h": "engine", "stamp.h": "engine", "replicas.h": "engine", "replica_locks.h": "engine", "repair.h": "engine",
    "status.h": "engine", "integrity.h": "engine", "workspace.h": "engine",
    "schema_check.h": "engine", "compatibility.h": "engine", "migrate.h": "engine",
    "check.h": "engine", "adopt.h": "engine", "schema_diff.h": "engine", "lint_session.h": "engine", "trellis.h": "engine",
    "verify.h": "engine", "readiness.h": "engine", "fleet.h": "engine",
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def owner_of(path: str):
    parts = path.split("/")
    if parts[0] == "trellis" and len(parts) == 2:
        return OWNER.get(parts[1], "?" + parts[1])
    if parts[0] in MAY_USE:
        return parts[0]
    return None  # a header of a dependency, or a relative include


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent
    problems = []
    for header in sorted((root / "include" / "trellis").glob("*.h")):
        if header.name not in OWNER:
            problems.append(f"include/trellis/{header.name}: no owner in scripts/check_layers.py")
    sources = sorted((root / "src").rglob("*.[ch]*")) + sorted((root / "include" / "trellis").glob("*.h"))
    for f in sources:
        rel = f.relative_to(root).as_posix()
        folder = OWNER.get(f.name) if rel.startswith("include/") else rel.split("/")[1]
        if folder not in MAY_USE:
            problems.append(f"{rel}: folder '{folder}' is not in the layer table")
            continue
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = owner_of(m.group(1))
            if target is None or target == folder:
                continue
            if target.startswith("?"):
                problems.append(f"{rel}:{n}: includes {m.group(1)}, which has no owner")
            elif target not in MAY_USE[folder]:
                problems.append(f"{rel}:{n}: {folder} may not use {target} ({m.group(1)})")
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} include(s) break the layering (ARCHITECTURE.md)", file=sys.stderr)
        return 1
    print(f"layering ok: {len(sources)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
