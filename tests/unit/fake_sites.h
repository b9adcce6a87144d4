// fake_sites.h — ReplaySites over a model of a database (a map of table names to a
// definition) for the order trie, bisect and stairway tests: each migration's up and down
// are functions on it, so a test says exactly what commutes and what does not.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/replay_site.h"

namespace trellis::testing {

// Names starting with "row:" stand for rows: not part of the schema model.
using FakeDb = std::map<std::string, std::string>;
// Changes the database, or returns the error that makes the section fail (the change is
// then rolled back, as a transactional section's would be).
using Effect = std::function<std::optional<std::string>(FakeDb&)>;

inline Effect create(std::string name, std::string definition = "t") {
  return [=](FakeDb& db) -> std::optional<std::string> {
    if (db.count(name)) return "relation \"" + name + "\" already exists";
    db[name] = definition;
    return std::nullopt;
  };
}
inline Effect drop(std::string name) {
  return [=](FakeDb& db) -> std::optional<std::string> {
    if (!db.erase(name)) return "relation \"" + name + "\" does not exist";
    return std::nullopt;
  };
}
// CREATE OR REPLACE: the last one wins.
inline Effect replace(std::string name, std::string definition) {
  return [=](FakeDb& db) -> std::optional<std::string> {
    db[name] = definition;
    return std::nullopt;
  };
}
inline Effect nothing() {
  return [](FakeDb&) -> std::optional<std::string> { return std::nullopt; };
}
inline Effect all_of(std::vector<Effect> effects) {
  return [=](FakeDb& db) -> std::optional<std::string> {
    for (const auto& e : effects)
      if (auto error = e(db)) return error;
    return std::nullopt;
  };
}

struct FakeWorld {
  std::vector<std::string> ids;  // per node, for failures
  std::map<Node, Effect> up, down;
  bool can_fork = true;
  std::atomic<int> created{0}, forked{0}, sections{0};
};

class FakeSite : public ReplaySite {
 public:
  FakeSite(FakeWorld& world, FakeDb db) : world_(world), db_(std::move(db)) {}
  std::optional<ReplayFailure> run(Node n, ReplayDirection direction) override {
    ++world_.sections;
    auto& effects = direction == ReplayDirection::kUp ? world_.up : world_.down;
    auto it = effects.find(n);
    if (it == effects.end()) return std::nullopt;
    FakeDb before = db_;
    auto error = it->second(db_);
    if (!error) return std::nullopt;
    db_ = std::move(before);
    ReplayFailure f;
    f.id = world_.ids.at(n);
    f.path = "migrations/" + f.id + ".sql";
    f.down = direction == ReplayDirection::kDown;
    f.statement = 1;
    f.line = 3;
    f.error = *error;
    return f;
  }
  SchemaModel read_model() override {
    SchemaModel m;
    m.backend = "fake";
    for (const auto& [name, def] : db_) {
      if (name.rfind("row:", 0) == 0) continue;  // rows are not schema
      SchemaObject o;
      o.kind = SchemaKind::kTable;
      o.name = name;
      o.set("definition", def);
      m.objects.push_back(std::move(o));
    }
    m.normalize();
    return m;
  }
  std::unique_ptr<ReplaySite> fork() override {
    if (!world_.can_fork) return nullptr;
    ++world_.forked;
    return std::make_unique<FakeSite>(world_, db_);
  }

 private:
  FakeWorld& world_;
  FakeDb db_;
};

class FakeSites : public ReplaySites {
 public:
  explicit FakeSites(FakeWorld& world) : world_(world) {}
  std::unique_ptr<ReplaySite> create() override {
    ++world_.created;
    return std::make_unique<FakeSite>(world_, FakeDb{});
  }

 private:
  FakeWorld& world_;
};

}  // namespace trellis::testing
