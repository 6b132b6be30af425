#pragma once
// LiveFanOut<T>: the live view interface (web UI, CLI meter). Each subscriber gets its own
// bounded queue with the drop-and-count policy: a slow or stalled viewer loses live blocks (and
// sees how many), never the recording — the raw journal and the analysis queue are separate.
//
// Threading: publish() from the one producer thread (the device's I/O thread); subscribe() and
// Subscription::pop() from any single consumer thread per subscription.

#include <memory>
#include <mutex>
#include <vector>

#include "acquisition/queue/spsc_queue.hpp"

namespace odyo::acquisition {

template <typename T>
class LiveFanOut {
 public:
  class Subscription {
   public:
    explicit Subscription(std::size_t capacity) : q_(capacity, FullPolicy::kDropAndCount) {}
    std::optional<T> pop() { return q_.pop(); }
    [[nodiscard]] std::uint64_t dropped() const { return q_.dropped(); }

   private:
    friend class LiveFanOut;
    SpscQueue<T> q_;
  };

  // A new viewer. Drop the shared_ptr to unsubscribe.
  std::shared_ptr<Subscription> subscribe(std::size_t capacity = 256) {
    auto s = std::make_shared<Subscription>(capacity);
    std::lock_guard lock(mu_);
    subs_.push_back(s);
    return s;
  }

  void publish(const T& item) {
    std::lock_guard lock(mu_);
    for (auto it = subs_.begin(); it != subs_.end();) {
      if (auto s = it->lock()) {
        if (!s->q_.push(item)) dropped_total_ += 1;
        ++it;
      } else {
        it = subs_.erase(it);
      }
    }
  }

  [[nodiscard]] std::uint64_t dropped_total() const {
    std::lock_guard lock(mu_);
    return dropped_total_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::weak_ptr<Subscription>> subs_;
  std::uint64_t dropped_total_ = 0;
};

}  // namespace odyo::acquisition
