// toml_builder.h — writes the trellis.toml of a test project from settings, so that tests
// state what they configure instead of pasting TOML text.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace trellis_test {

// One TOML value as written: strings quoted and escaped, numbers and booleans bare.
struct TomlValue {
  TomlValue(const char* text);         // NOLINT: implicit on purpose
  TomlValue(const std::string& text);  // NOLINT
  TomlValue(int number);               // NOLINT
  TomlValue(bool flag);                // NOLINT
  std::string literal;
};

class TomlBuilder {
 public:
  // `key = value` in `table` ("project", "defaults", "env.dev", …). Tables are written in
  // the order they are first named; a key set twice keeps its last value.
  TomlBuilder& set(const std::string& table, const std::string& key, const TomlValue& value);
  // Raw TOML lines for `table`, written after its keys (settings a test holds as text).
  TomlBuilder& lines(const std::string& table, const std::string& text);
  std::string text() const;

 private:
  struct Table {
    std::string name;
    std::vector<std::pair<std::string, std::string>> keys;
    std::string lines;
  };
  Table& table(const std::string& name);
  std::vector<Table> tables_;
};

}  // namespace trellis_test
