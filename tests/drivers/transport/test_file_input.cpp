// The one bounded reader of input files (issue 12, item 8): "an input size limit on every file
// read" — `--input /dev/zero` used to read forever.
#include "drivers/transport/file_input.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace {

using odyo::drivers::read_file_bounded;

class FileInput : public ::testing::Test {
 protected:
  std::filesystem::path dir;
  void SetUp() override {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() / ("odyo-file-input-" + std::to_string(rd()));
    std::filesystem::create_directories(dir);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

TEST_F(FileInput, ReadsAWholeFile) {
  const auto f = dir / "a.csv";
  std::ofstream(f, std::ios::binary) << std::string("0.1\n0.2\n\0x", 10);
  std::string out;
  ASSERT_TRUE(read_file_bounded(f, out).ok());
  EXPECT_EQ(out, std::string("0.1\n0.2\n\0x", 10));
  // Exactly at the limit is allowed; one byte more is not.
  ASSERT_TRUE(read_file_bounded(f, out, 10).ok());
  auto r = read_file_bounded(f, out, 9);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "input_too_large");
  EXPECT_TRUE(out.empty());
}

TEST_F(FileInput, EndlessDeviceStopsAtTheLimitNamingFileAndLimit) {
  std::string out;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = read_file_bounded("/dev/zero", out, 1024 * 1024);
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "input_too_large");
  EXPECT_NE(r.error().message.find("/dev/zero"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("limit of 1 MiB"), std::string::npos) << r.error().message;
  EXPECT_TRUE(out.empty());
  EXPECT_LT(took, std::chrono::seconds(10));
  // With the default limit (64 MiB) too.
  r = read_file_bounded("/dev/zero", out);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("limit of 64 MiB"), std::string::npos) << r.error().message;
}

TEST_F(FileInput, LargeRegularFileIsRefusedBeforeReading) {
  const auto f = dir / "big.csv";
  {
    std::ofstream o(f, std::ios::binary);
    o.seekp(static_cast<std::streamoff>(odyo::drivers::kMaxInputFileBytes));
    o.put('x');  // a sparse file one byte over the limit
  }
  std::string out;
  auto r = read_file_bounded(f, out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "input_too_large");
  EXPECT_NE(r.error().message.find(f.string()), std::string::npos);
  EXPECT_NE(r.error().message.find("64 MiB"), std::string::npos) << r.error().message;
}

TEST_F(FileInput, MissingFileAndFolder) {
  std::string out;
  auto r = read_file_bounded(dir / "nope.json", out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "input_missing");
  EXPECT_NE(r.error().message.find("nope.json"), std::string::npos);
  r = read_file_bounded(dir, out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "input_missing");
  EXPECT_NE(r.error().message.find("is a folder"), std::string::npos) << r.error().message;
}

TEST_F(FileInput, AFifoWithoutEndIsCutAtTheLimit) {
  const auto fifo = dir / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // a writer that never stops (until the reader is gone)
    std::ofstream w(fifo, std::ios::binary);
    const std::string block(4096, 'y');
    while (w.write(block.data(), static_cast<std::streamsize>(block.size()))) {
    }
    ::_exit(0);
  }
  std::string out;
  auto r = read_file_bounded(fifo, out, 256 * 1024);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "input_too_large");
  int status = 0;
  ::waitpid(child, &status, 0);
}

}  // namespace
