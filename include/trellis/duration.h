// trellis/duration.h — human durations ("3s", "250ms", "2min", "0") as used in
// trellis.toml and migration directives.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace trellis {

using Millis = std::chrono::milliseconds;

// Parses "0", "250ms", "3s", "1.5s", "2min", "1h". Returns nullopt for anything else.
std::optional<Millis> parse_duration(std::string_view text);

// "250ms", "3s", "2min": the shortest exact form; "0" for zero.
std::string format_duration(Millis value);

}  // namespace trellis
