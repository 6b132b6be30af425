#include "station/storage/hash.hpp"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

namespace odyo::station {

std::string sha256_hex(const void* data, std::size_t size) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(data, size, md.data(), &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL EVP_Digest(sha256) failed");  // programming/environment error
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xF]);
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  return sha256_hex(data.data(), data.size());
}

}  // namespace odyo::station
