#include "import/source_files.h"

#include <cstdio>
#include <algorithm>
#include <filesystem>

#include "import/source.h"
#include "sql/pg_split.h"
#include "sql/pg_traits.h"
#include "trellis/error.h"
#include "util/text.h"

namespace trellis::imports {

namespace fs = std::filesystem;

void SourceSection::add_line(std::string_view text, int source_line) {
  present = true;
  sql.append(text);
  line_of.push_back(source_line);
}

void SourceSection::whole_file(std::string_view content, const std::string& path) {
  present = true;
  file = path;
  for (const TextLine& l : lines_of(content)) add_line(l.with_break, l.number);
}

void Problems::add(const std::string& file, int line, std::string message, std::string hint) {
  list.push_back(error_at("import", file, line, std::move(message), std::move(hint)));
}

std::vector<std::string> list_names(const std::string& dir, bool directories) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw Error(ErrorKind::kUsage, dir + ": not a directory", "give the directory that holds the migrations");
  }
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory(ec) == directories) names.push_back(entry.path().filename().string());
  }
  if (ec) throw Error(ErrorKind::kIo, "cannot read " + dir + ": " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> list_files_deep(const std::string& dir) {
  list_names(dir, true);  // the same refusal of a missing directory
  std::error_code ec;
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(fs::relative(it->path(), dir, ec).generic_string());
  }
  if (ec) throw Error(ErrorKind::kIo, "cannot read " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

bool is_file(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

std::string path_join(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

std::vector<TextLine> lines_of(std::string_view content) {
  std::vector<TextLine> lines;
  std::size_t pos = 0;
  int number = 1;
  while (pos < content.size()) {
    std::size_t end = content.find('\n', pos);
    std::size_t next = end == std::string_view::npos ? content.size() : end + 1;
    std::string_view text = content.substr(pos, (end == std::string_view::npos ? content.size() : end) - pos);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    lines.push_back(TextLine{text, content.substr(pos, next - pos), number++});
    pos = next;
  }
  return lines;
}

bool blank_or_comment(std::string_view line) {
  std::string_view t = trim(line);
  return t.empty() || starts_with(t, "--");
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int compare_integer_versions(std::string_view a, std::string_view b) {
  auto strip = [](std::string_view s) {
    while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
    return s;
  };
  a = strip(a);
  b = strip(b);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

namespace {

std::vector<std::string_view> flyway_parts(std::string_view v) {
  std::vector<std::string_view> parts;
  std::size_t pos = 0;
  while (true) {
    std::size_t dot = v.find_first_of("._", pos);
    parts.push_back(v.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos));
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return parts;
}

}  // namespace

bool flyway_version_valid(std::string_view version) {
  for (std::string_view part : flyway_parts(version)) {
    if (!all_digits(part)) return false;
  }
  return true;
}

int compare_flyway_versions(std::string_view a, std::string_view b) {
  auto pa = flyway_parts(a), pb = flyway_parts(b);
  for (std::size_t i = 0; i < std::max(pa.size(), pb.size()); ++i) {
    std::string_view x = i < pa.size() ? pa[i] : "0", y = i < pb.size() ? pb[i] : "0";
    if (int c = compare_integer_versions(x, y); c != 0) return c;
  }
  return 0;
}

SqlShape sql_shape(std::string_view sql) {
  SqlShape shape;
  try {
    auto statements = pg::split_statements(sql, 1);
    shape.parsed = true;
    shape.statements = static_cast<int>(statements.size());
    for (const auto& st : statements) {
      if (pg::statement_traits(st.sql, 160000).outside_transaction) shape.needs_outside = true;
    }
  } catch (const Error&) {
    shape.parsed = false;
  }
  return shape;
}

std::string quoted_string(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

}  // namespace trellis::imports
