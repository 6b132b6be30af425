// The threshold search's plan from acquire/pc-search options: one function for every audiometer.
#include <gtest/gtest.h>

#include <chrono>

#include "station/cli/acquire_options.hpp"

namespace {

using odyo::station::search_params_from;
using odyo::station::unstorable_plan;
using std::chrono::milliseconds;
namespace au = odyo::audiometry;

TEST(SearchParamsFrom, DefaultsAreTheSearchsOwn) {
  auto p = search_params_from({"right", "left"}, {});
  ASSERT_TRUE(p.ok()) << p.error().message;
  const au::SearchParams d;
  EXPECT_EQ(p->ears, (std::vector<au::Ear>{au::Ear::right, au::Ear::left}));
  EXPECT_EQ(p->high_frequencies_hz, d.high_frequencies_hz);
  EXPECT_EQ(p->low_frequencies_hz, d.low_frequencies_hz);
  EXPECT_EQ(p->tone_duration, d.tone_duration);
  EXPECT_EQ(p->retest_1k, d.retest_1k);
}

TEST(SearchParamsFrom, EarOrderFrequencySplitAndTimings) {
  auto p = search_params_from({"left"}, {1000, 2000, 500, 4000, 250}, 300, 150, true);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->ears, (std::vector<au::Ear>{au::Ear::left}));
  EXPECT_EQ(p->high_frequencies_hz, (std::vector<int>{1000, 2000, 4000}));
  EXPECT_EQ(p->low_frequencies_hz, (std::vector<int>{500, 250}));
  EXPECT_EQ(p->tone_duration, milliseconds(300));
  EXPECT_EQ(p->response_window, milliseconds(800));  // tone + 500 ms
  EXPECT_EQ(p->gap_min, milliseconds(150));
  EXPECT_EQ(p->gap_max, milliseconds(300));  // twice the shortest
  EXPECT_FALSE(p->retest_1k);
}

TEST(SearchParamsFrom, BadEarsAndFrequenciesSayWhatIsWrong) {
  auto p = search_params_from({"right", "up"}, {});
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, "bad_ear");
  EXPECT_NE(p.error().message.find("not 'up'"), std::string::npos);
  p = search_params_from({}, {});
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, "bad_ear");
  p = search_params_from({"right"}, {2000, 1000});  // the search starts at 1 kHz
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, "bad_frequencies");
  EXPECT_NE(p.error().message.find("1000 Hz"), std::string::npos);
  p = search_params_from({"right"}, {500, 250});  // no high set at all
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, "bad_frequencies");
}

TEST(UnstorablePlan, BothEarsAndEverySpeechFrequencyOrItSaysWhich) {
  const std::vector<int> speech{500, 1000, 2000};
  auto p = search_params_from({"left", "right"}, {1000, 2000, 500});
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(unstorable_plan(*p, speech).has_value());
  p = search_params_from({"left"}, {});
  auto why = unstorable_plan(*p, speech);
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(why->code, "bad_ears");
  EXPECT_NE(why->message.find("right ear"), std::string::npos);
  p = search_params_from({"right", "left"}, {1000, 2000});
  why = unstorable_plan(*p, speech);
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(why->code, "bad_frequencies");
  EXPECT_NE(why->message.find("500 Hz"), std::string::npos);
  // 500/1000/2000/4000 selected: 4000 must be in the plan too.
  EXPECT_TRUE(unstorable_plan(*search_params_from({"right", "left"}, {1000, 2000, 500}),
                              {500, 1000, 2000, 4000})
                  .has_value());
}

}  // namespace
