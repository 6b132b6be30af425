// The explicit driver registry: unique names, the capabilities the issue names, honest flags for
// drivers that have a codec but no session.
#include <gtest/gtest.h>

#include <set>

#include "drivers/registry.hpp"

using namespace odyo::drivers;

TEST(Registry, NamesAreUniqueAndFindable) {
  std::set<std::string> names;
  for (const auto& d : driver_registry()) {
    EXPECT_TRUE(names.insert(d.name).second) << "duplicate driver " << d.name;
    EXPECT_EQ(find_driver(d.name), &d);
    EXPECT_FALSE(d.uri_schemes.empty()) << d.name;
    EXPECT_NE(d.capabilities, 0u) << d.name;
  }
  EXPECT_EQ(find_driver("no-such-driver"), nullptr);
}

TEST(Registry, CapabilitiesPerDriver) {
  ASSERT_NE(find_driver("flowstream"), nullptr);
  EXPECT_TRUE(find_driver("flowstream")->capabilities & kStreamsRawFlow);
  EXPECT_TRUE(find_driver("fipp")->capabilities & kControlsTones);
  EXPECT_TRUE(find_driver("gdt")->capabilities & kDeliversResults);
  // Every result sender has a session now (acquisition::RecordSession with its driver).
  for (const char* name : {"tm262", "gsi61", "vitalograph"}) {
    ASSERT_NE(find_driver(name), nullptr) << name;
    EXPECT_TRUE(find_driver(name)->session_available) << name;
    EXPECT_TRUE(find_driver(name)->capabilities & kDeliversResults) << name;
  }
  EXPECT_EQ(capabilities_text(kStreamsRawFlow | kControlsTones),
            "streams raw flow, controls tones");
}
