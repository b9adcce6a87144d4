// interpolate.h — ${VAR} in the values of trellis.toml and of a fleet's targets file.
#pragma once

#include <string>

namespace trellis {

// `text` with every ${VAR} replaced by the variable's value. `where` starts every message
// ("trellis.toml:7: environment 'prod': ", "targets.toml:3: target 'eu1': "), `key` names
// the value ("database"). Throws Error(kConfig) for an unterminated '${', an unset
// variable (never replaced by a default) or an empty one.
std::string interpolate_variables(const std::string& text, const std::string& where, const std::string& key);

}  // namespace trellis
