#include "station/export/outbox.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "analysis/core/error_text.hpp"
#include "station/exams/exam_record.hpp"
#include "station/export/central_pg.hpp"
#include "station/export/exam_export.hpp"
#include "station/export/fhir_bundle.hpp"
#include "station/export/fhir_sender.hpp"
#include "station/export/hl7_oru.hpp"
#include "station/export/mllp_sender.hpp"
#include "station/export/pdf_report.hpp"
#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/hash.hpp"
#include "station/surveillance/statistics.hpp"

namespace odyo::station {
namespace {

using Clock = std::chrono::system_clock;

// The station's stored-time format (utc_now_iso): "2026-11-23T14:05:09.123Z"; such texts
// compare in time order.
std::string iso_at(Clock::time_point t) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

// Back from iso_at ("" or unreadable: now).
Clock::time_point parse_iso(const std::string& iso) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) < 6)
    return Clock::now();
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return Clock::from_time_t(timegm(&tm)) + std::chrono::milliseconds(ms);
}

Result<void> queue_one(Database& db, const ExportDestination& d, const SignOutcome& s,
                       const std::string& message_id, const std::string& payload,
                       const std::string& actor) {
  auto ins = db.prepare(
      "INSERT OR IGNORE INTO outbox(result_id,signature_id,destination,kind,message_id,payload,"
      "payload_sha256,created_at,created_by) VALUES (?,?,?,?,?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, s.result_id).bind(2, s.signature_id).bind(3, d.id).bind(4, d.kind);
  ins->bind(5, message_id).bind(6, payload).bind(7, sha256_hex(payload));
  ins->bind(8, utc_now_iso()).bind(9, actor);
  if (auto r = ins->run(); !r) return r.error();
  if (db.changes() == 0) return {};  // a second signature of the same result: already queued
  const auto id = db.last_insert_id();
  nlohmann::json details{{"destination", d.id},
                         {"kind", d.kind},
                         {"message_id", message_id},
                         {"result_id", s.result_id}};
  if (auto r = audit_append(db, {actor, "export.queue", "outbox", id, details.dump()}); !r)
    return r.error();
  return {};
}

// Appends an attempt row unless the row was finished meanwhile (another sender delivered it).
Result<bool> record_attempt(Database& db, std::int64_t outbox_id, const char* outcome,
                            const std::string& message, const std::optional<std::string>& next_at,
                            const std::string& actor, bool only_if_pending) {
  auto last = db.prepare(
      "SELECT seq, outcome FROM outbox_attempts WHERE outbox_id = ? ORDER BY seq DESC LIMIT 1");
  if (!last) return last.error();
  last->bind(1, outbox_id);
  auto r = last->step();
  if (!r) return r.error();
  int seq = 1;
  if (*r) {
    seq = static_cast<int>(last->int64(0)) + 1;
    const std::string o = last->text(1);
    if (only_if_pending && (o == "delivered" || o == "rejected")) return false;
  }
  auto ins = db.prepare(
      "INSERT INTO outbox_attempts(outbox_id,seq,at,outcome,message,next_at,actor) VALUES "
      "(?,?,?,?,?,?,?)");
  if (!ins) return ins.error();
  ins->bind(1, outbox_id).bind(2, seq).bind(3, utc_now_iso()).bind(4, outcome);
  ins->bind(5, message).bind(6, next_at).bind(7, actor);
  if (auto w = ins->run(); !w) return w.error();
  return true;
}

const char* outcome_name(Delivery::Outcome o) {
  switch (o) {
    case Delivery::Outcome::delivered:
      return "delivered";
    case Delivery::Outcome::rejected:
      return "rejected";
    case Delivery::Outcome::retry:
      break;
  }
  return "retry";
}

// The due rows of one destination (pending, and past their retry time), oldest first.
std::vector<const OutboxEntry*> due_rows(const std::vector<OutboxEntry>& all,
                                         const std::string& destination, const std::string& now) {
  std::vector<const OutboxEntry*> due;
  for (const auto& e : all) {
    if (e.destination != destination || e.state != OutboxState::pending) continue;
    if (e.next_at && *e.next_at > now) continue;
    due.push_back(&e);
  }
  return due;
}

Result<std::vector<OutboxMessage>> load_messages(Database& db,
                                                 const std::vector<const OutboxEntry*>& rows,
                                                 std::size_t from, std::size_t n) {
  std::vector<OutboxMessage> out;
  auto st = db.prepare("SELECT message_id, payload, payload_sha256 FROM outbox WHERE id = ?");
  if (!st) return st.error();
  for (std::size_t i = from; i < std::min(rows.size(), from + n); ++i) {
    st->reset();
    st->bind(1, rows[i]->id);
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) continue;
    out.push_back({rows[i]->id, st->text(0), st->text(1), st->text(2)});
  }
  return out;
}

}  // namespace

std::chrono::milliseconds retry_delay(const OutboxSettings& cfg, int n) {
  const double exponent = std::min(std::max(n - 1, 0), 40);
  const double s = std::min(cfg.retry_max_s, cfg.retry_initial_s * std::pow(2.0, exponent));
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(s * 1000.0)));
}

InSignTransaction outbox_on_sign(const ExportConfig& cfg, const OutboxSettings& outbox,
                                 std::int64_t exam_id, std::string actor,
                                 std::string report_language) {
  return [&cfg, &outbox, exam_id, actor = std::move(actor),
          report_language = std::move(report_language)](Database& db,
                                                        const SignOutcome& s) -> Result<void> {
    if (outbox.destinations.empty()) return {};
    auto rec = load_exam_record(db, exam_id);
    if (!rec) return rec.error();
    auto x = prepare_export(*rec, cfg);
    if (!x) {
      return make_errorf("export_queue",
                         "the signed result cannot be queued for export, so it was not signed: "
                         "{}",
                         x.error());
    }
    // The report's PDF rides in the FHIR Bundle (DiagnosticReport.presentedForm): made once, by
    // the code of `export pdf`, in the station's language, only when a FHIR destination wants it.
    std::optional<std::string> pdf;
    const i18n::Catalog& language = i18n::catalog(report_language);
    for (const auto& d : outbox.destinations) {
      std::string payload;
      if (d.kind == "postgresql") {
        auto stats = surveillance::central_statistics_block(db, exam_id);
        if (!stats) return stats.error();
        payload = central_pg_message(*rec, *x, cfg, *stats);
      }
      if (d.kind == "fhir") {
        if (!pdf) {
          auto made = exam_report_pdf(db, *rec, *x, language);
          if (!made) {
            return make_errorf("export_queue",
                               "the report PDF for destination {} cannot be made, so the result "
                               "was not signed: {}",
                               d.id, made.error());
          }
          pdf = std::move(*made);
        }
        payload = fhir_bundle(*x, cfg, *pdf, language.language());
      }
      if (d.kind == "hl7") payload = hl7_oru_r01(*x, cfg);
      if (payload.empty()) {
        return make_errorf("export_queue", "destination {}: no message format for kind {}", d.id,
                           d.kind);
      }
      if (auto r = queue_one(db, d, s, x->id_prefix, payload, actor); !r) return r.error();
    }
    return {};
  };
}

const char* outbox_state_name(OutboxState s) {
  switch (s) {
    case OutboxState::delivered:
      return "delivered";
    case OutboxState::rejected:
      return "rejected";
    case OutboxState::pending:
      break;
  }
  return "pending";
}

Result<std::vector<OutboxEntry>> outbox_entries(Database& db) {
  auto st = db.prepare(
      "SELECT o.id, o.result_id, r.exam_id, r.version, o.destination, o.kind, o.message_id, "
      "o.created_at, a.outcome, a.at, a.message, a.next_at, "
      "(SELECT count(*) FROM outbox_attempts c WHERE c.outbox_id = o.id AND c.outcome <> "
      "'resend'), "
      "(SELECT count(*) FROM outbox_attempts c WHERE c.outbox_id = o.id AND c.outcome = 'retry' "
      " AND c.seq > coalesce((SELECT max(seq) FROM outbox_attempts z WHERE z.outbox_id = o.id "
      " AND z.outcome = 'resend'), 0)) "
      "FROM outbox o JOIN results r ON r.id = o.result_id "
      "LEFT JOIN outbox_attempts a ON a.outbox_id = o.id AND a.seq = (SELECT max(seq) FROM "
      "outbox_attempts m WHERE m.outbox_id = o.id) "
      "ORDER BY o.id");
  if (!st) return st.error();
  std::vector<OutboxEntry> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    OutboxEntry e;
    e.id = st->int64(0);
    e.result_id = st->int64(1);
    e.exam_id = st->int64(2);
    e.result_version = static_cast<int>(st->int64(3));
    e.destination = st->text(4);
    e.kind = st->text(5);
    e.message_id = st->text(6);
    e.created_at = st->text(7);
    const auto outcome = st->opt_text(8);
    if (outcome && *outcome == "delivered") e.state = OutboxState::delivered;
    if (outcome && *outcome == "rejected") e.state = OutboxState::rejected;
    e.last_at = st->opt_text(9).value_or("");
    e.last_message = st->opt_text(10).value_or("");
    if (outcome && *outcome == "retry") e.next_at = st->opt_text(11);
    e.attempts = static_cast<int>(st->int64(12));
    e.retries_since_send = static_cast<int>(st->int64(13));
    out.push_back(std::move(e));
  }
  return out;
}

Result<OutboxStatus> outbox_status(Database& db, const OutboxSettings* cfg) {
  auto all = outbox_entries(db);
  if (!all) return all.error();
  OutboxStatus s;
  if (cfg != nullptr) {
    for (const auto& d : cfg->destinations) s.destinations.push_back({d.id, d.kind, true});
  }
  for (const auto& e : *all) {
    auto it = std::find_if(s.destinations.begin(), s.destinations.end(),
                           [&](const DestinationCounts& c) { return c.id == e.destination; });
    if (it == s.destinations.end()) {
      s.destinations.push_back({e.destination, e.kind, false});
      it = s.destinations.end() - 1;
    }
    switch (e.state) {
      case OutboxState::pending:
        ++it->pending;
        s.pending.push_back(e);
        break;
      case OutboxState::delivered:
        ++it->delivered;
        break;
      case OutboxState::rejected:
        ++it->rejected;
        s.rejected.push_back(e);
        break;
    }
  }
  return s;
}

Result<OutboxEntry> outbox_retry(Database& db, std::int64_t outbox_id, const std::string& actor) {
  auto tx = Transaction::begin(db);
  if (!tx) return tx.error();
  auto all = outbox_entries(db);
  if (!all) return all.error();
  const auto it = std::find_if(all->begin(), all->end(),
                               [&](const OutboxEntry& e) { return e.id == outbox_id; });
  if (it == all->end()) {
    return make_errorf("outbox_unknown", "no outbox message {} (see `odyospiro export status`)",
                       outbox_id);
  }
  if (it->state != OutboxState::rejected) {
    const Error state =
        it->state == OutboxState::pending ? make_error({}, "pending") : make_error({}, "delivered");
    return make_errorf("outbox_not_rejected",
                       "outbox message {} is {}, not rejected; only a rejected message is sent "
                       "again by hand (a pending one is retried by `odyospiro export send`)",
                       outbox_id, state);
  }
  if (auto r = record_attempt(db, outbox_id, "resend", "", std::nullopt, actor, false); !r)
    return r.error();
  const auto attempt_id = db.last_insert_id();
  nlohmann::json details{{"outbox_id", outbox_id},
                         {"destination", it->destination},
                         {"message_id", it->message_id},
                         {"rejected_because", it->last_message}};
  if (auto r =
          audit_append(db, {actor, "export.retry", "outbox_attempts", attempt_id, details.dump()});
      !r)
    return r.error();
  if (auto r = tx->commit(); !r) return r.error();
  OutboxEntry e = *it;
  e.state = OutboxState::pending;
  e.retries_since_send = 0;
  e.next_at.reset();
  return e;
}

std::unique_ptr<DestinationSender> make_destination_sender(const ExportDestination& d) {
  if (d.kind == "postgresql") return make_central_pg_sender(d);
  if (d.kind == "fhir") return make_fhir_sender(d);
  if (d.kind == "hl7") return make_mllp_sender(d);
  return nullptr;
}

Result<SendReport> send_outbox(Database& db, const OutboxSettings& cfg, const SendOptions& o) {
  if (!o.only_destination.empty() &&
      std::none_of(cfg.destinations.begin(), cfg.destinations.end(),
                   [&](const ExportDestination& d) { return d.id == o.only_destination; })) {
    return make_errorf("outbox_destination",
                       "no destination {} in [[export.destination]] of the configuration",
                       o.only_destination);
  }
  const auto started = std::chrono::steady_clock::now();
  const std::size_t batch = std::max<std::size_t>(o.batch_size, 1);
  SendReport rep;
  for (;;) {
    ++rep.passes;
    auto all = outbox_entries(db);
    if (!all) return all.error();
    const std::string now = utc_now_iso();
    SendProgress step{rep.passes, 0, 0, 0, 0, 0};
    for (const auto& d : cfg.destinations) {
      if (!o.only_destination.empty() && d.id != o.only_destination) continue;
      step.total += due_rows(*all, d.id, now).size();
    }
    for (const auto& d : cfg.destinations) {
      if (!o.only_destination.empty() && d.id != o.only_destination) continue;
      const auto due = due_rows(*all, d.id, now);
      if (due.empty()) continue;
      auto sender = o.sender_factory ? o.sender_factory(d) : make_destination_sender(d);
      // Unreachable (or no sender for the kind): every due row waits for its next try.
      std::optional<Error> down;
      if (!sender) {
        down = make_errorf("outbox_kind", "no sender for kind {}", d.kind);
      } else if (auto op = sender->open(); !op) {
        down = op.error();
      }
      const auto record =
          [&](const std::vector<std::pair<const OutboxEntry*, Delivery>>& done) -> Result<void> {
        auto tx = Transaction::begin(db);
        if (!tx) return tx.error();
        for (const auto& [e, dl] : done) {
          std::optional<std::string> next;
          if (dl.outcome == Delivery::Outcome::retry)
            next = iso_at(Clock::now() + retry_delay(cfg, e->retries_since_send + 1));
          auto w =
              record_attempt(db, e->id, outcome_name(dl.outcome), dl.message, next, o.actor, true);
          if (!w) return w.error();
          if (!*w) continue;
          if (dl.outcome == Delivery::Outcome::delivered) ++rep.delivered;
          if (dl.outcome == Delivery::Outcome::retry) ++rep.retried;
          if (dl.outcome == Delivery::Outcome::rejected) ++rep.rejected;
        }
        if (auto c = tx->commit(); !c) return c;
        if (o.progress) {
          step.done += done.size();
          step.delivered = rep.delivered;
          step.retried = rep.retried;
          step.rejected = rep.rejected;
          o.progress(step);
        }
        return {};
      };
      if (down) {
        rep.unreachable.push_back({d.id, *down});
        std::vector<std::pair<const OutboxEntry*, Delivery>> done;
        for (const auto* e : due) done.push_back({e, {Delivery::Outcome::retry, down->message}});
        if (auto r = record(done); !r) return r.error();
        continue;
      }
      for (std::size_t i = 0; i < due.size(); i += batch) {
        auto msgs = load_messages(db, due, i, batch);
        if (!msgs) return msgs.error();
        const auto outcomes = sender->deliver(*msgs);
        std::vector<std::pair<const OutboxEntry*, Delivery>> done;
        for (std::size_t k = 0; k < msgs->size(); ++k) {
          const auto* e = due[i + k];
          done.push_back({e, k < outcomes.size()
                                 ? outcomes[k]
                                 : Delivery{Delivery::Outcome::retry, "no answer"}});
        }
        if (auto r = record(done); !r) return r.error();
      }
    }
    // What is left, and when the earliest of it may be tried again.
    auto left = outbox_entries(db);
    if (!left) return left.error();
    rep.still_pending = 0;
    std::optional<std::string> earliest;
    for (const auto& e : *left) {
      if (e.state != OutboxState::pending) continue;
      const bool ours = std::any_of(
          cfg.destinations.begin(), cfg.destinations.end(), [&](const ExportDestination& d) {
            return d.id == e.destination &&
                   (o.only_destination.empty() || d.id == o.only_destination);
          });
      if (!ours) continue;
      ++rep.still_pending;
      const std::string at = e.next_at.value_or("");
      if (!earliest || at < *earliest) earliest = at;
    }
    if (!o.until_empty || rep.still_pending == 0) break;
    // Wait until the earliest retry time, in steps of at most a second (at most until the
    // timeout).
    auto wait = std::chrono::milliseconds(1000);
    if (earliest) {
      const auto until = parse_iso(*earliest);
      const auto left_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      wait = std::clamp(left_ms, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
    }
    if (o.timeout.count() > 0 && std::chrono::steady_clock::now() - started + wait > o.timeout)
      break;
    std::this_thread::sleep_for(wait);
  }
  return rep;
}

}  // namespace odyo::station
