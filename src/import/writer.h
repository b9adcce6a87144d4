// writer.h — a read Source made into Trellis migration files: features, numbers and slugs
// chosen, each file's text built and checked by Trellis' own parser (problems mapped back
// to the source's file and line), then written through a temporary directory and moved
// into place (manifest.cc writes .trellis-import.toml alongside).
#pragma once

#include <string>
#include <vector>

#include "import/source.h"
#include "trellis/import.h"

namespace trellis::imports {

// One Trellis file to write.
struct PlannedFile {
  std::string feature, number, slug, id;
  std::string path;  // relative to the project root
  std::string text;
};

struct Conversion {
  std::vector<PlannedFile> files;  // parallel to report.migrations
  ImportReport report;
};

// Builds every file of `source`; problems (names Trellis cannot take, text its parser
// refuses) are added to `problems`. `migrations_dir` is the project's, relative.
Conversion convert(const Source& source, const ImportOptions& options, const std::string& migrations_dir,
                   Problems& problems);

// The manifest's text for `c` (appended to `existing`, the manifest as it is, or "").
std::string manifest_text(const Conversion& c, const ImportOptions& options, const std::string& existing);

// Writes the files, the manifest and (when `config_text` is not empty) trellis.toml into a
// temporary directory in the project, then moves them into place; the feature directories
// must not exist. Throws Error(kUsage) for a feature that exists, Error(kIo) when writing
// fails, having removed what it wrote.
void write_atomically(const std::string& project_dir, const std::string& migrations_dir, const Conversion& c,
                      const std::string& manifest, const std::string& config_text);

}  // namespace trellis::imports
