#include "tools/devsim/spiro_sim.hpp"

#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "drivers/codec/flow_stream.hpp"
#include "drivers/profile/toml_tree.hpp"

namespace odyo::devsim {

SpiroSimulator::SpiroSimulator(profile::FlowStreamProfile profile, FlowScript script,
                               std::filesystem::path link, SpiroFaults faults)
    : profile_(std::move(profile)),
      script_(std::move(script)),
      pty_(std::move(link)),
      faults_(std::move(faults)) {}

SpiroSimulator::~SpiroSimulator() {
  stop();
}

bool SpiroSimulator::start(std::string* why) {
  if (!pty_.plug(why)) return false;
  stop_ = false;
  thread_ = std::thread([this] {
    run();
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    cpu_s_ = static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  });
  return true;
}

void SpiroSimulator::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  pty_.unplug();
}

void SpiroSimulator::silence() {
  silenced_ = true;
  while (thread_.joinable() && !silent_) std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

std::uint16_t SpiroSimulator::raw_at(std::int64_t index) const {
  return profile_.scaling.raw_for_flow_lps(script_.flow_lps(index));
}

std::vector<std::uint8_t> SpiroSimulator::sent_bytes() const {
  std::lock_guard lock(mu_);
  return sent_;
}

void SpiroSimulator::write_pending() {
  if (pending_.empty() || !pty_.plugged()) return;
  const ssize_t w = ::write(pty_.master_fd(), pending_.data(), pending_.size());
  if (w > 0) {
    std::lock_guard lock(mu_);
    sent_.insert(sent_.end(), pending_.begin(), pending_.begin() + w);
    pending_.erase(pending_.begin(), pending_.begin() + w);
  }
}

void SpiroSimulator::run() {
  using clock = std::chrono::steady_clock;
  const std::size_t spf = profile_.layout.samples_per_frame;
  const auto frame_period =
      std::chrono::duration<double>(static_cast<double>(spf) / profile_.sample_rate_hz);
  const auto t_start = clock::now();
  std::int64_t frame = 0;
  const auto& unplugs = script_.unplugs();
  std::size_t next_unplug = 0;
  while (!stop_) {
    const auto due = t_start + std::chrono::duration_cast<clock::duration>(
                                   frame_period * static_cast<double>(frame));
    std::this_thread::sleep_until(due);
    const std::int64_t first_index = frame * static_cast<std::int64_t>(spf);
    if (silenced_ || (faults_.stop_after_frames >= 0 && frame >= faults_.stop_after_frames)) {
      write_pending();
      if (silenced_ && pending_.empty()) silent_ = true;
      ++frame;  // the device went silent: keep the pty open, send nothing
      continue;
    }
    // Cable pulled: everything buffered in the pty is lost with it, like bytes in a cable.
    if (next_unplug < unplugs.size() && first_index >= unplugs[next_unplug].first_index) {
      const auto& u = unplugs[next_unplug];
      bytes_not_delivered_ += pending_.size();
      pending_.clear();
      pty_.unplug();
      ++unplugs_done_;
      const std::int64_t resume_frame =
          (u.first_index + u.samples + static_cast<std::int64_t>(spf) - 1) /
          static_cast<std::int64_t>(spf);
      const auto resume_at = t_start + std::chrono::duration_cast<clock::duration>(
                                           frame_period * static_cast<double>(resume_frame));
      while (!stop_ && clock::now() < resume_at)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      frame = resume_frame;
      ++next_unplug;
      if (!pty_.plug()) return;
      continue;
    }
    codec::FlowFrameOut out;
    out.sequence = profile_.layout.sequence_counts_samples ? static_cast<std::uint64_t>(first_index)
                                                           : static_cast<std::uint64_t>(frame);
    out.raw.reserve(spf);
    for (std::size_t k = 0; k < spf; ++k)
      out.raw.push_back(raw_at(first_index + static_cast<std::int64_t>(k)));
    auto bytes = codec::encode_flow_frame(profile_.layout, out);
    if (bytes) {
      auto b = std::move(bytes).value();
      if (faults_.bad_checksum_frames.count(frame) && !b.empty()) b.back() ^= 0x5A;
      if (faults_.garbage_before_frames.count(frame))
        pending_.insert(pending_.end(), {0x00, 0xFF, 0x13});
      pending_.insert(pending_.end(), b.begin(), b.end());
      ++frames_generated_;
    }
    write_pending();
    ++frame;
    frames_sent_ = frame;
  }
}

namespace {
template <typename T, typename F>
std::optional<T> load_profile(const std::filesystem::path& file, std::string* why, F parse) {
  toml::table t;
  try {
    t = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    if (why) *why = file.string() + ": " + std::string(e.description());
    return std::nullopt;
  }
  auto node = profile::to_profile_node(t);
  auto r = parse(node, file.filename().string());
  if (auto* e = std::get_if<profile::ProfileError>(&r)) {
    if (why) *why = profile::format(*e, file.string());
    return std::nullopt;
  }
  return std::get<T>(std::move(r));
}
}  // namespace

std::optional<profile::FlowStreamProfile> load_flow_stream_profile(
    const std::filesystem::path& file, std::string* why) {
  return load_profile<profile::FlowStreamProfile>(
      file, why, [](const profile::ProfileNode& n, std::string_view s) {
        return profile::parse_flow_stream_profile(n, s);
      });
}

std::optional<profile::FippProfile> load_fipp_profile(const std::filesystem::path& file,
                                                      std::string* why) {
  return load_profile<profile::FippProfile>(file, why,
                                            [](const profile::ProfileNode& n, std::string_view s) {
                                              return profile::parse_fipp_profile(n, s);
                                            });
}

}  // namespace odyo::devsim
