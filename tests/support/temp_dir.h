// temp_dir.h — temporary directories and small file helpers for the tests.
#pragma once

#include <string>

namespace trellis_test {

// A fresh directory under $TMPDIR (or /tmp), removed (recursively) on destruction unless
// TRELLIS_KEEP_TEST_DIRS is set. `prefix` starts its name.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "trellis-it");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The directory temporary files go to: $TMPDIR if set and not empty, else /tmp.
std::string temp_base();

void write_file(const std::string& path, const std::string& content);  // creates parents
std::string read_file(const std::string& path);
std::string read_file_or_empty(const std::string& path);  // "" when it cannot be read
bool file_exists(const std::string& path);

}  // namespace trellis_test
