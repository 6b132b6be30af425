// bench_export --url CONNINFO [--exams 10000] [--batch 200]: a new station database in a
// temporary folder (tools/big_station, plain) with N spirometry exams whose results carry the
// stored payload form; the first is signed through `exam sign`'s path with the outbox hook (its
// outbox row is the real central message), the others get the same message with their own exam
// id and message id (signing 10 000 results one by one costs a key derivation each, which is not
// what is measured). Then
// `send_outbox` runs until the outbox is empty and the wall time of that is printed, with the rows
// the central database holds afterwards. The target database should be empty (or hold other
// stations only).
#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "station/auth/signing.hpp"
#include "station/export/outbox.hpp"
#include "station/records/exams.hpp"
#include "station/records/workers.hpp"
#include "station/storage/database.hpp"
#include "station/storage/hash.hpp"
#include "station/storage/users.hpp"
#include "tests/station/export/export_samples.hpp"
#include "tools/big_station/big_station.hpp"

using namespace odyo::station;

namespace {

int fail(const std::string& what) {
  std::cerr << "bench_export: " << what << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Outbox → central PostgreSQL benchmark"};
  std::string url;
  int exams = 10000;
  std::size_t batch = 200;
  std::string station_id = "BENCH";
  app.add_option("--url", url, "libpq connection string of the central database")->required();
  app.add_option("--exams", exams, "How many signed exams")->check(CLI::Range(1, 1000000));
  app.add_option("--batch", batch, "Messages per receiver transaction");
  app.add_option("--station-id", station_id, "[export].station_id of the generated station");
  CLI11_PARSE(app, argc, argv);

  std::random_device rd;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("odyo-bench-export-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  struct Cleanup {
    std::filesystem::path p;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(p, ec);
    }
  } cleanup{dir};

  auto opened = Database::open(dir / "bench.db");
  if (!opened) return fail(opened.error().message);
  Database& db = **opened;
  ExportConfig cfg = odyo::test::export_config();
  cfg.station_id = station_id;
  OutboxSettings out;
  out.destinations.push_back({"office-pg", "postgresql", url});

  // The station (tools/big_station, plain): the first exam signed with the outbox hook, the
  // others unsigned copies; each gets the first one's central message with its own exam id and
  // message id.
  const auto t_setup = std::chrono::steady_clock::now();
  odyo::tools::BigStationOptions bo;
  bo.exams = exams;
  bo.awaiting = exams - 1;
  auto made = odyo::tools::make_big_station(db, bo, [&](Database& d, const SignOutcome& s) {
    return outbox_on_sign(cfg, out, 1, odyo::tools::kBigPhysician, "tr")(d, s);
  });
  if (!made) return fail(made.error().message);
  auto tmpl = db.prepare("SELECT payload, signature_id FROM outbox");
  if (!tmpl || !*tmpl->step()) return fail("no outbox row after signing");
  nlohmann::json message = nlohmann::json::parse(tmpl->text(0));
  const auto signature_id = tmpl->int64(1);
  {
    auto tx = Transaction::begin(db);
    if (!tx) return fail(tx.error().message);
    auto ins = db.prepare(
        "INSERT INTO outbox(result_id,signature_id,destination,kind,message_id,payload,"
        "payload_sha256,created_at,created_by) VALUES (?,?,?,?,?,?,?,?,?)");
    if (!ins) return fail(ins.error().message);
    auto results = db.prepare("SELECT id, exam_id FROM results WHERE exam_id > 1 ORDER BY id");
    if (!results) return fail(results.error().message);
    for (;;) {
      auto row = results->step();
      if (!row) return fail(row.error().message);
      if (!*row) break;
      const auto r = results->int64(0), e = results->int64(1);
      message["exam_id"] = e;
      message["message_id"] = station_id + "-E" + std::to_string(e) + "-V1";
      const std::string text = message.dump();
      ins->reset();
      ins->bind(1, r).bind(2, signature_id).bind(3, "office-pg").bind(4, "postgresql");
      ins->bind(5, message["message_id"].get<std::string>()).bind(6, text);
      ins->bind(7, sha256_hex(text)).bind(8, utc_now_iso()).bind(9, "hekim");
      if (auto run = ins->run(); !run) return fail(run.error().message);
    }
    if (auto c = tx->commit(); !c) return fail(c.error().message);
  }
  const double setup_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_setup).count();

  SendOptions o;
  o.actor = "hekim";
  o.batch_size = batch;
  o.until_empty = true;
  o.timeout = std::chrono::minutes(10);
  const auto t0 = std::chrono::steady_clock::now();
  auto rep = send_outbox(db, out, o);
  const double send_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!rep) return fail(rep.error().message);
  for (const auto& u : rep->unreachable)
    std::cerr << u.destination << ": " << u.why.message << "\n";
  std::cout << "exams: " << exams << " (setup " << setup_s << " s)\n"
            << "delivered: " << rep->delivered << ", retried: " << rep->retried
            << ", rejected: " << rep->rejected << ", still pending: " << rep->still_pending << "\n"
            << "send: " << send_s << " s, " << (exams / send_s) << " exams/s (batch " << batch
            << ")\n";
  return rep->delivered == exams ? 0 : 1;
}
