#pragma once
// Valid T.C. kimlik numbers for generated workers, built by the check-digit rule from a 9-digit
// stem (rule in station/records/workers.hpp; worked example: stem 100000001 → 10000000146, checked
// in tests/station/storage/test_crash.cpp and by tc_kimlik_valid wherever a worker is stored).
#include <string>

namespace odyo::test {

inline std::string tc_from_stem(long long stem) {
  const std::string s = std::to_string(stem);
  int d[11];
  for (int i = 0; i < 9; ++i) d[i] = s[static_cast<std::size_t>(i)] - '0';
  d[9] = (((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10 + 10) % 10;
  int sum = 0;
  for (int i = 0; i < 10; ++i) sum += d[i];
  d[10] = sum % 10;
  std::string out;
  for (int v : d) out.push_back(static_cast<char>('0' + v));
  return out;
}

}  // namespace odyo::test
