// record_audiometry_exam on a real SQLite file: which automated exams may become the worker's
// baseline, and an audiogram from a result-sending device wrapped in a SearchResult (no
// presentation made by the station) is stored as imported.
#include "station/exams/audiometry_exam.hpp"

#include <gtest/gtest.h>

#include "station/config/config.hpp"
#include "station/records/audiometric_baselines.hpp"
#include "station/records/exams.hpp"
#include "station/storage/database.hpp"
#include "tests/station/support/station_fixture.hpp"

namespace odyo::station {
namespace {

namespace au = audiometry;

class AudiometryExam : public ::testing::Test {
 protected:
  odyo::test::TempDir dir;
  std::unique_ptr<Database> db;
  StationConfig cfg;
  Worker worker;

  void SetUp() override {
    auto d = Database::open(dir / "s.db");
    ASSERT_TRUE(d.ok()) << d.error().message;
    db = std::move(*d);
    auto c = load_config(std::string(ODYO_SOURCE_DIR) + "/config/station.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    cfg = *c;
    ASSERT_TRUE(db->exec("INSERT INTO workers(registry_no,tc_kimlik,first_name,last_name,"
                         "birth_date,sex,height_cm,weight_kg,establishment,job_code,work_group,"
                         "created_at,created_by) VALUES ('W1','10000000146','Ali','Kaya',"
                         "'1980-06-15','M',175,80,'Kozlu','YA-PANO-01',1,'2026-01-01','t')")
                    .ok());
    auto w = find_worker(*db, "W1");
    ASSERT_TRUE(w.ok()) << w.error().message;
    worker = *w;
  }

  // Every frequency of the search at `level` dB HL, provenance `p`.
  static au::SearchResult search(int level, au::Provenance p = au::Provenance::automated) {
    au::SearchResult s;
    for (au::Ear e : {au::Ear::right, au::Ear::left}) {
      for (int hz : {250, 500, 1000, 2000, 3000, 4000, 6000, 8000}) {
        au::ThresholdPoint pt;
        pt.level_db_hl = level;
        pt.provenance = p;
        s.audiogram.ear(e).air[hz] = pt;
      }
    }
    s.complete = true;
    s.presentations = p == au::Provenance::automated ? 200 : 0;
    return s;
  }
  Result<RecordedExam> record(const au::SearchResult& s, const std::string& date) {
    return record_audiometry_exam(*db, cfg, worker, s, {"audio-sim", date, "t", ""}, "t");
  }
  std::size_t baselines() { return list_baselines(*db, worker.id)->size(); }
};

TEST_F(AudiometryExam, AnUnreliableOrUnfinishedSearchIsNotABaseline) {
  auto unreliable = search(10);
  unreliable.listener.unreliable = true;
  auto r = record(unreliable, "2020-01-10");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->payload["baseline"]["accepted"], false);
  EXPECT_EQ(r->payload["baseline"]["not_accepted_because"],
            "the listener was flagged unreliable (false alarms)");
  EXPECT_EQ(baselines(), 0u);

  auto aborted = search(10);
  aborted.aborted = true;
  r = record(aborted, "2020-01-11");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->payload["baseline"]["accepted"], false);
  EXPECT_EQ(baselines(), 0u);

  // The first reliable, finished search is the baseline; its points stay "automated".
  r = record(search(10), "2020-01-12");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->payload["baseline"]["established_by_this_exam"], true);
  EXPECT_EQ(r->payload["procedure"], "automated modified Hughson-Westlake (ISO 8253-1, ASHA 2005)");
  EXPECT_EQ(r->payload["audiogram"]["left"]["4000"]["provenance"], "automated");
  auto rows = list_baselines(*db, worker.id);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().exam_id, r->exam_id);
  EXPECT_EQ(rows->front().result_id, r->result_id);
  EXPECT_EQ(rows->front().kind, "initial");
}

TEST_F(AudiometryExam, ImprovementOnTheLatestTwoIsProposedNotApplied) {
  ASSERT_TRUE(record(search(30), "2015-01-10").ok());
  // 30 → 15 dB at 2/3/4 kHz: a mean improvement of 15 dB ≥ 10, on one audiogram: not yet.
  auto r = record(search(15), "2016-01-10");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->payload["baseline_revision"]["right"]["reason"], "none");
  EXPECT_DOUBLE_EQ(r->payload["sts"]["right"]["mean_shift_db"].get<double>(), -15.0);
  // On the latest two: improvement; both at 15 dB → the latest (this one), both ears.
  r = record(search(15), "2017-01-10");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->payload["baseline_revision"]["left"]["reason"], "improvement");
  EXPECT_EQ(r->payload["baseline_revision"]["left"]["proposed"], true);
  EXPECT_EQ(r->payload["baseline_revision"]["right"]["new_baseline_exam_id"], "this exam");
  // A proposal: the baseline itself moves only when a physician decides (OSHA 1910.95(g)(9)).
  auto rows = list_baselines(*db, worker.id);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].kind, "initial");
  // So the next exam is still compared with the first baseline: 30 → 15, shift −15.
  r = record(search(15), "2018-01-10");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_DOUBLE_EQ(r->payload["sts"]["right"]["mean_shift_db"].get<double>(), -15.0);
}

TEST_F(AudiometryExam, ADeviceAudiogramWrappedInASearchResultIsStoredAsImported) {
  auto r = record(search(20, au::Provenance::imported), "2020-01-10");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->payload["procedure"], "imported audiogram");
  EXPECT_EQ(r->payload["provenance"], "imported");
  EXPECT_FALSE(r->payload.contains("search"));
  EXPECT_EQ(r->payload["baseline"]["established_by_this_exam"], true);
}

}  // namespace
}  // namespace odyo::station
