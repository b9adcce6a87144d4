// json_tree.h — internal: a read-only JSON tree over libpg_query's parse-tree text.
//
// One pass builds every node into one flat array in document order (a node's children
// follow it; each node knows the size of its subtree), so there is no allocation per node
// and no copy of keys or strings: they are views into the text, unescaped on access. The
// interface is the small part of nlohmann::json's that the statement model uses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trellis::sql {

class Json {
 public:
  enum class Type : std::uint8_t { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject };

  class iterator {
   public:
    explicit iterator(const Json* node, std::uint32_t left) : node_(node), left_(left) {}
    std::string_view key() const { return node_->key_; }
    const Json& value() const { return *node_; }
    const Json& operator*() const { return *node_; }
    const Json* operator->() const { return node_; }
    iterator& operator++() {
      node_ += node_->span_;
      --left_;
      return *this;
    }
    bool operator==(const iterator& o) const { return left_ == o.left_; }
    bool operator!=(const iterator& o) const { return left_ != o.left_; }

   private:
    const Json* node_;
    std::uint32_t left_;  // children not yet visited, this one included
  };

  bool is_null() const { return type_ == Type::kNull; }
  bool is_object() const { return type_ == Type::kObject; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_boolean() const { return type_ == Type::kFalse || type_ == Type::kTrue; }
  bool is_number_integer() const;

  // Children of an array or object (0 for anything else).
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  iterator begin() const { return iterator(this + 1, count_); }
  iterator end() const { return iterator(nullptr, 0); }
  iterator find(std::string_view key) const;
  const Json& operator[](std::size_t index) const;  // array element, in linear time

  // The value as T: std::string (unescaped), int, long, bool.
  template <typename T>
  T get() const;

 private:
  friend class JsonTree;
  Type type_ = Type::kNull;
  bool escaped_ = false;      // the string holds backslash escapes
  std::uint32_t count_ = 0;   // children
  std::uint32_t span_ = 1;    // nodes in this subtree, this one included
  std::string_view key_;      // the key of this member in its object
  std::string_view text_;     // string contents (between the quotes) or number text
};

template <> std::string Json::get<std::string>() const;
template <> int Json::get<int>() const;
template <> long Json::get<long>() const;
template <> bool Json::get<bool>() const;

class JsonTree {
 public:
  // Parses `text`, which must outlive the tree. Returns false (and an empty tree) when
  // `text` is not one well-formed JSON value.
  bool parse(std::string_view text);
  const Json& root() const;

 private:
  bool value(std::string_view key);
  bool string(std::string_view& out, bool& escaped);
  void skip_space();

  std::vector<Json> nodes_;
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace trellis::sql
