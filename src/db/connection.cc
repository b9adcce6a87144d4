// The non-virtual parts of the Connection seam.
#include "trellis/connection.h"

namespace trellis {

std::optional<std::string> Rows::at(std::size_t row, std::size_t column) const {
  if (row >= rows.size() || column >= rows[row].size()) return std::nullopt;
  return rows[row][column];
}

std::optional<std::string> Connection::query_scalar(const std::string& sql) { return query(sql).at(0, 0); }

}  // namespace trellis
