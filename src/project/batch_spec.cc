#include "project/batch_spec.h"

#include <charconv>

#include "util/text.h"

namespace trellis {
namespace {

bool set_field(BatchSpec& spec, const std::string& key, const std::string& value,
               std::string& problem) {
  if (key == "table") spec.table = value;
  else if (key == "key") spec.key = value;
  else if (key == "size") {
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), spec.size);
    if (ec != std::errc() || p != value.data() + value.size() || spec.size <= 0) {
      problem = "batch size must be a positive whole number, not '" + value + "'";
      return false;
    }
  } else if (key == "pause") {
    auto d = parse_duration(value);
    if (!d) {
      problem = "bad batch pause '" + value + "' (e.g. 20ms)";
      return false;
    }
    spec.pause = *d;
  } else {
    spec.extra[key] = value;
  }
  return true;
}

}  // namespace

std::optional<BatchSpec> parse_batch_spec(std::string_view text, std::string& problem) {
  BatchSpec spec;
  for (const auto& token : split_list(text, ' ')) {
    if (token == "until-empty") {
      spec.mode = BatchSpec::Mode::kUntilEmpty;
      continue;
    }
    auto eq = token.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == token.size()) {
      problem = "batch expects key=value pairs or 'until-empty', not '" + token + "'";
      return std::nullopt;
    }
    if (!set_field(spec, token.substr(0, eq), token.substr(eq + 1), problem)) return std::nullopt;
  }
  if (spec.size <= 0) {
    problem = "batch needs size=N";
    return std::nullopt;
  }
  if (spec.mode == BatchSpec::Mode::kRange && (spec.table.empty() || spec.key.empty())) {
    problem = "range batches need table=T key=K size=N (or use 'until-empty size=N')";
    return std::nullopt;
  }
  return spec;
}

}  // namespace trellis
