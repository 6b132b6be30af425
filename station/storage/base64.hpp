#pragma once
// Base64 (OpenSSL EVP, standard alphabet, padded) for the small binary values stored as text:
// password salts and hashes, signing keys and signatures. Thread-safe.
#include <cstddef>
#include <string>
#include <vector>

namespace odyo::station {
std::string base64_encode(const unsigned char* data, std::size_t size);
inline std::string base64_encode(const std::vector<unsigned char>& v) {
  return base64_encode(v.data(), v.size());
}
// Empty on malformed input.
std::vector<unsigned char> base64_decode(const std::string& text);
}  // namespace odyo::station
