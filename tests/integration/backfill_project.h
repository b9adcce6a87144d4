// backfill_project.h — the project of the zero-downtime tests, on the one harness:
// environment "dev" on sqlite:dev.db (all features, `dev_settings`), lock_timeout 2s with
// 2 retries in [defaults], `toml_extra` after it; every run passes `-C ROOT --no-color`.
#pragma once

#include <memory>
#include <string>

#include "harness.h"

namespace trellis_test {

class BackfillProject : public TestProject {
 public:
  explicit BackfillProject(const std::string& dev_settings = "allow_contract = true",
                           const std::string& toml_extra = "")
      : db_(make_db("sqlite", root(), "dev")) {
    TomlBuilder config;
    config.set("project", "migrations", "migrations")
        .set("project", "default_env", "dev")
        .set("defaults", "lock_timeout", "2s")
        .set("defaults", "lock_retries", 2)
        .set("env.dev", "database", "sqlite:dev.db")
        .set("env.dev", "features", "all")
        .lines("env.dev", dev_settings);
    write("trellis.toml", config.text() + toml_extra);
    set_leading_args({"-C", root(), "--no-color"});
  }

  TestDb& db() const { return *db_; }
  // The first row of `sql` on dev.db ("" if none), columns joined by '|'.
  std::string sql1(const std::string& sql) const { return db_->scalar(sql); }
  void exec(const std::string& script) const { db_->exec(script); }

 private:
  std::unique_ptr<TestDb> db_;
};

}  // namespace trellis_test
