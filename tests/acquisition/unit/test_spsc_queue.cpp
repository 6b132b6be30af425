// SpscQueue: bounded ring with a counted full policy; the analysis policy never drops.
#include <gtest/gtest.h>

#include <thread>

#include "acquisition/queue/spsc_queue.hpp"

using namespace odyo::acquisition;

TEST(SpscQueue, LiveViewDropsAndCountsWhenFull) {
  SpscQueue<int> q(4, FullPolicy::kDropAndCount);
  for (int i = 0; i < 10; ++i) q.push(i);
  EXPECT_EQ(q.dropped(), 6u);  // capacity 4: items 4..9 refused
  for (int i = 0; i < 4; ++i) EXPECT_EQ(q.pop(), i);
  EXPECT_FALSE(q.pop());
}

TEST(SpscQueue, AnalysisNeverDropsAndKeepsOrder) {
  SpscQueue<int> q(4, FullPolicy::kNeverDrop);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(q.push(i));
  EXPECT_EQ(q.dropped(), 0u);
  EXPECT_EQ(q.overflowed(), 6u);
  std::vector<int> got;
  while (got.size() < 10) {
    while (auto v = q.pop()) got.push_back(*v);
    q.flush_overflow();
  }
  for (int i = 0; i < 10; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], i);
}

// One producer, one consumer thread, a tiny ring: every item arrives once, in order.
TEST(SpscQueue, ConcurrentProducerConsumerLoseNothing) {
  SpscQueue<std::int64_t> q(64, FullPolicy::kNeverDrop);
  constexpr std::int64_t n = 50000;
  std::thread producer([&] {
    for (std::int64_t i = 0; i < n; ++i) q.push(i);
    while (q.producer_has_overflow()) {
      q.flush_overflow();
      std::this_thread::yield();
    }
  });
  std::int64_t expect = 0;
  while (expect < n) {
    if (auto v = q.pop()) {
      ASSERT_EQ(*v, expect);
      ++expect;
    } else {
      std::this_thread::yield();
    }
  }
  producer.join();
  EXPECT_FALSE(q.pop());
}
