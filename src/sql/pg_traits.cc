// pg_traits.cc — transaction control and "outside a transaction" from the parse tree.
#include "sql/pg_traits.h"

#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

#include "sql/pg_statement.h"

namespace trellis::pg {
namespace {

using Json = nlohmann::json;

// The statement's first word, upper-cased (the splitter already dropped leading trivia).
std::string first_word(const std::string& sql) {
  std::string word;
  for (char c : sql) {
    if (!std::isalpha(static_cast<unsigned char>(c))) break;
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return word;
}

bool contains_word(const std::string& sql, std::string_view upper_word) {
  std::string upper(sql.size(), ' ');
  for (std::size_t i = 0; i < sql.size(); ++i) {
    upper[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i])));
  }
  return upper.find(upper_word) != std::string::npos;
}

// Whether the parse tree can change the answer. Most DDL can run in a transaction, so only
// statements whose text names one of the exceptions are parsed.
bool worth_parsing(const std::string& sql) {
  static constexpr std::array<std::string_view, 13> always = {
      "COMMIT", "END", "ROLLBACK", "ABORT", "BEGIN", "START", "PREPARE", "VACUUM", "CLUSTER",
      "REINDEX", "CALL", "DO", "DISCARD"};
  std::string word = first_word(sql);
  for (auto w : always) {
    if (word == w) return true;
  }
  if (word != "CREATE" && word != "DROP" && word != "ALTER") return false;
  return contains_word(sql, "CONCURRENTLY") || contains_word(sql, "DATABASE") ||
         contains_word(sql, "TABLESPACE") || contains_word(sql, "SUBSCRIPTION") ||
         contains_word(sql, "SYSTEM") || contains_word(sql, "VALUE");
}

TxControl control_of(const Json& tx) {
  std::string kind = tx.value("kind", "");
  if (kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START") return TxControl::kBegin;
  if (kind == "TRANS_STMT_COMMIT") return TxControl::kCommit;
  if (kind == "TRANS_STMT_ROLLBACK") return TxControl::kRollback;
  if (kind == "TRANS_STMT_SAVEPOINT" || kind == "TRANS_STMT_RELEASE" ||
      kind == "TRANS_STMT_ROLLBACK_TO") {
    return TxControl::kNone;
  }
  return TxControl::kOther;  // PREPARE TRANSACTION, COMMIT/ROLLBACK PREPARED
}

bool detaches_concurrently(const Json& alter) {
  for (const Json& cmd : alter.value("cmds", Json::array())) {
    const Json at = cmd.value("AlterTableCmd", Json::object());
    const Json part = at.value("def", Json::object()).value("PartitionCmd", Json::object());
    if (at.value("subtype", "") == "AT_DetachPartition" && part.value("concurrent", false)) {
      return true;
    }
  }
  return false;
}

// A DO block whose body ends transactions (COMMIT / ROLLBACK, allowed in DO and CALL since
// PostgreSQL 11) must run outside one. The body is PL/pgSQL text: a mention of either word
// is enough to run it on its own, as it ran before units existed.
bool do_ends_transactions(const Json& body) {
  for (const Json& arg : body.value("args", Json::array())) {
    const Json def = arg.value("DefElem", Json::object());
    if (def.value("defname", "") != "as") continue;
    std::string code = def.value("arg", Json::object()).value("String", Json::object()).value("sval", "");
    return contains_word(code, "COMMIT") || contains_word(code, "ROLLBACK");
  }
  return false;
}

bool outside(const std::string& node, const Json& body, int server_version) {
  if (node == "CallStmt") return true;  // a procedure may COMMIT
  if (node == "DoStmt") return do_ends_transactions(body);
  if (node == "DiscardStmt") return body.value("target", "") == "DISCARD_ALL";
  if (node == "IndexStmt") return body.value("concurrent", false);
  if (node == "DropStmt") return body.value("concurrent", false);
  if (node == "ReindexStmt") {
    std::string kind = body.value("kind", "");
    return kind == "REINDEX_OBJECT_DATABASE" || kind == "REINDEX_OBJECT_SYSTEM" ||
           has_concurrently_option(body);
  }
  if (node == "VacuumStmt") return body.value("is_vacuumcmd", false);
  if (node == "ClusterStmt") return !body.contains("relation");
  if (node == "AlterTableStmt") return detaches_concurrently(body);
  if (node == "AlterEnumStmt") return server_version < 120000 && !body.contains("oldVal");
  return node == "CreatedbStmt" || node == "DropdbStmt" || node == "CreateTableSpaceStmt" ||
         node == "DropTableSpaceStmt" || node == "AlterSystemStmt" ||
         node == "CreateSubscriptionStmt" || node == "DropSubscriptionStmt";
}

}  // namespace

StatementTraits statement_traits(const std::string& sql, int server_version) {
  StatementTraits traits;
  if (!worth_parsing(sql)) return traits;
  std::optional<Json> stmt = first_statement(sql);
  if (stmt && !stmt->empty()) {
    const std::string node = stmt->begin().key();
    const Json& body = stmt->begin().value();
    if (node == "TransactionStmt") traits.control = control_of(body);
    traits.outside_transaction = outside(node, body, server_version);
  }
  return traits;
}

}  // namespace trellis::pg
