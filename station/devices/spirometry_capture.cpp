#include <utility>  // first: Boost.Asio under GCC 12 -std=c++20

#include "station/devices/spirometry_capture.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <mutex>
#include <thread>

#include "acquisition/journal/journal_writer.hpp"
#include "acquisition/journal/sqlite_journal.hpp"
#include "drivers/transport/serial_transport.hpp"

namespace odyo::station {

Result<SpirometryCaptureOutcome> capture_spirometry(const SpirometryCaptureOptions& o) {
  drivers::IoError why;
  auto serial = drivers::parse_serial_uri(o.uri, &why);
  if (!serial) return make_error(why.code, why.message);
  if (o.uri.find("baud=") == std::string::npos) serial->baud_rate = o.device_profile.serial.baud;

  std::error_code ec;
  if (o.journal_file.has_parent_path())
    std::filesystem::create_directories(o.journal_file.parent_path(), ec);
  auto sink = acquisition::SqliteJournal::open(o.journal_file);
  if (!sink) return sink.error();
  acquisition::JournalWriter writer(**sink);
  writer.start();

  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread io_thread([&io] { io.run(); });
  const auto shut_down = [&] {
    guard.reset();
    io.stop();
    io_thread.join();
  };

  acquisition::FlowSession session(io, std::make_unique<drivers::SerialTransport>(io, *serial),
                                   drivers::FlowStreamDriver(o.device_profile), writer, o.meta);
  std::mutex log_mu;
  session.set_status_callback([&](const acquisition::SessionStatus& s) {
    if (!o.log) return;
    std::lock_guard lock(log_mu);
    o.log(std::string("[") + acquisition::to_string(s.state) + "] " + s.message);
  });
  if (auto st = session.start(); !st) {
    shut_down();
    writer.stop();
    return st.error();
  }

  SpirometryCaptureOutcome out;
  acquisition::ManoeuvreSegmenter segmenter;
  const auto drain = [&] {
    while (auto block = session.analysis_queue().pop()) {
      out.samples += block->samples.size();
      segmenter.push(block->samples, out.manoeuvres);
    }
  };
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(o.seconds);
  while (std::chrono::steady_clock::now() < until) {
    drain();
    if (o.enough && o.enough(out.manoeuvres.size())) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  session.stop();
  drain();
  segmenter.end_of_stream(out.manoeuvres);
  writer.flush();
  out.counters = session.counters();
  out.journal_session = session.journal_session_id();
  shut_down();
  writer.stop();
  return out;
}

}  // namespace odyo::station
