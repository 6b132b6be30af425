#pragma once
// SHA-256 (OpenSSL EVP) as lowercase hex. Thread-safe.
#include <string>
#include <string_view>

namespace odyo::station {
std::string sha256_hex(std::string_view data);
std::string sha256_hex(const void* data, std::size_t size);
// HMAC-SHA256 of `data` under `key`, as lowercase hex (the keyed audit chain).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
}  // namespace odyo::station
