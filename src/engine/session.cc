// The embedding API (trellis/trellis.h) over the engine's use cases: the same code the
// command line calls, its results turned into plain values.
#include "trellis/trellis.h"

#include "trellis/migrate.h"
#include "trellis/status.h"
#include "trellis/workspace.h"

namespace trellis {

struct Session::Impl {
  Impl(const std::string& dir, const std::string& env, const std::string& database)
      : ws(dir, EnvSelection{env, database}) {}
  Workspace ws;  // built in place: a Workspace does not move
};

namespace {

PlanOptions plan_options(const PlanRequest& r) {
  PlanOptions o;
  o.features = r.features;
  o.to = r.to;
  o.contract = r.contract;
  return o;
}

std::vector<HeldBack> held_back(const Graph& g, const std::vector<Held>& held) {
  std::vector<HeldBack> out;
  for (const Held& h : held) out.push_back({g.at(h.node).id, hold_reason_id(h.reason), h.detail});
  return out;
}

std::vector<std::string> plan_errors(const Plan& plan) {
  std::vector<std::string> out;
  for (const auto& e : plan.errors) out.push_back(e.hint.empty() ? e.message : e.message + " (" + e.hint + ")");
  return out;
}

AppliedStep applied_step(const Graph& g, const StepOutcome& o) {
  std::string error = o.result == StepResult::kFailed ? describe_failure(o) : o.error;
  return {g.at(o.node).id, step_result_name(o.result), error, o.duration_ms, o.attempts};
}

// Tells the caller of each migration's result as it finishes.
class StepObserver : public ApplyObserver {
 public:
  StepObserver(const Graph& g, const std::function<void(const AppliedStep&)>& on_step) : g_(g), on_step_(on_step) {}
  void on_done(const Migration&, const StepOutcome& o) override {
    if (on_step_) on_step_(applied_step(g_, o));
  }

 private:
  const Graph& g_;
  const std::function<void(const AppliedStep&)>& on_step_;
};

}  // namespace

Session::Session(const std::string& project_dir, const std::string& env, const std::string& database)
    : impl_(std::make_unique<Impl>(project_dir, env, database)) {}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

const std::string& Session::environment() const { return impl_->ws.env().name; }

PlanSummary Session::plan(const PlanRequest& request) const {
  const Workspace& ws = impl_->ws;
  MigratePreview preview = preview_migrate(ws, plan_options(request), false);
  PlanSummary out;
  for (const Step& s : preview.plan.steps) {
    const Migration& m = ws.graph().at(s.node);
    out.steps.push_back({m.id, m.feature, phase_name(m.phase), s.pulled_in});
  }
  out.held = held_back(ws.graph(), preview.plan.held);
  out.errors = plan_errors(preview.plan);
  return out;
}

ApplySummary Session::apply(const ApplyRequest& request, const std::function<void(const AppliedStep&)>& on_step) const {
  const Workspace& ws = impl_->ws;
  MigrateOptions options;
  options.plan = plan_options(request.plan);
  options.on_failure = request.fail_fast ? FailurePolicy::kFailFast : FailurePolicy::kIsolate;
  options.lock_wait = request.lock_wait;
  StepObserver observer(ws.graph(), on_step);
  MigrateReport report = migrate(ws, options, observer);
  if (report.lost) throw *report.lost;
  ApplySummary out;
  for (const auto& o : report.outcomes) out.steps.push_back(applied_step(ws.graph(), o));
  out.incomplete = held_back(ws.graph(), report.incomplete);
  out.errors = plan_errors(report.plan);
  out.exit_status = report.exit_status();
  return out;
}

StatusSummary Session::status() const {
  const Workspace& ws = impl_->ws;
  StatusInputs in = read_status_inputs(ws.project().config, ws.env());
  StatusReport report = build_status(ws, in.state, in.leftovers);
  StatusSummary out;
  out.environment = ws.env().name;
  out.database = mask_url(ws.env().database);
  for (const auto& f : report.features) {
    out.features.push_back({f.name, f.released, f.applied, f.pending, f.failed, f.blocked, f.held,
                            f.running + f.paused + f.interrupted, f.head,
                            f.phase});
  }
  for (const auto& v : report.migrations) {
    const Migration& m = ws.graph().at(v.node);
    std::string reason = v.row != nullptr && !v.row->error.empty() ? v.row->error : v.reason;
    out.migrations.push_back({m.id, m.feature, migration_state_name(v.state), reason});
  }
  for (const auto& w : report.warnings) out.warnings.push_back(w.id.empty() ? w.message : w.id + ": " + w.message);
  return out;
}

SchemaCheck Session::require_schema(const RequireOptions& options) const {
  return trellis::require_schema(impl_->ws, options);
}

}  // namespace trellis
