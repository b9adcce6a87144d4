#include "project/migration_parser.h"

#include <cctype>
#include <cstdio>
#include <set>

#include "project/batch_spec.h"
#include "project/ids.h"
#include "project/sql_lexer.h"
#include "util/sha256.h"
#include "util/text.h"
#include "util/utf8.h"

namespace trellis {
namespace {

enum class Where { kHeader, kUp, kDown };

struct Line {
  std::string_view text;  // without the line break
  int number;
};

class Parser {
 public:
  Parser(std::string_view content, Migration& m, Diagnostics& diag)
      : content_(content), m_(m), diag_(diag) {}

  void run() {
    m_.checksum = sha256_hex(content_);  // of the file's bytes, a byte order mark included
    if (starts_with(content_, kUtf8Bom)) content_.remove_prefix(kUtf8Bom.size());
    if (!readable_text()) return;
    lex_ = lex_line_comments(content_);
    std::size_t pos = 0;
    int number = 1;
    while (pos <= content_.size()) {
      auto end = content_.find('\n', pos);
      if (end == std::string_view::npos) end = content_.size();
      std::string_view text = content_.substr(pos, end - pos);
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      on_line(Line{text, number}, pos, end);
      pos = end + 1;
      ++number;
    }
    finish(number - 1);
  }

 private:
  void error(const Line& line, int col, const std::string& message) {
    Diagnostic d;
    d.code = "parse";
    d.file = m_.path;
    d.line = line.number;
    d.column = col;
    d.message = message;
    d.id = m_.id;
    d.source = std::string(line.text);
    diag_.errors.push_back(std::move(d));
  }
  // A problem of line `number` (0: of the whole file), without a caret.
  void error_at_line(int number, const std::string& message) {
    Diagnostic d = error_at("parse", m_.path, number, message);
    d.id = m_.id;
    diag_.errors.push_back(std::move(d));
  }
  void error_at_file(const std::string& message) { error_at_line(0, message); }

  // The text is UTF-8 without NUL bytes (SQLite and libpg_query read a NUL as the end of
  // the text, PostgreSQL rejects bytes that are not UTF-8); else the first bad byte is
  // reported and nothing more is parsed.
  bool readable_text() {
    std::size_t bad = first_bad_utf8(content_);
    if (bad == std::string_view::npos) return true;
    std::size_t begin = content_.rfind('\n', bad);
    begin = begin == std::string_view::npos ? 0 : begin + 1;
    std::size_t end = std::min(content_.find('\n', bad), content_.size());
    std::string shown;  // the line, each bad byte shown as '?'
    for (std::string_view rest = content_.substr(begin, end - begin); !rest.empty();) {
      std::size_t k = std::min(first_bad_utf8(rest), rest.size());
      shown.append(rest.substr(0, k));
      if (k < rest.size()) shown += '?';
      rest.remove_prefix(std::min(k + 1, rest.size()));
    }
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(content_[bad]));
    std::string message = content_[bad] == '\0'
        ? "NUL byte (0x00): a migration file is text and must not contain NUL bytes"
        : std::string("byte ") + hex + " is not UTF-8: a migration file must be UTF-8 text (save it as UTF-8)";
    error(Line{shown, line_at(content_, bad, 1)}, static_cast<int>(bad - begin) + 1, message);
    return false;
  }

  // Whether a `--` comment starts at `offset` as the first token of its line (offsets are
  // asked for in increasing order).
  bool line_comment_at(std::size_t offset) {
    const auto& starts = lex_.line_comments;
    while (next_comment_ < starts.size() && starts[next_comment_] < offset) ++next_comment_;
    return next_comment_ < starts.size() && starts[next_comment_] == offset;
  }

  // A line that reads like a marker is one only when it is an SQL comment: inside a
  // string, a quoted identifier, a dollar-quoted body or a /* comment it is SQL text.
  void on_line(const Line& line, std::size_t begin, std::size_t end) {
    std::string_view t = trim(line.text);
    if (starts_with(t, "-- +") || starts_with(t, "--+")) {
      auto offset = static_cast<std::size_t>(t.data() - content_.data());
      if (line_comment_at(offset)) {
        on_marker(line, t, begin, end);
        return;
      }
      if (lex_.unterminated < offset && !reported_unterminated_) {
        reported_unterminated_ = true;
        int col = static_cast<int>(offset - begin) + 1;
        error(line, col, "'" + std::string(t) + "' is not a section marker: it is inside the " +
                             lex_.unterminated_kind + " opened at line " +
                             std::to_string(line_at(content_, lex_.unterminated, 1)) +
                             ", which is never closed");
      }
    }
    switch (where_) {
      case Where::kHeader: on_header_line(line, t); break;
      case Where::kUp: extend(m_.up, begin, end); break;
      case Where::kDown: extend(m_.down, begin, end); break;
    }
  }

  void extend(Section& s, std::size_t begin, std::size_t end) {
    if (section_begin_ == std::string_view::npos) section_begin_ = begin;
    section_end_ = std::min(end + 1, content_.size());
    (void)s;
  }

  void close_section() {
    Section* s = where_ == Where::kUp ? &m_.up : where_ == Where::kDown ? &m_.down : nullptr;
    if (s != nullptr && section_begin_ != std::string_view::npos) {
      s->sql = std::string(content_.substr(section_begin_, section_end_ - section_begin_));
    }
    section_begin_ = std::string_view::npos;
  }

  void on_marker(const Line& line, std::string_view t, std::size_t, std::size_t) {
    auto plus = t.find('+');
    std::string_view rest = trim(t.substr(plus + 1));
    auto space = rest.find_first_of(" \t");
    std::string_view word = rest.substr(0, space);
    std::string_view arg = space == std::string_view::npos ? "" : trim(rest.substr(space));
    int col = static_cast<int>(line.text.find('+')) + 1;
    if (word == "up" && arg.empty()) {
      if (m_.up.present) return error(line, col, "second '-- +up' marker");
      if (where_ == Where::kDown) return error(line, col, "'-- +up' must come before '-- +down'");
      close_section();
      where_ = Where::kUp;
      m_.up.present = true;
      m_.up.first_line = line.number + 1;
    } else if (word == "down" && (arg.empty() || arg == "irreversible" || arg == "noop")) {
      if (!m_.up.present) return error(line, col, "'-- +down' before '-- +up'");
      if (m_.down.present || m_.irreversible) return error(line, col, "second '-- +down' marker");
      close_section();
      where_ = Where::kDown;
      m_.down_marker_line = line.number;
      if (arg == "irreversible") m_.irreversible = true;
      down_option_ = arg;
      m_.down.present = true;
      m_.down.first_line = line.number + 1;
    } else if (word == "down") {
      error(line, col, "unknown '-- +down' option '" + std::string(arg) +
                           "' (write '-- +down' followed by the SQL that undoes the up, '-- +down noop' "
                           "when there is nothing to undo, or '-- +down irreversible' for a forward-only "
                           "migration)");
    } else {
      error(line, col, "unknown section marker '-- +" + std::string(rest) +
                           "' (expected '-- +up' or '-- +down')");
    }
  }

  void on_header_line(const Line& line, std::string_view t) {
    if (t.empty()) return;
    if (!starts_with(t, "--")) {
      int col = static_cast<int>(line.text.find_first_not_of(" \t")) + 1;
      return error(line, col, "SQL before '-- +up' (only directives and comments may come first)");
    }
    std::size_t i = 2;
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t')) ++i;
    std::size_t name_start = i;
    while (i < t.size() && (std::islower(static_cast<unsigned char>(t[i])) ||
                            std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '-')) {
      ++i;
    }
    std::size_t name_end = i;
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t')) ++i;
    if (name_end == name_start || i >= t.size() || t[i] != ':') return;  // a plain comment
    std::string name(t.substr(name_start, name_end - name_start));
    std::string_view value = trim(t.substr(i + 1));
    int col = static_cast<int>(line.text.find(name)) + 1;
    on_directive(line, name, value, col);
  }

  bool once(const Line& line, const std::string& name, int col) {
    if (seen_.insert(name).second) return true;
    error(line, col, "directive '" + name + "' given twice");
    return false;
  }

  void on_directive(const Line& line, const std::string& name, std::string_view value, int col) {
    int value_col = static_cast<int>(line.text.find(':', static_cast<std::size_t>(col))) + 2;
    if (value.empty()) return error(line, value_col, "directive '" + name + "' needs a value");
    if (name == "requires") return on_ids(line, value, m_.requirements);
    if (name == "conflicts") return on_ids(line, value, m_.conflicts);
    if (name == "phase") {
      if (!once(line, name, col)) return;
      if (value == "expand") m_.phase = Phase::kExpand;
      else if (value == "backfill") m_.phase = Phase::kBackfill;
      else if (value == "contract") m_.phase = Phase::kContract;
      else error(line, value_col, "unknown phase '" + std::string(value) +
                                      "' (expected expand, backfill or contract)");
      return;
    }
    if (name == "transaction") {
      if (once(line, name, col)) on_transaction(line, value, value_col);
      return;
    }
    if (name == "lock-timeout" || name == "statement-timeout") {
      if (!once(line, name, col)) return;
      auto d = parse_duration(value);
      if (!d) return error(line, value_col, "bad duration '" + std::string(value) + "' (e.g. 500ms, 3s, 2min)");
      (name == "lock-timeout" ? m_.lock_timeout : m_.statement_timeout) = *d;
      return;
    }
    if (name == "lint-allow") return on_lint_allow(line, value, value_col);
    if (name == "batch") {
      if (!once(line, name, col)) return;
      std::string problem;
      auto spec = parse_batch_spec(value, problem);
      if (!spec) return error(line, value_col, problem);
      spec->line = line.number;
      m_.batch = std::move(spec);
      return;
    }
    error(line, col, "unknown directive '" + name +
                         "' (known: requires, conflicts, phase, transaction, lock-timeout, "
                         "statement-timeout, lint-allow, batch)");
  }

  // `true` / `false` for both sections, or per section: `up=false`, `down=false`,
  // `up=false down=true` (a section not named runs in a transaction).
  void on_transaction(const Line& line, std::string_view value, int col) {
    static const char* kForms =
        "transaction must be true or false (both sections), or per section 'up=BOOL down=BOOL' "
        "(e.g. '-- transaction: down=false': the up in a transaction, the down outside one)";
    if (value == "true" || value == "false") {
      m_.tx = m_.down_tx = value == "true" ? TxMode::kTransactional : TxMode::kNone;
      return;
    }
    bool up_seen = false, down_seen = false;
    for (const auto& item : split_list(value, ' ')) {
      auto eq = item.find('=');
      std::string key = item.substr(0, eq);
      std::string flag = eq == std::string::npos ? "" : item.substr(eq + 1);
      bool* seen = key == "up" ? &up_seen : key == "down" ? &down_seen : nullptr;
      if (seen == nullptr || *seen || (flag != "true" && flag != "false")) {
        return error(line, col, std::string(kForms) + ", not '" + std::string(value) + "'");
      }
      *seen = true;
      (key == "up" ? m_.tx : m_.down_tx) = flag == "true" ? TxMode::kTransactional : TxMode::kNone;
    }
  }

  void on_ids(const Line& line, std::string_view value, std::vector<Requirement>& into) {
    for (const auto& item : split_list(value, ',')) {
      if (!parse_id(item)) {
        int col = static_cast<int>(line.text.find(item)) + 1;
        error(line, col, "malformed migration id '" + item +
                             "' (expected feature/NNNN or feature/NNNN_slug)");
        continue;
      }
      into.push_back(Requirement{item, line.number});
    }
  }

  void on_lint_allow(const Line& line, std::string_view value, int col) {
    auto space = value.find_first_of(" \t");
    std::string rule(value.substr(0, space));
    std::string_view reason = space == std::string_view::npos ? "" : trim(value.substr(space));
    if (reason.size() < 2 || reason.front() != '"' || reason.back() != '"' ||
        trim(reason.substr(1, reason.size() - 2)).empty()) {
      return error(line, col, "lint-allow needs a reason: -- lint-allow: " + rule +
                                  " \"why this is safe here\"");
    }
    m_.lint_allows.push_back(
        LintAllow{rule, std::string(reason.substr(1, reason.size() - 2)), line.number});
  }

  static bool has_sql(std::string_view sql) { return has_sql_tokens(sql); }

  void finish(int last_line) {
    close_section();
    if (!m_.up.present) {
      return error_at_file("no '-- +up' marker; put '-- +up' on its own line before the SQL");
    }
    m_.up.has_sql = has_sql(m_.up.sql);  // without: a valid no-op, recorded when applied
    m_.down.has_sql = has_sql(m_.down.sql);
    if (!down_option_.empty() && m_.down.has_sql) {
      error_at_line(m_.down_marker_line, "'-- +down " + std::string(down_option_) + "' must not be followed by SQL");
    }
    // A down without SQL (only comments, or `-- +down noop`) is a no-op: nothing to undo.
    if (!m_.down.present) m_.irreversible = true;
    if (m_.batch && m_.phase != Phase::kBackfill) {
      error_at_line(m_.batch->line, "'batch' is only allowed with '-- phase: backfill'");
    }
    (void)last_line;
  }

  std::string_view content_;
  Migration& m_;
  Diagnostics& diag_;
  Where where_ = Where::kHeader;
  std::set<std::string> seen_;
  std::size_t section_begin_ = std::string_view::npos;
  std::size_t section_end_ = 0;
  std::string_view down_option_;  // "irreversible", "noop" or ""
  SqlLexResult lex_;
  std::size_t next_comment_ = 0;
  bool reported_unterminated_ = false;
};

}  // namespace

void parse_migration(std::string_view content, Migration& out, Diagnostics& diag) {
  Parser(content, out, diag).run();
}

}  // namespace trellis
