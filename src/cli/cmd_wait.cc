// cmd_wait.cc — `trellis wait --for ID…|--lock FILE|--all-released [--timeout D]`: for an
// init container or a readiness probe, waits until the database has those migrations.
// It reads only the state tables: with --for or --lock and a --database URL it needs no
// project at all (trellis.toml is read when present, for -e and the state schema).
#include <chrono>
#include <filesystem>
#include <thread>

#include "cli/commands.h"
#include "cli/output.h"
#include "trellis/duration.h"
#include "trellis/error.h"
#include "trellis/readiness.h"

namespace trellis::cli {
namespace {

struct WaitFlags {
  std::vector<std::string> ids;
  std::string lock_file;
  bool all_released = false;
  std::string timeout = "5min";
  std::string interval = "2s";
  bool json = false;
};

Millis duration_flag(const char* name, const std::string& text) {
  auto d = parse_duration(text);
  if (!d) throw Error(ErrorKind::kUsage, std::string(name) + ": bad duration '" + text + "'", "e.g. \"90s\", \"5min\", 0");
  return *d;
}

// The database to read and how: the environment when trellis.toml is there, else --database.
struct Target {
  std::string url;
  DriverOptions options;
};

Target target_of(const Globals& g) {
  namespace fs = std::filesystem;
  if (!fs::exists(fs::path(g.dir) / "trellis.toml") && !g.database.empty()) {
    if (g.verbose) Output::get().err("trellis: verbose: database " + mask_url(g.database) + " (from --database)");
    return {g.database, DriverOptions{}};
  }
  Config config = load_config(g.dir);
  Environment env = resolve_environment(config, g.selection());
  g.say_environment(env);
  return {env.database, driver_options(config, env)};
}

std::vector<RequiredMigration> requirements_of(const Globals& g, const WaitFlags& f) {
  int given = !f.ids.empty() + !f.lock_file.empty() + f.all_released;
  if (given != 1) {
    throw Error(ErrorKind::kUsage, "wait: give exactly one of --for ID..., --lock FILE, --all-released",
                "--for and --lock need only the database; --all-released reads the migration files");
  }
  if (!f.lock_file.empty()) return read_lock_file(f.lock_file);
  if (f.all_released) return released_requirements(g.workspace());
  std::vector<RequiredMigration> out;
  for (const auto& id : f.ids) out.push_back({id, ""});
  return out;
}

nlohmann::json unmet_json(const std::vector<Unmet>& unmet) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& u : unmet) arr.push_back({{"id", u.id}, {"why", u.why}});
  return arr;
}

}  // namespace

Runner setup_wait(CLI::App& sub, const Globals& g) {
  auto f = std::make_shared<WaitFlags>();
  sub.add_option("--for", f->ids, "Migration ids (or FEATURE/NNNN) the database must have")->type_name("ID");
  sub.add_option("--lock", f->lock_file, "A trellis.lock (trellis plan --write-lock): those ids with those checksums")
      ->type_name("FILE");
  sub.add_flag("--all-released", f->all_released,
               "Every migration of the environment's released features (reads the migration files)");
  sub.add_option("--timeout", f->timeout, "Give up after this long (default 5min; 0: check once)")->type_name("DURATION");
  sub.add_option("--interval", f->interval, "Time between checks (default 2s)")->type_name("DURATION");
  sub.add_flag("--json", f->json, "Machine-readable result (see docs/json.md)");
  sub.footer(
      "For an init container or a readiness probe while migrations run as a separate job: reads only the state "
      "tables, read-only, so the application image needs no migration files (give --database, or -e with a "
      "trellis.toml). An unreachable database is retried until the timeout. Exit status: 0 once every migration "
      "is applied (with the lock file's checksum); 3 at the timeout, listing what is missing or why the database "
      "could not be read; 2 for bad usage or a bad lock file.");
  return [&g, f]() {
    Millis timeout = duration_flag("--timeout", f->timeout);
    Millis interval = std::max(duration_flag("--interval", f->interval), Millis{50});
    std::vector<RequiredMigration> wanted = requirements_of(g, *f);
    Target target = target_of(g);
    auto started = std::chrono::steady_clock::now();
    std::vector<Unmet> unmet;
    std::string unreachable;
    for (;;) {
      try {
        // A database that opening would create (a SQLite file not there yet) has nothing:
        // it is not reachable yet, so it is waited for like one, then exit 3.
        if (opening_creates(target.url)) {
          throw Error(ErrorKind::kConnection, "the database does not exist (no such file): nothing has migrated it yet");
        }
        auto driver = open_driver(target.url, OpenMode::kReadOnly, target.options);
        unmet = unmet_requirements(wanted, driver->state().load_rows());
        unreachable.clear();
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::kConnection) throw;
        unreachable = e.what();
      }
      Millis waited = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started);
      bool ready = unreachable.empty() && unmet.empty();
      if (ready || waited + interval > timeout) {
        const Output& out = Output::get();
        if (f->json) {
          out.json({{"ready", ready}, {"database", mask_url(target.url)}, {"required", wanted.size()},
                    {"waited_ms", waited.count()}, {"missing", unmet_json(unmet)},
                    {"error", string_or_null(unreachable)}});
        } else if (ready) {
          out.line("ready: " + mask_url(target.url) + " has all " + std::to_string(wanted.size()) + " migration(s)");
        } else {
          out.err("trellis: error: not ready after " + format_duration(waited) + ": " +
                  (unreachable.empty() ? std::to_string(unmet.size()) + " of " + std::to_string(wanted.size()) +
                                             " migration(s) missing in " + mask_url(target.url)
                                       : "cannot read " + mask_url(target.url) + ": " + unreachable));
          for (const auto& u : unmet) out.err("  " + u.id + ": " + u.why);
        }
        return static_cast<int>(ready ? ExitCode::kOk : ExitCode::kUnavailable);
      }
      std::this_thread::sleep_for(interval);
    }
  };
}

}  // namespace trellis::cli
