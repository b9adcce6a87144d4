#include "project/interpolate.h"

#include <cstdlib>

#include "trellis/error.h"

namespace trellis {

std::string interpolate_variables(const std::string& text, const std::string& where, const std::string& key) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    auto close = text.find('}', i + 2);
    if (close == std::string::npos) throw Error(ErrorKind::kConfig, where + "unterminated '${' in " + key);
    std::string var = text.substr(i + 2, close - i - 2);
    const char* value = std::getenv(var.c_str());
    if (value == nullptr) {
      throw Error(ErrorKind::kConfig, where + "${" + var + "} is not set",
                  "export " + var + " before running trellis; an unset variable is never replaced by a default");
    }
    if (*value == '\0') throw Error(ErrorKind::kConfig, where + "${" + var + "} is empty");
    out += value;
    i = close + 1;
  }
  return out;
}

}  // namespace trellis
