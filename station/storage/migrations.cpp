#include "station/storage/migrations.hpp"
#include "analysis/core/error_text.hpp"

#include <algorithm>
#include <set>

#include "station/storage/audit.hpp"
#include "station/storage/database.hpp"
#include "station/storage/hash.hpp"

namespace odyo::station {

namespace {

// v1: people — workers, users, and the hash-chained audit log.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE workers (
  id            INTEGER PRIMARY KEY,
  registry_no   TEXT NOT NULL UNIQUE,             -- TTK sicil no
  tc_kimlik     TEXT NOT NULL UNIQUE CHECK (length(tc_kimlik) = 11),
  first_name    TEXT NOT NULL,
  last_name     TEXT NOT NULL,
  birth_date    TEXT NOT NULL,                    -- YYYY-MM-DD
  sex           TEXT NOT NULL CHECK (sex IN ('M','F')),
  height_cm     REAL NOT NULL CHECK (height_cm BETWEEN 100 AND 230),
  weight_kg     REAL NOT NULL CHECK (weight_kg BETWEEN 30 AND 250),
  establishment TEXT NOT NULL,
  job_code      TEXT NOT NULL,
  work_group    INTEGER NOT NULL CHECK (work_group BETWEEN 1 AND 5),
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  full_name     TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('technician','physician','admin')),
  password_hash TEXT NOT NULL,                    -- pbkdf2-sha256$iterations$salt$hash (base64)
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE TABLE audit_log (
  id        INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  entity    TEXT NOT NULL,
  entity_id INTEGER,
  details   TEXT NOT NULL,                        -- JSON
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL UNIQUE                  -- sha256(prev_hash | at | actor | action | entity | entity_id | details)
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql";

// v2: examinations — exams, raw recordings, versioned results and evaluations, calibration checks.
constexpr std::string_view kV2 = R"sql(
CREATE TABLE exams (
  id                   INTEGER PRIMARY KEY,
  worker_id            INTEGER NOT NULL REFERENCES workers(id),
  kind                 TEXT NOT NULL CHECK (kind IN ('spirometry','audiometry')),
  started_at           TEXT NOT NULL,
  technician           TEXT NOT NULL,
  device_id            TEXT NOT NULL,
  ambient_temp_c       REAL,
  ambient_pressure_kpa REAL,
  ambient_humidity_pct REAL,
  notes                TEXT NOT NULL DEFAULT ''
);
CREATE INDEX exams_worker ON exams(worker_id, started_at);
CREATE TABLE recordings (
  id                INTEGER PRIMARY KEY,
  exam_id           INTEGER NOT NULL REFERENCES exams(id),
  seq               INTEGER NOT NULL,              -- manoeuvre / presentation number within the exam
  codec             TEXT NOT NULL,                 -- how `bytes` are encoded (e.g. f64le-flow-lps, json)
  sample_rate_hz    REAL,
  device_units      TEXT NOT NULL,
  conversion_factor REAL NOT NULL,                 -- device units → SI
  btps_factor       REAL,
  bytes             BLOB NOT NULL,
  sha256            TEXT NOT NULL,
  created_at        TEXT NOT NULL,
  UNIQUE (exam_id, seq)
);
-- Results: one row per version; a correction is a new row that supersedes the previous one.
CREATE TABLE results (
  id             INTEGER PRIMARY KEY,
  exam_id        INTEGER NOT NULL REFERENCES exams(id),
  version        INTEGER NOT NULL,
  supersedes_id  INTEGER REFERENCES results(id),
  kind           TEXT NOT NULL,                   -- spirometry | audiometry
  payload        TEXT NOT NULL,                   -- JSON: every index, flag, grade, equation, software version
  content_sha256 TEXT NOT NULL,
  software       TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  created_by     TEXT NOT NULL,
  reason         TEXT NOT NULL DEFAULT '',
  UNIQUE (exam_id, version)
);
CREATE TABLE signatures (
  id             INTEGER PRIMARY KEY,
  result_id      INTEGER NOT NULL REFERENCES results(id),
  signer         TEXT NOT NULL,
  signed_at      TEXT NOT NULL,
  content_sha256 TEXT NOT NULL                   -- the result content the physician signed
);
CREATE TABLE evaluations (
  id            INTEGER PRIMARY KEY,
  exam_id       INTEGER REFERENCES exams(id),
  worker_id     INTEGER NOT NULL REFERENCES workers(id),
  version       INTEGER NOT NULL,
  supersedes_id INTEGER REFERENCES evaluations(id),
  kind          TEXT NOT NULL CHECK (kind IN ('auto','confirm','override','reevaluation')),
  rules_version TEXT NOT NULL,
  rules_hash    TEXT NOT NULL,
  purpose       TEXT NOT NULL,
  health_group  TEXT,
  ek2_column    TEXT,
  result_json   TEXT NOT NULL,
  reason        TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE INDEX evaluations_worker ON evaluations(worker_id, version);
CREATE TABLE calibration_checks (
  id           INTEGER PRIMARY KEY,
  device_id    TEXT NOT NULL,
  kind         TEXT NOT NULL,                     -- syringe-3l | audiometer-listening | audiometer-acoustic
  performed_at TEXT NOT NULL,
  performed_by TEXT NOT NULL,
  measured     TEXT NOT NULL,                     -- JSON
  passed       INTEGER NOT NULL CHECK (passed IN (0,1)),
  notes        TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER recordings_no_update BEFORE UPDATE ON recordings
  BEGIN SELECT RAISE(ABORT, 'recordings are never edited'); END;
CREATE TRIGGER recordings_no_delete BEFORE DELETE ON recordings
  BEGIN SELECT RAISE(ABORT, 'recordings are never deleted'); END;
CREATE TRIGGER results_no_update BEFORE UPDATE ON results
  BEGIN SELECT RAISE(ABORT, 'results are versioned: add a new version instead'); END;
CREATE TRIGGER results_no_delete BEFORE DELETE ON results
  BEGIN SELECT RAISE(ABORT, 'results are never deleted'); END;
CREATE TRIGGER signatures_no_update BEFORE UPDATE ON signatures
  BEGIN SELECT RAISE(ABORT, 'signatures are never edited'); END;
CREATE TRIGGER evaluations_no_update BEFORE UPDATE ON evaluations
  BEGIN SELECT RAISE(ABORT, 'evaluations are versioned: add a new version instead'); END;
CREATE TRIGGER evaluations_no_delete BEFORE DELETE ON evaluations
  BEGIN SELECT RAISE(ABORT, 'evaluations are never deleted'); END;
)sql";

// v3: the worker's audiometric baseline (OSHA 1910.95(g)(5)), by reference to a stored result.
constexpr std::string_view kV3 = R"sql(
CREATE TABLE audiometric_baselines (
  id         INTEGER PRIMARY KEY,
  worker_id  INTEGER NOT NULL REFERENCES workers(id),
  result_id  INTEGER NOT NULL REFERENCES results(id),
  ear        TEXT NOT NULL CHECK (ear IN ('right','left','both')),
  reason     TEXT NOT NULL,                     -- initial | persistent shift | improvement
  set_at     TEXT NOT NULL,
  set_by     TEXT NOT NULL
);
CREATE INDEX audiometric_baselines_worker ON audiometric_baselines(worker_id, id);
)sql";

// v4: baselines become versioned and append-only. Each row is one version of a worker's baseline
// (version 1 the first accepted audiogram, then every revision), naming the exam whose audiogram
// it is, what kind of step it was and the row it supersedes; nothing is edited in place.
constexpr std::string_view kV4 = R"sql(
ALTER TABLE audiometric_baselines ADD COLUMN exam_id INTEGER REFERENCES exams(id);
ALTER TABLE audiometric_baselines ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audiometric_baselines ADD COLUMN supersedes_id INTEGER REFERENCES audiometric_baselines(id);
ALTER TABLE audiometric_baselines ADD COLUMN kind TEXT NOT NULL DEFAULT 'initial'
  CHECK (kind IN ('initial','persistent_shift','improvement','manual'));
CREATE UNIQUE INDEX audiometric_baselines_version ON audiometric_baselines(worker_id, version);
CREATE TRIGGER audiometric_baselines_no_update BEFORE UPDATE ON audiometric_baselines
  BEGIN SELECT RAISE(ABORT, 'baselines are versioned: add a new version instead'); END;
CREATE TRIGGER audiometric_baselines_no_delete BEFORE DELETE ON audiometric_baselines
  BEGIN SELECT RAISE(ABORT, 'baselines are never deleted'); END;
)sql";

// v5: the keyed audit chain (station/storage/audit.hpp, docs/security.md). Each audit row may bind
// one record: the columns it covered and the SHA-256 of the record's canonical content. After the
// SQL, the station key is created (if there is none) outside the database, the `audit.keyed`
// anchor row is appended, and every record already stored is bound by a `record.bind` row.
// Calibration checks become append-only; records are never deleted.
constexpr std::string_view kV5 = R"sql(
ALTER TABLE audit_log ADD COLUMN row_columns TEXT;
ALTER TABLE audit_log ADD COLUMN row_sha256 TEXT;
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE TRIGGER calibration_checks_no_update BEFORE UPDATE ON calibration_checks
  BEGIN SELECT RAISE(ABORT, 'calibration checks are never edited'); END;
CREATE TRIGGER calibration_checks_no_delete BEFORE DELETE ON calibration_checks
  BEGIN SELECT RAISE(ABORT, 'calibration checks are never deleted'); END;
CREATE TRIGGER exams_no_delete BEFORE DELETE ON exams
  BEGIN SELECT RAISE(ABORT, 'exams are never deleted'); END;
CREATE TRIGGER workers_no_delete BEFORE DELETE ON workers
  BEGIN SELECT RAISE(ABORT, 'workers are never deleted'); END;
)sql";

// v6: accounts and signatures. A user's name, role, password and state are versions in
// user_versions (the users row is the identity and never changes); each physician's Ed25519
// signing keys are in user_keys (public key, private key encrypted under the password); a
// signature names the key that made it and carries the signature bytes (base64).
constexpr std::string_view kV6 = R"sql(
CREATE TABLE user_versions (
  id            INTEGER PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users(id),
  version       INTEGER NOT NULL,
  supersedes_id INTEGER REFERENCES user_versions(id),
  kind          TEXT NOT NULL CHECK (kind IN ('create','role','passwd','deactivate')),
  full_name     TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('technician','physician','admin')),
  password_hash TEXT NOT NULL,
  active        INTEGER NOT NULL CHECK (active IN (0,1)),
  reason        TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL,
  UNIQUE (user_id, version)
);
INSERT INTO user_versions(user_id,version,kind,full_name,role,password_hash,active,created_at,created_by)
  SELECT id, 1, 'create', full_name, role, password_hash, 1, created_at, created_by FROM users;
CREATE TABLE user_keys (
  id              INTEGER PRIMARY KEY,
  user_id         INTEGER NOT NULL REFERENCES users(id),
  algorithm       TEXT NOT NULL CHECK (algorithm = 'ed25519'),
  public_key      TEXT NOT NULL,                -- raw 32-byte Ed25519 public key, base64
  private_key_enc TEXT NOT NULL,                -- pbkdf2-sha256-aes-256-gcm$iter$salt$iv$ciphertext$tag
  created_at      TEXT NOT NULL,
  created_by      TEXT NOT NULL
);
ALTER TABLE signatures ADD COLUMN key_id INTEGER REFERENCES user_keys(id);
ALTER TABLE signatures ADD COLUMN signature TEXT;  -- Ed25519 over the canonical signed content, base64
CREATE TRIGGER users_no_update BEFORE UPDATE ON users
  BEGIN SELECT RAISE(ABORT, 'users are versioned: add a new user version instead'); END;
CREATE TRIGGER users_no_delete BEFORE DELETE ON users
  BEGIN SELECT RAISE(ABORT, 'users are never deleted: deactivate instead'); END;
CREATE TRIGGER user_versions_no_update BEFORE UPDATE ON user_versions
  BEGIN SELECT RAISE(ABORT, 'user versions are never edited'); END;
CREATE TRIGGER user_versions_no_delete BEFORE DELETE ON user_versions
  BEGIN SELECT RAISE(ABORT, 'user versions are never deleted'); END;
CREATE TRIGGER user_keys_no_update BEFORE UPDATE ON user_keys
  BEGIN SELECT RAISE(ABORT, 'signing keys are never edited'); END;
CREATE TRIGGER user_keys_no_delete BEFORE DELETE ON user_keys
  BEGIN SELECT RAISE(ABORT, 'signing keys are never deleted'); END;
CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures
  BEGIN SELECT RAISE(ABORT, 'signatures are never deleted'); END;
)sql";

// v8: the physician's records an evaluation reads (issue 13): the column of each Ek-2 system the
// station does not measure, special examination results, restrictions and absences. Versioned and
// append-only: a correction is a new version superseding the previous one.
constexpr std::string_view kV8 = R"sql(
CREATE TABLE physician_records (
  id            INTEGER PRIMARY KEY,
  worker_id     INTEGER NOT NULL REFERENCES workers(id),
  kind          TEXT NOT NULL CHECK (kind IN ('system','special_exam','restriction','absence')),
  subject       TEXT NOT NULL,                    -- system | job code | restriction id | absence start
  version       INTEGER NOT NULL,
  supersedes_id INTEGER REFERENCES physician_records(id),
  payload       TEXT NOT NULL,                    -- JSON
  reason        TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL,
  UNIQUE (worker_id, kind, subject, version)
);
CREATE INDEX physician_records_worker ON physician_records(worker_id, kind, subject);
CREATE TRIGGER physician_records_no_update BEFORE UPDATE ON physician_records
  BEGIN SELECT RAISE(ABORT, 'physician records are versioned: add a new version instead'); END;
CREATE TRIGGER physician_records_no_delete BEFORE DELETE ON physician_records
  BEGIN SELECT RAISE(ABORT, 'physician records are never deleted'); END;
)sql";

// v9: the export outbox (issue 16). Signing a result writes one `outbox` row per configured
// destination in the signing transaction, with the exact message to send (fixed at signing, so
// every resend carries the same bytes and the same deterministic message id). Delivery is
// recorded as appended `outbox_attempts` (delivered, retry with the time of the next try,
// rejected for a person to look at, resend when a person asked again); a row's state is its
// latest attempt. Both tables are append-only.
constexpr std::string_view kV9 = R"sql(
CREATE TABLE outbox (
  id             INTEGER PRIMARY KEY,
  result_id      INTEGER NOT NULL REFERENCES results(id),
  signature_id   INTEGER NOT NULL REFERENCES signatures(id),
  destination    TEXT NOT NULL,                   -- [[export.destination]] id
  kind           TEXT NOT NULL CHECK (kind IN ('postgresql','fhir','hl7')),
  message_id     TEXT NOT NULL,                   -- <station_id>-E<exam>-V<version>, stable
  payload        TEXT NOT NULL,                   -- what is sent, as fixed at signing
  payload_sha256 TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  created_by     TEXT NOT NULL,
  UNIQUE (result_id, destination)
);
CREATE TABLE outbox_attempts (
  id         INTEGER PRIMARY KEY,
  outbox_id  INTEGER NOT NULL REFERENCES outbox(id),
  seq        INTEGER NOT NULL,                    -- 1, 2, … per outbox row
  at         TEXT NOT NULL,
  outcome    TEXT NOT NULL CHECK (outcome IN ('delivered','retry','rejected','resend')),
  message    TEXT NOT NULL DEFAULT '',
  next_at    TEXT,                                -- retry: not before this time (UTC)
  actor      TEXT NOT NULL,
  UNIQUE (outbox_id, seq)
);
CREATE TRIGGER outbox_no_update BEFORE UPDATE ON outbox
  BEGIN SELECT RAISE(ABORT, 'outbox rows are never edited'); END;
CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
  BEGIN SELECT RAISE(ABORT, 'outbox rows are never deleted'); END;
CREATE TRIGGER outbox_attempts_no_update BEFORE UPDATE ON outbox_attempts
  BEGIN SELECT RAISE(ABORT, 'delivery attempts are never edited'); END;
CREATE TRIGGER outbox_attempts_no_delete BEFORE DELETE ON outbox_attempts
  BEGIN SELECT RAISE(ABORT, 'delivery attempts are never deleted'); END;
)sql";

// v10: surveillance (issue 17). A worker's job and establishment over time: the workers row is
// the job the worker was registered with (from `employed_since`, NULL for workers registered
// before v10: then the day of registration), and each change is a new worker_jobs row with the
// date it takes effect and the decision behind it (who, why, e.g. an evaluation or a commission
// decision); the current job is the latest. Chest films (Madde 8): the film date, the ILO 2011
// profusion of reader A and reader B, the film quality, and the referral to the SGK
// occupational-disease hospital with its reason; a correction is a new row superseding the old.
constexpr std::string_view kV10 = R"sql(
ALTER TABLE workers ADD COLUMN employed_since TEXT;  -- YYYY-MM-DD: first day in the registered job
CREATE TABLE worker_jobs (
  id             INTEGER PRIMARY KEY,
  worker_id      INTEGER NOT NULL REFERENCES workers(id),
  establishment  TEXT NOT NULL,
  job_code       TEXT NOT NULL,
  work_group     INTEGER NOT NULL CHECK (work_group BETWEEN 1 AND 5),
  effective_from TEXT NOT NULL,                   -- YYYY-MM-DD
  reason         TEXT NOT NULL,
  decision       TEXT NOT NULL DEFAULT '',        -- e.g. evaluation #12, commission decision no
  created_at     TEXT NOT NULL,
  created_by     TEXT NOT NULL
);
CREATE INDEX worker_jobs_worker ON worker_jobs(worker_id, effective_from, id);
CREATE TRIGGER worker_jobs_no_update BEFORE UPDATE ON worker_jobs
  BEGIN SELECT RAISE(ABORT, 'job history is append-only: add a new job row instead'); END;
CREATE TRIGGER worker_jobs_no_delete BEFORE DELETE ON worker_jobs
  BEGIN SELECT RAISE(ABORT, 'job history is never deleted'); END;
CREATE TABLE chest_films (
  id              INTEGER PRIMARY KEY,
  worker_id       INTEGER NOT NULL REFERENCES workers(id),
  taken_on        TEXT NOT NULL,                  -- YYYY-MM-DD
  quality         INTEGER CHECK (quality BETWEEN 1 AND 4),  -- ILO film quality, when read
  reader_a        TEXT NOT NULL,
  ilo_a           TEXT NOT NULL,                  -- ILO 2011 profusion, e.g. 0/0, 1/0, 2/1
  reader_b        TEXT,
  ilo_b           TEXT,
  referred        INTEGER NOT NULL CHECK (referred IN (0,1)),
  referral_reason TEXT NOT NULL DEFAULT '',
  notes           TEXT NOT NULL DEFAULT '',
  supersedes_id   INTEGER REFERENCES chest_films(id),
  reason          TEXT NOT NULL DEFAULT '',       -- why a correction was made
  created_at      TEXT NOT NULL,
  created_by      TEXT NOT NULL
);
CREATE INDEX chest_films_worker ON chest_films(worker_id, taken_on);
CREATE TRIGGER chest_films_no_update BEFORE UPDATE ON chest_films
  BEGIN SELECT RAISE(ABORT, 'chest films are never edited: add a correction instead'); END;
CREATE TRIGGER chest_films_no_delete BEFORE DELETE ON chest_films
  BEGIN SELECT RAISE(ABORT, 'chest films are never deleted'); END;
)sql";

// v15: the physician's worklist and the exam page on a large database. `review_queue` is an
// index kept by triggers, not a record: one row per exam whose newest result version has no
// signature yet (a new version puts its exam in, a signature of that version takes it out), so
// the worklist does not look at every exam. Filled from the stored rows when made.
constexpr std::string_view kV15 = R"sql(
CREATE INDEX signatures_result ON signatures(result_id);
CREATE INDEX evaluations_exam ON evaluations(exam_id, version);
CREATE INDEX exams_started ON exams(started_at, id);
CREATE TABLE review_queue (
  exam_id   INTEGER PRIMARY KEY REFERENCES exams(id),
  result_id INTEGER NOT NULL UNIQUE REFERENCES results(id)
);
INSERT INTO review_queue (exam_id, result_id)
  SELECT r.exam_id, r.id FROM results r
  WHERE r.version = (SELECT max(version) FROM results x WHERE x.exam_id = r.exam_id)
    AND NOT EXISTS (SELECT 1 FROM signatures s WHERE s.result_id = r.id);
CREATE TRIGGER review_queue_new_version AFTER INSERT ON results
  BEGIN INSERT OR REPLACE INTO review_queue (exam_id, result_id) VALUES (NEW.exam_id, NEW.id); END;
CREATE TRIGGER review_queue_signed AFTER INSERT ON signatures
  BEGIN DELETE FROM review_queue WHERE result_id = NEW.result_id; END;
)sql";

// v11: the physician's actions on suspected-occupational-disease flags (issue 17, item 3). The
// flags themselves are computed from the signed records (station/surveillance/suspected); each
// action (notify, refer, dismiss — dismiss only with a reason) is a new row naming the flag
// (HL-12, FEV-12, …: the kind and the record it rests on), with the flag's evidence as the
// physician saw it, who and when. The flag's state is its latest action.
constexpr std::string_view kV11 = R"sql(
CREATE TABLE flag_actions (
  id          INTEGER PRIMARY KEY,
  flag_id     TEXT NOT NULL,
  worker_id   INTEGER NOT NULL REFERENCES workers(id),
  action      TEXT NOT NULL CHECK (action IN ('notify','refer','dismiss')),
  reason      TEXT NOT NULL DEFAULT '',
  evidence    TEXT NOT NULL,                      -- JSON: the flag as shown when acted on
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  CHECK (action <> 'dismiss' OR length(trim(reason)) > 0)
);
CREATE INDEX flag_actions_flag ON flag_actions(flag_id, id);
CREATE INDEX flag_actions_worker ON flag_actions(worker_id, id);
CREATE TRIGGER flag_actions_no_update BEFORE UPDATE ON flag_actions
  BEGIN SELECT RAISE(ABORT, 'flag actions are never edited: add a new action instead'); END;
CREATE TRIGGER flag_actions_no_delete BEFORE DELETE ON flag_actions
  BEGIN SELECT RAISE(ABORT, 'flag actions are never deleted'); END;
)sql";

// v12: corrective actions (issue 17, item 6): an action against a subject (today a suspected-
// disease flag, "flag:HL-12"; later a QC finding) with its description, owner, due date and
// status; every change a new version of the action (same action_no, version n+1, superseding n)
// with who, when and why; closed only with the evidence of its effect.
constexpr std::string_view kV12 = R"sql(
CREATE TABLE corrective_actions (
  id            INTEGER PRIMARY KEY,
  action_no     INTEGER NOT NULL,
  version       INTEGER NOT NULL,
  supersedes_id INTEGER REFERENCES corrective_actions(id),
  subject       TEXT NOT NULL,                    -- flag:HL-12 (later qc:…)
  description   TEXT NOT NULL,
  owner         TEXT NOT NULL,
  due_on        TEXT NOT NULL,                    -- YYYY-MM-DD
  status        TEXT NOT NULL CHECK (status IN ('open','in_progress','closed')),
  evidence      TEXT NOT NULL DEFAULT '',
  reason        TEXT NOT NULL DEFAULT '',         -- why this version
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL,
  UNIQUE (action_no, version),
  CHECK (status <> 'closed' OR length(trim(evidence)) > 0)
);
CREATE INDEX corrective_actions_subject ON corrective_actions(subject, action_no);
CREATE TRIGGER corrective_actions_no_update BEFORE UPDATE ON corrective_actions
  BEGIN SELECT RAISE(ABORT, 'corrective actions are never edited: add a new version instead'); END;
CREATE TRIGGER corrective_actions_no_delete BEFORE DELETE ON corrective_actions
  BEGIN SELECT RAISE(ABORT, 'corrective actions are never deleted'); END;
)sql";

// v16 (issue 17 item 4, quality control): the daily checks are looked up per device and kind
// before every test; the second review — a reproducible random draw of signed exams (the seed,
// the share and the candidates considered are kept with the draw; an exam is drawn once, ever),
// and a second physician's verdict on each drawn exam (agree or disagree, with a reason). All
// append-only.
constexpr std::string_view kV16 = R"sql(
CREATE INDEX calibration_checks_device ON calibration_checks(device_id, kind, performed_at);
CREATE TABLE second_review_draws (
  id            INTEGER PRIMARY KEY,
  seed          TEXT NOT NULL,                    -- 64-bit hex; with the candidates, the draw
  share         REAL NOT NULL CHECK (share > 0 AND share <= 1),
  candidates    TEXT NOT NULL,                    -- JSON array of the exam ids considered
  drawn         INTEGER NOT NULL,
  rules_version TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL
);
CREATE TABLE second_reviews (
  id         INTEGER PRIMARY KEY,
  exam_id    INTEGER NOT NULL UNIQUE REFERENCES exams(id),
  draw_id    INTEGER NOT NULL REFERENCES second_review_draws(id),
  result_id  INTEGER NOT NULL REFERENCES results(id),  -- the signed result drawn
  signer     TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE second_review_verdicts (
  id         INTEGER PRIMARY KEY,
  review_id  INTEGER NOT NULL UNIQUE REFERENCES second_reviews(id),
  agrees     INTEGER NOT NULL CHECK (agrees IN (0,1)),
  reason     TEXT NOT NULL CHECK (length(trim(reason)) > 0),
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE TRIGGER second_review_draws_no_update BEFORE UPDATE ON second_review_draws
  BEGIN SELECT RAISE(ABORT, 'second-review draws are never edited'); END;
CREATE TRIGGER second_review_draws_no_delete BEFORE DELETE ON second_review_draws
  BEGIN SELECT RAISE(ABORT, 'second-review draws are never deleted'); END;
CREATE TRIGGER second_reviews_no_update BEFORE UPDATE ON second_reviews
  BEGIN SELECT RAISE(ABORT, 'second reviews are never edited'); END;
CREATE TRIGGER second_reviews_no_delete BEFORE DELETE ON second_reviews
  BEGIN SELECT RAISE(ABORT, 'second reviews are never deleted'); END;
CREATE TRIGGER second_review_verdicts_no_update BEFORE UPDATE ON second_review_verdicts
  BEGIN SELECT RAISE(ABORT, 'second-review verdicts are never edited'); END;
CREATE TRIGGER second_review_verdicts_no_delete BEFORE DELETE ON second_review_verdicts
  BEGIN SELECT RAISE(ABORT, 'second-review verdicts are never deleted'); END;
)sql";

// v18: statistics (issue 17, item 5). Two tables kept by triggers, not records (like v15's review
// queue): `stat_exams`, one row per exam that has a signed result version — the newest signed one
// (a signature of a newer version replaces the row; an unsigned newer version leaves it) — with
// the day, kind and the numbers the statistics count, read once from the signed payload: the
// ATS/ERS 2022 pattern (obstruction: obstruction or mixed; restriction: possible restriction or
// mixed) and the standard threshold shift of either ear; NULL where the payload has none.
// `stat_decisions`, one row per exam with a physician's decision (confirm or override; the latest
// one), the worst Ek-2 column of the rows that read the audiogram (inputs hearing.*) and of those
// that read the spirometry (inputs spirometry.*). Filled from the stored rows when made. The
// statistics (station/surveillance/statistics) read these instead of every payload.
constexpr std::string_view kV18 = R"sql(
CREATE TABLE stat_exams (
  exam_id     INTEGER PRIMARY KEY REFERENCES exams(id),
  result_id   INTEGER NOT NULL REFERENCES results(id),
  version     INTEGER NOT NULL,
  worker_id   INTEGER NOT NULL REFERENCES workers(id),
  kind        TEXT NOT NULL,
  day         TEXT NOT NULL,                      -- YYYY-MM-DD of the exam's start
  obstruction INTEGER,                            -- 1/0, NULL: no pattern stored
  restriction INTEGER,
  sts         INTEGER                             -- 1/0, NULL: no threshold shift computed
);
CREATE INDEX stat_exams_day ON stat_exams(day);
CREATE TABLE stat_decisions (
  exam_id       INTEGER PRIMARY KEY REFERENCES exams(id),
  evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),
  hearing       TEXT,                             -- worst Ek-2 column of the hearing rows
  lung          TEXT                              -- worst Ek-2 column of the spirometry rows
);
CREATE VIEW stat_signed_results AS
  SELECT r.exam_id, r.id AS result_id, r.version, e.worker_id, e.kind,
    substr(e.started_at, 1, 10) AS day,
    CASE WHEN json_valid(r.payload) = 0 THEN NULL
      ELSE CASE json_extract(r.payload, '$.interpretation.pattern')
        WHEN 'obstruction' THEN 1 WHEN 'mixed' THEN 1 WHEN 'normal' THEN 0
        WHEN 'possible_restriction' THEN 0 WHEN 'prism' THEN 0 END END AS obstruction,
    CASE WHEN json_valid(r.payload) = 0 THEN NULL
      ELSE CASE json_extract(r.payload, '$.interpretation.pattern')
        WHEN 'possible_restriction' THEN 1 WHEN 'mixed' THEN 1 WHEN 'normal' THEN 0
        WHEN 'obstruction' THEN 0 WHEN 'prism' THEN 0 END END AS restriction,
    CASE WHEN json_valid(r.payload) = 0 THEN NULL
      WHEN json_type(r.payload, '$.sts.right.sts') IS NULL
       AND json_type(r.payload, '$.sts.left.sts') IS NULL THEN NULL
      WHEN json_type(r.payload, '$.sts.right.sts') = 'true'
        OR json_type(r.payload, '$.sts.left.sts') = 'true' THEN 1 ELSE 0 END AS sts
  FROM results r JOIN exams e ON e.id = r.exam_id;
CREATE VIEW stat_physician_decisions AS
  SELECT v.exam_id, v.id AS evaluation_id,
    (SELECT max(json_extract(h.value, '$.column'))
       FROM json_each(v.result_json, '$.result.ek2.rules') h
      WHERE EXISTS (SELECT 1 FROM json_each(h.value, '$.inputs') i
                     WHERE i.key LIKE 'hearing.%')) AS hearing,
    (SELECT max(json_extract(h.value, '$.column'))
       FROM json_each(v.result_json, '$.result.ek2.rules') h
      WHERE EXISTS (SELECT 1 FROM json_each(h.value, '$.inputs') i
                     WHERE i.key LIKE 'spirometry.%')) AS lung
  FROM evaluations v
  WHERE v.kind IN ('confirm', 'override') AND v.exam_id IS NOT NULL
    AND json_valid(v.result_json);
INSERT INTO stat_exams (exam_id, result_id, version, worker_id, kind, day, obstruction,
                        restriction, sts)
  SELECT s.* FROM stat_signed_results s
  WHERE s.version = (SELECT max(r.version) FROM results r JOIN signatures g ON g.result_id = r.id
                      WHERE r.exam_id = s.exam_id);
INSERT INTO stat_decisions (exam_id, evaluation_id, hearing, lung)
  SELECT d.* FROM stat_physician_decisions d
  WHERE d.evaluation_id = (SELECT max(x.id) FROM evaluations x
                            WHERE x.exam_id = d.exam_id AND x.kind IN ('confirm', 'override'));
CREATE TRIGGER stat_exams_signed AFTER INSERT ON signatures
  BEGIN
    INSERT OR REPLACE INTO stat_exams (exam_id, result_id, version, worker_id, kind, day,
                                       obstruction, restriction, sts)
      SELECT s.* FROM stat_signed_results s
      WHERE s.result_id = NEW.result_id
        AND NOT EXISTS (SELECT 1 FROM stat_exams o
                         WHERE o.exam_id = s.exam_id AND o.version > s.version);
  END;
CREATE TRIGGER stat_decisions_new AFTER INSERT ON evaluations
  WHEN NEW.kind IN ('confirm', 'override') AND NEW.exam_id IS NOT NULL
  BEGIN
    INSERT OR REPLACE INTO stat_decisions (exam_id, evaluation_id, hearing, lung)
      SELECT d.* FROM stat_physician_decisions d WHERE d.evaluation_id = NEW.id;
  END;
)sql";

// v19: the export outbox's rows join the bound tables (storage/audit.hpp): each row's audit entry
// binds its content, so a message changed after signing (its payload and payload_sha256 rewritten
// together) is found by `db verify` before it is sent to central records. Rows queued before this
// had an export.queue entry that bound nothing; they are bound now (record.bind), as they stand.
// No schema change.
constexpr std::string_view kV19 = R"sql(
SELECT 1;
)sql";

}  // namespace

const std::vector<Migration>& all_migrations() {
  // Numbers are reserved per change (HELPERS.md), so the list may be appended out of order; it is
  // applied in order of number.
  static const std::vector<Migration> list = [] {
    std::vector<Migration> l{
        {1, "workers, users, audit log", kV1},
        {2, "exams, recordings, results, evaluations, calibration checks", kV2},
        {3, "audiometric baselines", kV3},
        {4, "versioned, append-only audiometric baselines", kV4},
        {5, "keyed audit chain bound to every record", kV5, &key_the_audit_chain},
        {6, "user versions, signing keys, cryptographic signatures", kV6, &bind_unbound_records},
        {8, "physician records: Ek-2 systems, special exams, restrictions, absences", kV8},
        {9, "export outbox and delivery attempts", kV9},
        {10, "job history and chest films", kV10},
        {15, "the review queue and indexes for the worklist and the exam page", kV15},
        {11, "actions on suspected-disease flags", kV11},
        {12, "corrective actions", kV12},
        {18, "statistics: signed exams' numbers and physicians' Ek-2 columns, kept by triggers",
         kV18},
        {16, "daily-check index; second review of signed exams", kV16},
        {19, "the export outbox's messages bound to the audit chain", kV19, &bind_unbound_records},
    };
    std::sort(l.begin(), l.end(),
              [](const Migration& a, const Migration& b) { return a.version < b.version; });
    return l;
  }();
  return list;
}

int latest_schema_version() {
  return all_migrations().back().version;
}

Result<void> migrate(Database& db, int target) {
  if (target < 0) target = latest_schema_version();
  auto current = db.schema_version();
  if (!current) return current.error();
  if (*current > latest_schema_version()) {
    return make_errorf("db_newer_schema",
                       "{}: database schema version {} is newer than this odyospiro understands "
                       "(up to {}); install the newer odyospiro, or open a backup made by this "
                       "version",
                       db.file().string(), *current, latest_schema_version());
  }
  if (auto r = db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                       "name TEXT NOT NULL, "
                       "sql_sha256 TEXT NOT NULL, applied_at TEXT NOT NULL)");
      !r) {
    return r.error();
  }
  // Applied: the versions recorded. Numbers are reserved per change and may land out of order,
  // so a database made before a lower-numbered migration landed gets it now (not only those above
  // its highest).
  std::set<int> applied;
  {
    auto st = db.prepare("SELECT version FROM schema_migrations");
    if (!st) return st.error();
    for (;;) {
      auto row = st->step();
      if (!row) return row.error();
      if (!*row) break;
      applied.insert(static_cast<int>(st->int64(0)));
    }
  }
  for (const auto& m : all_migrations()) {
    if (applied.contains(m.version) || m.version > target) continue;
    auto tx = Transaction::begin(db);
    if (!tx) return tx.error();
    if (auto r = db.exec(m.sql); !r) {
      return make_errorf("db_migration", "migration {} ({}) failed: {}", m.version,
                         std::string(m.name), r.error());
    }
    if (m.after != nullptr) {
      if (auto r = m.after(db); !r) {
        return make_errorf("db_migration", "migration {} ({}) failed: {}", m.version,
                           std::string(m.name), r.error());
      }
    }
    auto ins = db.prepare(
        "INSERT INTO schema_migrations(version,name,sql_sha256,applied_at) VALUES (?,?,?,?)");
    if (!ins) return ins.error();
    ins->bind(1, m.version).bind(2, m.name).bind(3, sha256_hex(m.sql)).bind(4, utc_now_iso());
    if (auto r = ins->run(); !r) return r.error();
    if (auto r = tx->commit(); !r) return r.error();
  }
  return {};
}

}  // namespace odyo::station
