// conflicts.cc — cross-feature conflicts.
//
// Every migration's net effect (leaves_behind.h) is indexed by object, so only migrations
// that touch the same object are ever compared, and each conflict is reported once per
// object and kind, naming every migration involved. Independence is decided without
// visiting pairs: a feature is a chain, so the migrations of feature G that a migration a
// depends on are a prefix of G's chain and those that depend on a a suffix; b in G is
// independent of a exactly when its position lies strictly between the two (found by
// binary search over the chain, once per migration and feature).
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "analysis/leaves_behind.h"
#include "trellis/analysis.h"

namespace trellis {
namespace {

using analysis::NetUse;

struct Entry {
  const Migration* m;
  int feature;  // index into Chains::features
  int pos;      // position in its feature's chain
  NetUse net;
  const ObjectUse& use() const { return net.use; }
};

bool destructive(Access a) { return a == Access::kDrop || a == Access::kRename; }

std::string where(const Entry& e) { return e.m->path + ":" + std::to_string(e.use().line); }

// The features' chains, and the window of each chain independent of a migration.
class Chains {
 public:
  Chains(const std::vector<Migration>& migrations, const DependsOn& depends_on) : depends_on_(depends_on) {
    std::map<std::string, std::vector<const Migration*>> by_feature;
    for (const auto& m : migrations) by_feature[m.feature].push_back(&m);
    for (auto& [name, chain] : by_feature) {
      std::stable_sort(chain.begin(), chain.end(), [](const Migration* a, const Migration* b) {
        return a->number.size() != b->number.size() ? a->number.size() < b->number.size() : a->number < b->number;
      });
      int f = static_cast<int>(chains_.size());
      for (std::size_t i = 0; i < chain.size(); ++i) place_[chain[i]] = {f, static_cast<int>(i)};
      chains_.push_back(std::move(chain));
    }
  }

  std::pair<int, int> place(const Migration* m) const { return place_.at(m); }
  bool independent(const Migration& a, const Migration& b) const {
    return !depends_on_(a.id, b.id) && !depends_on_(b.id, a.id);
  }

  // (last, first): positions of chain `g` that m depends on are <= last; those that depend
  // on m are >= first.
  std::pair<int, int> window(const Migration* m, int g) {
    auto key = std::make_pair(m, g);
    if (auto it = windows_.find(key); it != windows_.end()) return it->second;
    const auto& chain = chains_[static_cast<std::size_t>(g)];
    int n = static_cast<int>(chain.size());
    int lo = 0, hi = n;  // first position m does not depend on
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (depends_on_(m->id, chain[static_cast<std::size_t>(mid)]->id)) lo = mid + 1; else hi = mid;
    }
    int last = lo - 1;
    lo = last + 1, hi = n;  // first position that depends on m
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (depends_on_(chain[static_cast<std::size_t>(mid)]->id, m->id)) hi = mid; else lo = mid + 1;
    }
    return windows_[key] = {last, lo};
  }

 private:
  struct PairHash {
    std::size_t operator()(const std::pair<const Migration*, int>& k) const {
      return std::hash<const void*>()(k.first) * 31 + static_cast<std::size_t>(k.second);
    }
  };
  const DependsOn& depends_on_;
  std::vector<std::vector<const Migration*>> chains_;
  std::unordered_map<const Migration*, std::pair<int, int>> place_;
  std::unordered_map<std::pair<const Migration*, int>, std::pair<int, int>, PairHash> windows_;
};

// Entries of one object that play one role (creators, alterers, …), by feature and position.
class Side {
 public:
  static constexpr std::size_t kDirect = 4;  // up to this many entries of a feature: checked one by one
  void add(const Entry* e) { by_feature_[e->feature].push_back(e); }
  bool empty() const { return by_feature_.empty(); }
  // The first entry of another feature than a's that is independent of a, or nullptr.
  const Entry* partner(const Entry& a, Chains& chains) const {
    for (const auto& [f, entries] : by_feature_) {
      if (f == a.feature) continue;
      if (entries.size() <= kDirect) {  // cheaper than the window's binary searches
        for (const Entry* b : entries)
          if (chains.independent(*a.m, *b->m)) return b;
        continue;
      }
      auto [last, first] = chains.window(a.m, f);
      auto it = std::lower_bound(entries.begin(), entries.end(), last + 1, [](const Entry* e, int p) { return e->pos < p; });
      if (it != entries.end() && (*it)->pos < first) return *it;
    }
    return nullptr;
  }

 private:
  std::map<int, std::vector<const Entry*>> by_feature_;  // entries in position order
};

class Finder {
 public:
  Finder(Chains& chains, const DependsOn& depends_on) : chains_(chains), depends_on_(depends_on) {}

  void group(const std::vector<Entry>& entries) {
    Side creates, failing_creates, alters, users;
    std::vector<const Entry*> destroyers;
    const Entry* creator = nullptr;
    for (const auto& e : entries) {
      Access a = e.use().access;
      if (a == Access::kCreate) {
        if (!creator) creator = &e;
        creates.add(&e);
        if (!e.net.cannot_fail) failing_creates.add(&e);
      }
      if (destructive(a)) destroyers.push_back(&e); else users.add(&e);
      if (a == Access::kAlter && e.use().kind == ObjectKind::kColumn) alters.add(&e);
    }
    // Both create: a pair fails when the one that runs second cannot skip an existing name.
    involve(ConflictKind::kBothCreate, entries, [&](const Entry& e) -> const Entry* {
      if (e.use().access != Access::kCreate) return nullptr;
      return e.net.cannot_fail ? failing_creates.partner(e, chains_) : creates.partner(e, chains_);
    });
    involve(ConflictKind::kBothAlter, entries, [&](const Entry& e) -> const Entry* {
      return e.use().access == Access::kAlter && e.use().kind == ObjectKind::kColumn ? alters.partner(e, chains_) : nullptr;
    });
    involve(ConflictKind::kDropUsed, entries, [&](const Entry& e) -> const Entry* {
      return destructive(e.use().access) ? users.partner(e, chains_) : nullptr;
    });
    if (creator) {
      for (const auto& e : entries) missing_requires(e, *creator);
    }
  }

  std::vector<Conflict> take() { return std::move(out_); }

 private:
  // One conflict of `kind` for this object when some entry has an independent partner:
  // reported at the first such entry, naming every other migration involved.
  template <typename PartnerOf>
  void involve(ConflictKind kind, const std::vector<Entry>& entries, PartnerOf partner_of) {
    const Entry* first = nullptr;
    const Entry* first_partner = nullptr;
    std::vector<const Entry*> others;
    for (const auto& e : entries) {
      const Entry* p = partner_of(e);
      if (p == nullptr) continue;
      if (!first) {
        first = &e, first_partner = p;
        continue;
      }
      others.push_back(&e);
    }
    if (first) emit(kind, *first, *first_partner, others);
  }

  void emit(ConflictKind kind, const Entry& a, const Entry& b, const std::vector<const Entry*>& others) {
    const std::string& name = a.use().name;
    const char* what = object_kind_name(a.use().kind);
    Conflict c = make(kind, a, b);
    std::string also = also_text(a, b, others);
    if (kind == ConflictKind::kDropUsed) {
      c.message = a.m->id + " " + access_name(a.use().access) + " " + what + " " + name + ", which " + b.m->id + " (" + where(b) +
                  ") " + access_name(b.use().access) + " with no dependency between them" + also;
      c.hint = "make one migration require the other (`-- requires: " + b.m->id + "` in " + a.m->path +
               " if the drop comes last), and move the drop to a contract migration";
    } else if (kind == ConflictKind::kBothAlter) {
      c.message = a.m->id + " and " + b.m->id + " (" + where(b) + ") both alter column " + name +
                  " with no dependency between them; the result depends on the order they run in" + also;
      c.hint = "declare the order: add `-- requires: " + a.m->id + "` to " + b.m->path;
    } else {
      c.message = a.m->id + " and " + b.m->id + " (" + where(b) + ") both create " + what + " " + name +
                  "; whichever runs second fails" + also;
      c.hint = "create it in one feature and make the other require that migration";
    }
    out_.push_back(std::move(c));
  }

  // " (also involved: c/0003_x (path:12), … and 40 more; 44 migrations of 3 features)".
  static std::string also_text(const Entry& a, const Entry& b, const std::vector<const Entry*>& others) {
    std::vector<const Entry*> rest;
    for (const Entry* e : others)
      if (e->m != b.m && e->m != a.m) rest.push_back(e);
    if (rest.empty()) return "";
    constexpr std::size_t kShown = 4;
    std::set<std::string> features = {a.m->feature, b.m->feature};
    std::string text = " (also involved: ";
    for (std::size_t i = 0; i < rest.size(); ++i) {
      features.insert(rest[i]->m->feature);
      if (i < kShown) text += (i > 0 ? ", " : "") + rest[i]->m->id + " (" + where(*rest[i]) + ")";
    }
    if (rest.size() > kShown) text += " and " + std::to_string(rest.size() - kShown) + " more";
    return text + "; " + std::to_string(rest.size() + 2) + " migrations of " + std::to_string(features.size()) + " features)";
  }

  void missing_requires(const Entry& user, const Entry& creator) {
    if (user.m->feature == creator.m->feature || user.use().access == Access::kCreate) return;
    if (depends_on_(user.m->id, creator.m->id)) return;
    if (!reported_requires_.emplace(user.m, creator.m).second) return;
    Conflict c = make(ConflictKind::kMissingRequires, user, creator);
    c.message = user.m->id + " uses " + object_kind_name(user.use().kind) + " " + user.use().name + ", created by " +
                creator.m->id + " (" + where(creator) + "), but does not require it";
    c.hint = "add this line before `-- +up` in " + user.m->path + ": -- requires: " + creator.m->id;
    out_.push_back(std::move(c));
  }

  static Conflict make(ConflictKind kind, const Entry& a, const Entry& b) {
    Conflict c;
    c.kind = kind;
    c.object_kind = a.use().kind;
    c.object = a.use().name;
    c.code = conflict_rule(kind);
    c.id = a.m->id;
    c.file = a.m->path;
    c.line = a.use().line;
    c.column = a.use().col;
    c.other_id = b.m->id;
    c.other_file = b.m->path;
    c.other_line = b.use().line;
    return c;
  }

  Chains& chains_;
  const DependsOn& depends_on_;
  std::vector<Conflict> out_;
  struct PairHash {
    std::size_t operator()(const std::pair<const Migration*, const Migration*>& k) const {
      return std::hash<const void*>()(k.first) * 31 + std::hash<const void*>()(k.second);
    }
  };
  std::unordered_set<std::pair<const Migration*, const Migration*>, PairHash> reported_requires_;
};

}  // namespace

std::vector<Conflict> find_conflicts(const std::vector<Migration>& migrations, const AnalysisLookup& analysis,
                                     const DependsOn& depends_on) {
  Chains chains(migrations, depends_on);
  std::unordered_map<std::string, std::vector<Entry>> index;
  std::vector<std::string> order;  // keys in first-seen order, for a stable result
  for (const auto& m : migrations) {
    auto [feature, pos] = chains.place(&m);
    for (auto& net : analysis::net_uses(analysis(m))) {
      std::string key = analysis::object_key(net.use.kind, net.use.name);
      auto& list = index[key];
      if (list.empty()) order.push_back(key);
      list.push_back({&m, feature, pos, std::move(net)});
    }
  }
  Finder finder(chains, depends_on);
  for (const auto& key : order) {
    const auto& entries = index[key];
    bool shared = std::any_of(entries.begin(), entries.end(), [&](const Entry& e) { return e.feature != entries.front().feature; });
    if (shared) finder.group(entries);
  }
  return finder.take();
}

}  // namespace trellis
