// The schema model (trellis/schema.h) without a database: normal form, lookups, ignore
// patterns, comparison, the words of a difference, canonical text and JSON.
#include <gtest/gtest.h>

#include "trellis/error.h"
#include "trellis/schema.h"

namespace trellis {
namespace {

SchemaObject obj(SchemaKind kind, const std::string& name, const std::string& parent = "",
                 std::vector<SchemaProperty> properties = {}) {
  SchemaObject o;
  o.kind = kind;
  o.name = name;
  o.parent = parent;
  o.properties = std::move(properties);
  return o;
}

// users(id, email) with an index, a view, and a materialized view with an index.
SchemaModel sample() {
  SchemaModel m;
  m.backend = "postgres";
  m.objects = {
      obj(SchemaKind::kIndex, "ix_users_email", "users", {{"definition", "CREATE INDEX …"}}),
      obj(SchemaKind::kColumn, "users.email", "users", {{"type", "text"}, {"nullable", "no"}}),
      obj(SchemaKind::kTable, "users", "", {{"row_security", "off"}}),
      obj(SchemaKind::kColumn, "users.id", "users", {{"type", "bigint"}, {"nullable", "no"}}),
      obj(SchemaKind::kMaterializedView, "counts", "", {{"definition", "SELECT 1"}}),
      obj(SchemaKind::kIndex, "ix_counts", "counts", {{"definition", "CREATE INDEX ix_counts …"}}),
      obj(SchemaKind::kView, "v", "", {{"definition", " SELECT 1;"}}),
  };
  m.normalize();
  return m;
}

TEST(SchemaModel, KindNamesRoundTrip) {
  for (int k = 0; k <= static_cast<int>(SchemaKind::kPolicy); ++k) {
    SchemaKind parsed;
    ASSERT_TRUE(parse_schema_kind(schema_kind_name(static_cast<SchemaKind>(k)), &parsed)) << k;
    EXPECT_EQ(static_cast<int>(parsed), k);
  }
  SchemaKind kind;
  EXPECT_TRUE(parse_schema_kind("materialized_view", &kind));
  EXPECT_EQ(kind, SchemaKind::kMaterializedView);
  EXPECT_FALSE(parse_schema_kind("tables", &kind));
  EXPECT_FALSE(parse_schema_kind("", &kind));
}

TEST(SchemaModel, NormalizeSortsObjectsByKindThenNameAndPropertiesByName) {
  SchemaModel m = sample();
  std::vector<std::string> order;
  for (const auto& o : m.objects) order.push_back(std::string(schema_kind_name(o.kind)) + " " + o.name);
  EXPECT_EQ(order, (std::vector<std::string>{"table users", "column users.email", "column users.id",
                                             "index ix_counts", "index ix_users_email", "view v",
                                             "materialized view counts"}));
  const SchemaObject* id = m.find(SchemaKind::kColumn, "users.id");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->properties[0].name, "nullable");
  EXPECT_EQ(id->properties[1].name, "type");
}

TEST(SchemaModel, FindAndProperty) {
  SchemaModel m = sample();
  EXPECT_EQ(m.find(SchemaKind::kTable, "users")->name, "users");
  EXPECT_EQ(m.find(SchemaKind::kView, "users"), nullptr);  // the kind is part of the key
  EXPECT_EQ(m.find(SchemaKind::kTable, "user"), nullptr);
  EXPECT_EQ(m.find(SchemaKind::kPolicy, "zzz"), nullptr);
  EXPECT_EQ(*m.find(SchemaKind::kColumn, "users.email")->property("type"), "text");
  EXPECT_EQ(m.find(SchemaKind::kColumn, "users.email")->property("default"), nullptr);
  EXPECT_EQ(SchemaModel{}.find(SchemaKind::kTable, "users"), nullptr);
}

TEST(SchemaModel, SetReplacesAndKeepsEmptyValues) {
  SchemaObject o = obj(SchemaKind::kColumn, "t.c");
  o.set("default", "1").set("default", "2").set("comment", "");
  ASSERT_EQ(o.properties.size(), 2u);
  EXPECT_EQ(*o.property("default"), "2");
  ASSERT_NE(o.property("comment"), nullptr);
  EXPECT_EQ(*o.property("comment"), "");
}

TEST(SchemaModel, EqualityLooksAtEverything) {
  EXPECT_EQ(sample(), sample());
  SchemaModel other = sample();
  other.backend = "sqlite";
  EXPECT_FALSE(other == sample());
  other = sample();
  other.objects[1].parent = "other";
  EXPECT_FALSE(other == sample());
  other = sample();
  other.objects[1].properties[0].value = "yes";
  EXPECT_FALSE(other == sample());
}

TEST(SchemaModel, RemoveMatchingTakesChildrenAlong) {
  SchemaModel m = sample();
  EXPECT_EQ(m.remove_matching("table:users"), 4u);  // the table, two columns, its index
  EXPECT_EQ(m.find(SchemaKind::kColumn, "users.id"), nullptr);
  EXPECT_EQ(m.find(SchemaKind::kIndex, "ix_users_email"), nullptr);
  EXPECT_NE(m.find(SchemaKind::kIndex, "ix_counts"), nullptr);
  EXPECT_EQ(m.remove_matching("table:users"), 0u);
  EXPECT_EQ(m.remove_matching("*:*counts"), 2u);
  EXPECT_EQ(m.remove_matching("view:?"), 0u);  // '?' is no wildcard
  EXPECT_EQ(m.remove_matching("view:*"), 1u);
  EXPECT_TRUE(m.objects.empty());
}

TEST(SchemaModel, PatternsMatchKindAndGlob) {
  EXPECT_TRUE(object_pattern_matches("table:audit_*", SchemaKind::kTable, "audit_log"));
  EXPECT_TRUE(object_pattern_matches("table:audit_*", SchemaKind::kTable, "audit_"));
  EXPECT_FALSE(object_pattern_matches("table:audit_*", SchemaKind::kTable, "xaudit_log"));
  EXPECT_FALSE(object_pattern_matches("table:audit_*", SchemaKind::kView, "audit_log"));
  EXPECT_TRUE(object_pattern_matches("*:*_tmp", SchemaKind::kIndex, "ix_a_tmp"));
  EXPECT_TRUE(object_pattern_matches("index:*a*b*", SchemaKind::kIndex, "xxaxxbxx"));
  EXPECT_FALSE(object_pattern_matches("index:*a*b", SchemaKind::kIndex, "xxaxxbxx"));
  EXPECT_TRUE(object_pattern_matches("materialized view:m*", SchemaKind::kMaterializedView, "mv"));
  EXPECT_TRUE(object_pattern_matches("materialized_view:m*", SchemaKind::kMaterializedView, "mv"));
  EXPECT_TRUE(object_pattern_matches("column:users.email", SchemaKind::kColumn, "users.email"));
  EXPECT_FALSE(object_pattern_matches("column:users.email", SchemaKind::kColumn, "users.emails"));
}

TEST(SchemaModel, BadPatternsAreConfigErrorsNamingWhere) {
  for (const char* bad : {"audit_*", "table:", ":audit", "tabel:audit_*"}) {
    try {
      check_object_pattern(bad, "trellis.toml: [drift] ignore");
      ADD_FAILURE() << bad << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kConfig);
      EXPECT_NE(std::string(e.what()).find("trellis.toml: [drift] ignore: '"), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW(check_object_pattern("*:legacy_*", "x"));
  EXPECT_THROW(object_pattern_matches("nope", SchemaKind::kTable, "t"), Error);
  EXPECT_THROW(SchemaModel{}.remove_matching("tabel:x"), Error);
}

TEST(SchemaDiff, EqualModelsHaveNoDifference) { EXPECT_TRUE(diff_schemas(sample(), sample()).empty()); }

TEST(SchemaDiff, MissingUnexpectedAndDiffering) {
  SchemaModel expected = sample();
  SchemaModel actual = sample();
  actual.objects.push_back(obj(SchemaKind::kTable, "rogue", "", {{"row_security", "off"}}));
  actual.objects.push_back(obj(SchemaKind::kColumn, "rogue.id", "rogue", {{"type", "int"}}));
  std::erase_if(actual.objects, [](const SchemaObject& o) { return o.name == "users.email"; });
  for (auto& o : actual.objects) {
    if (o.name == "users.id") o.set("type", "integer").set("default", "0");
    if (o.name == "v") o.properties.clear();
  }
  actual.normalize();
  auto diff = diff_schemas(expected, actual);
  ASSERT_EQ(diff.size(), 4u);
  EXPECT_EQ(describe_difference(diff[0]), "table rogue: not created by any migration");
  EXPECT_EQ(diff[0].type, SchemaDifference::Type::kUnexpected);
  EXPECT_EQ(describe_difference(diff[1]), "column users.email: missing in the database");
  EXPECT_EQ(diff[1].type, SchemaDifference::Type::kMissing);
  EXPECT_EQ(describe_difference(diff[2]), "column users.id: default differs: (none) vs 0; type differs: bigint vs integer");
  ASSERT_EQ(diff[2].changes.size(), 2u);
  EXPECT_EQ(diff[2].changes[0].expected, std::nullopt);
  EXPECT_EQ(diff[2].changes[0].actual, "0");
  EXPECT_EQ(describe_difference(diff[3]), "view v: definition differs:  SELECT 1; vs (none)");
  DifferenceWords words{"missing in the replay", "only in the database"};
  EXPECT_EQ(describe_difference(diff[0], words), "table rogue: only in the database");
  EXPECT_EQ(describe_difference(diff[1], words), "column users.email: missing in the replay");
}

TEST(SchemaDiff, EmptyValueIsShownQuoted) {
  SchemaModel a = sample(), b = sample();
  for (auto& o : b.objects)
    if (o.name == "users") o.set("row_security", "");
  auto diff = diff_schemas(a, b);
  ASSERT_EQ(diff.size(), 1u);
  EXPECT_EQ(describe_difference(diff[0]), "table users: row_security differs: off vs ''");
}

// A dropped table is one difference, not one per column or index; also when the parent
// comes later in canonical order than its child (an index of a materialized view).
TEST(SchemaDiff, ChildrenOfAMissingObjectAreNotListedAgain) {
  SchemaModel actual = sample();
  actual.remove_matching("table:users");
  actual.remove_matching("materialized view:counts");
  auto diff = diff_schemas(sample(), actual);
  ASSERT_EQ(diff.size(), 2u) << describe_difference(diff[1]);
  EXPECT_EQ(describe_difference(diff[0]), "table users: missing in the database");
  EXPECT_EQ(describe_difference(diff[1]), "materialized view counts: missing in the database");
  auto reverse = diff_schemas(actual, sample());
  ASSERT_EQ(reverse.size(), 2u);
  EXPECT_EQ(reverse[0].type, SchemaDifference::Type::kUnexpected);
}

// A child whose parent is in both models is listed.
TEST(SchemaDiff, ChildOfAPresentObjectIsListed) {
  SchemaModel actual = sample();
  std::erase_if(actual.objects, [](const SchemaObject& o) { return o.name == "ix_counts"; });
  auto diff = diff_schemas(sample(), actual);
  ASSERT_EQ(diff.size(), 1u);
  EXPECT_EQ(describe_difference(diff[0]), "index ix_counts: missing in the database");
}

TEST(SchemaRender, CanonicalText) {
  SchemaModel m;
  m.objects = {obj(SchemaKind::kColumn, "users.email", "users", {{"type", "text"}, {"nullable", "no"}}),
               obj(SchemaKind::kTable, "users", "", {{"row_security", "off"}}),
               obj(SchemaKind::kFunction, "f()", "", {{"definition", "CREATE FUNCTION f()\n\nAS $$ x $$\n"}})};
  m.normalize();
  EXPECT_EQ(render_schema_text(m),
            "table users\n"
            "  row_security: off\n"
            "\n"
            "column users.email\n"
            "  nullable: no\n"
            "  type: text\n"
            "\n"
            "function f()\n"
            "  definition: |\n"
            "    CREATE FUNCTION f()\n"
            "\n"
            "    AS $$ x $$\n");
  EXPECT_EQ(render_schema_text(SchemaModel{}), "");
}

TEST(SchemaRender, JsonRoundTrips) {
  SchemaModel m = sample();
  m.objects[0].set("comment", "üñî \"quoted\"\nline");
  m.objects[0].set("empty", "");
  m.normalize();
  std::string json = render_schema_json(m);
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_EQ(json.rfind("{\"backend\":\"postgres\",\"objects\":[{\"kind\":\"table\",\"name\":\"users\",", 0), 0u)
      << json;
  EXPECT_NE(json.find("\"kind\":\"materialized view\""), std::string::npos);
  EXPECT_NE(json.find("\"parent\":\"users\""), std::string::npos);
  EXPECT_EQ(json.find("\"parent\":\"\""), std::string::npos);  // no parent: no key
  EXPECT_EQ(parse_schema_json(json), m);
  EXPECT_EQ(render_schema_json(parse_schema_json(json)), json);
}

TEST(SchemaRender, BadJsonIsAParseError) {
  for (const char* bad : {"", "[]", "{\"backend\":\"postgres\"}",
                          "{\"backend\":\"postgres\",\"objects\":[{\"kind\":\"tabel\",\"name\":\"t\",\"properties\":{}}]}",
                          "{\"backend\":\"postgres\",\"objects\":[{\"kind\":\"table\",\"name\":\"t\",\"properties\":{\"a\":1}}]}"}) {
    try {
      parse_schema_json(bad);
      ADD_FAILURE() << bad << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kParse) << bad;
      EXPECT_EQ(std::string(e.what()).rfind("schema JSON: ", 0), 0u) << e.what();
    }
  }
}

}  // namespace
}  // namespace trellis
