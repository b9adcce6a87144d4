// conflicts.cc — cross-feature conflicts. Every object use is indexed by object name, so
// only migrations that touch the same object are ever compared.
#include <set>
#include <tuple>
#include <unordered_map>

#include "trellis/analysis.h"

namespace trellis {
namespace {

struct Entry {
  const Migration* m;
  const ObjectUse* use;
};

// Tables, views, sequences and indexes share one namespace in PostgreSQL.
std::string key_of(const ObjectUse& u) {
  switch (u.kind) {
    case ObjectKind::kTable:
    case ObjectKind::kView:
    case ObjectKind::kSequence:
    case ObjectKind::kIndex:
      return "rel:" + u.name;
    default:
      return std::string(object_kind_name(u.kind)) + ":" + u.name;
  }
}

bool destructive(Access a) { return a == Access::kDrop || a == Access::kRename; }

std::string where(const Entry& e) { return e.m->path + ":" + std::to_string(e.use->line); }

class Finder {
 public:
  Finder(const DependsOn& depends_on) : depends_on_(depends_on) {}

  // Compares only the pairs that can conflict: destructive x any, alter x alter,
  // create x create; so a table used by thousands of migrations costs little.
  void group(const std::vector<Entry>& entries) {
    const Entry* creator = nullptr;
    std::vector<const Entry*> destroys, alters, creates;
    for (const auto& e : entries) {
      Access a = e.use->access;
      if (a == Access::kCreate && !creator) creator = &e;
      if (destructive(a)) destroys.push_back(&e);
      if (a == Access::kAlter && e.use->kind == ObjectKind::kColumn) alters.push_back(&e);
      if (a == Access::kCreate) creates.push_back(&e);
    }
    for (const Entry* d : destroys) {
      for (const auto& e : entries) pair(*d, e);
    }
    for (const Entry* a : alters) {
      for (const Entry* b : alters) pair(*a, *b);
    }
    for (const Entry* a : creates) {
      for (const Entry* b : creates) pair(*a, *b);
    }
    if (creator) {
      for (const auto& e : entries) missing_requires(e, *creator);
    }
  }

  std::vector<Conflict> take() { return std::move(out_); }

 private:
  bool independent(const Entry& a, const Entry& b) {
    return !depends_on_(a.m->id, b.m->id) && !depends_on_(b.m->id, a.m->id);
  }

  // Ordered pair: a is the migration reported.
  void pair(const Entry& a, const Entry& b) {
    if (a.m->feature == b.m->feature) return;
    Access x = a.use->access, y = b.use->access;
    const std::string& name = a.use->name;
    const char* kind = object_kind_name(a.use->kind);
    if (destructive(x) && !destructive(y) && independent(a, b)) {
      emit(ConflictKind::kDropUsed, a, b,
           a.m->id + " " + access_name(x) + " " + kind + " " + name + ", which " + b.m->id + " (" + where(b) + ") " +
               access_name(y) + " with no dependency between them",
           "make one migration require the other (`-- requires: " + b.m->id + "` in " + a.m->path +
               " if the drop comes last), and move the drop to a contract migration");
    } else if (x == Access::kAlter && y == Access::kAlter && a.use->kind == ObjectKind::kColumn &&
               a.m->id < b.m->id && independent(a, b)) {
      emit(ConflictKind::kBothAlter, a, b,
           a.m->id + " and " + b.m->id + " (" + where(b) + ") both alter column " + name +
               " with no dependency between them; the result depends on the order they run in",
           "declare the order: add `-- requires: " + a.m->id + "` to " + b.m->path);
    } else if (x == Access::kCreate && y == Access::kCreate && a.m->id < b.m->id && independent(a, b)) {
      emit(ConflictKind::kBothCreate, a, b,
           a.m->id + " and " + b.m->id + " (" + where(b) + ") both create " + kind + " " + name +
               "; whichever runs second fails",
           "create it in one feature and make the other require that migration");
    }
  }

  void missing_requires(const Entry& user, const Entry& creator) {
    if (user.m->feature == creator.m->feature || user.use->access == Access::kCreate) return;
    if (depends_on_(user.m->id, creator.m->id)) return;
    if (!reported_requires_.insert({user.m->id, creator.m->id}).second) return;
    Conflict c = make(ConflictKind::kMissingRequires, user, creator);
    c.message = user.m->id + " uses " + object_kind_name(user.use->kind) + " " + user.use->name +
                ", created by " + creator.m->id + " (" + where(creator) + "), but does not require it";
    c.hint = "add this line before `-- +up` in " + user.m->path + ": -- requires: " + creator.m->id;
    out_.push_back(std::move(c));
  }

  Conflict make(ConflictKind kind, const Entry& a, const Entry& b) {
    Conflict c;
    c.kind = kind;
    c.object_kind = a.use->kind;
    c.object = a.use->name;
    c.code = conflict_rule(kind);
    c.id = a.m->id;
    c.file = a.m->path;
    c.line = a.use->line;
    c.column = a.use->col;
    c.other_id = b.m->id;
    c.other_file = b.m->path;
    c.other_line = b.use->line;
    return c;
  }

  void emit(ConflictKind kind, const Entry& a, const Entry& b, std::string message, std::string help) {
    if (!reported_.insert({kind, a.m->id, b.m->id, a.use->name}).second) return;
    Conflict c = make(kind, a, b);
    c.message = std::move(message);
    c.hint = std::move(help);
    out_.push_back(std::move(c));
  }

  const DependsOn& depends_on_;
  std::vector<Conflict> out_;
  std::set<std::tuple<ConflictKind, std::string, std::string, std::string>> reported_;
  std::set<std::pair<std::string, std::string>> reported_requires_;
};

}  // namespace

std::vector<Conflict> find_conflicts(const std::vector<Migration>& migrations,
                                     const AnalysisLookup& analysis,
                                     const DependsOn& depends_on) {
  std::unordered_map<std::string, std::vector<Entry>> index;
  std::vector<std::string> order;  // keys in first-seen order, for a stable result
  for (const auto& m : migrations) {
    const MigrationAnalysis& a = analysis(m);
    for (const auto& s : a.statements) {
      for (const auto& u : s.objects) {
        std::string key = key_of(u);
        auto& list = index[key];
        if (list.empty()) order.push_back(key);
        list.push_back({&m, &u});
      }
    }
  }
  Finder finder(depends_on);
  for (const auto& key : order) {
    const auto& entries = index[key];
    std::set<std::string> features;
    for (const auto& e : entries) features.insert(e.m->feature);
    if (features.size() > 1) finder.group(entries);
  }
  return finder.take();
}

}  // namespace trellis
