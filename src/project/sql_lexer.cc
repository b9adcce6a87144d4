// sql_lexer.cc — PostgreSQL's lexical rules (scan.l), as far as comments need them.
#include "project/sql_lexer.h"

namespace trellis {
namespace {

bool is_ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_ident_cont(unsigned char c) { return is_ident_start(c) || is_digit(c) || c == '$'; }
bool is_dollar_tag_cont(unsigned char c) { return is_ident_start(c) || is_digit(c); }

class Lexer {
 public:
  Lexer(std::string_view text, bool stop_at_sql) : s_(text), stop_at_sql_(stop_at_sql) {}

  SqlLexResult run() {
    while (i_ < s_.size() && !(stop_at_sql_ && found_sql_)) step();
    return std::move(out_);
  }
  bool found_sql() const { return found_sql_; }

 private:
  unsigned char at(std::size_t k) const { return k < s_.size() ? static_cast<unsigned char>(s_[k]) : 0; }
  bool starts(std::string_view token) const { return s_.substr(i_, token.size()) == token; }

  void open_to_end(std::size_t start, const char* kind) {
    out_.unterminated = start;
    out_.unterminated_kind = kind;
    i_ = s_.size();
  }

  void step() {
    unsigned char c = at(i_);
    if (c == '\n') {
      line_start_ = true;
      ++i_;
      return;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      ++i_;
      return;
    }
    bool first_on_line = line_start_;
    line_start_ = false;
    if (starts("--")) return line_comment(first_on_line);
    if (starts("/*")) return block_comment();
    found_sql_ = true;
    if (c == '\'') return quoted(i_, '\'', false, "quoted string");
    if (c == '"') return quoted(i_, '"', false, "quoted identifier");
    if (c == '$') return dollar();
    if (is_ident_start(c)) return word();
    if (is_digit(c)) return number();
    ++i_;  // an operator or punctuation character
  }

  void line_comment(bool first_on_line) {
    if (first_on_line) out_.line_comments.push_back(i_);
    while (i_ < s_.size() && s_[i_] != '\n' && s_[i_] != '\r') ++i_;
  }

  // /* … */, nested as PostgreSQL nests them.
  void block_comment() {
    std::size_t start = i_;
    int depth = 0;
    while (i_ < s_.size()) {
      if (starts("/*")) {
        ++depth;
        i_ += 2;
      } else if (starts("*/")) {
        i_ += 2;
        if (--depth == 0) return;
      } else {
        ++i_;
      }
    }
    open_to_end(start, "/* comment");
  }

  // From the opening quote at `start` to after the closing one; a doubled quote stands
  // for itself, and with `backslash` (E'…') a backslash escapes the next byte.
  void quoted(std::size_t start, char quote, bool backslash, const char* kind) {
    i_ = start + 1;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (backslash && c == '\\') {
        i_ += 2;
      } else if (c == quote) {
        if (at(i_ + 1) == static_cast<unsigned char>(quote)) {
          i_ += 2;
          continue;
        }
        ++i_;
        std::size_t next = quote == '\'' ? continuation(i_) : std::string_view::npos;
        if (next == std::string_view::npos) return;
        i_ = next;
      } else {
        ++i_;
      }
    }
    open_to_end(start, kind);
  }

  // A string constant goes on after blanks with a line break and another quote
  // ('a'\n'b' is 'ab', and E'…' stays E'…'); libpg_query allows no comment in between.
  // Returns the offset after that quote.
  std::size_t continuation(std::size_t k) const {
    while (at(k) == ' ' || at(k) == '\t' || at(k) == '\f') ++k;
    if (at(k) != '\n' && at(k) != '\r') return std::string_view::npos;
    while (at(k) == ' ' || at(k) == '\t' || at(k) == '\f' || at(k) == '\n' || at(k) == '\r') ++k;
    return at(k) == '\'' ? k + 1 : std::string_view::npos;
  }

  // $tag$ … $tag$ (tag optional); any other '$' (a parameter like $1) stands alone.
  void dollar() {
    std::size_t start = i_;
    std::size_t k = i_ + 1;
    if (is_ident_start(at(k)) || at(k) == '$') {
      if (at(k) != '$') {
        while (is_dollar_tag_cont(at(k))) ++k;
      }
      if (at(k) == '$') {
        std::string_view tag = s_.substr(start, k + 1 - start);
        std::size_t close = s_.find(tag, k + 1);
        if (close == std::string_view::npos) return open_to_end(start, "dollar-quoted string");
        i_ = close + tag.size();
        return;
      }
    }
    ++i_;
  }

  // An identifier or key word; `E'` / `e'` opens a string with backslash escapes.
  void word() {
    std::size_t start = i_;
    while (i_ < s_.size() && is_ident_cont(at(i_))) ++i_;
    if (i_ - start == 1 && (s_[start] == 'E' || s_[start] == 'e') && at(i_) == '\'') {
      quoted(i_, '\'', true, "quoted string");
    }
  }

  // Digits with any letters, '_' or '.' that follow (a number, or a malformed one that
  // PostgreSQL rejects anyway): never a string prefix.
  void number() {
    while (i_ < s_.size() && (is_dollar_tag_cont(at(i_)) || at(i_) == '.')) ++i_;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  bool line_start_ = true;
  bool stop_at_sql_ = false;
  bool found_sql_ = false;
  SqlLexResult out_;
};

}  // namespace

SqlLexResult lex_line_comments(std::string_view text) { return Lexer(text, false).run(); }

bool has_sql_tokens(std::string_view text) {
  Lexer lexer(text, true);
  lexer.run();
  return lexer.found_sql();
}

}  // namespace trellis
