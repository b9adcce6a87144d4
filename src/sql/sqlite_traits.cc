// sqlite_traits.cc — see sqlite_traits.h.
#include "sql/sqlite_traits.h"

#include <cctype>

#include "sql/sql_text.h"

namespace trellis {
namespace {

// The upper-cased keyword at `pos` (letters only), and where it ends.
std::string keyword_at(const std::string& sql, std::size_t& pos) {
  pos += skip_sql_trivia(std::string_view(sql).substr(pos));
  std::string word;
  while (pos < sql.size() && std::isalpha(static_cast<unsigned char>(sql[pos]))) {
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[pos++])));
  }
  return word;
}

}  // namespace

StatementTraits sqlite_traits(const std::string& sql) {
  StatementTraits traits;
  std::size_t pos = 0;
  std::string first = keyword_at(sql, pos);
  if (first == "BEGIN") {
    traits.control = TxControl::kBegin;
  } else if (first == "COMMIT" || first == "END") {
    traits.control = TxControl::kCommit;
  } else if (first == "ROLLBACK") {
    std::string next = keyword_at(sql, pos);
    if (next == "TRANSACTION") next = keyword_at(sql, pos);
    if (next != "TO") traits.control = TxControl::kRollback;
  } else if (first == "VACUUM" || first == "ATTACH" || first == "DETACH" || first == "PRAGMA") {
    // PRAGMA foreign_keys / journal_mode do nothing or fail inside a transaction.
    traits.outside_transaction = true;
  }
  return traits;
}

}  // namespace trellis
