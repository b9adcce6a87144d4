#include "sql/json_tree.h"

#include <cctype>
#include <charconv>

namespace trellis::sql {
namespace {

const Json kNullNode;

void append_utf8(std::string& out, unsigned code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

unsigned hex4(std::string_view s, std::size_t at) {
  unsigned v = 0;
  if (at + 4 > s.size()) return 0xFFFD;
  std::from_chars(s.data() + at, s.data() + at + 4, v, 16);
  return v;
}

std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\' || i + 1 == s.size()) {
      out += c;
      continue;
    }
    char e = s[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        unsigned code = hex4(s, i + 1);
        i += 4;
        if (code >= 0xD800 && code < 0xDC00 && i + 6 < s.size() + 1 && s.substr(i + 1, 2) == "\\u") {
          unsigned low = hex4(s, i + 3);
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
        append_utf8(out, code);
        break;
      }
      default: out += e;  // \" \\ \/
    }
  }
  return out;
}

}  // namespace

bool Json::is_number_integer() const {
  return type_ == Type::kNumber && text_.find_first_of(".eE") == std::string_view::npos;
}

Json::iterator Json::find(std::string_view key) const {
  if (type_ != Type::kObject) return end();
  for (auto it = begin(); it != end(); ++it) {
    if (it.key() == key) return it;
  }
  return end();
}

const Json& Json::operator[](std::size_t index) const {
  if (index >= count_ || (type_ != Type::kArray && type_ != Type::kObject)) return kNullNode;
  auto it = begin();
  for (std::size_t i = 0; i < index; ++i) ++it;
  return *it;
}

template <>
std::string Json::get<std::string>() const {
  return escaped_ ? unescape(text_) : std::string(text_);
}

template <>
long Json::get<long>() const {
  long v = 0;
  std::from_chars(text_.data(), text_.data() + text_.size(), v);
  return v;
}

template <>
int Json::get<int>() const {
  return static_cast<int>(get<long>());
}

template <>
bool Json::get<bool>() const {
  return type_ == Type::kTrue;
}

const Json& JsonTree::root() const { return nodes_.empty() ? kNullNode : nodes_.front(); }

bool JsonTree::parse(std::string_view text) {
  nodes_.clear();
  nodes_.reserve(text.size() / 12 + 16);
  text_ = text;
  pos_ = 0;
  bool ok = value({});
  skip_space();
  if (!ok || pos_ != text_.size()) nodes_.clear();
  return !nodes_.empty();
}

void JsonTree::skip_space() {
  while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\t' || text_[pos_] == '\r')) {
    ++pos_;
  }
}

bool JsonTree::string(std::string_view& out, bool& escaped) {
  if (pos_ >= text_.size() || text_[pos_] != '"') return false;
  std::size_t start = ++pos_;
  escaped = false;
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == '"') {
      out = text_.substr(start, pos_ - start);
      ++pos_;
      return true;
    }
    if (c == '\\') {
      escaped = true;
      ++pos_;
    }
    ++pos_;
  }
  return false;
}

bool JsonTree::value(std::string_view key) {
  skip_space();
  if (pos_ >= text_.size()) return false;
  std::size_t self = nodes_.size();
  nodes_.emplace_back();
  nodes_[self].key_ = key;
  char c = text_[pos_];
  if (c == '{' || c == '[') {
    bool object = c == '{';
    char close = object ? '}' : ']';
    nodes_[self].type_ = object ? Json::Type::kObject : Json::Type::kArray;
    ++pos_;
    skip_space();
    std::uint32_t count = 0;
    if (pos_ < text_.size() && text_[pos_] == close) {
      ++pos_;
    } else {
      while (true) {
        std::string_view member;
        if (object) {
          bool escaped = false;
          skip_space();
          if (!string(member, escaped)) return false;
          skip_space();
          if (pos_ >= text_.size() || text_[pos_] != ':') return false;
          ++pos_;
        }
        if (!value(member)) return false;
        ++count;
        skip_space();
        if (pos_ >= text_.size()) return false;
        if (text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (text_[pos_] != close) return false;
        ++pos_;
        break;
      }
    }
    nodes_[self].count_ = count;
  } else if (c == '"') {
    std::string_view s;
    bool escaped = false;
    if (!string(s, escaped)) return false;
    nodes_[self].type_ = Json::Type::kString;
    nodes_[self].text_ = s;
    nodes_[self].escaped_ = escaped;
  } else if (text_.compare(pos_, 4, "true") == 0) {
    nodes_[self].type_ = Json::Type::kTrue;
    pos_ += 4;
  } else if (text_.compare(pos_, 5, "false") == 0) {
    nodes_[self].type_ = Json::Type::kFalse;
    pos_ += 5;
  } else if (text_.compare(pos_, 4, "null") == 0) {
    pos_ += 4;
  } else {
    std::size_t start = pos_;
    while (pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '-' ||
                                   text_[pos_] == '+' || text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
    }
    if (pos_ == start) return false;
    nodes_[self].type_ = Json::Type::kNumber;
    nodes_[self].text_ = text_.substr(start, pos_ - start);
  }
  nodes_[self].span_ = static_cast<std::uint32_t>(nodes_.size() - self);
  return true;
}

}  // namespace trellis::sql
