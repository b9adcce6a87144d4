#include "import/alembic_sql.h"

#include <vector>

#include "import/source_files.h"
#include "sql/pg_parse.h"
#include "sql/pg_split.h"
#include "trellis/error.h"

namespace trellis::imports {
namespace {

using sql::Json;

enum class Kind { kKept, kBegin, kCommit, kVersionTable };

struct Piece {
  int begin = 0, end = 0;  // the statement, its ';' included
  Kind kind = Kind::kKept;
};

std::string field(const Json& node, std::string_view key) {
  auto it = node.find(key);
  return it != node.end() && it->is_string() ? it->get<std::string>() : "";
}

const Json* member(const Json& node, std::string_view key) {
  auto it = node.find(key);
  return it == node.end() ? nullptr : &*it;
}

bool is_table(const Json* range_var, const VersionTable& t) {
  return range_var != nullptr && field(*range_var, "relname") == t.name && field(*range_var, "schemaname") == t.schema;
}

// DROP TABLE [schema.]alembic_version: its one object's name parts.
bool drops_table(const Json& drop, const VersionTable& t) {
  if (field(drop, "removeType") != "OBJECT_TABLE") return false;
  const Json* objects = member(drop, "objects");
  if (objects == nullptr || objects->size() != 1) return false;
  const Json* list = member((*objects)[0], "List");
  const Json* items = list == nullptr ? nullptr : member(*list, "items");
  if (items == nullptr) return false;
  std::vector<std::string> parts;
  for (const Json& item : *items) {
    const Json* s = member(item, "String");
    parts.push_back(s == nullptr ? "" : field(*s, "sval"));
  }
  std::vector<std::string> wanted = t.schema.empty() ? std::vector<std::string>{t.name}
                                                     : std::vector<std::string>{t.schema, t.name};
  return parts == wanted;
}

Kind kind_of(const Json& stmt, const VersionTable& t) {
  if (const Json* tx = member(stmt, "TransactionStmt")) {
    std::string kind = field(*tx, "kind");
    if (kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START") return Kind::kBegin;
    if (kind == "TRANS_STMT_COMMIT") return Kind::kCommit;
    return Kind::kKept;
  }
  for (const char* k : {"CreateStmt", "InsertStmt", "UpdateStmt", "DeleteStmt"}) {
    if (const Json* s = member(stmt, k)) return is_table(member(*s, "relation"), t) ? Kind::kVersionTable : Kind::kKept;
  }
  if (const Json* drop = member(stmt, "DropStmt")) return drops_table(*drop, t) ? Kind::kVersionTable : Kind::kKept;
  return Kind::kKept;
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// Without leading blank lines and trailing white space; one final line break.
std::string tidy(const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t eol = text.find('\n', start);
    if (eol == std::string::npos || !blank(std::string_view(text).substr(start, eol - start))) break;
    start = eol + 1;
  }
  std::size_t end = text.find_last_not_of(" \t\r\n");
  if (end == std::string::npos || end < start) return "";
  return text.substr(start, end + 1 - start) + "\n";
}

}  // namespace

bool alembic_section(const std::string& rendered, const VersionTable& table, const std::string& file, int line,
                     SourceSection& section, std::string& why) {
  why.clear();
  try {
    pg::split_statements(rendered, 1);  // refuses what does not parse (parse_statements may skip it)
  } catch (const Error& e) {
    why = e.what();
    return false;
  }
  std::vector<Piece> pieces;
  sql::parse_statements(rendered, [&](const sql::ParsedStatement& p) {
    if (!p.ok) {
      if (why.empty()) why = p.error;
      return;
    }
    Piece piece;
    piece.begin = p.offset;
    piece.end = p.offset + p.length;
    if (piece.end < static_cast<int>(rendered.size()) && rendered[static_cast<std::size_t>(piece.end)] == ';') ++piece.end;
    piece.kind = kind_of(*p.node, table);
    pieces.push_back(piece);
  });
  if (!why.empty()) return false;
  std::string kept;
  bool in_transaction = false, outside = false;
  int previous_end = 0;
  for (const Piece& piece : pieces) {
    std::string_view text(rendered);
    std::string_view trivia = text.substr(static_cast<std::size_t>(previous_end),
                                          static_cast<std::size_t>(piece.begin - previous_end));
    std::string_view statement = text.substr(static_cast<std::size_t>(piece.begin),
                                             static_cast<std::size_t>(piece.end - piece.begin));
    previous_end = piece.end;
    if (piece.kind == Kind::kBegin) in_transaction = true;
    if (piece.kind == Kind::kCommit) in_transaction = false;
    if (piece.kind != Kind::kKept) {
      // A comment before it stays (only statements go), without the white space after it.
      if (!blank(trivia)) kept.append(trivia.substr(0, trivia.find_last_not_of(" \t\r\n") + 1));
      continue;
    }
    if (!in_transaction) outside = true;
    kept.append(trivia);
    kept.append(statement);
  }
  if (previous_end < static_cast<int>(rendered.size())) {
    std::string_view rest = std::string_view(rendered).substr(static_cast<std::size_t>(previous_end));
    if (!blank(rest)) kept.append(rest);
  }
  section = SourceSection{};
  section.file = file;
  section.present = true;
  std::string sql = tidy(kept);
  for (const TextLine& l : lines_of(sql)) section.add_line(l.with_break, line);
  section.transactional = !outside;
  return true;
}

}  // namespace trellis::imports
