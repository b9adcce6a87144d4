// drift.cc — does the live schema match what the applied migrations make? (drift.h)
#include "engine/drift.h"

#include <exception>
#include <filesystem>
#include <utility>

#include "engine/expected_cache.h"
#include "engine/replay.h"
#include "trellis/error.h"
#include "trellis/scratch.h"
#include "util/spread_thread.h"

namespace trellis {

std::string scratch_url_for(const Workspace& ws, const CheckOptions& options) {
  return scratch_url_for(ws, options.scratch_url, options.scratch_origin);
}

std::string scratch_url_for(const Workspace& ws, const std::string& given, const std::string& given_origin) {
  std::string url = given, origin = given_origin;
  const Settings& s = ws.env().settings;
  if (url.empty() && !s.scratch_database.empty()) {
    url = s.scratch_database;  // checked and anchored by resolve_environment
    origin = ws.project().config.config_path + ":" + std::to_string(s.scratch_database_line) + ": scratch_database";
  } else if (!url.empty()) {
    check_database_url(url, origin);
    url = anchor_database_url(url, ws.project().config.root);
  }
  if (url.empty() || ws.env().database.empty()) return url;  // verify may replay with no database at all
  std::string live = backend_name(ws.env().database), scratch = backend_name(url);
  if (scratch != live) {
    throw Error(ErrorKind::kConfig,
                origin + ": scratch database " + mask_url(url) + " is " + scratch + ", but the database is " + live,
                "the migrations are replayed with the database's own SQL: give a " + live + " scratch database");
  }
  return url;
}

namespace {

Finding not_checked(std::string code, std::string id, std::string file, int line, std::string message,
                    std::string hint) {
  Finding f = make_finding(std::move(code), Severity::kError, std::move(id), std::move(file), line, std::move(message));
  f.hint = std::move(hint);
  return f;
}

// The expected schema, replayed on a new scratch database; nullopt (with the finding)
// when a migration fails there.
std::optional<SchemaModel> replay_expected(const Workspace& ws, const std::string& scratch_url,
                                           const std::vector<const Migration*>& order, DriftReport& report,
                                           std::vector<Finding>& findings) {
  auto server = open_scratch_server(ws.env().database, scratch_url, driver_options(ws.project().config, ws.env()));
  auto db = server->create();
  report.scratch = db->display_name();
  if (auto failure = replay(db->driver(), order)) {
    findings.push_back(not_checked(
        "replay-failed", failure->id, failure->path, failure->line,
        "drift not checked: replaying the applied migrations on " + report.scratch + " failed at " +
            failure->describe(),
        "the migration does not run on an empty database in the order the database recorded (it needs rows, "
        "or objects made outside migrations): make it run on an empty database, or list what it needs in "
        "[drift] ignore and create it in a migration"));
    return std::nullopt;
  }
  try {
    return db->driver().catalog().read_schema();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kState) throw;
    findings.push_back(not_checked("drift-not-checked", "", "", 0,
                                   "drift not checked: reading the replayed schema on " + report.scratch + ": " + e.what(),
                                   e.hint()));
    return std::nullopt;
  }
}

void add_difference_findings(const DriftReport& report, std::vector<Finding>& findings) {
  for (const SchemaDifference& d : report.differences) {
    findings.push_back(make_finding("drift", Severity::kError, "", "", 0, describe_difference(d)));
  }
}

}  // namespace

struct LiveSchemaReader::Impl {
  explicit Impl(Driver& live)
      : thread([this, &live] {
          try {
            model = live.catalog().read_schema();
          } catch (...) {
            error = std::current_exception();
          }
        }) {}
  SchemaModel model;
  std::exception_ptr error;
  SpreadThread thread;  // last: it starts once the fields it writes exist
};

LiveSchemaReader::LiveSchemaReader(Driver& live) : impl_(std::make_unique<Impl>(live)) {}
LiveSchemaReader::~LiveSchemaReader() = default;

SchemaModel LiveSchemaReader::take() {
  impl_->thread.join();
  if (impl_->error) std::rethrow_exception(std::exchange(impl_->error, nullptr));
  return std::move(impl_->model);
}

DriftReport check_drift(const Workspace& ws, const StateIndex& state, const std::vector<HistoryEvent>& history,
                        LiveSchemaReader& live, const std::string& scratch_url, std::vector<Finding>& findings) {
  DriftReport report;
  AppliedOrder order = applied_in_recorded_order(ws.graph(), state, history);
  report.migrations = order.migrations.size();
  for (const StateRow* r : order.without_file) {
    findings.push_back(not_checked("drift-not-checked", r->id, "", 0,
                                   "drift not checked: applied migration " + r->id + " has no file to replay",
                                   "restore its file: without it the schema the applied migrations make is not known"));
  }
  if (!order.without_file.empty()) return report;

  std::string backend = backend_name(ws.env().database);
  ExpectedSchemaCache cache((std::filesystem::path(ws.project().config.root) / ".trellis").string());
  std::string key = expected_schema_key(backend, order.migrations);
  std::optional<SchemaModel> expected = cache.find(key);
  report.from_cache = expected.has_value();
  if (!expected) {
    expected = replay_expected(ws, scratch_url, order.migrations, report, findings);
    if (!expected) return report;
    cache.store(key, *expected);
  }
  SchemaModel actual;
  try {
    actual = live.take();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kState) throw;
    findings.push_back(not_checked("drift-not-checked", "", "", 0, "drift not checked: " + std::string(e.what()),
                                   e.hint()));
    return report;
  }
  for (const auto& [pattern, line] : ws.project().config.drift.ignore) {
    report.ignored += expected->remove_matching(pattern) + actual.remove_matching(pattern);
  }
  report.differences = diff_schemas(*expected, actual);
  report.compared = true;
  add_difference_findings(report, findings);
  return report;
}

}  // namespace trellis
