#pragma once
// Shared set-up of the pty integration tests: a temporary folder, the shipped serial flow-stream
// profile (config/devices/sfm3000-serial.toml), an io_context thread, a journal.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <memory>
#include <thread>
#include <utility>

#include <gtest/gtest.h>

#include "acquisition/journal/journal_writer.hpp"
#include "acquisition/journal/sqlite_journal.hpp"
#include "acquisition/session/flow_session.hpp"
#include "drivers/transport/serial_transport.hpp"
#include "tools/devsim/spiro_sim.hpp"

namespace odyo::simtest {

inline std::filesystem::path make_temp_dir(const char* tag) {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / (std::string("odyo-") + tag + "-XXXXXX")).string();
  char* d = ::mkdtemp(tmpl.data());
  return d ? std::filesystem::path(d) : std::filesystem::path();
}

inline profile::FlowStreamProfile serial_profile() {
  std::string why;
  auto p = devsim::load_flow_stream_profile(
      std::filesystem::path(ODYO_SOURCE_DIR) / "config/devices/sfm3000-serial.toml", &why);
  if (!p) ADD_FAILURE() << why;
  return p ? *p : profile::FlowStreamProfile{};
}

inline devsim::FlowScript script(const std::string& text, double rate_hz, bool loop = false) {
  std::string why;
  auto s = devsim::FlowScript::parse(text, rate_hz, loop, &why);
  if (!s) ADD_FAILURE() << why;
  return *s;
}

// One io_context run on its own thread (the station's I/O thread).
struct IoThread {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  std::thread thread{[this] { io.run(); }};
  ~IoThread() {
    guard.reset();
    io.stop();
    thread.join();
  }
};

// Drains a session's analysis queue into one vector of samples.
inline void drain(acquisition::FlowSession& s, std::vector<acquisition::TimedFlowSample>& into) {
  while (auto b = s.analysis_queue().pop())
    into.insert(into.end(), b->samples.begin(), b->samples.end());
}

template <typename Pred>
bool wait_for(Pred p, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (p()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return p();
}

}  // namespace odyo::simtest
