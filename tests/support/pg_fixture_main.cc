// pg_fixture_main.cc — trellis_test_pg, the CTest fixture that gives a whole test run one
// PostgreSQL server instead of one per test process:
//   trellis_test_pg start FILE   starts a cluster (pg_cluster.h) with a template database
//                                and describes it in FILE (TRELLIS_TEST_PG_SHARED names
//                                FILE for the tests); when it cannot, FILE says
//                                "unavailable=REASON" and the PostgreSQL tests skip (or
//                                fail under TRELLIS_REQUIRE_POSTGRES=1).
//   trellis_test_pg stop FILE    stops that cluster, removes it and FILE.
// With TRELLIS_TEST_PG_URL set the tests use that server and this starts nothing.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "pg_cluster.h"
#include "pg_server.h"
#include "temp_dir.h"

namespace {

using trellis_test::PgCluster;

void stop_announced(const std::string& file) {
  std::optional<PgCluster> cluster =
      trellis_test::parse_cluster(trellis_test::read_file_or_empty(file));
  if (cluster) trellis_test::stop_cluster(*cluster);
  std::error_code ec;
  std::filesystem::remove(file, ec);
}

int start(const std::string& file) {
  stop_announced(file);  // left over from a run that never reached its cleanup
  const char* external = std::getenv("TRELLIS_TEST_PG_URL");
  if (external != nullptr && *external != '\0') {
    std::printf("PostgreSQL tests use TRELLIS_TEST_PG_URL\n");
    return 0;
  }
  std::string why;
  std::optional<PgCluster> cluster = trellis_test::start_cluster(&why);
  if (cluster) {
    try {
      trellis_test::PgServer::query(cluster->url("postgres"),
                                    "CREATE DATABASE trellis_template IS_TEMPLATE true");
    } catch (const std::exception& e) {
      why = e.what();
      trellis_test::stop_cluster(*cluster);
      cluster.reset();
    }
  }
  if (!cluster) {
    std::printf("PostgreSQL unavailable, its tests will skip: %s\n", why.c_str());
    trellis_test::write_file(file, "unavailable=" + why);
    return 0;
  }
  trellis_test::write_file(file, trellis_test::describe_cluster(*cluster));
  std::printf("PostgreSQL for this test run: %s\n", cluster->url("postgres").c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "start") return start(argv[2]);
  if (argc == 3 && std::string(argv[1]) == "stop") {
    stop_announced(argv[2]);
    return 0;
  }
  std::fprintf(stderr, "usage: trellis_test_pg start|stop FILE\n");
  return 2;
}
