#include "project/ids.h"

#include <cctype>

namespace trellis {
namespace {

// ASCII letters, digits, '_', '-' and '.'; a '.' only between two other characters (a
// version like "2.0.0", never "x.", ".x" or "x..y", which read as file or path syntax).
bool is_slug(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  char previous = 0;
  for (char c : s) {
    bool ascii_alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!(ascii_alnum || c == '_' || c == '-' || c == '.')) return false;
    if (c == '.' && previous == '.') return false;
    previous = c;
  }
  return true;
}

// Splits "NNNN_slug" or "NNNN"; slug_required says whether "_slug" must be present.
std::optional<FileName> split_number(std::string_view s, bool slug_required) {
  std::size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == 0) return std::nullopt;
  FileName out{std::string(s.substr(0, i)), {}};
  if (i == s.size()) {
    if (slug_required) return std::nullopt;
    return out;
  }
  if (s[i] != '_' || !is_slug(s.substr(i + 1))) return std::nullopt;
  out.slug = std::string(s.substr(i + 1));
  return out;
}

}  // namespace

bool is_feature_name(std::string_view name) {
  if (name.empty() || !(std::islower(static_cast<unsigned char>(name[0])) ||
                        std::isdigit(static_cast<unsigned char>(name[0])))) {
    return false;
  }
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
          c == '_' || c == '-')) {
      return false;
    }
  }
  return true;
}

std::optional<FileName> parse_file_name(std::string_view name) {
  constexpr std::string_view kExt = ".sql";
  if (name.size() <= kExt.size() || name.substr(name.size() - kExt.size()) != kExt) {
    return std::nullopt;
  }
  return split_number(name.substr(0, name.size() - kExt.size()), /*slug_required=*/true);
}

std::string number_key(const std::string& feature, const std::string& number) {
  auto i = number.find_first_not_of('0');
  return feature + "/" + (i == std::string::npos ? "0" : number.substr(i));
}

std::optional<IdRef> parse_id(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto feature = text.substr(0, slash);
  if (!is_feature_name(feature)) return std::nullopt;
  auto rest = split_number(text.substr(slash + 1), /*slug_required=*/false);
  if (!rest) return std::nullopt;
  return IdRef{std::string(feature), rest->number, rest->slug};
}

}  // namespace trellis
