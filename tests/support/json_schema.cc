// json_schema.cc — the JSON Schema subset of json_schema.h.
#include "json_schema.h"

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace trellis_test {
namespace {

using nlohmann::json;

bool has_type(const json& doc, const std::string& type) {
  if (type == "null") return doc.is_null();
  if (type == "boolean") return doc.is_boolean();
  if (type == "object") return doc.is_object();
  if (type == "array") return doc.is_array();
  if (type == "string") return doc.is_string();
  if (type == "integer") return doc.is_number_integer();
  if (type == "number") return doc.is_number();
  throw std::runtime_error("unknown type '" + type + "' in a schema");
}

std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

const std::set<std::string>& known_keywords() {
  static const std::set<std::string> known = {"$schema", "$id", "$defs", "title", "description", "type",
                                              "properties", "required", "additionalProperties", "items",
                                              "enum", "const", "anyOf", "minimum", "$ref"};
  return known;
}

}  // namespace

JsonSchemas::JsonSchemas(std::string dir) : dir_(std::move(dir)) {}

void JsonSchemas::add(const std::string& name, json schema) { schemas_[name] = std::move(schema); }

const json& JsonSchemas::load(const std::string& name) {
  auto it = schemas_.find(name);
  if (it != schemas_.end()) return it->second;
  std::ifstream in(dir_ + "/" + name);
  if (!in) throw std::runtime_error("no schema file " + dir_ + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return schemas_[name] = json::parse(text.str());
}

const json& JsonSchemas::resolve(const std::string& file, const std::string& ref, std::string* target_file) {
  std::size_t hash = ref.find('#');
  if (hash == std::string::npos) throw std::runtime_error("$ref without a fragment: " + ref);
  *target_file = hash == 0 ? file : ref.substr(0, hash);
  std::string fragment = ref.substr(hash + 1);
  const json& root = load(*target_file);
  if (fragment.empty()) return root;
  const std::string prefix = "/$defs/";
  if (fragment.rfind(prefix, 0) != 0) throw std::runtime_error("unsupported $ref " + ref);
  std::string name = fragment.substr(prefix.size());
  if (!root.contains("$defs") || !root["$defs"].contains(name)) throw std::runtime_error("dangling $ref " + ref);
  return root["$defs"][name];
}

void JsonSchemas::check(const std::string& file, const json& schema, const json& doc, const std::string& at,
                        std::vector<std::string>& out) {
  if (schema.is_boolean()) {
    if (!schema.get<bool>()) out.push_back(at + ": not allowed here");
    return;
  }
  if (!schema.is_object()) throw std::runtime_error("a schema must be an object or a boolean (" + file + ")");
  for (const auto& [key, _] : schema.items()) {
    if (known_keywords().count(key) == 0) throw std::runtime_error("unsupported keyword '" + key + "' in " + file);
  }
  std::string where = at.empty() ? "/" : at;
  if (schema.contains("$ref")) {
    std::string target;
    const json& sub = resolve(file, schema["$ref"].get<std::string>(), &target);
    check(target, sub, doc, at, out);
  }
  if (schema.contains("type")) {
    const json& t = schema["type"];
    bool ok = false;
    if (t.is_string()) ok = has_type(doc, t.get<std::string>());
    for (const auto& name : t.is_array() ? t : json::array()) ok = ok || has_type(doc, name.get<std::string>());
    if (!ok) {
      out.push_back(where + ": " + doc.dump().substr(0, 60) + " is not of type " + t.dump());
      return;  // the other keywords would only repeat it
    }
  }
  if (schema.contains("enum")) {
    bool found = false;
    for (const auto& v : schema["enum"]) found = found || v == doc;
    if (!found) out.push_back(where + ": " + doc.dump() + " is not one of " + schema["enum"].dump());
  }
  if (schema.contains("const") && schema["const"] != doc) {
    out.push_back(where + ": " + doc.dump() + " is not " + schema["const"].dump());
  }
  if (schema.contains("minimum") && doc.is_number() && doc.get<double>() < schema["minimum"].get<double>()) {
    out.push_back(where + ": " + doc.dump() + " is below " + schema["minimum"].dump());
  }
  if (schema.contains("anyOf")) {
    std::vector<std::string> all;
    bool any = false;
    for (const auto& alternative : schema["anyOf"]) {
      std::vector<std::string> problems;
      check(file, alternative, doc, at, problems);
      any = any || problems.empty();
      all.insert(all.end(), problems.begin(), problems.end());
    }
    if (!any) out.push_back(where + ": matches none of anyOf (" + (all.empty() ? "" : all.front()) + ")");
  }
  if (doc.is_object()) {
    for (const auto& name : schema.value("required", json::array())) {
      if (!doc.contains(name.get<std::string>())) out.push_back(where + ": lacks required \"" + name.get<std::string>() + "\"");
    }
    const json& props = schema.contains("properties") ? schema["properties"] : json::object();
    for (const auto& [key, value] : doc.items()) {
      std::string child = at + "/" + pointer_token(key);
      if (props.contains(key)) check(file, props[key], value, child, out);
      else if (schema.contains("additionalProperties")) check(file, schema["additionalProperties"], value, child, out);
    }
  }
  if (doc.is_array() && schema.contains("items")) {
    for (std::size_t i = 0; i < doc.size(); ++i) check(file, schema["items"], doc[i], at + "/" + std::to_string(i), out);
  }
}

std::vector<std::string> JsonSchemas::validate(const std::string& name, const json& doc) {
  std::vector<std::string> out;
  check(name, load(name), doc, "", out);
  return out;
}

}  // namespace trellis_test
