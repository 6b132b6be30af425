#pragma once
// Test-vector helpers for the codec tests: read the tab-separated vector files in
// tests/data/devices/ (lines starting with '#' are provenance comments) and hex strings.

#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "drivers/codec/codec.hpp"

namespace odyo::testing {

inline std::string data_path(const std::string& rel) {
  return std::string(ODYO_TEST_DATA_DIR) + "/devices/" + rel;
}

inline std::vector<std::vector<std::string>> read_tsv(const std::string& rel) {
  std::ifstream in(data_path(rel));
  if (!in) throw std::runtime_error("cannot open test vectors " + data_path(rel));
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    rows.push_back(cols);
  }
  return rows;
}

inline codec::Bytes read_file(const std::string& rel) {
  std::ifstream in(data_path(rel), std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + data_path(rel));
  return codec::Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline codec::Bytes hex(const std::string& text) {
  codec::Bytes out;
  std::string digits;
  for (char c : text)
    if (c != ' ') digits += c;
  if (digits.size() % 2 != 0) throw std::runtime_error("odd hex string " + text);
  for (std::size_t i = 0; i < digits.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
  return out;
}

inline codec::Bytes ascii(const std::string& s) {
  return codec::Bytes(s.begin(), s.end());
}

inline codec::Bytes concat(std::initializer_list<codec::Bytes> parts) {
  codec::Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Feeds `bytes` to a decoder in chunks of `chunk` bytes, then finish(); returns everything.
template <typename Decoder>
auto feed_chunked(Decoder& d, const codec::Bytes& bytes, std::size_t chunk) {
  typename Decoder::Batch all;
  for (std::size_t i = 0; i < bytes.size(); i += chunk) {
    const std::size_t n = std::min(chunk, bytes.size() - i);
    d.feed(codec::ByteSpan(bytes.data() + i, n), all);
  }
  d.finish(all);
  return all;
}

}  // namespace odyo::testing
