#include "station/export/central_pg.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>

#include "analysis/core/error_text.hpp"

namespace odyo::station {
namespace {

using ojson = nlohmann::ordered_json;

ojson code_json(const ExportCode& c) {
  return {{"system", c.system}, {"code", c.code}, {"display", c.display}};
}

ojson or_null(const std::string& s) {
  return s.empty() ? ojson(nullptr) : ojson(s);
}

// One item row of the central database (components become rows of their own, `parent` the item).
ojson item_json(const std::string& key, const std::string& parent, const ExportCode& code,
                const std::optional<ExportQuantity>& q, const std::string& text) {
  ojson j{{"key", key}, {"parent", or_null(parent)}, {"code", code_json(code)}};
  j["value"] = q ? or_null(q->text) : ojson(nullptr);
  j["unit"] = q ? or_null(q->ucum) : ojson(nullptr);
  j["comparator"] = q ? or_null(q->comparator) : ojson(nullptr);
  j["text"] = or_null(text);
  return j;
}

// The central schema, version by version (append only, like the station's migrations).
constexpr const char* kCentralV1 = R"sql(
CREATE TABLE odyospiro.exam_result (
  station_id        text NOT NULL,
  exam_id           bigint NOT NULL,
  result_version    integer NOT NULL,
  message_id        text NOT NULL UNIQUE,
  kind              text NOT NULL,
  corrected         boolean NOT NULL,
  report_code       text NOT NULL,
  worker_tc_kimlik  text NOT NULL,
  worker_registry_no text NOT NULL,
  worker_first_name text NOT NULL,
  worker_last_name  text NOT NULL,
  worker_birth_date date,
  worker_sex        text,
  establishment     text,
  job_code          text,
  exam_started_at   timestamptz NOT NULL,
  signed_at         timestamptz NOT NULL,
  signed_by         text NOT NULL,
  signer_name       text,
  signature         text NOT NULL,
  result_sha256     text NOT NULL,
  health_group      text,
  ek2_column        text,
  decision_kind     text,
  payload_sha256    text NOT NULL,
  payload           jsonb NOT NULL,
  received_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (station_id, exam_id, result_version)
);
CREATE INDEX exam_result_worker ON odyospiro.exam_result (worker_tc_kimlik, exam_started_at);
CREATE TABLE odyospiro.result_item (
  station_id     text NOT NULL,
  exam_id        bigint NOT NULL,
  result_version integer NOT NULL,
  item_key       text NOT NULL,
  parent_key     text,
  code_system    text NOT NULL,
  code           text NOT NULL,
  display        text,
  value_num      numeric,
  value_text     text,
  unit           text,
  comparator     text,
  lln_num        numeric,
  interpretation text,
  method         text,
  preliminary    boolean NOT NULL DEFAULT false,
  PRIMARY KEY (station_id, exam_id, result_version, item_key),
  FOREIGN KEY (station_id, exam_id, result_version)
    REFERENCES odyospiro.exam_result (station_id, exam_id, result_version)
);
CREATE INDEX result_item_code ON odyospiro.result_item (code_system, code);
)sql";

// v2: the statistics (issue 17, station/surveillance/statistics.hpp). Each message carries a
// `statistics` block (the exam's day, the establishment and work group in force on it, the
// spirometric pattern, the threshold shift, the physician's Ek-2 hearing and lung columns); these
// columns are generated from it when a row is stored, so the statistics read narrow columns and
// not every payload. Rows of messages without the block have them NULL and are not counted.
constexpr const char* kCentralV2 = R"sql(
ALTER TABLE odyospiro.exam_result
  ADD COLUMN stat_day text GENERATED ALWAYS AS (payload->'statistics'->>'day') STORED,
  ADD COLUMN stat_establishment text
    GENERATED ALWAYS AS (payload->'statistics'->>'establishment') STORED,
  ADD COLUMN stat_work_group integer
    GENERATED ALWAYS AS ((payload->'statistics'->>'work_group')::integer) STORED,
  ADD COLUMN stat_obstruction boolean
    GENERATED ALWAYS AS ((payload->'statistics'->>'obstruction')::boolean) STORED,
  ADD COLUMN stat_restriction boolean
    GENERATED ALWAYS AS ((payload->'statistics'->>'restriction')::boolean) STORED,
  ADD COLUMN stat_sts boolean GENERATED ALWAYS AS ((payload->'statistics'->>'sts')::boolean) STORED,
  ADD COLUMN stat_ek2_hearing text
    GENERATED ALWAYS AS (payload->'statistics'->>'ek2_hearing') STORED,
  ADD COLUMN stat_ek2_lung text GENERATED ALWAYS AS (payload->'statistics'->>'ek2_lung') STORED;
CREATE INDEX exam_result_stat_day ON odyospiro.exam_result (stat_day);
)sql";

// Messages `m` (j: the message, sha: its hash, n: its place) go in as exam rows and their items in
// one statement; nothing where the key or message id is held. One row per message in place order:
// whether it was new and, when not, the payload hash already held under its key.
constexpr const char* kInsertMessages = R"sql(
ins AS (
  INSERT INTO odyospiro.exam_result (station_id, exam_id, result_version, message_id, kind,
    corrected, report_code, worker_tc_kimlik, worker_registry_no, worker_first_name,
    worker_last_name, worker_birth_date, worker_sex, establishment, job_code, exam_started_at,
    signed_at, signed_by, signer_name, signature, result_sha256, health_group, ek2_column,
    decision_kind, payload_sha256, payload)
  SELECT j->>'station_id', (j->>'exam_id')::bigint, (j->>'result_version')::integer,
    j->>'message_id', j->>'kind', (j->>'corrected')::boolean, j->>'report_code',
    j->'worker'->>'tc_kimlik', j->'worker'->>'registry_no', j->'worker'->>'first_name',
    j->'worker'->>'last_name', NULLIF(j->'worker'->>'birth_date', '')::date,
    j->'worker'->>'sex', j->'worker'->>'establishment', j->'worker'->>'job_code',
    (j->>'exam_started_at')::timestamptz, (j->>'signed_at')::timestamptz, j->>'signed_by',
    j->>'signer_name', j->>'signature', j->>'result_sha256', j->'decision'->>'health_group',
    j->'decision'->>'ek2_column', j->'decision'->>'kind', sha, j
  FROM m ORDER BY n
  ON CONFLICT DO NOTHING
  RETURNING station_id, exam_id, result_version, message_id),
mi AS (SELECT m.* FROM m JOIN ins ON ins.message_id = m.j->>'message_id'),
items AS (
  INSERT INTO odyospiro.result_item (station_id, exam_id, result_version, item_key, parent_key,
    code_system, code, display, value_num, value_text, unit, comparator, lln_num, interpretation,
    method, preliminary)
  SELECT mi.j->>'station_id', (mi.j->>'exam_id')::bigint, (mi.j->>'result_version')::integer,
    i->>'key', i->>'parent', i->'code'->>'system', i->'code'->>'code', i->'code'->>'display',
    CASE WHEN (i->>'value') ~ '^-?[0-9]+(\.[0-9]+)?$' THEN (i->>'value')::numeric END,
    coalesce(i->>'value', i->>'text'), i->>'unit', i->>'comparator',
    CASE WHEN (i->>'lln') ~ '^-?[0-9]+(\.[0-9]+)?$' THEN (i->>'lln')::numeric END,
    i->>'interpretation', i->>'method', coalesce((i->>'preliminary')::boolean, false)
  FROM mi, jsonb_array_elements(mi.j->'items') AS i
  RETURNING 1)
SELECT m.n, (mi.n IS NOT NULL) AS inserted, e.payload_sha256 AS held_sha256,
  (SELECT count(*) FROM items) AS item_rows
FROM m LEFT JOIN mi ON mi.n = m.n
  LEFT JOIN odyospiro.exam_result e ON e.station_id = m.j->>'station_id'
    AND e.exam_id = (m.j->>'exam_id')::bigint
    AND e.result_version = (m.j->>'result_version')::integer
ORDER BY m.n
)sql";

// A batch: $1 is a JSON array of {"p": message, "s": its hash}.
const std::string kInsertBatch =
    std::string(
        "WITH m AS (SELECT e->'p' AS j, e->>'s' AS sha, n FROM "
        "jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, n)),") +
    kInsertMessages;
// One message: $1 the message, $2 its hash.
const std::string kInsertOne =
    std::string("WITH m AS (SELECT $1::jsonb AS j, $2::text AS sha, 1::bigint AS n),") +
    kInsertMessages;

// SQLSTATE classes that are the message's fault: data exceptions (22) and integrity constraint
// violations (23). Another message may well go; this one will not until someone fixes something.
bool permanent(const std::string& sqlstate) {
  return sqlstate.rfind("22", 0) == 0 || sqlstate.rfind("23", 0) == 0;
}

std::string one_line(std::string s) {
  for (auto& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

class CentralPgSender final : public DestinationSender {
 public:
  explicit CentralPgSender(ExportDestination d) : dest_(std::move(d)) {}

  Result<void> open() override {
    try {
      conn_ = std::make_unique<pqxx::connection>(dest_.url);
      pqxx::nontransaction(*conn_).exec("SET client_min_messages = warning");
      pqxx::work w(*conn_);
      // One station at a time brings the schema up to date.
      w.exec("SELECT pg_advisory_xact_lock(hashtext('odyospiro central schema'))");
      w.exec("CREATE SCHEMA IF NOT EXISTS odyospiro");
      w.exec(
          "CREATE TABLE IF NOT EXISTS odyospiro.schema_version (version integer PRIMARY KEY, "
          "applied_at timestamptz NOT NULL DEFAULT now())");
      const auto v = w.exec("SELECT coalesce(max(version), 0) FROM odyospiro.schema_version");
      const int have = v[0][0].as<int>();
      if (have < 1) {
        w.exec(kCentralV1);
        w.exec("INSERT INTO odyospiro.schema_version(version) VALUES (1)");
      }
      if (have < 2) {
        w.exec(kCentralV2);
        w.exec("INSERT INTO odyospiro.schema_version(version) VALUES (2)");
      }
      w.commit();
      return {};
    } catch (const std::exception& e) {
      conn_.reset();
      return make_errorf("central_unreachable", "the central database: {}",
                         verbatim(one_line(e.what())));
    }
  }

  std::vector<Delivery> deliver(const std::vector<OutboxMessage>& batch) override {
    std::vector<Delivery> out(batch.size());
    if (!conn_) {
      for (auto& d : out) d = {Delivery::Outcome::retry, "not connected"};
      return out;
    }
    try {
      // The whole batch in one statement and one transaction (one round trip for the data).
      // When the receiver refuses the statement for a message's fault (a data or constraint
      // error), the batch goes again one message at a time, so only that message is rejected.
      bool whole = false;
      {
        pqxx::work w(*conn_);
        try {
          std::string arr = "[";
          for (const auto& m : batch) {
            if (arr.size() > 1) arr += ',';
            arr += R"({"p":)" + m.payload + R"(,"s":")" + m.payload_sha256 + "\"}";
          }
          arr += ']';
          const auto r = w.exec_params(kInsertBatch, arr);
          for (std::size_t i = 0; i < batch.size() && i < r.size(); ++i)
            out[i] = outcome_of(batch[i], r[i]);
          w.commit();
          whole = true;
        } catch (const pqxx::sql_error& e) {
          if (!permanent(e.sqlstate())) throw;
        }
      }
      if (!whole) deliver_one_by_one(batch, out);
    } catch (const std::exception& e) {
      // The whole batch is in doubt (connection lost, server stopping, commit unknown): every
      // message is sent again later; the receiver keeps one copy.
      const std::string why = verbatim(one_line(e.what()));
      for (auto& d : out) d = {Delivery::Outcome::retry, why};
      conn_.reset();
    }
    return out;
  }

 private:
  // What the receiver's answer row for message `m` means.
  static Delivery outcome_of(const OutboxMessage& m, const pqxx::row& row) {
    const bool inserted = row[1].as<bool>();
    const auto held = row[2].is_null() ? std::string() : row[2].as<std::string>();
    if (inserted || held == m.payload_sha256)
      return {Delivery::Outcome::delivered, inserted ? "" : "already held"};
    return {Delivery::Outcome::rejected,
            "another message is held under the same station, exam and version"};
  }

  // A savepoint per message: a message the receiver refuses is rolled back alone.
  void deliver_one_by_one(const std::vector<OutboxMessage>& batch, std::vector<Delivery>& out) {
    pqxx::work w(*conn_);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const auto& m = batch[i];
      w.exec("SAVEPOINT odyo_message");
      try {
        const auto r = w.exec_params(kInsertOne, m.payload, m.payload_sha256);
        w.exec("RELEASE SAVEPOINT odyo_message");
        out[i] = outcome_of(m, r[0]);
      } catch (const pqxx::sql_error& e) {
        if (!permanent(e.sqlstate())) throw;
        w.exec("ROLLBACK TO SAVEPOINT odyo_message");
        w.exec("RELEASE SAVEPOINT odyo_message");
        out[i] = {Delivery::Outcome::rejected, verbatim(e.sqlstate() + " " + one_line(e.what()))};
      }
    }
    w.commit();
  }

  ExportDestination dest_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace

std::string central_pg_message(const ExamRecord& record, const ExportedExam& x,
                               const ExportConfig& cfg, const nlohmann::ordered_json& statistics) {
  const auto& res = record.results.back();
  ojson j;
  j["format"] = "odyospiro-central-v1";
  j["station_id"] = cfg.station_id;
  j["message_id"] = x.id_prefix;
  j["exam_id"] = x.exam_id;
  j["result_version"] = x.result_version;
  j["kind"] = x.kind;
  j["corrected"] = x.corrected;
  j["report_code"] = x.report_code.code;
  j["exam_started_at"] = x.effective;
  j["signed_at"] = x.issued;
  j["signed_by"] = x.physician_username;
  j["signer_name"] = x.physician_name;
  j["signature"] = x.signature.signature_b64;
  j["result_sha256"] = res.content_sha256;
  j["conclusion"] = or_null(x.conclusion);
  j["worker"] = {{"tc_kimlik", x.worker.tc_kimlik},         {"registry_no", x.worker.registry_no},
                 {"first_name", x.worker.first_name},       {"last_name", x.worker.last_name},
                 {"birth_date", x.worker.birth_date},       {"sex", x.worker.sex},
                 {"establishment", x.worker.establishment}, {"job_code", x.worker.job_code}};
  if (record.decision) {
    j["decision"] = {{"kind", record.decision->kind},
                     {"health_group", record.decision->health_group.value_or("")},
                     {"ek2_column", record.decision->ek2_column.value_or("")},
                     {"rules_version", record.decision->rules_version}};
  } else {
    j["decision"] = nullptr;
  }
  ojson items = ojson::array();
  for (const auto& it : x.items) {
    if (it.codes.empty()) continue;
    std::string text = it.text.value_or("");
    if (it.coded) text = it.coded->code;
    ojson row = item_json(it.key, "", it.codes.front(), it.quantity, text);
    row["lln"] = it.low ? or_null(it.low->text) : ojson(nullptr);
    row["interpretation"] = or_null(it.interpretation);
    row["method"] = or_null(it.method);
    row["preliminary"] = it.preliminary;
    items.push_back(std::move(row));
    for (const auto& c : it.components) {
      if (c.codes.empty()) continue;
      items.push_back(item_json(c.key, it.key, c.codes.front(), c.value, ""));
    }
  }
  j["items"] = std::move(items);
  if (!statistics.is_null()) j["statistics"] = statistics;
  return j.dump();
}

std::unique_ptr<DestinationSender> make_central_pg_sender(const ExportDestination& destination) {
  return std::make_unique<CentralPgSender>(destination);
}

}  // namespace odyo::station
