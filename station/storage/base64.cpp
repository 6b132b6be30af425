#include "station/storage/base64.hpp"

#include <openssl/evp.h>

namespace odyo::station {

std::string base64_encode(const unsigned char* p, std::size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  const int len =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), p, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  return out;
}

std::vector<unsigned char> base64_decode(const std::string& s) {
  if (s.size() % 4 != 0) return {};
  std::vector<unsigned char> out(3 * s.size() / 4 + 3);
  const int len = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(s.data()),
                                  static_cast<int>(s.size()));
  if (len < 0) return {};
  std::size_t n = static_cast<std::size_t>(len);
  if (!s.empty() && s.back() == '=') --n;
  if (s.size() > 1 && s[s.size() - 2] == '=') --n;
  out.resize(n);
  return out;
}

}  // namespace odyo::station
