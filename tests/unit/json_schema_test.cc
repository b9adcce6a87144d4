// json_schema_test.cc — the JSON Schema subset that validates the --json documents
// (tests/support/json_schema.h): each keyword accepts what conforms and names what does not.
#include "json_schema.h"

#include <gtest/gtest.h>

namespace trellis_test {
namespace {

using nlohmann::json;

std::vector<std::string> check(const json& schema, const json& doc) {
  JsonSchemas s("/nonexistent");
  s.add("s.json", schema);
  s.add("other.json", json::parse(R"({"$defs": {"n": {"type": "integer", "minimum": 0}}})"));
  return s.validate("s.json", doc);
}

TEST(JsonSchemaTest, TypesIncludingNullableLists) {
  EXPECT_TRUE(check({{"type", "string"}}, "x").empty());
  EXPECT_FALSE(check({{"type", "string"}}, 1).empty());
  EXPECT_FALSE(check({{"type", "string"}}, nullptr).empty());
  EXPECT_TRUE(check({{"type", {"string", "null"}}}, nullptr).empty());
  EXPECT_TRUE(check({{"type", "integer"}}, 3).empty());
  EXPECT_FALSE(check({{"type", "integer"}}, 3.5).empty());
  EXPECT_TRUE(check({{"type", "number"}}, 3.5).empty());
  EXPECT_FALSE(check({{"type", "boolean"}}, 0).empty());
  EXPECT_THROW(check({{"type", "str"}}, "x"), std::runtime_error);
}

TEST(JsonSchemaTest, ObjectsRequiredAndAdditionalProperties) {
  json schema = {{"type", "object"},
                 {"properties", {{"a", {{"type", "integer"}}}}},
                 {"required", {"a"}},
                 {"additionalProperties", false}};
  EXPECT_TRUE(check(schema, {{"a", 1}}).empty());
  auto missing = check(schema, json::object());
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0], "/: lacks required \"a\"");
  auto extra = check(schema, {{"a", 1}, {"b/c", 2}});
  ASSERT_EQ(extra.size(), 1u);
  EXPECT_EQ(extra[0], "/b~1c: not allowed here");
  auto wrong = check(schema, {{"a", "1"}});
  ASSERT_EQ(wrong.size(), 1u);
  EXPECT_EQ(wrong[0].substr(0, 3), "/a:");
  json open = {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}};
  EXPECT_TRUE(check(open, {{"x", "y"}}).empty());
  EXPECT_FALSE(check(open, {{"x", 1}}).empty());
}

TEST(JsonSchemaTest, ItemsEnumConstAnyOfMinimum) {
  json items = {{"type", "array"}, {"items", {{"enum", {"a", "b", nullptr}}}}};
  EXPECT_TRUE(check(items, {"a", nullptr}).empty());
  auto bad = check(items, {"a", "c"});
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].substr(0, 3), "/1:");
  EXPECT_TRUE(check({{"const", 1}}, 1).empty());
  EXPECT_FALSE(check({{"const", 1}}, 2).empty());
  json any = {{"anyOf", {{{"type", "null"}}, {{"type", "integer"}, {"minimum", 5}}}}};
  EXPECT_TRUE(check(any, nullptr).empty());
  EXPECT_TRUE(check(any, 7).empty());
  EXPECT_FALSE(check(any, 4).empty());
  EXPECT_FALSE(check(any, "x").empty());
}

TEST(JsonSchemaTest, RefsWithinAndAcrossFiles) {
  json local = {{"$defs", {{"s", {{"type", "string"}}}}}, {"$ref", "#/$defs/s"}};
  EXPECT_TRUE(check(local, "x").empty());
  EXPECT_FALSE(check(local, 1).empty());
  json across = {{"type", "array"}, {"items", {{"$ref", "other.json#/$defs/n"}}}};
  EXPECT_TRUE(check(across, {0, 1}).empty());
  EXPECT_FALSE(check(across, {-1}).empty());
  EXPECT_THROW(check({{"$ref", "#/$defs/none"}}, 1), std::runtime_error);
}

TEST(JsonSchemaTest, UnsupportedKeywordsAreErrorsNotSilentlyIgnored) {
  EXPECT_THROW(check({{"pattern", "^a"}}, "b"), std::runtime_error);
  EXPECT_THROW(check({{"oneOf", json::array()}}, "b"), std::runtime_error);
  EXPECT_NO_THROW(check({{"title", "t"}, {"description", "d"}, {"$schema", "x"}}, "b"));
}

}  // namespace
}  // namespace trellis_test
