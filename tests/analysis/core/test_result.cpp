#include "analysis/core/result.hpp"

#include <gtest/gtest.h>

namespace {
odyo::Result<int> half(int x) {
  if (x % 2 != 0) return odyo::make_error("odd", "odd number " + std::to_string(x));
  return x / 2;
}
}  // namespace

TEST(Result, CarriesValueOrError) {
  auto a = half(4);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, 2);
  auto b = half(3);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, "odd");
  EXPECT_EQ(b.error().message, "odd number 3");
}
