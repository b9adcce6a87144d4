// import_support.h — fixture projects of other migration tools, written by the tests in
// each tool's documented format, and what the import tests do with them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness.h"

namespace trellis_test {

// A source project: files (relative to the source directory) and the SQL the tool runs on
// `migrate up`, in the tool's order.
struct Fixture {
  std::string tool;
  std::vector<std::pair<std::string, std::string>> files;
  std::vector<std::string> ups;
};

// Writes `f`'s files under `project`'s directory "source/".
inline void write_fixture(const TestProject& project, const Fixture& f) {
  for (const auto& [path, content] : f.files) project.write("source/" + path, content);
}

// pg_dump --schema-only of the database at `url`, without trellis' own schema (nor the
// tables of `excluded`, e.g. another tool's history table).
inline std::string schema_dump(const std::string& url, const std::vector<std::string>& excluded = {}) {
  RunOptions o;
  o.program = find_program("pg_dump");
  o.args = {"--schema-only", "--no-owner", "--no-privileges", "--exclude-schema=trellis"};
  for (const auto& table : excluded) o.args.push_back("--exclude-table=" + table);
  o.args.insert(o.args.end(), {"-d", url});
  RunResult r = run_process(o);
  if (r.exit_code != 0) throw std::runtime_error("pg_dump failed: " + r.describe());
  // Without the \restrict line pair, whose key is random per dump (pg_dump 15.14 and later).
  std::string kept;
  std::size_t pos = 0;
  while (pos < r.out.size()) {
    std::size_t end = r.out.find('\n', pos);
    end = end == std::string::npos ? r.out.size() : end + 1;
    std::string line = r.out.substr(pos, end - pos);
    if (line.rfind("\\restrict ", 0) != 0 && line.rfind("\\unrestrict ", 0) != 0) kept += line;
    pos = end;
  }
  return kept;
}

// Runs each of `ups` with psql on `url`, in order, as the source tool would.
inline void run_with_psql(const TestProject& project, const std::string& url, const std::vector<std::string>& ups) {
  for (std::size_t i = 0; i < ups.size(); ++i) {
    std::string file = "psql-" + std::to_string(i) + ".sql";
    project.write(file, ups[i]);
    RunOptions o;
    o.program = find_program("psql");
    o.args = {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", project.path(file)};
    RunResult r = run_process(o);
    if (r.exit_code != 0) throw std::runtime_error("psql failed on " + file + ": " + r.describe());
  }
}

}  // namespace trellis_test
