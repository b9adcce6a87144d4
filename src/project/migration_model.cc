#include "trellis/migration.h"

namespace trellis {

const char* phase_name(Phase phase) {
  switch (phase) {
    case Phase::kExpand: return "expand";
    case Phase::kBackfill: return "backfill";
    case Phase::kContract: return "contract";
  }
  return "expand";
}

int compare_numbers(const std::string& a, const std::string& b) {
  auto strip = [](const std::string& s) {
    auto i = s.find_first_not_of('0');
    return i == std::string::npos ? std::string_view{} : std::string_view(s).substr(i);
  };
  auto x = strip(a), y = strip(b);
  if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
  int c = x.compare(y);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace trellis
