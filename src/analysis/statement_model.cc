// statement_model.cc — analyse_migration: parse, then one handler per statement kind.
#include <algorithm>
#include <optional>

#include "analysis/model.h"
#include "sql/pg_named_params.h"

namespace trellis::analysis {

void Builder::place(int location, int& line, int& col) const {
  int offset = location >= 0 ? stmt_.base + location : stmt_.offset;
  line = lines_.line(offset);
  col = lines_.col(offset);
}

void Builder::use(ObjectKind kind, const std::string& name, Access access, int location,
                  const std::string& new_name) {
  if (name.empty()) return;
  ObjectUse u;
  u.kind = kind;
  u.name = name;
  u.access = access;
  u.new_name = new_name;
  u.conditional = access != Access::kRead && access != Access::kReference && access != Access::kAlter && conditional();
  place(location, u.line, u.col);
  info_.objects.push_back(std::move(u));
}

// IF NOT EXISTS / OR REPLACE / IF EXISTS on the statement itself. ALTER TABLE IF EXISTS
// says nothing of the columns and constraints its commands create or drop.
bool Builder::conditional() const {
  if (stmt_.node == nullptr || stmt_.node->empty()) return false;
  if (stmt_.node->begin().key() == "AlterTableStmt") return false;
  const Json& root = stmt_.node->begin().value();
  return flag(root, "if_not_exists") || flag(root, "replace") || flag(root, "missing_ok");
}

void Builder::lock(const std::string& table, LockLevel level) {
  if (table.empty()) return;
  for (auto& l : info_.locks) {
    if (l.table == table) {
      l.level = std::max(l.level, level);
      return;
    }
  }
  info_.locks.push_back({table, level});
}

Hazard& Builder::hazard(const std::string& rule, const std::string& table, std::string message,
                        std::string help, int location) {
  Hazard h;
  h.rule = rule;
  h.table = table;
  h.message = std::move(message);
  h.help = std::move(help);
  place(location, h.line, h.col);
  info_.hazards.push_back(std::move(h));
  return info_.hazards.back();
}

namespace {

bool is_ddl(const std::string& kind) {
  return kind != "SelectStmt" && kind != "InsertStmt" && kind != "UpdateStmt" &&
         kind != "DeleteStmt" && kind != "VariableSetStmt" && kind != "TransactionStmt";
}

void dispatch(const std::string& kind, const Json& stmt, Builder& b) {
  if (kind == "CreateStmt") return model_create_table(stmt, b);
  if (kind == "AlterTableStmt") return model_alter_table(stmt, b);
  if (kind == "IndexStmt") return model_index(stmt, b);
  if (kind == "ReindexStmt") return model_reindex(stmt, b);
  if (kind == "DropStmt") return model_drop(stmt, b);
  if (kind == "RenameStmt") return model_rename(stmt, b);
  if (kind == "SelectStmt" || kind == "InsertStmt" || kind == "UpdateStmt" ||
      kind == "DeleteStmt") {
    return model_dml(kind, stmt, b);
  }
  model_misc(kind, stmt, b);
}

std::string excerpt(const std::string& sql, const ParsedStatement& p) {
  std::string text = sql.substr(static_cast<size_t>(p.offset),
                                static_cast<size_t>(std::max(0, p.length)));
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == ';')) {
    text.pop_back();
  }
  if (text.size() > 200) text = text.substr(0, 197) + "...";
  return text;
}

// Earlier statements' locks stay held until the transaction ends.
void hold_locks(const StatementInfo& info, const Json& stmt, MigrationState& state) {
  std::string tx = info.kind == "TransactionStmt" ? str(stmt, "kind") : "";
  if (tx == "TRANS_STMT_COMMIT" || tx == "TRANS_STMT_ROLLBACK" || tx == "TRANS_STMT_PREPARE") {
    state.held_locks.clear();
    return;
  }
  for (const auto& l : info.locks) {
    auto& held = state.held_locks[l.table];
    if (l.level > held.level) held = {l.level, info.line};
  }
}

StatementInfo analyse_statement(const std::string& sql, const ParsedStatement& p, const LineMap& lines,
                                MigrationState& state, const BackfillWindow* window) {
  StatementInfo info;
  info.line = lines.line(p.offset);
  info.col = lines.col(p.offset);
  info.text = excerpt(sql, p);
  if (!p.ok) {
    info.parsed = false;
    info.parse_error = p.error;
    return info;
  }
  if (p.node->empty()) return info;
  info.kind = std::string(p.node->begin().key());
  Builder b(lines, p, info, state);
  dispatch(info.kind, p.node->begin().value(), b);
  version_gates(info.kind, p.node->begin().value(), b);
  if (window != nullptr) check_backfill_window(info.kind, p.node->begin().value(), *window, b);
  if (is_ddl(info.kind)) state.has_ddl = true;
  hold_locks(info, p.node->begin().value(), state);
  return info;
}

}  // namespace

// PostgreSQL keeps the first 63 bytes of a name (NAMEDATALEN - 1) without an error: two
// long names that share them collide, and the parse tree holds only the truncated name,
// so the identifiers are found by the scanner in the text.
// Whether `statement` creates something, or renames something to, a name one of whose
// dotted parts is `part`.
bool names_created(const StatementInfo& statement, const std::string& part) {
  for (const auto& u : statement.objects) {
    if (u.access != Access::kCreate && u.access != Access::kRename) continue;
    const std::string& name = u.access == Access::kRename ? u.new_name : u.name;
    size_t at = name.find(part);
    while (at != std::string::npos) {
      bool starts = at == 0 || name[at - 1] == '.';
      bool ends = at + part.size() == name.size() || name[at + part.size()] == '.';
      if (starts && ends) return true;
      at = name.find(part, at + 1);
    }
  }
  return false;
}

void flag_long_identifiers(const std::string& sql, const LineMap& lines,
                           const std::vector<std::pair<int, int>>& offsets, std::vector<StatementInfo>& statements) {
  constexpr std::size_t kMaxBytes = 63;
  for (const auto& id : pg::find_long_identifiers(sql, kMaxBytes)) {
    auto at = static_cast<int>(id.offset);
    for (size_t i = 0; i < offsets.size(); ++i) {
      if (at < offsets[i].first || at >= offsets[i].second) continue;
      if (!names_created(statements[i], id.name.substr(0, kMaxBytes))) break;  // only a use of it
      Hazard h;
      h.rule = "identifier-too-long";
      h.message = "name " + id.name + " is " + std::to_string(id.name.size()) +
                  " bytes: PostgreSQL silently truncates it to its first 63 (" + id.name.substr(0, kMaxBytes) +
                  "), so names that share those bytes collide and the catalog shows another name than the file";
      h.help = "use a name of at most 63 bytes";
      h.line = lines.line(at);
      h.col = lines.col(at);
      statements[i].hazards.push_back(std::move(h));
      break;
    }
  }
}

// Full-table UPDATE/DELETE in the same transaction as DDL: decided once the whole
// migration is known.
void flag_unbatched_dml(std::vector<StatementInfo>& statements, const MigrationState& state);
// rename-table dropped where the same migration then creates a view of the old name.
void forgive_renames_behind_views(std::vector<StatementInfo>& statements);

}  // namespace trellis::analysis

namespace trellis {

MigrationAnalysis analyse_migration(const Migration& migration) {
  MigrationAnalysis out;
  out.id = migration.id;
  out.path = migration.path;
  out.checksum = migration.checksum;
  // Backfill bodies use :lo/:hi/:size, which the parser rejects: analyse them with "$1"
  // in their place (same length, so offsets and lines are unchanged).
  const std::string sql = migration.batch ? pg::mask_named_params(migration.up.sql) : migration.up.sql;
  sql::LineMap lines(sql, migration.up.first_line > 0 ? migration.up.first_line : 1);
  analysis::MigrationState state;
  std::optional<analysis::BackfillWindow> window;
  if (migration.batch && migration.batch->mode == BatchSpec::Mode::kRange) {
    window.emplace();
    window->table = migration.batch->table;
    window->key = migration.batch->key;
    for (const auto& param : pg::find_named_params(migration.up.sql)) {
      window->params[static_cast<int>(param.offset)] = param.name;
    }
  }
  std::vector<std::pair<int, int>> offsets;  // each statement's [start, end) in `sql`
  sql::parse_statements(sql, [&](const sql::ParsedStatement& p) {
    out.statements.push_back(analysis::analyse_statement(sql, p, lines, state, window ? &*window : nullptr));
    offsets.emplace_back(p.offset, p.offset + std::max(0, p.length));
  });
  analysis::flag_unbatched_dml(out.statements, state);
  analysis::forgive_renames_behind_views(out.statements);
  analysis::flag_long_identifiers(sql, lines, offsets, out.statements);
  return out;
}

TableLock MigrationAnalysis::strongest_lock() const {
  TableLock best;
  for (const auto& s : statements) {
    for (const auto& l : s.locks) {
      if (l.level > best.level) best = l;
    }
  }
  return best;
}

}  // namespace trellis
