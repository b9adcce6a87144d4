// model.cc — the schema model's normal form, lookups, ignore patterns and comparison
// (trellis/schema.h).
#include <algorithm>
#include <array>
#include <set>
#include <tuple>

#include "trellis/error.h"
#include "trellis/schema.h"

namespace trellis {
namespace {

constexpr std::array<const char*, 15> kKindNames = {
    "extension", "schema", "type", "domain", "sequence", "table", "column", "constraint",
    "index", "view", "materialized view", "function", "procedure", "trigger", "policy"};

bool object_less(const SchemaObject& a, const SchemaObject& b) {
  return std::tie(a.kind, a.name) < std::tie(b.kind, b.name);
}

// '*' matches any run of characters (none included); everything else matches itself.
bool glob_matches(std::string_view glob, std::string_view text) {
  std::size_t g = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (g < glob.size() && glob[g] == '*') {
      star = g++;
      mark = t;
    } else if (g < glob.size() && glob[g] == text[t]) {
      ++g, ++t;
    } else if (star != std::string_view::npos) {
      g = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == '*') ++g;
  return g == glob.size();
}

// "kind:glob" split; kind "*" matches every kind (nullopt).
struct Pattern {
  std::optional<SchemaKind> kind;
  std::string_view name;
};

std::optional<Pattern> parse_pattern(std::string_view pattern, std::string* problem) {
  std::size_t colon = pattern.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == pattern.size()) {
    *problem = "'" + std::string(pattern) + "' is not KIND:NAME (e.g. \"table:audit_*\")";
    return std::nullopt;
  }
  Pattern p{std::nullopt, pattern.substr(colon + 1)};
  std::string_view kind = pattern.substr(0, colon);
  if (kind == "*") return p;
  SchemaKind k;
  if (!parse_schema_kind(kind, &k)) {
    std::string known;
    for (const char* n : kKindNames) known += std::string(known.empty() ? "" : ", ") + n;
    *problem = "'" + std::string(pattern) + "': unknown object kind '" + std::string(kind) +
               "' (known: " + known + ", or * for any)";
    return std::nullopt;
  }
  p.kind = k;
  return p;
}

Pattern pattern_or_throw(std::string_view pattern) {
  std::string problem;
  auto p = parse_pattern(pattern, &problem);
  if (!p) throw Error(ErrorKind::kConfig, problem);
  return *p;
}

bool matches(const Pattern& p, SchemaKind kind, std::string_view name) {
  return (!p.kind || *p.kind == kind) && glob_matches(p.name, name);
}

std::vector<PropertyChange> property_changes(const SchemaObject& e, const SchemaObject& a) {
  std::vector<PropertyChange> out;
  std::size_t i = 0, j = 0;
  const auto& ep = e.properties;
  const auto& ap = a.properties;
  while (i < ep.size() || j < ap.size()) {
    if (j == ap.size() || (i < ep.size() && ep[i].name < ap[j].name)) {
      out.push_back({ep[i].name, ep[i].value, std::nullopt});
      ++i;
    } else if (i == ep.size() || ap[j].name < ep[i].name) {
      out.push_back({ap[j].name, std::nullopt, ap[j].value});
      ++j;
    } else {
      if (ep[i].value != ap[j].value) out.push_back({ep[i].name, ep[i].value, ap[j].value});
      ++i, ++j;
    }
  }
  return out;
}

std::string shown(const std::optional<std::string>& value) {
  if (!value) return "(none)";
  if (value->empty()) return "''";
  return *value;
}

}  // namespace

const char* schema_kind_name(SchemaKind kind) { return kKindNames[static_cast<std::size_t>(kind)]; }

bool parse_schema_kind(std::string_view name, SchemaKind* out) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (name == kKindNames[i] || (i == static_cast<std::size_t>(SchemaKind::kMaterializedView) &&
                                  name == "materialized_view")) {
      *out = static_cast<SchemaKind>(i);
      return true;
    }
  }
  return false;
}

const std::string* SchemaObject::property(std::string_view property_name) const {
  for (const auto& p : properties)
    if (p.name == property_name) return &p.value;
  return nullptr;
}

SchemaObject& SchemaObject::set(std::string property_name, std::string value) {
  for (auto& p : properties) {
    if (p.name == property_name) {
      p.value = std::move(value);
      return *this;
    }
  }
  properties.push_back({std::move(property_name), std::move(value)});
  return *this;
}

void SchemaModel::normalize() {
  for (auto& o : objects)
    std::sort(o.properties.begin(), o.properties.end(),
              [](const SchemaProperty& a, const SchemaProperty& b) { return a.name < b.name; });
  std::stable_sort(objects.begin(), objects.end(), object_less);
}

const SchemaObject* SchemaModel::find(SchemaKind kind, std::string_view name) const {
  SchemaObject key;
  key.kind = kind;
  key.name = std::string(name);
  auto it = std::lower_bound(objects.begin(), objects.end(), key, object_less);
  return it != objects.end() && it->kind == kind && it->name == name ? &*it : nullptr;
}

std::size_t SchemaModel::remove_matching(std::string_view pattern) {
  Pattern p = pattern_or_throw(pattern);
  std::set<std::string> removed_parents;
  for (const auto& o : objects)
    if (matches(p, o.kind, o.name)) removed_parents.insert(o.name);
  std::size_t before = objects.size();
  std::erase_if(objects, [&](const SchemaObject& o) {
    return matches(p, o.kind, o.name) || (!o.parent.empty() && removed_parents.count(o.parent) > 0);
  });
  return before - objects.size();
}

bool operator==(const SchemaProperty& a, const SchemaProperty& b) {
  return a.name == b.name && a.value == b.value;
}
bool operator==(const SchemaObject& a, const SchemaObject& b) {
  return a.kind == b.kind && a.name == b.name && a.parent == b.parent && a.properties == b.properties;
}
bool operator==(const SchemaModel& a, const SchemaModel& b) {
  return a.backend == b.backend && a.objects == b.objects;
}

bool object_pattern_matches(std::string_view pattern, SchemaKind kind, std::string_view name) {
  return matches(pattern_or_throw(pattern), kind, name);
}

void check_object_pattern(std::string_view pattern, const std::string& where) {
  std::string problem;
  if (!parse_pattern(pattern, &problem)) throw Error(ErrorKind::kConfig, where + ": " + problem);
}

namespace {

// The names of the objects of `side` that `other` lacks. A parent may come after its child
// in canonical order (a materialized view after its indexes), so they are all known before
// any child is judged.
std::set<std::string> names_only_in(const SchemaModel& side, const SchemaModel& other) {
  std::set<std::string> out;
  for (const auto& o : side.objects)
    if (other.find(o.kind, o.name) == nullptr) out.insert(o.name);
  return out;
}

}  // namespace

std::vector<SchemaDifference> diff_schemas(const SchemaModel& expected, const SchemaModel& actual) {
  std::vector<SchemaDifference> out;
  const std::set<std::string> missing = names_only_in(expected, actual);
  const std::set<std::string> unexpected = names_only_in(actual, expected);
  auto whole = [&](SchemaDifference::Type type, const SchemaObject& o) {
    const auto& gone = type == SchemaDifference::Type::kMissing ? missing : unexpected;
    if (!o.parent.empty() && gone.count(o.parent) > 0) return;
    out.push_back({type, o.kind, o.name, {}});
  };
  std::size_t i = 0, j = 0;
  const auto& e = expected.objects;
  const auto& a = actual.objects;
  while (i < e.size() || j < a.size()) {
    if (j == a.size() || (i < e.size() && object_less(e[i], a[j]))) {
      whole(SchemaDifference::Type::kMissing, e[i++]);
    } else if (i == e.size() || object_less(a[j], e[i])) {
      whole(SchemaDifference::Type::kUnexpected, a[j++]);
    } else {
      auto changes = property_changes(e[i], a[j]);
      if (!changes.empty()) out.push_back({SchemaDifference::Type::kDiffers, e[i].kind, e[i].name, std::move(changes)});
      ++i, ++j;
    }
  }
  return out;
}

std::string describe_difference(const SchemaDifference& d, const DifferenceWords& words) {
  std::string head = std::string(schema_kind_name(d.kind)) + " " + d.name + ": ";
  switch (d.type) {
    case SchemaDifference::Type::kMissing: return head + words.missing;
    case SchemaDifference::Type::kUnexpected: return head + words.unexpected;
    case SchemaDifference::Type::kDiffers: break;
  }
  std::string text = head;
  for (std::size_t k = 0; k < d.changes.size(); ++k) {
    const auto& c = d.changes[k];
    if (k > 0) text += "; ";
    text += c.property + " differs: " + shown(c.expected) + " vs " + shown(c.actual);
  }
  return text;
}

}  // namespace trellis
