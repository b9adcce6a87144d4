// ids.h — the shapes of feature names, file names and migration ids.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace trellis {

// Feature directory names: lower-case letters, digits, '_' and '-', starting with a
// letter or digit.
bool is_feature_name(std::string_view name);

struct FileName {
  std::string number;  // digits, as written
  std::string slug;
};
// "0002_add_users.sql" -> {"0002", "add_users"}; nullopt if malformed.
std::optional<FileName> parse_file_name(std::string_view name);

struct IdRef {
  std::string feature;
  std::string number;
  std::string slug;  // empty for the short form "feature/NNNN"
};
// "billing/0002_invoices" or "billing/0002"; nullopt if malformed.
std::optional<IdRef> parse_id(std::string_view text);

// "billing/2" for feature "billing" and number "0002": equal for every way of writing
// the same migration's number.
std::string number_key(const std::string& feature, const std::string& number);

}  // namespace trellis
