// migration_loader.h — load_migrations (trellis/project.h) with the file cache chosen by
// the caller: tests pass one whose clock they control.
#pragma once

#include <vector>

#include "project/file_cache.h"
#include "trellis/migration.h"
#include "trellis/project.h"

namespace trellis {

// `cache` may be null (read and hash every file). When given it must be load()ed; the
// cache is saved before returning.
std::vector<Migration> load_migrations_with(const Config& config, FileCache* cache);

}  // namespace trellis
