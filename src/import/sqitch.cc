// Sqitch: sqitch.plan (pragmas, change lines `name [deps] timestamp planner <email> # note`,
// tag lines `@tag …`) with deploy/, revert/ and verify/ scripts per change. The plan's
// order is the deploy order. A change named again after a tag is reworked: its earlier
// scripts are deploy/name@TAG.sql etc. (TAG a tag between the two). Requires become
// `requires` where they cross features, conflicts (`!name`) a header comment and a
// manifest note; verify scripts are listed in the manifest, not run. Sqitch runs scripts
// with psql, so a script is transactional unless a statement cannot run in a transaction
// (its own BEGIN … COMMIT stays as it is).
#include <map>

#include "import/source.h"
#include "import/source_files.h"
#include "util/text.h"

namespace trellis::imports {
namespace {

bool timestamp_like(std::string_view t) {
  // 2012-12-30T18:17:19Z
  if (t.size() != 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != 'Z') {
    return false;
  }
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
    if (t[i] < '0' || t[i] > '9') return false;
  }
  return true;
}

struct PlanLine {
  std::string name;               // the change, or "@tag"
  std::vector<std::string> deps;  // as written
};

// Parses one change or tag line; false with `why` when it is not one.
bool parse_line(std::string_view t, PlanLine& out, std::string& why) {
  std::size_t end = t.find_first_of(" \t[");
  out.name = std::string(t.substr(0, end));
  std::string_view rest = end == std::string_view::npos ? "" : trim(t.substr(end));
  if (starts_with(rest, "[")) {
    std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return why = "'[' of the dependencies is never closed", false;
    for (const auto& dep : split_list(rest.substr(1, close - 1), ' ')) out.deps.push_back(dep);
    rest = trim(rest.substr(close + 1));
  }
  std::string_view stamp = rest.substr(0, rest.find_first_of(" \t"));
  if (!timestamp_like(stamp)) {
    return why = "expected a timestamp (YYYY-MM-DDTHH:MM:SSZ) after '" + out.name + "', found '" + std::string(stamp) + "'",
           false;
  }
  rest = rest.substr(stamp.size());
  std::size_t lt = rest.find('<'), gt = rest.find('>');
  if (lt == std::string_view::npos || gt == std::string_view::npos || gt < lt) {
    return why = "expected the planner's name and <email> after the timestamp", false;
  }
  return true;
}

struct Reader {
  std::string dir, plan_path, project;
  Problems& problems;
  Source source;
  std::map<std::string, std::size_t> latest;  // change name -> index of its latest instance
  std::vector<std::pair<std::string, std::size_t>> tags_seen;  // tag -> count of changes before it
  int verify_scripts = 0;

  std::string script(const std::string& kind, const std::string& name) { return path_join(dir, kind + "/" + name + ".sql"); }

  // The scripts of an earlier instance reworked later: named after a tag between the two.
  std::string rework_suffix(const SourceMigration& earlier, std::size_t earlier_index) {
    for (const auto& [tag, before] : tags_seen) {
      if (before > earlier_index && is_file(script("deploy", earlier.name + "@" + tag))) return "@" + tag;
    }
    return "";
  }

  void load_scripts(SourceMigration& m, const std::string& name, int line) {
    std::string deploy = script("deploy", name), revert = script("revert", name), verify = script("verify", name);
    if (!is_file(deploy)) return problems.add(plan_path, line, "no deploy script " + deploy + " for change '" + m.name + "'");
    if (!is_file(revert)) {
      return problems.add(plan_path, line, "no revert script " + revert + " for change '" + m.name + "'",
                          "Sqitch reverts every change with its revert script: write it, then import again");
    }
    m.up.whole_file(read_file(deploy), deploy);
    m.down.whole_file(read_file(revert), revert);
    m.up.transactional = !sql_shape(m.up.sql).needs_outside;
    m.down.transactional = !sql_shape(m.down.sql).needs_outside;
    m.files = {"deploy/" + name + ".sql", "revert/" + name + ".sql"};
    if (is_file(verify)) {
      ++verify_scripts;
      m.notes.push_back("verify script verify/" + name + ".sql is not run by Trellis");
    }
  }

  void on_change(const PlanLine& p, int line) {
    auto prev = latest.find(p.name);
    if (prev != latest.end()) {
      SourceMigration& earlier = source.migrations[prev->second];
      std::string suffix = rework_suffix(earlier, prev->second);
      if (suffix.empty()) {
        return problems.add(plan_path, line, "change '" + p.name + "' is planned twice with no tag between whose scripts exist",
                            "a reworked change needs a tag after its first instance and deploy/" + p.name + "@TAG.sql");
      }
      load_scripts(earlier, earlier.name + suffix, earlier.line);
    }
    SourceMigration m;
    m.version = p.name;
    m.name = p.name;
    m.file = plan_path;
    m.line = line;
    for (const std::string& dep : p.deps) on_dep(m, dep, line);
    latest[p.name] = source.migrations.size();
    source.migrations.push_back(std::move(m));
  }

  void on_dep(SourceMigration& m, std::string dep, int line) {
    bool conflict = starts_with(dep, "!");
    if (conflict) dep = dep.substr(1);
    if (auto colon = dep.find(':'); colon != std::string::npos) {
      if (dep.substr(0, colon) != project) {
        return problems.add(plan_path, line, "'" + dep + "' is a change of another Sqitch project",
                            "import that project into its own feature and declare the dependency with -- requires:");
      }
      dep = dep.substr(colon + 1);
    }
    if (conflict) {
      m.comments.push_back("sqitch conflicts: " + dep);
      m.notes.push_back("conflicts with " + dep);
      // A change planned before it becomes `-- conflicts:` (lint's declared-conflict).
      if (auto found = latest.find(dep.substr(0, dep.find('@'))); found != latest.end()) {
        m.conflicts.push_back(found->second);
      }
      return;
    }
    std::string base = dep.substr(0, dep.find('@'));
    auto found = latest.find(base);
    if (found == latest.end()) {
      return problems.add(plan_path, line, "change '" + m.name + "' requires '" + dep + "', which is not planned before it");
    }
    m.parents.push_back(found->second);
  }
};

}  // namespace

Source read_sqitch(const std::string& dir, Problems& problems) {
  Reader r{dir, path_join(dir, "sqitch.plan"), "", problems, {}, {}, {}, 0};
  if (!is_file(r.plan_path)) {
    problems.add(r.plan_path, 0, "no sqitch.plan", "give Sqitch's top directory (the one with sqitch.plan)");
    return r.source;
  }
  std::string plan = read_file(r.plan_path);  // lines_of() views it
  for (const TextLine& line : lines_of(plan)) {
    std::string_view t = trim(line.text);
    if (t.empty() || t.front() == '#') continue;
    if (t.front() == '%') {
      if (starts_with(t, "%project=")) r.project = std::string(trim(t.substr(9)));
      continue;
    }
    PlanLine p;
    std::string why;
    if (!parse_line(t, p, why)) {
      problems.add(r.plan_path, line.number, "unparsable plan line: " + why);
      continue;
    }
    if (starts_with(p.name, "@")) {
      if (r.source.migrations.empty()) {
        problems.add(r.plan_path, line.number, "tag " + p.name + " before any change");
        continue;
      }
      r.tags_seen.emplace_back(p.name.substr(1), r.source.migrations.size());
      r.source.tags.emplace_back(p.name, r.source.migrations.size() - 1);
      continue;
    }
    r.on_change(p, line.number);
  }
  for (auto& [name, index] : r.latest) r.load_scripts(r.source.migrations[index], name, r.source.migrations[index].line);
  if (r.verify_scripts > 0) {
    r.source.warnings.push_back(std::to_string(r.verify_scripts) +
                                " Sqitch verify script(s) are not run by Trellis (listed in the manifest)");
  }
  r.source.keep_numbers = false;
  r.source.project = r.project;
  return r.source;
}

}  // namespace trellis::imports
