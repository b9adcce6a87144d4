// toml_builder.cc — the trellis.toml of a test project.
#include "toml_builder.h"

#include <cstdio>

namespace trellis_test {

namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", c);
      out += escape;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

TomlValue::TomlValue(const char* text) : literal(quoted(text)) {}
TomlValue::TomlValue(const std::string& text) : literal(quoted(text)) {}
TomlValue::TomlValue(int number) : literal(std::to_string(number)) {}
TomlValue::TomlValue(bool flag) : literal(flag ? "true" : "false") {}

TomlBuilder::Table& TomlBuilder::table(const std::string& name) {
  for (Table& t : tables_) {
    if (t.name == name) return t;
  }
  tables_.push_back({name, {}, ""});
  return tables_.back();
}

TomlBuilder& TomlBuilder::set(const std::string& table_name, const std::string& key,
                              const TomlValue& value) {
  Table& t = table(table_name);
  for (auto& entry : t.keys) {
    if (entry.first == key) {
      entry.second = value.literal;
      return *this;
    }
  }
  t.keys.emplace_back(key, value.literal);
  return *this;
}

TomlBuilder& TomlBuilder::lines(const std::string& table_name, const std::string& text) {
  Table& t = table(table_name);
  t.lines += text;
  if (!t.lines.empty() && t.lines.back() != '\n') t.lines += '\n';
  return *this;
}

std::string TomlBuilder::text() const {
  std::string out;
  for (const Table& t : tables_) {
    if (!out.empty()) out += '\n';
    out += "[" + t.name + "]\n";
    for (const auto& [key, literal] : t.keys) out += key + " = " + literal + "\n";
    out += t.lines;
  }
  return out;
}

}  // namespace trellis_test
