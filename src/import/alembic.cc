// Alembic: its migrations are Python, so Alembic itself reads them (alembic_helper.h): the
// revision graph through its ScriptDirectory, each revision's SQL through its offline mode.
// The graph becomes the import order (alembic_graph.h); each rendering, without Alembic's
// bookkeeping, a section (alembic_sql.h). Features: a revision declaring branch_labels is
// in the feature its (first) label names; any other revision in its first down_revision's
// feature; a root without a label in the default one (--feature). Its other parents
// (down_revisions and depends_on) in other features become `requires`. Without alembic on
// PATH the import is refused with the way to install it.
#include "import/alembic_graph.h"
#include "import/alembic_helper.h"
#include "import/alembic_sql.h"
#include "import/source.h"
#include "import/source_files.h"
#include "util/text.h"

namespace trellis::imports {
namespace {

std::string base_name(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The Trellis slug: the file name without `.py` and without the revision id that Alembic's
// file_template puts before the slug ("ae1027a6acf_add_users.py" -> "add_users").
std::string slug_of(const AlembicRevision& r) {
  std::string stem = base_name(r.file);
  if (std::size_t dot = stem.rfind('.'); dot != std::string::npos && dot > 0) stem = stem.substr(0, dot);
  std::size_t at = stem.find(r.revision);
  if (at != std::string::npos && !r.revision.empty()) {
    std::string rest = stem.substr(at + r.revision.size());
    if (!rest.empty() && (rest.front() == '_' || rest.front() == '-')) rest.erase(0, 1);
    return rest.empty() ? r.revision : rest;
  }
  return stem;
}

std::vector<std::string> revisions_of(const AlembicGraph& g, const AlembicNode& n, std::size_t from, std::size_t to) {
  std::vector<std::string> out;
  for (std::size_t k = from; k < to; ++k) out.push_back(g.nodes[n.parents[k]].rev->revision);
  return out;
}

void describe(const AlembicGraph& g, const AlembicNode& n, SourceMigration& m) {
  m.comments.push_back("alembic revision " + n.rev->revision);
  if (n.downs > 1) {
    std::string text = "merge of " + join(revisions_of(g, n, 0, n.downs), ", ");
    m.comments.push_back("alembic " + text);
    m.notes.push_back(text);
  }
  if (n.parents.size() > n.downs) {
    std::string text = "depends_on " + join(revisions_of(g, n, n.downs, n.parents.size()), ", ");
    m.comments.push_back("alembic " + text);
    m.notes.push_back(text);
  }
  if (n.rev->labels.size() > 1) {
    m.notes.push_back("branch labels " + join(n.rev->labels, ", ") + ": the feature is the first");
  }
}

// One revision made a SourceMigration from its rendering.
void convert_revision(const std::string& dir, const AlembicGraph& g, std::size_t i, const AlembicRendered& rendered,
                      const VersionTable& table, SourceMigration& m, Problems& problems) {
  const AlembicNode& n = g.nodes[i];
  const AlembicRevision& r = *n.rev;
  std::string file = path_join(dir, r.file);
  m.version = r.revision;
  m.name = slug_of(r);
  m.file = file;
  m.line = r.line;
  m.feature = r.labels.empty() ? "" : r.labels.front();
  m.root = n.downs == 0;
  m.parents = n.parents;
  m.files.push_back(r.file);
  describe(g, n, m);
  std::string why;
  if (!alembic_section(rendered.up, table, file, r.upgrade_line, m.up, why)) {
    problems.add(file, r.upgrade_line, "PostgreSQL's parser does not read Alembic's offline SQL of this upgrade, at its " + why);
  }
  if (!m.up.transactional) m.notes.push_back("upgrade runs outside a transaction, as Alembic ran part of it");
  if (!rendered.down) {
    m.notes.push_back("downgrade() raises NotImplementedError");
    return;
  }
  if (!alembic_section(*rendered.down, table, file, r.downgrade_line, m.down, why)) {
    problems.add(file, r.downgrade_line, "PostgreSQL's parser does not read Alembic's offline SQL of this downgrade, at its " + why);
  }
  if (!m.down.transactional) m.notes.push_back("downgrade runs outside a transaction, as Alembic ran part of it");
}

}  // namespace

Source read_alembic(const std::string& dir, Problems& problems) {
  list_names(dir, true);  // a missing directory is refused first
  std::optional<std::vector<std::string>> python = alembic_python();
  if (!python) {
    problems.add(dir, 0,
                 "importing from Alembic needs Alembic itself: each revision's SQL is rendered by its offline "
                 "mode (alembic upgrade A:B --sql), and 'alembic' is not on PATH; install it (Debian: apt-get "
                 "install alembic; or pip install alembic) and import again, giving the directory with alembic.ini");
    return Source{};
  }
  if (!is_file(path_join(dir, "alembic.ini"))) {
    problems.add(dir, 0, "no alembic.ini in this directory: give the directory you run 'alembic' in");
    return Source{};
  }
  std::vector<AlembicRevision> revisions = list_alembic_revisions(*python, dir, problems);
  if (!problems.empty()) return Source{};
  AlembicGraph g = order_alembic_revisions(revisions, dir, problems);
  if (!problems.empty() || g.nodes.empty()) return Source{};
  AlembicRendering rendering = render_alembic_revisions(*python, dir, g.plan, problems);
  if (!problems.empty()) return Source{};
  if (rendering.dialect != "postgresql" || rendering.revisions.size() != g.nodes.size()) {
    problems.add(path_join(dir, "alembic.ini"), 0,
                 "env.py renders SQL for the '" + rendering.dialect + "' dialect; Trellis imports Alembic projects "
                 "for PostgreSQL: let env.py's offline mode use a postgresql:// URL (sqlalchemy.url in alembic.ini; "
                 "it connects to nothing, the URL only chooses the dialect)");
    return Source{};
  }
  Source source;
  source.keep_numbers = false;
  source.history_table = rendering.version_table;
  source.history_schema = rendering.version_table_schema;
  VersionTable table{rendering.version_table, rendering.version_table_schema};
  source.migrations.resize(g.nodes.size());
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    convert_revision(dir, g, i, rendering.revisions[i], table, source.migrations[i], problems);
  }
  return source;
}

}  // namespace trellis::imports
