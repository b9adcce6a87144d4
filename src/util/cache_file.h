// cache_file.h — files of derived data that Trellis keeps in a project's `.trellis/`
// directory. They only ever save work: losing or damaging one costs a slower run.
#pragma once

#include <string>
#include <string_view>

namespace trellis {

// The content of `path`, or "" when it is missing or unreadable.
std::string read_cache_file(const std::string& path);

// Replaces `dir`/`name` with `data` atomically (a unique temporary file, then rename), so
// that concurrent runs and a crash never leave a torn file in its place. Creates `dir`
// the first time, with a `.gitignore` that keeps it out of version control. Throws
// Error(kIo) naming the file.
void write_cache_file(const std::string& dir, const std::string& name, std::string_view data);

}  // namespace trellis
