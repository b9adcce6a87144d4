// json_schema.h — a validator for the part of JSON Schema (draft 2020-12) that the schemas
// under docs/schemas/ use, so that tests check the real --json output against the
// documented shapes without a Python or network dependency.
//
// Keywords: type (a name or a list of names), properties, required,
// additionalProperties (a boolean or a schema), items, enum, const, anyOf, minimum, and
// $ref to "#/$defs/NAME" or "FILE.json#/$defs/NAME" (a file beside the schema).
// Annotations ($schema, $id, $defs, title, description) are ignored; any other keyword is
// an error in the schema, never silently skipped.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace trellis_test {

class JsonSchemas {
 public:
  // Schemas are looked up by file name in `dir` (read on first use).
  explicit JsonSchemas(std::string dir);
  // Adds a schema under `name` (as if it were the file `name` in dir).
  void add(const std::string& name, nlohmann::json schema);

  // The problems of `doc` against schema file `name`, each as "JSON pointer: what"; empty
  // when it conforms. A problem in a schema itself throws std::runtime_error.
  std::vector<std::string> validate(const std::string& name, const nlohmann::json& doc);

 private:
  const nlohmann::json& load(const std::string& name);
  void check(const std::string& file, const nlohmann::json& schema, const nlohmann::json& doc,
             const std::string& at, std::vector<std::string>& out);
  const nlohmann::json& resolve(const std::string& file, const std::string& ref, std::string* target_file);

  std::string dir_;
  std::map<std::string, nlohmann::json> schemas_;
};

}  // namespace trellis_test
