// mask_url.cc — hides passwords in PostgreSQL URLs and libpq key-value strings: the
// userinfo password and any password query parameter of
// "postgres://user:secret@host/db?password=secret", and the password of a key-value
// string ("host=db password='s e'"). The PostgreSQL entry of backends.cc calls it.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "trellis/driver.h"

namespace trellis {
namespace {

constexpr std::string_view kMask = "***";

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// "a=1&password=x&b=2" -> "a=1&password=***&b=2".
std::string mask_query(std::string_view query) {
  std::string out;
  std::size_t pos = 0;
  while (pos <= query.size()) {
    std::size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view param = query.substr(pos, amp - pos);
    if (starts_with(param, "password=")) {
      out += "password=";
      out += kMask;
    } else {
      out += param;
    }
    if (amp < query.size()) out += '&';
    pos = amp + 1;
  }
  return out;
}

// "user:secret@host" -> "user:***@host"; anything without a password is unchanged.
std::string mask_authority(std::string_view authority) {
  std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(authority);
  std::string_view userinfo = authority.substr(0, at);
  std::size_t colon = userinfo.find(':');
  if (colon == std::string_view::npos || colon + 1 == userinfo.size()) {
    return std::string(authority);
  }
  std::string out(userinfo.substr(0, colon + 1));
  out += kMask;
  out += authority.substr(at);
  return out;
}

std::string mask_postgres_url(std::string_view url) {
  std::size_t scheme_end = url.find("://") + 3;
  std::size_t authority_end = url.find_first_of("/?#", scheme_end);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  std::string out(url.substr(0, scheme_end));
  out += mask_authority(url.substr(scheme_end, authority_end - scheme_end));
  std::string_view rest = url.substr(authority_end);
  std::size_t question = rest.find('?');
  if (question == std::string_view::npos) return out + std::string(rest);
  std::size_t hash = rest.find('#', question);
  if (hash == std::string_view::npos) hash = rest.size();
  out += rest.substr(0, question + 1);
  out += mask_query(rest.substr(question + 1, hash - question - 1));
  out += rest.substr(hash);
  return out;
}

// Length of a key-value value starting at `pos`: a single-quoted string with backslash
// escapes, or a run of non-space characters.
std::size_t value_length(std::string_view text, std::size_t pos) {
  std::size_t end = pos;
  if (end < text.size() && text[end] == '\'') {
    ++end;
    while (end < text.size() && text[end] != '\'') end += text[end] == '\\' ? 2 : 1;
    return std::min(end + 1, text.size()) - pos;
  }
  while (end < text.size() && !is_space(text[end])) {
    end += text[end] == '\\' ? 2 : 1;
  }
  return std::min(end, text.size()) - pos;
}

std::string mask_key_value(std::string_view text) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eq = text.find('=', pos);
    if (eq == std::string_view::npos) break;
    std::string_view key = text.substr(pos, eq - pos);
    key = trim(key);
    std::size_t value_start = eq + 1;
    while (value_start < text.size() && is_space(text[value_start])) ++value_start;
    std::size_t length = value_length(text, value_start);
    out += text.substr(pos, value_start - pos);
    bool is_password = key == "password" && length > 0;
    out += is_password ? kMask : text.substr(value_start, length);
    pos = value_start + length;
  }
  out += text.substr(pos);
  return out;
}

}  // namespace

// A postgres:// URL or a libpq key-value string, password masked. Also what is shown of
// a URL no backend accepts: any "scheme://user:password@…" or "password=…" is masked.
std::string mask_postgres_conninfo(std::string_view url) {
  std::size_t eq = url.find('='), sep = url.find("://");
  bool key_value = eq != std::string_view::npos && (sep == std::string_view::npos || eq < sep);
  if (sep != std::string_view::npos && !key_value) return mask_postgres_url(url);
  return mask_key_value(url);
}

}  // namespace trellis
