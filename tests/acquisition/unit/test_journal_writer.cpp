// JournalWriter + SqliteJournal: batches committed off the caller's thread within the interval;
// a failing sink loses nothing (the batch is retried) and the error is kept for the user.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "acquisition/journal/journal_writer.hpp"
#include "acquisition/journal/sqlite_journal.hpp"

using namespace odyo;
using namespace odyo::acquisition;
using namespace std::chrono_literals;

namespace {
std::filesystem::path temp_file(const char* name) {
  auto d = std::filesystem::temp_directory_path() / ("odyo-jw-" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  auto f = d / name;
  std::filesystem::remove(f);
  return f;
}
RawChunk chunk(std::int64_t sid, std::uint64_t seq) {
  RawChunk c;
  c.session_id = sid;
  c.sequence = seq;
  c.bytes = {static_cast<std::uint8_t>(seq), 0xA5, 0x5A};
  return c;
}

// A sink that fails its first two commits (disk full), then works.
class FlakySink : public JournalSink {
 public:
  int failures_left = 2;
  std::vector<RawChunk> staged, durable;
  Result<std::int64_t> begin_session(const SessionMeta&) override { return std::int64_t{1}; }
  Result<void> append(const RawChunk& c) override {
    staged.push_back(c);
    return {};
  }
  Result<void> append_event(const JournalEvent&) override { return {}; }
  Result<void> commit() override {
    if (failures_left > 0) {
      --failures_left;
      return make_error("journal_write_failed", "disk full: free space on the journal's disk");
    }
    durable.insert(durable.end(), staged.begin(), staged.end());
    staged.clear();
    return {};
  }
  void rollback() override { staged.clear(); }
};
}  // namespace

TEST(JournalWriter, CommitsWithinTheIntervalAndReadsBack) {
  const auto file = temp_file("a.db");
  auto j = SqliteJournal::open(file);
  ASSERT_TRUE(j.ok()) << j.error().message;
  JournalWriter w(**j, 50ms);
  auto sid = w.begin_session({"spiro-1", "flowstream", "serial:/dev/x", "p", "W"});
  ASSERT_TRUE(sid.ok());
  std::vector<CommittedMark> marks;
  std::mutex mu;
  w.set_commit_listener([&](const std::vector<CommittedMark>& m) {
    std::lock_guard lock(mu);
    marks.insert(marks.end(), m.begin(), m.end());
  });
  w.start();
  for (std::uint64_t s = 0; s < 5; ++s) w.submit(chunk(*sid, s));
  // Durable within the 100 ms the issue allows (interval 50 ms), without any flush call.
  std::this_thread::sleep_for(100ms);
  {
    std::lock_guard lock(mu);
    ASSERT_FALSE(marks.empty());
    EXPECT_EQ(marks.back().last_sequence, 4u);
  }
  auto r = read_journal(file, *sid);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->chunks.size(), 5u);
  EXPECT_EQ(r->chunks[3].bytes, (std::vector<std::uint8_t>{3, 0xA5, 0x5A}));
  w.stop();
}

TEST(JournalWriter, FailingSinkLosesNothingAndReportsTheError) {
  FlakySink sink;
  JournalWriter w(sink, 10ms);
  w.start();
  for (std::uint64_t s = 0; s < 3; ++s) w.submit(chunk(1, s));
  std::this_thread::sleep_for(15ms);
  for (std::uint64_t s = 3; s < 6; ++s) w.submit(chunk(1, s));
  ASSERT_TRUE(w.flush(2s));
  w.stop();
  ASSERT_EQ(sink.durable.size(), 6u);
  for (std::uint64_t s = 0; s < 6; ++s) EXPECT_EQ(sink.durable[s].sequence, s);
  EXPECT_GE(w.stats().failed_commits, 1u);
}

TEST(SqliteJournal, UnwritableFolderIsAClearError) {
  auto j = SqliteJournal::open("/nonexistent-folder/journal.db");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error().code, "journal_open_failed");
  EXPECT_NE(j.error().message.find("/nonexistent-folder/journal.db"), std::string::npos);
}
