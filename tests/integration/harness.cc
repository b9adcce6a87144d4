// harness.cc — temporary projects, migration files, JSON helpers and the backend fixture.
#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "harness.h"
#include "pg_server.h"

namespace trellis_test {

namespace fs = std::filesystem;

// ---- files --------------------------------------------------------------------------------

TempDir::TempDir() {
  const char* base = getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/trellis-it-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed: " + std::string(strerror(errno)));
  }
  // Canonical, so that paths in messages and URLs match what the binary sees.
  path_ = fs::canonical(buffer.data()).string();
}

TempDir::~TempDir() {
  if (getenv("TRELLIS_KEEP_TEST_DIRS") != nullptr) return;
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

void write_file(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool file_exists(const std::string& path) { return fs::exists(path); }

nlohmann::json parse_json(const std::string& text) {
  try {
    return nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not one JSON document (" << e.what() << "):\n" << text;
    return nullptr;
  }
}

bool has_escape_codes(const std::string& text) { return text.find('\x1b') != std::string::npos; }

nlohmann::json find_id(const nlohmann::json& array, const std::string& id) {
  if (!array.is_array()) return nullptr;
  for (const auto& entry : array) {
    if (entry.is_object() && entry.value("id", "") == id) return entry;
  }
  return nullptr;
}

std::map<std::string, std::string> states_of(const nlohmann::json& status) {
  std::map<std::string, std::string> states;
  if (!status.is_object() || !status.contains("migrations")) return states;
  for (const auto& entry : status["migrations"]) {
    states[entry.value("id", "")] = entry.value("state", "");
  }
  return states;
}

bool mentions_line(const std::string& text, const std::string& file, int line) {
  std::string n = std::to_string(line);
  auto has_at = [&](const std::string& prefix) {
    for (auto pos = text.find(prefix); pos != std::string::npos; pos = text.find(prefix, pos + 1)) {
      size_t end = pos + prefix.size() + n.size();
      if (text.compare(pos + prefix.size(), n.size(), n) == 0 &&
          (end >= text.size() || !isdigit(static_cast<unsigned char>(text[end])))) {
        return true;
      }
    }
    return false;
  };
  return has_at(file + ":") || has_at("line ");
}

// ---- projects -----------------------------------------------------------------------------

Project::Project() = default;

void Project::write(const std::string& relative, const std::string& content) const {
  write_file(path(relative), content);
}

void Project::write_simple_config(const std::string& database_url) const {
  write("trellis.toml", "[env.dev]\ndatabase = \"" + database_url + "\"\nfeatures = \"all\"\n");
}

void Project::write_migration(const std::string& feature, const std::string& file,
                              const std::string& content) const {
  write("migrations/" + feature + "/" + file, content);
}

void Project::remove(const std::string& relative) const { fs::remove(path(relative)); }

RunOptions Project::options(const std::vector<std::string>& args) const {
  RunOptions options;
  options.args = args;
  options.cwd = root();
  return options;
}

RunResult Project::run(const std::vector<std::string>& args) const {
  return run_process(options(args));
}

RunResult Project::run(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env) const {
  RunOptions opts = options(args);
  opts.env = env;
  return run_process(opts);
}

std::string migration(const std::string& directives, const std::string& up,
                      const std::optional<std::string>& down) {
  std::string text = directives;
  if (!text.empty() && text.back() != '\n') text += '\n';
  text += "-- +up\n" + up;
  if (!text.empty() && text.back() != '\n') text += '\n';
  if (down) {
    text += "\n-- +down\n" + *down;
    if (text.back() != '\n') text += '\n';
  }
  return text;
}

std::string slow_statement(const std::string& backend, double seconds) {
  if (backend == "postgres") return "SELECT pg_sleep(" + std::to_string(seconds) + ");";
  // About ten million rows a second on one core of the CI machines.
  long rows = static_cast<long>(seconds * 10'000'000);
  return "WITH RECURSIVE burn(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM burn WHERE x < " +
         std::to_string(rows) + ") SELECT count(*) FROM burn;";
}

bool wait_for_slow_statement(Child& child, TestDb& db) {
  if (db.backend() == "sqlite") {
    if (!child.wait_until([&] { return db.write_in_progress(); }, milliseconds(5000))) {
      return false;
    }
    auto seen = std::chrono::steady_clock::now();
    return child.wait_until(
        [&] { return std::chrono::steady_clock::now() - seen > milliseconds(300); },
        milliseconds(5000));
  }
  return child.wait_until([&] { return db.write_in_progress(); }, milliseconds(10000));
}

int line_of(const std::string& content, const std::string& needle) {
  std::istringstream lines(content);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (line.find(needle) != std::string::npos) return number;
  }
  return 0;
}

// ---- fixture ------------------------------------------------------------------------------

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
