// render.cc — the schema model as canonical text and as JSON, and back from JSON
// (trellis/schema.h).
#include <nlohmann/json.hpp>

#include "trellis/error.h"
#include "trellis/schema.h"

namespace trellis {
namespace {

void render_property(std::string& out, const SchemaProperty& p) {
  if (p.value.find('\n') == std::string::npos) {
    out += "  " + p.name + ": " + p.value + "\n";
    return;
  }
  out += "  " + p.name + ": |\n";
  // A value's final line break (pg_get_functiondef ends with one) makes no empty last line.
  std::size_t start = 0;
  while (start < p.value.size() || (start == p.value.size() && p.value.back() != '\n')) {
    std::size_t end = p.value.find('\n', start);
    if (end == std::string::npos) end = p.value.size();
    std::string_view line(p.value.data() + start, end - start);
    out += line.empty() ? "\n" : "    " + std::string(line) + "\n";
    start = end + 1;
  }
}

}  // namespace

std::string render_schema_text(const SchemaModel& model) {
  std::string out;
  for (const auto& o : model.objects) {
    if (!out.empty()) out += "\n";
    out += std::string(schema_kind_name(o.kind)) + " " + o.name + "\n";
    for (const auto& p : o.properties) render_property(out, p);
  }
  return out;
}

std::string render_schema_json(const SchemaModel& model) {
  nlohmann::ordered_json objects = nlohmann::ordered_json::array();
  for (const auto& o : model.objects) {
    nlohmann::ordered_json props = nlohmann::ordered_json::object();
    for (const auto& p : o.properties) props[p.name] = p.value;
    nlohmann::ordered_json j;
    j["kind"] = schema_kind_name(o.kind);
    j["name"] = o.name;
    if (!o.parent.empty()) j["parent"] = o.parent;
    j["properties"] = std::move(props);
    objects.push_back(std::move(j));
  }
  nlohmann::ordered_json doc;
  doc["backend"] = model.backend;
  doc["objects"] = std::move(objects);
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

SchemaModel parse_schema_json(std::string_view json) {
  try {
    auto doc = nlohmann::json::parse(json);
    SchemaModel model;
    model.backend = doc.at("backend").get<std::string>();
    for (const auto& j : doc.at("objects")) {
      SchemaObject o;
      if (!parse_schema_kind(j.at("kind").get<std::string>(), &o.kind))
        throw Error(ErrorKind::kParse, "schema JSON: unknown object kind '" + j.at("kind").get<std::string>() + "'");
      o.name = j.at("name").get<std::string>();
      if (j.contains("parent")) o.parent = j.at("parent").get<std::string>();
      for (const auto& [name, value] : j.at("properties").items()) o.properties.push_back({name, value.get<std::string>()});
      model.objects.push_back(std::move(o));
    }
    model.normalize();
    return model;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kParse, std::string("schema JSON: ") + e.what());
  }
}

}  // namespace trellis
