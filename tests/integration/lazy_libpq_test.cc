// lazy_libpq_test.cc — the trellis binary does not link libpq (src/db/libpq_api.h loads it
// on the first PostgreSQL connection), and a libpq that cannot be loaded is a clear
// connection error (exit 3), not a crash at start-up.
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness.h"

namespace trellis_test {
namespace {

// The standard output of `tool ARGS…` found on PATH ("" if it cannot run).
std::string output_of(const std::string& tool, const std::vector<std::string>& args) {
  RunOptions options;
  options.program = find_program(tool);
  if (options.program.empty()) return {};
  options.args = args;
  return run_process(options).out;
}

bool have_tool(const std::string& name) { return !find_program(name).empty(); }

// The DT_NEEDED entries of `binary`, from lines like
// " 0x0000000000000001 (NEEDED)  Shared library: [libc.so.6]".
std::set<std::string> needed_libraries(const std::string& binary) {
  std::istringstream lines(output_of("readelf", {"-d", binary}));
  std::set<std::string> names;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("(NEEDED)") == std::string::npos) continue;
    auto open = line.find('[');
    auto close = line.find(']', open);
    if (open != std::string::npos && close != std::string::npos) {
      names.insert(line.substr(open + 1, close - open - 1));
    }
  }
  return names;
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

// The file ldd resolves `soname` to for `binary`, or "".
std::string resolved_path(const std::string& binary, const std::string& soname) {
  std::istringstream lines(output_of("ldd", {binary}));
  for (std::string line; std::getline(lines, line);) {
    auto arrow = line.find(" => ");
    if (arrow == std::string::npos || line.find(soname) > arrow) continue;
    std::string rest = line.substr(arrow + 4);
    return rest.substr(0, rest.find(" ("));
  }
  return {};
}

TEST(LazyLibpq, BinaryDoesNotNeedLibpq) {
  if (!have_tool("readelf")) GTEST_SKIP() << "readelf (binutils) is not installed";
  std::set<std::string> needed = needed_libraries(trellis_binary());
  ASSERT_TRUE(needed.count("libc.so.6")) << "readelf output not understood";
  for (const std::string& name : needed) {
    EXPECT_FALSE(starts_with(name, "libpq.")) << "trellis links " << name;
  }
}

TEST(LazyLibpq, NoLibpqDependencyIsMappedAtStartUp) {
  if (!have_tool("ldd")) GTEST_SKIP() << "ldd is not installed";
  std::string libraries = output_of("ldd", {trellis_binary()});
  ASSERT_NE(libraries.find("libc.so.6"), std::string::npos) << libraries;
  for (const char* name : {"libpq.", "libssl.", "libcrypto.", "libkrb5.", "libgssapi",
                           "libldap", "libgnutls.", "libsasl2."}) {
    EXPECT_EQ(libraries.find(name), std::string::npos) << name << " in:\n" << libraries;
  }
}

// A PostgreSQL URL with a libpq.so.5 first on the library path that the loader rejects.
RunResult status_with_library_dir(const std::string& dir) {
  TestProject project;
  project.write_simple_config("postgresql:///shop?host=/nonexistent-dir&port=1");
  project.write_migration("core", "0001_init.sql", "-- +up\nCREATE TABLE t (id int);\n");
  RunOptions options = project.options({"status"});
  options.env["LD_LIBRARY_PATH"] = dir;
  return run_process(options);
}

constexpr const char* kLoadError =
    "trellis: error: cannot load the PostgreSQL client library libpq.so.5: ";
constexpr const char* kHint = "  hint: install libpq5 (Debian: apt-get install libpq5)";

TEST(LazyLibpq, UnloadableLibraryIsAConnectionError) {
  TempDir libs;
  write_file(libs.path() + "/libpq.so.5", "not a shared library\n");
  RunResult result = status_with_library_dir(libs.path());
  EXPECT_EQ(result.exit_code, 3) << result.describe();
  EXPECT_TRUE(starts_with(result.err, kLoadError + libs.path() + "/libpq.so.5: "))
      << result.describe();
  EXPECT_NE(result.err.find(kHint), std::string::npos) << result.describe();
}

TEST(LazyLibpq, LibraryWithoutTheFunctionsIsAConnectionError) {
  if (!have_tool("ldd")) GTEST_SKIP() << "ldd is not installed";
  // Some other real shared library, renamed: it loads, but has no PQ* functions.
  std::string other = resolved_path(trellis_binary(), "libsqlite3.so");
  ASSERT_FALSE(other.empty()) << "ldd does not show where libsqlite3 is";
  TempDir libs;
  write_file(libs.path() + "/libpq.so.5", read_file(other));
  RunResult result = status_with_library_dir(libs.path());
  EXPECT_EQ(result.exit_code, 3) << result.describe();
  EXPECT_TRUE(starts_with(result.err, std::string(kLoadError) +
                                          "function PQclear is missing (" + libs.path() +
                                          "/libpq.so.5: undefined symbol: PQclear)"))
      << result.describe();
  EXPECT_NE(result.err.find(kHint), std::string::npos) << result.describe();
}

}  // namespace
}  // namespace trellis_test
