// Alembic: its migrations are Python; their SQL exists only as Alembic renders it
// (`alembic upgrade A:B --sql`, its offline mode). Without alembic on PATH the import is
// refused with the way to install it; rendering through it is not built yet.
#include <unistd.h>

#include <cstdlib>

#include "import/source.h"
#include "import/source_files.h"
#include "util/text.h"

namespace trellis::imports {
namespace {

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  for (const auto& dir : split_list(path, ':')) {
    if (::access(path_join(dir, program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

}  // namespace

Source read_alembic(const std::string& dir, Problems& problems) {
  list_names(dir, true);  // a missing directory is refused first
  if (!on_path("alembic")) {
    problems.add(dir, 0,
                 "importing from Alembic needs Alembic itself: each revision's SQL is rendered by its offline "
                 "mode (alembic upgrade A:B --sql), and 'alembic' is not on PATH",
                 "install it (Debian: apt-get install python3-alembic; or pip install alembic) and run the import "
                 "again from the directory with alembic.ini");
  } else {
    problems.add(dir, 0, "importing from Alembic is not supported by this build of trellis yet",
                 "render the SQL with 'alembic upgrade BASE:HEAD --sql > all.sql' and split it into migrations of "
                 "one of the other forms (e.g. the DAG form, see docs/import.md)");
  }
  return Source{};
}

}  // namespace trellis::imports
