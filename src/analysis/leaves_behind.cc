// leaves_behind.cc — a migration's net effect on the objects it touches (leaves_behind.h).
#include "analysis/leaves_behind.h"

#include <optional>
#include <unordered_map>

namespace trellis::analysis {
namespace {

bool destroys(Access a) { return a == Access::kDrop || a == Access::kRename; }

// Per key, while walking one migration.
struct Track {
  std::optional<std::size_t> created;  // index in `out` of the create this migration made
  std::optional<std::size_t> dropped;  // index of a conditional drop not yet replaced
};

class Walk {
 public:
  void take(const ObjectUse& u) {
    std::string key = object_key(u.kind, u.name);
    Track& t = tracks_[key];
    if (u.access == Access::kCreate) return create(u, t);
    if (t.created || table_created_here(u)) {  // the migration's own object
      if (destroys(u.access) && t.created) {
        keep_[*t.created] = false;  // transient: gone by the end of the migration
        t.created.reset();
      }
      if (u.access == Access::kRename && !u.new_name.empty()) rename_target(u);
      return;
    }
    t.dropped = destroys(u.access) && u.conditional && u.access == Access::kDrop ? std::optional(out_.size()) : std::nullopt;
    push(u, false);
    if (u.access == Access::kRename && !u.new_name.empty()) rename_target(u);
  }

  std::vector<NetUse> finish() {
    std::vector<NetUse> result;
    for (std::size_t i = 0; i < out_.size(); ++i)
      if (keep_[i]) result.push_back(std::move(out_[i]));
    return result;
  }

 private:
  void create(const ObjectUse& u, Track& t) {
    bool replaces = false;
    if (t.dropped) {  // DROP … IF EXISTS x; CREATE x: a replacement
      keep_[*t.dropped] = false;
      t.dropped.reset();
      replaces = true;
    }
    t.created = out_.size();
    push(u, replaces || u.conditional);
  }

  void rename_target(const ObjectUse& u) {
    ObjectUse created = u;
    created.name = u.new_name;
    created.new_name.clear();
    created.access = Access::kCreate;
    created.conditional = false;
    Track& t = tracks_[object_key(created.kind, created.name)];
    t.created = out_.size();
    push(created, false);
  }

  // A column (or constraint) of a table this migration created.
  bool table_created_here(const ObjectUse& u) const {
    if (u.kind != ObjectKind::kColumn && u.kind != ObjectKind::kConstraint) return false;
    auto dot = u.name.rfind('.');
    if (dot == std::string::npos) return false;
    auto it = tracks_.find(object_key(ObjectKind::kTable, u.name.substr(0, dot)));
    return it != tracks_.end() && it->second.created.has_value();
  }

  void push(const ObjectUse& u, bool cannot_fail) {
    out_.push_back({u, cannot_fail});
    keep_.push_back(true);
  }

  std::unordered_map<std::string, Track> tracks_;
  std::vector<NetUse> out_;
  std::vector<bool> keep_;
};

}  // namespace

std::string object_key(ObjectKind kind, const std::string& name) {
  switch (kind) {
    case ObjectKind::kTable:
    case ObjectKind::kView:
    case ObjectKind::kSequence:
    case ObjectKind::kIndex:
      return "rel:" + name;
    default:
      return std::string(object_kind_name(kind)) + ":" + name;
  }
}

std::vector<NetUse> net_uses(const MigrationAnalysis& a) {
  Walk walk;
  for (const auto& s : a.statements)
    for (const auto& u : s.objects) walk.take(u);
  return walk.finish();
}

}  // namespace trellis::analysis
