// sqlite_ddl.cc — CHECKs, collations and generated columns from SQLite's stored
// CREATE TABLE text (sqlite_ddl.h).
#include "sql/sqlite_ddl.h"

#include <cctype>

namespace trellis {
namespace {

struct Token {
  std::string text;   // as written
  bool word = false;  // a keyword or an unquoted identifier
  std::string name;   // a word or quoted identifier unquoted
};

std::size_t skip_quoted(std::string_view s, std::size_t i, char close) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == close) {
      if (close != ']' && i + 1 < s.size() && s[i + 1] == close) {
        ++i;  // a doubled quote
        continue;
      }
      return i + 1;
    }
  }
  return s.size();
}

std::string unquote(std::string_view t) {
  if (t.size() < 2) return std::string(t);
  char q = t.front();
  if (q != '"' && q != '`' && q != '[') return std::string(t);
  char close = q == '[' ? ']' : q;
  std::string out;
  for (std::size_t i = 1; i + 1 < t.size(); ++i) {
    out += t[i];
    if (t[i] == close && close != ']' && i + 2 < t.size() && t[i + 1] == close) ++i;
  }
  return out;
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      std::size_t end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : end + 2;
    } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
      std::size_t end = skip_quoted(s, i, c == '[' ? ']' : c);
      std::string_view raw = s.substr(i, end - i);
      out.push_back({std::string(raw), false, c == '\'' ? std::string() : unquote(raw)});
      i = end;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80) {
      std::size_t start = i;
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == '$' ||
                              static_cast<unsigned char>(s[i]) >= 0x80))
        ++i;
      std::string word(s.substr(start, i - start));
      out.push_back({word, true, word});
    } else {
      std::size_t len = 1;
      if (i + 1 < s.size()) {
        std::string_view two = s.substr(i, 2);
        if (two == "||" || two == "<=" || two == ">=" || two == "<>" || two == "!=" || two == "==" || two == "<<" || two == ">>" || two == "->")
          len = (two == "->" && i + 2 < s.size() && s[i + 2] == '>') ? 3 : 2;
      }
      out.push_back({std::string(s.substr(i, len)), false, {}});
      i += len;
    }
  }
  return out;
}

bool is(const Token& t, std::string_view keyword) {
  if (!t.word || t.text.size() != keyword.size()) return false;
  for (std::size_t i = 0; i < keyword.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(t.text[i])) != keyword[i]) return false;
  return true;
}

std::string join(const std::vector<Token>& tokens, std::size_t begin, std::size_t end) {
  std::string out;
  for (std::size_t i = begin; i < end; ++i) {
    const std::string& t = tokens[i].text;
    bool tight = out.empty() || out.back() == '(' || t == "(" || t == ")" || t == "," || t == "." || out.back() == '.';
    if (!tight) out += ' ';
    out += t;
  }
  return out;
}

// The index after the parenthesized group that starts at tokens[open] ("(").
std::size_t group_end(const std::vector<Token>& tokens, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < tokens.size(); ++i) {
    if (tokens[i].text == "(" && !tokens[i].word) ++depth;
    if (tokens[i].text == ")" && !tokens[i].word && --depth == 0) return i + 1;
  }
  return tokens.size();
}

void read_element(const std::vector<Token>& t, std::size_t b, std::size_t e, SqliteTableText& out) {
  if (b >= e) return;
  std::string constraint_name;
  std::size_t i = b;
  if (is(t[i], "CONSTRAINT") && i + 1 < e) {
    constraint_name = t[i + 1].name;
    i += 2;
  }
  bool table_level = i < e && (is(t[i], "CHECK") || is(t[i], "PRIMARY") || is(t[i], "UNIQUE") || is(t[i], "FOREIGN"));
  std::string column = table_level ? "" : t[b].name;
  if (!table_level) i = b + 1;
  for (; i < e; ++i) {
    if (is(t[i], "CONSTRAINT") && i + 1 < e) {
      constraint_name = t[++i].name;
    } else if (is(t[i], "CHECK") && i + 1 < e && t[i + 1].text == "(") {
      std::size_t end = group_end(t, i + 1);
      out.checks.push_back({constraint_name, column, join(t, i + 2, end - 1)});
      constraint_name.clear();
      i = end - 1;
    } else if (!table_level && is(t[i], "COLLATE") && i + 1 < e) {
      out.collations[column] = t[++i].name;
    } else if (!table_level && is(t[i], "AS") && i + 1 < e && t[i + 1].text == "(") {
      std::size_t end = group_end(t, i + 1);
      std::string kind = end < e && is(t[end], "STORED") ? "STORED" : "VIRTUAL";
      out.generated[column] = "(" + join(t, i + 2, end - 1) + ") " + kind;
      i = end - 1;
    } else if (t[i].text == "(" && !t[i].word) {
      i = group_end(t, i) - 1;  // a type's (n, m), a DEFAULT (expr), a REFERENCES t(cols)
    }
  }
}

}  // namespace

SqliteTableText read_sqlite_table_text(std::string_view create_table) {
  SqliteTableText out;
  std::vector<Token> t = tokenize(create_table);
  std::size_t open = 0;
  while (open < t.size() && !(t[open].text == "(" && !t[open].word)) ++open;
  if (open == t.size()) return out;  // CREATE TABLE … AS SELECT: nothing of this kind
  std::size_t close = group_end(t, open) - 1;
  std::size_t start = open + 1;
  int depth = 0;
  for (std::size_t i = open + 1; i <= close && i < t.size(); ++i) {
    if (!t[i].word && t[i].text == "(") ++depth;
    if (!t[i].word && t[i].text == ")") --depth;
    if (i == close || (depth == 0 && !t[i].word && t[i].text == ",")) {
      read_element(t, start, i, out);
      start = i + 1;
    }
  }
  return out;
}

std::string normalize_sqlite_sql(std::string_view sql) {
  std::vector<Token> t = tokenize(sql);
  while (!t.empty() && !t.back().word && t.back().text == ";") t.pop_back();
  return join(t, 0, t.size());
}

}  // namespace trellis
