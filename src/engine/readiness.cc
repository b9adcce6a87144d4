// readiness.cc — requirements, trellis.lock and what a database lacks (trellis/readiness.h).
#include "trellis/readiness.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "trellis/error.h"
#include "trellis/graph.h"

namespace trellis {
namespace {

// A row's id matches "core/0002_users" exactly, or "core/0002" as its prefix before '_'.
bool matches(const std::string& row_id, const std::string& wanted) {
  if (row_id == wanted) return true;
  return row_id.size() > wanted.size() && row_id.compare(0, wanted.size(), wanted) == 0 &&
         row_id[wanted.size()] == '_' && wanted.find('_') == std::string::npos;
}

std::string short_sum(const std::string& checksum) { return checksum.substr(0, 8); }

}  // namespace

std::vector<RequiredMigration> released_requirements(const Workspace& ws) {
  std::vector<RequiredMigration> out;
  const Graph& g = ws.graph();
  for (Node n = 0; n < g.size(); ++n) {
    const Migration& m = g.at(n);
    if (ws.env().releases(m.feature)) out.push_back({m.id, m.checksum});
  }
  std::sort(out.begin(), out.end(), [](const RequiredMigration& a, const RequiredMigration& b) { return a.id < b.id; });
  return out;
}

std::string render_lock_file(const std::string& environment, const std::vector<RequiredMigration>& requirements) {
  std::string out = "# trellis.lock: the migrations environment '" + environment +
                    "' must have (trellis plan --write-lock; checked by trellis wait --lock)\n";
  for (const auto& r : requirements) out += r.id + " " + r.checksum + "\n";
  return out;
}

std::vector<RequiredMigration> read_lock_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw Error(ErrorKind::kUsage, "cannot read lock file " + path,
                "write it with 'trellis plan --write-lock " + path + "' where the migration files are");
  }
  std::vector<RequiredMigration> out;
  std::vector<Diagnostic> problems;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    RequiredMigration r;
    std::string extra;
    if (!(words >> r.id >> r.checksum) || (words >> extra) || r.id.find('/') == std::string::npos) {
      problems.push_back(error_at("lock-file", path, number, "expected '<feature>/<NNNN>_<name> <checksum>', got '" + line + "'"));
      continue;
    }
    out.push_back(std::move(r));
  }
  if (!problems.empty()) throw Error(ErrorKind::kParse, std::move(problems), "write it again with 'trellis plan --write-lock'");
  return out;
}

std::vector<Unmet> unmet_requirements(const std::vector<RequiredMigration>& requirements, const std::vector<StateRow>& rows) {
  std::vector<Unmet> out;
  for (const auto& r : requirements) {
    auto row = std::find_if(rows.begin(), rows.end(), [&](const StateRow& s) { return matches(s.id, r.id); });
    if (row == rows.end()) {
      out.push_back({r.id, "not applied"});
    } else if (row->status == RecordStatus::kFailed) {
      out.push_back({row->id, "failed: " + row->error});
    } else if (row->status != RecordStatus::kApplied) {
      out.push_back({row->id, "interrupted (started, not finished)"});
    } else if (!r.checksum.empty() && row->checksum != r.checksum) {
      out.push_back({row->id, "applied with another checksum (database " + short_sum(row->checksum) + ", lock " +
                                  short_sum(r.checksum) + ")"});
    }
  }
  return out;
}

}  // namespace trellis
