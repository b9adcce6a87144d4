#include "trellis/scaffold.h"

#include <cctype>
#include <filesystem>

#include "project/ids.h"
#include "trellis/error.h"
#include "util/text.h"

namespace fs = std::filesystem;

namespace trellis {
namespace {

const char* kConfigTemplate = R"(# Trellis project. See the README for every setting.
[project]
migrations = "migrations"
default_env = "dev"

[defaults]
lock_timeout = "3s"          # how long one statement may wait for a lock
statement_timeout = "0"      # 0 = no limit
lock_retries = 5             # retries, with backoff, after a lock timeout

[env.dev]
database = "sqlite:dev.db"
features = "all"
allow_contract = true

[env.production]
database = "${DATABASE_URL}" # an unset variable is an error, never a fallback
features = ["example"]       # only released features are applied here
allow_contract = false
)";

const char* kExampleMigration = R"(-- phase: expand

-- +up
CREATE TABLE example_items (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

-- +down
DROP TABLE example_items;
)";

}  // namespace

std::string next_migration_number(const Project& p, const std::string& feature) {
  std::string last;
  for (const auto& m : p.migrations) {
    if (m.feature == feature) last = m.number;
  }
  if (last.empty()) return "0001";
  // Increment the decimal string, keeping its width (growing it if it overflows).
  std::string n = last;
  int i = static_cast<int>(n.size()) - 1;
  while (i >= 0 && n[static_cast<std::size_t>(i)] == '9') n[static_cast<std::size_t>(i--)] = '0';
  if (i < 0) n.insert(n.begin(), '1');
  else ++n[static_cast<std::size_t>(i)];
  return n;
}

std::string slugify(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (c == '.' && !out.empty() && std::isalnum(static_cast<unsigned char>(out.back()))) out += '.';  // "2.0.0"
    else if (c == '.') continue;
    else if (!out.empty() && out.back() == '.') out.back() = '_';
    else if (!out.empty() && out.back() != '_') out += '_';
  }
  while (!out.empty() && (out.back() == '_' || out.back() == '.')) out.pop_back();
  return out;
}

std::vector<std::string> init_project(const std::string& dir) {
  fs::path root(dir);
  if (fs::exists(root / "trellis.toml")) {
    throw Error(ErrorKind::kConfig, (root / "trellis.toml").string() + " already exists; nothing written");
  }
  std::error_code ec;
  fs::create_directories(root / "migrations" / "example", ec);
  if (ec) throw Error(ErrorKind::kIo, "cannot create " + (root / "migrations").string() + ": " + ec.message());
  write_file((root / "trellis.toml").string(), kConfigTemplate);
  std::string example = (root / "migrations" / "example" / "0001_create_example_items.sql").string();
  write_file(example, kExampleMigration);
  return {(root / "trellis.toml").string(), example};
}

namespace {

// What `trellis new` writes below its directives: both sections, each with a comment that
// says what goes there. Comments only, so the file is valid as it stands (an up without
// SQL is a no-op) and the next command does not fail on it.
constexpr const char* kSections =
    "\n-- +up\n"
    "-- The SQL that makes the change, e.g.\n"
    "--   CREATE TABLE invoices (id bigint PRIMARY KEY, total numeric NOT NULL);\n"
    "\n"
    "-- +down\n"
    "-- The SQL that undoes the up section, e.g.\n"
    "--   DROP TABLE invoices;\n"
    "-- Left without SQL, rolling back only forgets the record (say so with `-- +down noop`);\n"
    "-- write `-- +down irreversible` instead if the change cannot be undone.\n";

// "core/0001_init" or "core/0001": the project's migration, or nullptr.
const Migration* find_required(const Project& p, const IdRef& ref) {
  std::string key = number_key(ref.feature, ref.number);
  for (const Migration& m : p.migrations) {
    if (m.feature == ref.feature && number_key(m.feature, m.number) == key && (ref.slug.empty() || ref.slug == m.slug))
      return &m;
  }
  return nullptr;
}

std::string feature_ids(const Project& p, const std::string& feature) {
  std::vector<std::string> ids;
  for (const Migration& m : p.migrations) {
    if (m.feature == feature) ids.push_back(m.id);
  }
  if (ids.size() > 6) ids.erase(ids.begin(), ids.end() - 6);
  return join(ids, ", ");
}

}  // namespace

void check_requires_exist(const Project& p, const std::vector<std::string>& ids) {
  for (const auto& r : ids) {
    auto ref = parse_id(r);
    if (!ref) {
      throw Error(ErrorKind::kUsage, "--requires: malformed id '" + r + "'",
                  "an id is FEATURE/NNNN_slug or FEATURE/NNNN, e.g. core/0001_create_users");
    }
    if (find_required(p, *ref)) continue;
    std::string known = feature_ids(p, ref->feature);
    throw Error(ErrorKind::kUsage, "--requires " + r + ": no such migration in " + p.config.migrations_dir + "/; nothing written",
                known.empty() ? "there is no feature '" + ref->feature + "' (trellis status lists the features)"
                              : "the last migrations of " + ref->feature + " are " + known);
  }
}

std::string write_new_migration(const Project& p, const NewMigration& spec) {
  if (!is_feature_name(spec.feature)) {
    throw Error(ErrorKind::kUsage, "bad feature name '" + spec.feature + "' (lower-case letters, digits, '_', '-')");
  }
  std::string slug = slugify(spec.name);
  if (slug.empty()) throw Error(ErrorKind::kUsage, "the migration name needs letters or digits");
  check_requires_exist(p, spec.requires_ids);
  std::string rel = p.config.migrations_dir + "/" + spec.feature + "/" + next_migration_number(p, spec.feature) + "_" + slug + ".sql";
  fs::path abs = fs::path(p.config.root) / rel;
  std::error_code ec;
  fs::create_directories(abs.parent_path(), ec);
  if (ec) throw Error(ErrorKind::kIo, "cannot create " + abs.parent_path().string() + ": " + ec.message());
  std::string text;
  if (!spec.requires_ids.empty()) text += "-- requires: " + join(spec.requires_ids, ", ") + "\n";
  text += std::string("-- phase: ") + phase_name(spec.phase) + "\n";
  if (spec.tx == TxMode::kNone) text += "-- transaction: false\n";
  text += kSections;
  write_file(abs.string(), text);
  return rel;
}

}  // namespace trellis
