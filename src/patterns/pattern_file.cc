#include "patterns/pattern_file.h"

#include <cctype>

#include "trellis/error.h"

namespace trellis {

PatternFile render_file(const FileSpec& s) {
  std::string t;
  for (const auto& line : s.about) t += "-- " + line + "\n";
  t += std::string("-- phase: ") + phase_name(s.phase) + "\n";
  if (s.tx == TxMode::kNone) t += "-- transaction: false\n";
  if (!s.lock_timeout.empty()) t += "-- lock-timeout: " + s.lock_timeout + "\n";
  if (!s.statement_timeout.empty()) t += "-- statement-timeout: " + s.statement_timeout + "\n";
  if (!s.batch.empty()) t += "-- batch: " + s.batch + "\n";
  t += "\n-- +up\n" + s.up + "\n";
  if (s.down) t += "\n-- +down\n" + *s.down + "\n";
  else t += "\n-- +down irreversible\n";
  return PatternFile{s.slug, t};
}

void require_value(const std::string& value, const char* flag, const std::string& pattern) {
  if (value.empty()) throw Error(ErrorKind::kUsage, std::string(flag) + " is required for --pattern " + pattern);
}

void require_identifier(const std::string& value, const char* flag, const std::string& pattern) {
  require_value(value, flag, pattern);
  bool ok = !std::isdigit(static_cast<unsigned char>(value.front())) && value.front() != '.' && value.back() != '.';
  for (char c : value) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.');
  if (!ok) {
    throw Error(ErrorKind::kUsage, std::string(flag) + ": '" + value + "' is not a plain SQL name",
                "use letters, digits and '_' (schema-qualified as schema.name)");
  }
}

std::string bare(const std::string& name) {
  auto dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

}  // namespace trellis
