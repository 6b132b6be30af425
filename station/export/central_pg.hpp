#pragma once
// The occupational-health office's central PostgreSQL (issue 16 item 5, docs/export.md): one
// database that holds the signed results of every station, the station id in every key.
//
// - The message (`central_pg_message`): one JSON document per signed result version, made at
//   signing from the same format-neutral export items as the FHIR and HL7 messages
//   (station/export/exam_export.hpp): the exam, worker, signature, decision in force, and every
//   item with its code, value, unit, LLN and components; and the exam's `statistics` block (v2).
// - The receiver schema `odyospiro` (versioned in odyospiro.schema_version, created or brought up
//   to date by the sender under an advisory lock, so stations may start together): exam_result
//   (key station_id, exam_id, result_version; message_id unique) and result_item (one row per
//   item and component).
// - Loading: one statement and one transaction per batch, `INSERT … ON CONFLICT DO NOTHING`: a
//   resend of a message already held changes nothing; a different message under the same key is
//   rejected (two stations with one station_id, or a station that started a new database without
//   a new id).
// Errors: a constraint or data error (SQLSTATE classes 22, 23) makes the batch go again one
// message at a time, a savepoint each, so only the faulty message is rejected; anything else
// (connection lost, server shutting down) retries the whole batch later. Thread-safety: one sender
// per thread.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "station/config/config.hpp"
#include "station/config/outbox_settings.hpp"
#include "station/exams/exam_record.hpp"
#include "station/export/exam_export.hpp"
#include "station/export/outbox.hpp"

namespace odyo::station {

inline constexpr int kCentralSchemaVersion = 2;

// The JSON message of a signed exam for the central database (compact, deterministic), with the
// exam's `statistics` block (station/surveillance/statistics.hpp) when not null.
std::string central_pg_message(const ExamRecord& record, const ExportedExam& exported,
                               const ExportConfig& cfg,
                               const nlohmann::ordered_json& statistics = nullptr);

// A sender to the central database at `url` (a libpq connection string or URI).
std::unique_ptr<DestinationSender> make_central_pg_sender(const ExportDestination& destination);

}  // namespace odyo::station
