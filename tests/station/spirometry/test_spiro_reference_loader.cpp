// The station-side loader of config/reference/*.csv.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "station/reference/reference_tables.hpp"

namespace sp = odyo::spirometry;

TEST(ReferenceLoader, LoadsTheShippedTables) {
  auto t = odyo::station::load_reference_tables(std::string(ODYO_SOURCE_DIR) + "/config/reference");
  ASSERT_TRUE(t.ok()) << t.error().message;
  // 5 parameters × 2 sexes for GLI-2012; 3 × 2 for GLI Global; 9 × 2 for ECCS.
  EXPECT_EQ(t->gli2012.eq.size(), 10u);
  EXPECT_EQ(t->gli_global2022.eq.size(), 6u);
  EXPECT_EQ(t->eccs1993.eq.size(), 18u);
  // Knots 3–95 years in 0.25-year steps: 369 for FEV1.
  EXPECT_EQ(t->gli2012.eq.at({sp::Param::kFev1, sp::Sex::kMale}).knots.size(), 369u);
}

TEST(ReferenceLoader, MissingOrDamagedFilesAreNamed) {
  auto missing = odyo::station::load_reference_tables("/nonexistent/reference");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "reference_file_missing");
  EXPECT_NE(missing.error().message.find("gli2012_coefficients.csv"), std::string::npos);

  const auto dir = std::filesystem::path(ODYO_BINARY_DIR) / "test-tmp" / "spiro_loader";
  std::filesystem::create_directories(dir);
  const auto src = std::filesystem::path(ODYO_SOURCE_DIR) / "config" / "reference";
  for (const auto& e : std::filesystem::directory_iterator(src))
    std::filesystem::copy_file(e.path(), dir / e.path().filename(),
                               std::filesystem::copy_options::overwrite_existing);
  std::ofstream(dir / "gli_global2022_splines.csv", std::ios::app) << "FEV1,M,oops,1,2,3\n";
  auto damaged = odyo::station::load_reference_tables(dir);
  ASSERT_FALSE(damaged.ok());
  EXPECT_EQ(damaged.error().code, "bad_reference_table");
  EXPECT_NE(damaged.error().message.find("gli_global2022_splines.csv, line"), std::string::npos)
      << damaged.error().message;
}
