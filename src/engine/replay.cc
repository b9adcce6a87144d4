// replay.cc — migrations' SQL on a scratch database, without bookkeeping (replay.h).
#include "engine/replay.h"

#include "engine/units.h"
#include "trellis/error.h"

namespace trellis {
namespace {

ReplayFailure failure_of(const Migration& m, ReplayDirection direction, const Statement* st,
                         std::string error) {
  ReplayFailure f;
  f.id = m.id;
  f.path = m.path;
  f.down = direction == ReplayDirection::kDown;
  if (st != nullptr) {
    f.statement = st->index;
    f.line = st->line;
  }
  f.error = std::move(error);
  return f;
}

// Runs statements [u.begin, u.end) of `statements`; the failing statement, if any.
const Statement* run_unit(Connection& c, const std::vector<Statement>& statements, const Unit& u,
                          std::string* error) {
  const Statement* current = nullptr;
  try {
    if (!u.outside) c.begin(Timeouts{});
    for (std::size_t i = u.begin; i < u.end; ++i) {
      current = &statements[i];
      if (executes(*current)) c.execute(*current);
    }
    current = nullptr;
    if (!u.outside) c.commit();
    return nullptr;
  } catch (const SqlError& e) {
    if (!u.outside) c.rollback();
    if (e.kind() == ErrorKind::kConnection) throw;
    *error = e.what();
    return current != nullptr ? current : &statements[u.end - 1];
  }
}

}  // namespace

std::string ReplayFailure::describe() const {
  std::string where = statement > 0 ? "statement " + std::to_string(statement) + " (line " + std::to_string(line) + "): " : "";
  return id + (down ? " (down)" : "") + ": " + where + error;
}

std::optional<ReplayFailure> replay_section(Driver& driver, const Migration& m, ReplayDirection direction) {
  bool up = direction == ReplayDirection::kUp;
  if (up && (m.batch || !m.up.has_sql)) return std::nullopt;
  if (!up && (!m.reversible() || m.noop_down())) return std::nullopt;
  const Section& section = up ? m.up : m.down;
  std::vector<Statement> statements;
  try {
    statements = driver.dialect().split(section.sql, section.first_line);
  } catch (const Error& e) {
    return failure_of(m, direction, nullptr, e.what());
  }
  for (Statement& st : statements) st.traits = driver.dialect().traits(st);
  std::vector<Diagnostic> problems;
  std::vector<Unit> units = units_of(m.path, up ? m.tx : m.down_tx, statements, problems);
  if (!problems.empty()) return failure_of(m, direction, nullptr, problems.front().message);
  for (const Unit& u : units) {
    std::string error;
    if (const Statement* failed = run_unit(driver.connection(), statements, u, &error))
      return failure_of(m, direction, failed, error);
  }
  return std::nullopt;
}

std::optional<ReplayFailure> replay(Driver& driver, const std::vector<const Migration*>& order) {
  for (const Migration* m : order)
    if (auto failure = replay_section(driver, *m, ReplayDirection::kUp)) return failure;
  return std::nullopt;
}

}  // namespace trellis
