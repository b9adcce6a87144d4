// An application that embeds Trellis: migrates its database as a deploy step, then, as
// every start-up would, checks that the schema has what this build needs.
//
//   embed_example PROJECT_DIR [ENVIRONMENT]
#include <cstdio>
#include <string>

#include <trellis/trellis.h>

namespace {

int deploy(const std::string& dir, const std::string& env) {
  trellis::Session session(dir, env);
  trellis::PlanSummary plan = session.plan();
  std::printf("%zu migration(s) to apply in %s, %zu held back\n", plan.steps.size(),
              session.environment().c_str(), plan.held.size());
  trellis::ApplySummary applied = session.apply({}, [](const trellis::AppliedStep& step) {
    std::printf("  %-40s %s\n", step.id.c_str(), step.result.c_str());
  });
  for (const auto& step : applied.steps) {
    if (!step.error.empty()) std::fprintf(stderr, "%s: %s\n", step.id.c_str(), step.error.c_str());
  }
  trellis::StatusSummary status = session.status();
  for (const auto& f : status.features) {
    std::printf("  feature %-10s applied %d, pending %d, head %s\n", f.name.c_str(), f.applied, f.pending,
                f.head.empty() ? "-" : f.head.c_str());
  }
  return applied.exit_status;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PROJECT_DIR [ENVIRONMENT]\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1], env = argc > 2 ? argv[2] : "";
  try {
    if (int status = deploy(dir, env); status != 0) return status;
    // At start-up: read-only, no lock; refuse to serve without the schema this build knows.
    trellis::SchemaCheck check = trellis::require_schema(dir, env);
    std::fputs(check.explain().c_str(), stdout);
    return check.ok() ? 0 : 1;
  } catch (const trellis::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    if (!e.hint().empty()) std::fprintf(stderr, "hint: %s\n", e.hint().c_str());
    return static_cast<int>(trellis::exit_code_for(e.kind()));
  }
}
