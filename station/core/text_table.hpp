#pragma once
// The one table printer of the command line (`worker list`, `exam list`, `user list`, …): a
// header row, then the rows, columns padded by what a reader sees — characters, not bytes —
// through fmt (which measures UTF-8 text by display width), so "Şükrü Çelik" does not push
// the next column. Thread-safety: a plain value; one owner.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace odyo::station {

// Columns the text takes on a terminal: code points, combining marks count 0, East Asian wide
// characters 2 (as fmt counts them).
std::size_t display_width(std::string_view utf8);

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
  void add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  [[nodiscard]] std::size_t size() const { return rows_.size(); }
  // Columns separated by two spaces, the last one unpadded; every line ends with '\n'.
  [[nodiscard]] std::string render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace odyo::station
