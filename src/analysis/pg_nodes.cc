#include "analysis/model.h"

namespace trellis::analysis {
namespace {
const Json kNull;
}  // namespace

const Json& field(const Json& node, const char* key) {
  if (!node.is_object()) return kNull;
  auto it = node.find(key);
  return it == node.end() ? kNull : *it;
}

std::string str(const Json& node, const char* key) {
  const Json& v = field(node, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

bool flag(const Json& node, const char* key) {
  const Json& v = field(node, key);
  return v.is_boolean() && v.get<bool>();
}

int node_location(const Json& node) {
  const Json& v = field(node, "location");
  return v.is_number_integer() ? v.get<int>() : -1;
}

std::string range_var_name(const Json& range_var) {
  std::string schema = str(range_var, "schemaname");
  std::string name = str(range_var, "relname");
  if (schema.empty() || schema == "public") return name;
  return schema + "." + name;
}

namespace {
std::vector<std::string> strings_of(const Json& list) {
  std::vector<std::string> out;
  if (!list.is_array()) return out;
  for (const auto& item : list) {
    const Json& s = field(item, "String");
    if (s.is_object()) out.push_back(str(s, "sval"));
  }
  return out;
}
}  // namespace

std::string dotted_name(const Json& list) {
  std::vector<std::string> parts = strings_of(list);
  if (parts.size() > 1 && parts.front() == "public") parts.erase(parts.begin());
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ".") + p;
  return out;
}

std::string last_name(const Json& list) {
  std::vector<std::string> parts = strings_of(list);
  return parts.empty() ? std::string() : parts.back();
}

std::string type_name(const Json& type_name_node) {
  return last_name(field(type_name_node, "names"));
}

std::vector<long> type_mods(const Json& type_name_node) {
  std::vector<long> out;
  const Json& mods = field(type_name_node, "typmods");
  if (!mods.is_array()) return out;
  for (const auto& m : mods) {
    const Json& ival = field(field(field(m, "A_Const"), "ival"), "ival");
    out.push_back(ival.is_number_integer() ? ival.get<long>() : 0);
  }
  return out;
}

bool type_is_array(const Json& type_name_node) {
  return field(type_name_node, "arrayBounds").is_array();
}

void collect_range_vars(const Json& node, std::vector<const Json*>& out) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key() == "RangeVar") {
        out.push_back(&it.value());
      } else {
        collect_range_vars(it.value(), out);
      }
    }
  } else if (node.is_array()) {
    for (const auto& item : node) collect_range_vars(item, out);
  }
}

}  // namespace trellis::analysis

namespace trellis::analysis {

std::string type_text(const Json& type_name_node) {
  std::string out = type_name(type_name_node);
  std::vector<long> mods = type_mods(type_name_node);
  if (!mods.empty()) {
    out += "(";
    for (size_t i = 0; i < mods.size(); ++i) {
      if (i > 0) out += ',';
      out += std::to_string(mods[i]);
    }
    out += ")";
  }
  if (type_is_array(type_name_node)) out += "[]";
  return out;
}

}  // namespace trellis::analysis
