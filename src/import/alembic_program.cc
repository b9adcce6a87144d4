// The Python program trellis runs with Alembic's own interpreter (the one `alembic` on PATH
// starts): it reads the revision graph through Alembic's API (ScriptDirectory) and renders
// each revision's upgrade and downgrade SQL in Alembic's offline mode, exactly as
// `alembic upgrade A:B --sql` and `alembic downgrade B:A --sql` do (the same
// EnvironmentContext alembic.command builds, so the project's env.py runs as it always
// does), but in one process for every revision, and with A a tuple of heads where a
// revision has several parents (a merge). It answers one JSON document on stdout; what
// env.py or a revision prints goes to stderr.
#include "import/alembic_helper.h"

namespace trellis::imports {

const char* alembic_program() {
  return R"PY(import ast, io, json, os, sys, traceback

out = sys.stdout
sys.stdout = sys.stderr  # what env.py or a revision prints must not mix with the answer


def answer(doc):
    out.write(json.dumps(doc))
    out.flush()


def where(exc):
    """The file:line in the project (not in Alembic or Python) where `exc` was raised."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return os.path.relpath(exc.filename), exc.lineno or 0
    here = os.path.abspath(os.getcwd())
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = os.path.abspath(frame.filename)
        if path.startswith(here + os.sep) and "site-packages" not in path and "dist-packages" not in path:
            return os.path.relpath(path), frame.lineno or 0
    return "alembic.ini", 0


def fail(exc, what):
    path, line = where(exc)
    message = exc.msg if isinstance(exc, SyntaxError) else str(exc) or type(exc).__name__
    answer({"error": {"file": path, "line": line, "message": "%s: %s: %s" % (what, type(exc).__name__, message)}})
    sys.exit(0)


def lines_of(path):
    """Lines of the top-level assignments and of def upgrade/downgrade, by Python's parser."""
    found = {}
    if not path.endswith(".py"):
        return found  # a sourceless revision (.pyc): no lines to tell
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for t in targets:
            if isinstance(t, ast.Name):
                found.setdefault(t.id, node.lineno)
        if isinstance(node, ast.FunctionDef):
            found.setdefault(node.name, node.lineno)
    return found


def listed(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def list_revisions(script):
    revisions = []
    # Every file, before Alembic's map refuses a dangling down_revision with a bare KeyError.
    load = getattr(script, "_load_revisions", None) or script.walk_revisions
    for sc in load():
        lines = lines_of(sc.path)
        revisions.append({
            "revision": sc.revision,
            "down": listed(sc.down_revision),
            "depends": listed(getattr(sc.module, "depends_on", None)),
            "labels": sorted(listed(getattr(sc.module, "branch_labels", None))),
            "file": os.path.relpath(sc.path),
            "line": lines.get("revision", 0),
            "down_line": lines.get("down_revision", 0),
            "depends_line": lines.get("depends_on", 0),
            "labels_line": lines.get("branch_labels", 0),
            "upgrade_line": lines.get("upgrade", 0),
            "downgrade_line": lines.get("downgrade", 0),
        })
    return {"revisions": revisions}


def render(config, script, upgrade, start, destination, seen):
    """What `alembic upgrade START:DEST --sql` (or downgrade) prints, START being one or
    several heads (a merge's parents): the same EnvironmentContext alembic.command builds."""
    from alembic.runtime.environment import EnvironmentContext

    buffer = io.StringIO()
    config.output_buffer = buffer

    def steps(rev, context):
        seen["table"] = context.version_table
        seen["schema"] = context.version_table_schema
        seen["dialect"] = context.dialect.name
        if upgrade:
            return script._upgrade_revs(destination, rev)
        return script._downgrade_revs(destination, rev)

    with EnvironmentContext(config, script, fn=steps, as_sql=True, starting_rev=start, destination_rev=destination):
        script.run_env()
    return buffer.getvalue()


def render_all(config, script, plan):
    seen = {}
    renders = []
    for item in plan:
        revision = item["revision"]
        try:
            up = render(config, script, True, tuple(item["start"]) or None, revision, seen)
        except Exception as e:
            fail(e, "alembic upgrade %s --sql" % revision)
        if not up.strip():  # Alembic prints at least the version table's update
            env = os.path.relpath(os.path.join(script.dir, "env.py"))
            message = "offline mode printed nothing for revision %s: env.py sends its SQL elsewhere" % revision
            answer({"error": {"file": env, "line": 0, "message": message + " (an output_buffer of its own?)"}})
            sys.exit(0)
        entry = {"revision": revision, "up": up}
        try:
            entry["down"] = render(config, script, False, revision, item["down_to"], seen)
        except NotImplementedError:
            entry["down"] = None
        except Exception as e:
            fail(e, "alembic downgrade %s --sql" % revision)
        renders.append(entry)
    return {"renders": renders, "version_table": seen.get("table"), "version_table_schema": seen.get("schema"),
            "dialect": seen.get("dialect")}


def main():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    if not os.path.isfile("alembic.ini"):
        answer({"error": {"file": "alembic.ini", "line": 0, "message": "no alembic.ini in this directory"}})
        return
    try:
        config = Config("alembic.ini")
        script = ScriptDirectory.from_config(config)
    except Exception as e:
        fail(e, "reading alembic.ini")
    if sys.argv[1] == "list":
        try:
            answer(list_revisions(script))
        except Exception as e:
            fail(e, "loading the revisions")
        return
    plan = [json.loads(item) for item in sys.argv[2:]]
    try:
        script.revision_map.heads
    except Exception as e:
        fail(e, "Alembic's revision map")
    answer(render_all(config, script, plan))


main()
)PY";
}

}  // namespace trellis::imports
