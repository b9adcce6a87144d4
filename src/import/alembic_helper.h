// alembic_helper.h — Alembic itself, asked through a small Python program run with the
// interpreter of the `alembic` on PATH: the revision graph as Alembic's API reads it, and
// each revision's SQL as its offline mode renders it. Never Python parsed by hand.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "import/source.h"

namespace trellis::imports {

// One revision file as Alembic loads it (ScriptDirectory); lines are 0 when unknown.
struct AlembicRevision {
  std::string revision;
  std::vector<std::string> down;     // down_revision: none (a root), one, or several (a merge)
  std::vector<std::string> depends;  // depends_on as written: revisions, partial ids or labels
  std::vector<std::string> labels;   // branch_labels declared in this file, sorted
  std::string file;                  // relative to the Alembic directory
  int line = 0, down_line = 0, depends_line = 0, labels_line = 0, upgrade_line = 0, downgrade_line = 0;
};

// What to render of one revision: its upgrade from `start` (the heads before it; empty: from
// base) and its downgrade from it to `down_to`.
struct AlembicRenderPlan {
  std::string revision;
  std::vector<std::string> start;
  std::string down_to;
};

struct AlembicRendered {
  std::string revision;
  std::string up;
  std::optional<std::string> down;  // none: its downgrade() raises NotImplementedError
};

struct AlembicRendering {
  std::vector<AlembicRendered> revisions;  // in the plan's order
  std::string version_table = "alembic_version", version_table_schema;
  std::string dialect;  // SQLAlchemy's name of the dialect env.py configured
};

// The interpreter that runs `alembic` (read from its #! line), as argv; none when no
// `alembic` is on PATH.
std::optional<std::vector<std::string>> alembic_python();

// Every revision of the Alembic project in `dir` (the directory with alembic.ini), in the
// order Alembic lists them. A failure (Alembic's, or a revision file's) is added to
// `problems` at its file:line.
std::vector<AlembicRevision> list_alembic_revisions(const std::vector<std::string>& python, const std::string& dir,
                                                    Problems& problems);

// Renders every revision of `plan` in one run of the project's env.py per section.
AlembicRendering render_alembic_revisions(const std::vector<std::string>& python, const std::string& dir,
                                          const std::vector<AlembicRenderPlan>& plan, Problems& problems);

// The helper's Python source (alembic_program.cc).
const char* alembic_program();

}  // namespace trellis::imports
