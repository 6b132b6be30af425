#pragma once
// SpscQueue<T>: a bounded, lock-free, single-producer single-consumer ring (the liblsl
// consumer_queue idea), with an explicit, counted full-queue policy:
//  - FullPolicy::kDropAndCount — for live views only: a push into a full queue is refused and
//    counted in dropped(); the UI shows the count.
//  - FullPolicy::kNeverDrop — for analysis: a push into a full queue goes to a producer-side
//    overflow list (memory, counted in overflowed()) that is moved into the ring as space frees;
//    nothing is ever lost, and the high overflow count tells that the consumer is too slow.
//
// Threading: push()/flush_overflow() from exactly one producer thread, pop() from exactly one
// consumer thread; counters from any thread.

#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

namespace odyo::acquisition {

enum class FullPolicy { kDropAndCount, kNeverDrop };

template <typename T>
class SpscQueue {
 public:
  SpscQueue(std::size_t capacity, FullPolicy policy)
      : cap_(capacity + 1), slots_(cap_), policy_(policy) {}

  // Producer. Returns false only when the item was dropped (kDropAndCount on a full queue).
  bool push(T item) {
    if (!overflow_.empty()) flush_overflow();
    if (overflow_.empty() && try_push(item)) return true;
    if (policy_ == FullPolicy::kDropAndCount) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    overflow_.push_back(std::move(item));
    overflowed_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  // Producer: moves what it can from the overflow list into the ring.
  void flush_overflow() {
    while (!overflow_.empty() && try_push(overflow_.front())) overflow_.pop_front();
  }
  [[nodiscard]] bool producer_has_overflow() const { return !overflow_.empty(); }

  // Consumer.
  std::optional<T> pop() {
    const std::size_t h = head_.load(std::memory_order_relaxed);
    if (h == tail_.load(std::memory_order_acquire)) return std::nullopt;
    std::optional<T> out(std::move(slots_[h]));
    head_.store((h + 1) % cap_, std::memory_order_release);
    return out;
  }

  [[nodiscard]] std::size_t capacity() const { return cap_ - 1; }
  [[nodiscard]] std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t overflowed() const {
    return overflowed_.load(std::memory_order_relaxed);
  }

 private:
  bool try_push(T& item) {
    const std::size_t t = tail_.load(std::memory_order_relaxed);
    const std::size_t next = (t + 1) % cap_;
    if (next == head_.load(std::memory_order_acquire)) return false;
    slots_[t] = std::move(item);
    tail_.store(next, std::memory_order_release);
    return true;
  }

  const std::size_t cap_;
  std::vector<T> slots_;
  const FullPolicy policy_;
  alignas(64) std::atomic<std::size_t> head_{0};
  alignas(64) std::atomic<std::size_t> tail_{0};
  std::deque<T> overflow_;  // producer-owned
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> overflowed_{0};
};

}  // namespace odyo::acquisition
