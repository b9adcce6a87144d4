#include "sql/json_tree.h"

#include <gtest/gtest.h>

namespace trellis::sql {
namespace {

TEST(JsonTree, ReadsNestedValuesInOrder) {
  std::string text = R"({"stmts": [{"stmt": {"SelectStmt": {"limitOption": "LIMIT_OPTION_DEFAULT"}}, "stmt_len": 8},
                         {"stmt": {"CreateStmt": {"if_not_exists": true}}}], "version": 150001, "x": null, "f": -2.5e1})";
  JsonTree tree;
  ASSERT_TRUE(tree.parse(text));
  const Json& root = tree.root();
  ASSERT_TRUE(root.is_object());
  EXPECT_EQ(root.size(), 4u);
  const Json& stmts = root.find("stmts").value();
  ASSERT_TRUE(stmts.is_array());
  ASSERT_EQ(stmts.size(), 2u);
  EXPECT_EQ(stmts[0].find("stmt_len")->get<int>(), 8);
  EXPECT_EQ(stmts[1].find("stmt")->begin().key(), "CreateStmt");
  EXPECT_TRUE(stmts[1].find("stmt")->begin()->find("if_not_exists")->get<bool>());
  EXPECT_EQ(root.find("version")->get<long>(), 150001);
  EXPECT_TRUE(root.find("version")->is_number_integer());
  EXPECT_FALSE(root.find("f")->is_number_integer());
  EXPECT_TRUE(root.find("x")->is_null());
  EXPECT_EQ(root.find("missing"), root.end());
  EXPECT_TRUE(stmts[7].is_null());
  std::vector<std::string> keys;
  for (auto it = root.begin(); it != root.end(); ++it) keys.emplace_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"stmts", "version", "x", "f"}));
}

TEST(JsonTree, UnescapesStringsOnAccess) {
  std::string text = R"({"sval": "a\"b\\c\n\u00e9\ud83d\ude00", "plain": "users"})";
  JsonTree tree;
  ASSERT_TRUE(tree.parse(text));
  EXPECT_EQ(tree.root().find("sval")->get<std::string>(), "a\"b\\c\n\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(tree.root().find("plain")->get<std::string>(), "users");
}

TEST(JsonTree, RejectsMalformedText) {
  JsonTree tree;
  for (const char* bad : {"", "{", R"({"a": })", R"({"a" 1})", "[1,]", R"({"a": "x)", "[1] 2"}) {
    EXPECT_FALSE(tree.parse(bad)) << bad;
    EXPECT_TRUE(tree.root().is_null()) << bad;
  }
  EXPECT_TRUE(tree.parse("[]"));
  EXPECT_TRUE(tree.root().empty());
  EXPECT_EQ(tree.root().begin(), tree.root().end());
}

}  // namespace
}  // namespace trellis::sql
