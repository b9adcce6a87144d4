#include "cli/table.h"

#include <algorithm>

namespace trellis::cli {
namespace {

constexpr std::size_t kMinLastColumn = 24;

std::string right_trimmed(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (;;) {
    std::size_t nl = text.find('\n', start);
    lines.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) return lines;
    start = nl + 1;
  }
}

// Appends one paragraph (no line breaks) of `text`, wrapped.
// Leading blanks are kept.
void wrap_paragraph(const std::string& text, std::size_t width, std::vector<std::string>& out) {
  std::size_t i = std::min(text.find_first_not_of(' '), text.size());
  std::string line = text.substr(0, i);
  std::size_t w = i;
  bool fresh = true, first = true;  // fresh: no word on `line` yet
  for (;;) {
    std::size_t end = std::min(text.find(' ', i), text.size());
    std::string word = text.substr(i, end - i);
    std::size_t ww = visible_width(word);
    if (!fresh && !word.empty() && w + 1 + ww > width) {
      out.push_back(right_trimmed(line));
      line = "  ";
      w = 2;
      fresh = true;
    }
    if (!first && !fresh) {
      line += ' ';
      ++w;
    }
    line += word;
    w += ww;
    fresh = fresh && word.empty();
    first = false;
    if (end == text.size()) break;
    i = end + 1;
  }
  out.push_back(right_trimmed(line));
}

std::size_t widest(const std::vector<std::string>& lines) {
  std::size_t w = 0;
  for (const auto& l : lines) w = std::max(w, visible_width(l));
  return w;
}

}  // namespace

std::size_t visible_width(const std::string& s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\033') {
      while (i < s.size() && s[i] != 'm') ++i;
      continue;
    }
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++w;
  }
  return w;
}

std::vector<std::string> wrap_text(const std::string& text, std::size_t width) {
  std::vector<std::string> out;
  for (const auto& paragraph : split_lines(text)) wrap_paragraph(paragraph, width, out);
  return out;
}

std::vector<std::string> layout_table(const std::vector<std::string>& header,
                                      const std::vector<std::vector<std::string>>& rows,
                                      std::size_t max_width) {
  std::size_t n = header.size();
  std::vector<std::vector<std::string>> all{header};
  all.insert(all.end(), rows.begin(), rows.end());
  std::vector<std::size_t> width(n, 0);
  for (const auto& r : all) {
    for (std::size_t c = 0; c + 1 < n && c < r.size(); ++c) width[c] = std::max(width[c], widest(split_lines(r[c])));
  }
  std::size_t fixed = 2;
  for (std::size_t c = 0; c + 1 < n; ++c) fixed += width[c] + 2;
  std::size_t last = max_width > fixed + kMinLastColumn ? max_width - fixed : kMinLastColumn;
  std::vector<std::string> out;
  for (const auto& r : all) {
    std::vector<std::vector<std::string>> cells(n);
    std::size_t height = 1;
    for (std::size_t c = 0; c < n && c < r.size(); ++c) {
      cells[c] = c + 1 == n ? wrap_text(r[c], last) : split_lines(r[c]);
      height = std::max(height, cells[c].size());
    }
    for (std::size_t k = 0; k < height; ++k) {
      std::string s = "  ";
      std::size_t pending = 0;  // blanks owed before the next non-empty text
      for (std::size_t c = 0; c < n; ++c) {
        const std::string text = k < cells[c].size() ? cells[c][k] : "";
        if (!text.empty()) {
          s += std::string(pending, ' ') + text;
          pending = 0;
        }
        if (c + 1 < n) pending += width[c] - (text.empty() ? 0 : visible_width(text)) + 2;
      }
      out.push_back(right_trimmed(s));
    }
  }
  return out;
}

}  // namespace trellis::cli
