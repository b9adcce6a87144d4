// backend_test.h — the backend-parameterised fixture: every behavioural scenario is a
// value-parameterised test over the backend name ("sqlite", "postgres").
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "test_db.h"
#include "test_project.h"

namespace trellis_test {

// A project in a temporary directory and a fresh database of the parameter's backend: a
// SQLite file dev.db in the project, or a new database on the run's shared PostgreSQL
// server (the test skips, or fails under TRELLIS_REQUIRE_POSTGRES=1, without one).
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;

  bool is_sqlite() const { return GetParam() == "sqlite"; }
  // Another fresh database of the same backend (e.g. for a second environment).
  std::unique_ptr<TestDb> another_db(const std::string& name);

  TestProject project_;
  std::unique_ptr<TestDb> db_;
};

// The instance name of a backend parameter ("sqlite", "postgres").
std::string backend_name(const ::testing::TestParamInfo<std::string>& param_info);

// Instantiates a BackendTest subclass on both backends, naming the instances.
#define TRELLIS_BACKENDS(suite)                                                      \
  INSTANTIATE_TEST_SUITE_P(Backends, suite, ::testing::Values("sqlite", "postgres"), \
                           ::trellis_test::backend_name)

}  // namespace trellis_test
