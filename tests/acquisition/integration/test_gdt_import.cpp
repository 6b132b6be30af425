// GDT folder import: the real folder watcher and importer against the GDT writer simulator.
// Each file is journaled (durably) before parsing, archived only when stored, rejected with a
// reason file when bad; nothing is deleted.
#include <fstream>

#include "acquisition/devices/gdt_import.hpp"
#include "tests/acquisition/integration/sim_fixture.hpp"
#include "tools/devsim/gdt_writer.hpp"

using namespace odyo;
using namespace std::chrono_literals;

namespace {

struct GdtRig {
  std::filesystem::path dir = simtest::make_temp_dir("gdt");
  std::filesystem::path inbox = dir / "inbox";
  std::unique_ptr<acquisition::SqliteJournal> sink;
  std::unique_ptr<acquisition::JournalWriter> writer;
  std::unique_ptr<acquisition::GdtImporter> importer;
  std::mutex mu;
  std::vector<codec::gdt::Record> stored;

  GdtRig() {
    std::filesystem::create_directories(inbox);
    auto j = acquisition::SqliteJournal::open(dir / "journal.db");
    EXPECT_TRUE(j.ok());
    sink = std::move(*j);
    writer = std::make_unique<acquisition::JournalWriter>(*sink, 20ms);
    writer->start();
    acquisition::GdtImportOptions o;
    o.inbox = inbox;
    o.settle = 200ms;
    o.incomplete_grace = 3s;
    importer = std::make_unique<acquisition::GdtImporter>(
        *writer, acquisition::SessionMeta{"gdt-1", "gdt", "gdt:" + inbox.string(), "", ""}, o);
    auto st = importer->start(
        [this](const codec::gdt::Record& r, const std::filesystem::path&) -> Result<void> {
          std::lock_guard lock(mu);
          stored.push_back(r);
          return {};
        });
    EXPECT_TRUE(st.ok());
  }
  ~GdtRig() {
    importer.reset();
    writer.reset();
    sink.reset();
    std::filesystem::remove_all(dir);
  }
  std::size_t n_stored() {
    std::lock_guard lock(mu);
    return stored.size();
  }
};

codec::Bytes read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return codec::Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

TEST(GdtImport, AtomicFileIsJournaledStoredAndArchived) {
  GdtRig rig;
  const auto bytes = devsim::make_gdt_result("4711", "Öztürk", {{"FEV1", "FEV1", "3.52", "L"}});
  ASSERT_FALSE(bytes.empty());
  ASSERT_TRUE(devsim::write_gdt_file(rig.inbox, "ODYOSPIRSPIRO001.GDT", bytes,
                                     devsim::GdtWriteMode::atomic));
  ASSERT_TRUE(simtest::wait_for([&] { return rig.importer->counters().imported == 1; }, 3s));
  {
    std::lock_guard lock(rig.mu);
    EXPECT_EQ(rig.stored[0].get(3000), "4711");
    EXPECT_EQ(rig.stored[0].get(3101), "Öztürk");  // CP437 bytes 99 .. 81 decoded to UTF-8
    ASSERT_EQ(rig.stored[0].tests.size(), 1u);
    EXPECT_EQ(rig.stored[0].tests[0].value, "3.52");
  }
  EXPECT_EQ(read_all(rig.inbox / "archive" / "ODYOSPIRSPIRO001.GDT"), bytes);
  EXPECT_FALSE(std::filesystem::exists(rig.inbox / "ODYOSPIRSPIRO001.GDT"));
  rig.writer->flush();
  auto j = acquisition::read_journal(rig.dir / "journal.db", 1);
  ASSERT_TRUE(j.ok());
  ASSERT_EQ(j->chunks.size(), 1u);
  EXPECT_EQ(j->chunks[0].bytes, bytes);
}

// Written in place in two halves with a pause longer than the settle time: the half file is
// offered, found incomplete (shorter than its 8100 total), retried, and imported once, whole.
TEST(GdtImport, HalfWrittenFileIsNotImportedUntilComplete) {
  GdtRig rig;
  const auto bytes = devsim::make_gdt_result(
      "4712", "Yilmaz", {{"FVC", "FVC", "4.10", "L"}, {"FEV1", "FEV1", "3.20", "L"}});
  ASSERT_TRUE(devsim::write_gdt_file(rig.inbox, "ODYOSPIRSPIRO001.000", bytes,
                                     devsim::GdtWriteMode::in_place_two_halves, 700ms));
  ASSERT_TRUE(simtest::wait_for([&] { return rig.importer->counters().imported == 1; }, 4s));
  const auto c = rig.importer->counters();
  EXPECT_GE(c.retried, 1u) << "the half file should have been seen and put back";
  EXPECT_EQ(c.rejected, 0u);
  EXPECT_EQ(rig.n_stored(), 1u);
  EXPECT_EQ(read_all(rig.inbox / "archive" / "ODYOSPIRSPIRO001.000"), bytes);
}

// Wrong charset: 9206 = 1 (7-bit ASCII) but the surname is CP437 bytes; and an unknown 9206.
// Both are rejected with a reason file naming the problem; nothing is deleted; no crash.
TEST(GdtImport, WrongCharsetIsRejectedWithAReason) {
  GdtRig rig;
  auto build = [](const std::string& charset_value) {
    codec::Bytes body;
    for (auto& l : {devsim::gdt_line(9206, charset_value), devsim::gdt_line(3000, "4713"),
                    devsim::gdt_line(3101, std::string("\x99ztu\x81rk"))})
      body.insert(body.end(), l.begin(), l.end());
    // 8000 line (13 bytes) + 8100 line (14 bytes) + body.
    const std::size_t total = 13 + 14 + body.size();
    char t[8];
    std::snprintf(t, sizeof t, "%05zu", total);
    codec::Bytes f = devsim::gdt_line(8000, "6310");
    auto l8100 = devsim::gdt_line(8100, t);
    f.insert(f.end(), l8100.begin(), l8100.end());
    f.insert(f.end(), body.begin(), body.end());
    return f;
  };
  ASSERT_TRUE(devsim::write_gdt_file(rig.inbox, "A.GDT", build("1"), devsim::GdtWriteMode::atomic));
  ASSERT_TRUE(devsim::write_gdt_file(rig.inbox, "B.GDT", build("7"), devsim::GdtWriteMode::atomic));
  ASSERT_TRUE(simtest::wait_for([&] { return rig.importer->counters().rejected == 2; }, 3s));
  EXPECT_EQ(rig.n_stored(), 0u);
  for (const char* f : {"A.GDT", "B.GDT"}) {
    EXPECT_TRUE(std::filesystem::exists(rig.inbox / "rejected" / f)) << f << " must be kept";
    std::ifstream r(rig.inbox / "rejected" / (std::string(f) + ".reason.txt"));
    std::string reason((std::istreambuf_iterator<char>(r)), std::istreambuf_iterator<char>());
    EXPECT_NE(reason.find(f), std::string::npos) << reason;
  }
  const auto c = rig.importer->counters();
  ASSERT_EQ(c.errors.size(), 2u);
}

TEST(GdtImport, MissingFolderIsAClearError) {
  auto dir = simtest::make_temp_dir("gdt-missing");
  auto j = acquisition::SqliteJournal::open(dir / "j.db");
  ASSERT_TRUE(j.ok());
  acquisition::JournalWriter w(**j);
  acquisition::GdtImportOptions o;
  o.inbox = dir / "nope";
  acquisition::GdtImporter imp(w, {"gdt-1", "gdt", "gdt:" + o.inbox.string(), "", ""}, o);
  auto st = imp.start({});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "not_found");
  EXPECT_NE(st.error().message.find("nope"), std::string::npos);
  std::filesystem::remove_all(dir);
}
