// backend_test.cc — the backend-parameterised fixture.
#include "backend_test.h"

#include "pg_server.h"

namespace trellis_test {

std::string backend_name(const ::testing::TestParamInfo<std::string>& param_info) {
  return param_info.param;
}

void BackendTest::SetUp() {
  if (GetParam() == "postgres") {
    TRELLIS_REQUIRE_PG_OR_SKIP(server);
    (void)server;
  }
  db_ = make_db(GetParam(), project_.root(), "dev");
}

std::unique_ptr<TestDb> BackendTest::another_db(const std::string& name) {
  return make_db(GetParam(), project_.root(), name);
}

}  // namespace trellis_test
