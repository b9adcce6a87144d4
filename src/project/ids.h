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
// "0002_add_users.sql" -> {"0002", "add_users"}; nullopt if malformed. A slug is ASCII
// letters, digits, '_', '-' and '.' (not first, not last, never two in a row): what file
// names, shell arguments, `requires:` lists (split at ',') and the database keep as is.
// kSlugRule says so in messages.
std::optional<FileName> parse_file_name(std::string_view name);
inline constexpr const char* kSlugRule =
    "ASCII letters, digits, '_', '-' and '.' (a '.' not first, not last, never two in a row)";

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
