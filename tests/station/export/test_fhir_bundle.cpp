// The FHIR R4 transaction Bundle of a signed exam (station/export/fhir_bundle): codes, UCUM units,
// identifiers and conditional creates, references inside the Bundle, the signature in the
// Provenance, byte-identical output for the same exam version and new identifiers for a
// corrected one; each Bundle validated by the npm `fhir` package (0 errors).
#include "station/export/fhir_bundle.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/station/export/export_samples.hpp"
#include "tests/station/support/station_fixture.hpp"

using nlohmann::json;
using odyo::station::fhir_bundle;
using odyo::station::prepare_export;

namespace {

json bundle_of(const odyo::station::ExamRecord& r) {
  const auto cfg = odyo::test::export_config();
  auto x = prepare_export(r, cfg);
  EXPECT_TRUE(x.ok()) << (x.ok() ? "" : x.error().message);
  return json::parse(fhir_bundle(*x, cfg));
}

// The Observation whose identifier ends with "-<key>".
json observation(const json& b, const std::string& key) {
  for (const auto& e : b["entry"]) {
    const auto& r = e["resource"];
    if (r["resourceType"] != "Observation") continue;
    const std::string v = r["identifier"][0]["value"];
    if (v.size() > key.size() && v.substr(v.size() - key.size() - 1) == "-" + key) return r;
  }
  ADD_FAILURE() << "no observation " << key;
  return json::object();
}

json resource(const json& b, const std::string& type) {
  for (const auto& e : b["entry"])
    if (e["resource"]["resourceType"] == type) return e["resource"];
  ADD_FAILURE() << "no " << type;
  return json::object();
}

// Runs the npm `fhir` validator on `bundle`; returns its output, exit code 0 = no error.
odyo::test::CommandResult validate(const odyo::test::TempDir& dir, const std::string& text) {
  const auto f = dir.write("bundle.json", text);
  return odyo::test::run_command(std::string("node ") + ODYO_FHIR_VALIDATOR + " " + f);
}

const char* kLoinc = "http://loinc.org";
const char* kUcum = "http://unitsofmeasure.org";

}  // namespace

TEST(FhirBundle, SpirometryCodesUnitsAndReferenceValues) {
  const auto b = bundle_of(odyo::test::base_record("spirometry", odyo::test::spiro_payload()));
  EXPECT_EQ(b["resourceType"], "Bundle");
  EXPECT_EQ(b["type"], "transaction");
  EXPECT_EQ(b["timestamp"], "2026-11-20T10:15:00.000Z");

  const auto fev1 = observation(b, "FEV1");
  EXPECT_EQ(fev1["status"], "final");
  EXPECT_EQ(fev1["code"]["coding"][0]["system"], kLoinc);
  EXPECT_EQ(fev1["code"]["coding"][0]["code"], "20150-9");
  EXPECT_DOUBLE_EQ(fev1["valueQuantity"]["value"].get<double>(), 3.12);
  EXPECT_EQ(fev1["valueQuantity"]["system"], kUcum);
  EXPECT_EQ(fev1["valueQuantity"]["code"], "L");
  EXPECT_DOUBLE_EQ(fev1["referenceRange"][0]["low"]["value"].get<double>(), 3.10);
  EXPECT_EQ(fev1["referenceRange"][0]["type"]["text"], "LLN (GLI Global 2022)");
  EXPECT_EQ(fev1["interpretation"][0]["coding"][0]["code"], "N");
  std::map<std::string, json> comp;
  for (const auto& c : fev1["component"]) comp[c["code"]["coding"][0]["code"]] = c;
  ASSERT_EQ(comp.size(), 3u);
  EXPECT_DOUBLE_EQ(comp["20149-1"]["valueQuantity"]["value"].get<double>(), 3.85);
  EXPECT_DOUBLE_EQ(comp["20152-5"]["valueQuantity"]["value"].get<double>(), 81.1);
  EXPECT_EQ(comp["20152-5"]["valueQuantity"]["code"], "%");
  const auto& z = comp["FEV1-Z"];
  EXPECT_EQ(z["code"]["coding"][0]["system"], "urn:oid:2.16.792.1.2.1.1.5.99.1.5");
  EXPECT_EQ(z["code"]["coding"][1]["system"], "http://snomed.info/sct");
  EXPECT_EQ(z["code"]["coding"][1]["code"], "1078210003");
  EXPECT_DOUBLE_EQ(z["valueQuantity"]["value"].get<double>(), -1.42);
  EXPECT_EQ(z["valueQuantity"]["code"], "{z-score}");

  // FEV1/FVC is exported in % (LOINC 19926-5); it has no LOINC measured/predicted code.
  const auto ratio = observation(b, "FEV1FVC");
  EXPECT_EQ(ratio["code"]["coding"][0]["code"], "19926-5");
  EXPECT_DOUBLE_EQ(ratio["valueQuantity"]["value"].get<double>(), 76.2);
  EXPECT_EQ(ratio["valueQuantity"]["code"], "%");
  EXPECT_DOUBLE_EQ(ratio["referenceRange"][0]["low"]["value"].get<double>(), 70.0);
  EXPECT_EQ(observation(b, "FVC")["code"]["coding"][0]["code"], "19868-9");
  const auto fef = observation(b, "FEF2575");
  EXPECT_EQ(fef["code"]["coding"][0]["code"], "19927-3");
  EXPECT_EQ(fef["valueQuantity"]["code"], "L/s");
  EXPECT_EQ(fef["interpretation"][0]["coding"][0]["code"], "L");  // below the LLN

  const auto eq = observation(b, "PRED-METHOD");
  EXPECT_EQ(eq["code"]["coding"][0]["code"], "20088-1");
  EXPECT_EQ(eq["valueCodeableConcept"]["coding"][0]["code"], "EQ-gli-global-2022");
  EXPECT_EQ(observation(b, "GRADE-FVC")["valueString"], "B");

  // The Ek-2 column and health group of the decision in force (confirmed: final).
  const auto group = observation(b, "HEALTH-GROUP-D5");
  EXPECT_EQ(group["status"], "final");
  EXPECT_EQ(group["valueCodeableConcept"]["coding"][0]["code"], "HEALTH-GROUP-B");
  EXPECT_EQ(observation(b, "EK2-COLUMN-D5")["valueCodeableConcept"]["coding"][0]["code"],
            "EK2-COLUMN-A");

  const auto dr = resource(b, "DiagnosticReport");
  EXPECT_EQ(dr["code"]["coding"][0]["code"], "18759-1");
  EXPECT_EQ(dr["category"][0]["coding"][0]["system"],
            "http://terminology.hl7.org/CodeSystem/v2-0074");
  EXPECT_EQ(dr["category"][0]["coding"][0]["code"], "PF");
  EXPECT_EQ(dr["status"], "final");
  EXPECT_EQ(dr["conclusion"], "Normal spirometri");
  std::size_t observations = 0;
  for (const auto& e : b["entry"]) observations += e["resource"]["resourceType"] == "Observation";
  EXPECT_EQ(dr["result"].size(), observations);
}

TEST(FhirBundle, EveryEntryIsAConditionalCreateOnItsIdentifierAndReferencesResolve) {
  const auto b = bundle_of(odyo::test::base_record("spirometry", odyo::test::spiro_payload()));
  std::set<std::string> urls;
  for (const auto& e : b["entry"]) {
    EXPECT_TRUE(urls.insert(e["fullUrl"].get<std::string>()).second) << e["fullUrl"];
    EXPECT_EQ(e["fullUrl"].get<std::string>().rfind("urn:uuid:", 0), 0u);
    const auto& r = e["resource"];
    EXPECT_EQ(e["request"]["method"], "POST");
    EXPECT_EQ(e["request"]["url"], r["resourceType"]);
    const std::string ine = e["request"]["ifNoneExist"];
    if (r["resourceType"] == "Provenance") {  // R4 Provenance has no identifier: a tag
      const auto& t = r["meta"]["tag"][0];
      EXPECT_EQ(ine, "_tag=" + t["system"].get<std::string>() + "|" + t["code"].get<std::string>());
      EXPECT_EQ(t["code"], b["identifier"]["value"].get<std::string>() + "-PROVENANCE");
      continue;
    }
    const auto& id = r["identifier"][0];
    EXPECT_EQ(ine, "identifier=" + id["system"].get<std::string>() + "|" +
                       id["value"].get<std::string>());
  }
  // Every reference points at an entry of the Bundle.
  std::function<void(const json&)> refs = [&](const json& j) {
    if (j.is_object()) {
      if (j.contains("reference")) {
        EXPECT_EQ(urls.count(j["reference"].get<std::string>()), 1u) << j.dump();
      }
      for (const auto& item : j.items()) refs(item.value());
    } else if (j.is_array()) {
      for (const auto& v : j) refs(v);
    }
  };
  refs(b);
  const auto patient = resource(b, "Patient");
  EXPECT_EQ(patient["identifier"][0]["system"], "urn:oid:2.16.792.1.2.1.1.5.99.1.2");
  EXPECT_EQ(patient["identifier"][0]["value"], "38492017510");
  EXPECT_EQ(patient["name"][0]["given"][0], "Çağrı Şükrü");  // UTF-8 kept
  EXPECT_EQ(patient["name"][0]["family"], "Işıkoğlu|Öz^Ünal&İ~\\");
  EXPECT_EQ(patient["gender"], "male");
  EXPECT_EQ(resource(b, "Practitioner")["name"][0]["text"], "Dr. Ayşe Yılmaz");
  EXPECT_EQ(observation(b, "FEV1")["identifier"][0]["value"], "ST01-E12-V1-FEV1");
}

TEST(FhirBundle, TheSignatureIsInTheProvenance) {
  const auto b = bundle_of(odyo::test::base_record("spirometry", odyo::test::spiro_payload()));
  const auto p = resource(b, "Provenance");
  std::string practitioner_url, report_url;
  for (const auto& e : b["entry"]) {
    if (e["resource"]["resourceType"] == "Practitioner") practitioner_url = e["fullUrl"];
    if (e["resource"]["resourceType"] == "DiagnosticReport") report_url = e["fullUrl"];
  }
  EXPECT_EQ(p["target"][0]["reference"], report_url);
  EXPECT_EQ(p["recorded"], "2026-11-20T10:15:00.000Z");
  EXPECT_EQ(p["agent"][0]["who"]["reference"], practitioner_url);
  const auto& s = p["signature"][0];
  EXPECT_EQ(s["who"]["reference"], practitioner_url);
  EXPECT_EQ(s["when"], "2026-11-20T10:15:00.000Z");
  EXPECT_EQ(s["sigFormat"], "application/octet-stream");
  EXPECT_EQ(s["data"],
            odyo::test::base_record("spirometry", {}).results[0].signatures[0].signature_b64);
}

TEST(FhirBundle, SameVersionSameBytesACorrectionNewIdentifiers) {
  const auto cfg = odyo::test::export_config();
  auto r = odyo::test::base_record("spirometry", odyo::test::spiro_payload());
  const auto a = fhir_bundle(*prepare_export(r, cfg), cfg);
  EXPECT_EQ(a, fhir_bundle(*prepare_export(r, cfg), cfg));
  auto v2 = r.results[0];
  v2.id = 41;
  v2.version = 2;
  r.results.push_back(v2);
  const auto b = json::parse(fhir_bundle(*prepare_export(r, cfg), cfg));
  EXPECT_EQ(observation(b, "FEV1")["identifier"][0]["value"], "ST01-E12-V2-FEV1");
  EXPECT_EQ(observation(b, "FEV1")["status"], "amended");
  EXPECT_EQ(resource(b, "DiagnosticReport")["status"], "amended");
  const auto first = json::parse(a);
  EXPECT_NE(first["entry"][2]["fullUrl"], b["entry"][2]["fullUrl"]);
  EXPECT_EQ(first["entry"][0]["fullUrl"], b["entry"][0]["fullUrl"]);  // the same Patient
  // The systems are configuration.
  auto other = cfg;
  other.identifier_system = "urn:oid:1.2.3";
  other.station_id = "ST09";
  const auto c = json::parse(fhir_bundle(*prepare_export(r, other), other));
  EXPECT_EQ(observation(c, "FEV1")["identifier"][0]["system"], "urn:oid:1.2.3");
  EXPECT_EQ(observation(c, "FEV1")["identifier"][0]["value"], "ST09-E12-V2-FEV1");
}

TEST(FhirBundle, AnUnsignedResultIsNotExported) {
  auto r = odyo::test::base_record("spirometry", odyo::test::spiro_payload());
  r.results[0].signatures.clear();
  auto x = prepare_export(r, odyo::test::export_config());
  ASSERT_FALSE(x.ok());
  EXPECT_NE(x.error().message.find("not signed"), std::string::npos) << x.error().message;
  EXPECT_NE(x.error().message.find("exam sign 12"), std::string::npos) << x.error().message;
  // A signed version 1 followed by an unsigned version 2: the latest is not signed.
  r = odyo::test::base_record("spirometry", odyo::test::spiro_payload());
  auto v2 = r.results[0];
  v2.version = 2;
  v2.signatures.clear();
  r.results.push_back(v2);
  EXPECT_FALSE(prepare_export(r, odyo::test::export_config()).ok());
}

TEST(FhirBundle, AnAutomaticDecisionIsPreliminary) {
  auto r = odyo::test::base_record("spirometry", odyo::test::spiro_payload());
  r.decision->kind = "auto";
  const auto b = bundle_of(r);
  EXPECT_EQ(observation(b, "HEALTH-GROUP-D5")["status"], "preliminary");
  r.decision.reset();
  const auto c = bundle_of(r);
  for (const auto& e : c["entry"])
    EXPECT_EQ(e["resource"].value("identifier", json::array()).dump().find("HEALTH-GROUP"),
              std::string::npos);
}

TEST(FhirBundle, AudiometryThresholdsBoneMaskedAndAverages) {
  const auto b = bundle_of(odyo::test::base_record("audiometry", odyo::test::audio_payload()));
  const auto r500 = observation(b, "AC-R-500");
  EXPECT_EQ(r500["code"]["coding"][0]["system"], kLoinc);
  EXPECT_EQ(r500["code"]["coding"][0]["code"], "89025-1");
  EXPECT_EQ(r500["valueQuantity"]["value"], 15);
  EXPECT_EQ(r500["valueQuantity"]["code"], "dB");
  EXPECT_EQ(observation(b, "AC-L-500")["code"]["coding"][0]["code"], "89024-4");
  EXPECT_EQ(observation(b, "AC-L-4000")["code"]["coding"][0]["code"], "89022-8");
  const auto nr = observation(b, "AC-L-8000");
  EXPECT_EQ(nr["code"]["coding"][0]["code"], "89028-5");
  EXPECT_EQ(nr["valueQuantity"]["comparator"], ">");
  EXPECT_EQ(nr["valueQuantity"]["value"], 100);
  const auto masked = observation(b, "AC-M-R-3000");
  EXPECT_EQ(masked["code"]["coding"][0]["system"], "urn:oid:2.16.792.1.2.1.1.5.99.1.5");
  EXPECT_EQ(masked["component"][0]["valueQuantity"]["value"], 60);
  const auto bone = observation(b, "BC-R-1000");
  EXPECT_EQ(bone["code"]["coding"][0]["code"], "BC-R-1000");
  EXPECT_EQ(bone["code"]["coding"][0]["system"], "urn:oid:2.16.792.1.2.1.1.5.99.1.5");
  const auto pta = observation(b, "PTA-R");
  EXPECT_DOUBLE_EQ(pta["valueQuantity"]["value"].get<double>(), 20.0);
  EXPECT_EQ(pta["method"]["text"], "mean of the air-conduction thresholds at 500, 1000, 2000 Hz");
  EXPECT_DOUBLE_EQ(observation(b, "AVG-2-3-4K-R")["valueQuantity"]["value"].get<double>(), 36.7);
  const auto dr = resource(b, "DiagnosticReport");
  EXPECT_EQ(dr["code"]["coding"][0]["code"], "89015-2");
  EXPECT_EQ(dr["category"][0]["coding"][0]["code"], "AU");
}

TEST(FhirBundle, BothBundlesValidateWithTheNpmFhirPackage) {
  odyo::test::TempDir dir;
  for (const char* kind : {"spirometry", "audiometry"}) {
    const auto cfg = odyo::test::export_config();
    auto r = odyo::test::base_record(kind, std::string(kind) == "spirometry"
                                               ? odyo::test::spiro_payload()
                                               : odyo::test::audio_payload());
    const auto v = validate(dir, fhir_bundle(*prepare_export(r, cfg), cfg));
    EXPECT_EQ(v.exit_code, 0) << kind << ": " << v.out << v.err;
    EXPECT_NE(v.out.find(": fhir: 0 errors"), std::string::npos) << v.out;
    EXPECT_NE(v.out.find(": json-schema: 0 errors"), std::string::npos) << v.out;
  }
  // Neither validator is a rubber stamp: each refuses a broken Observation on its own.
  const auto bad = validate(dir, R"({"resourceType":"Observation","status":"done","code":{}})");
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_NE(bad.out.find("fhir error Observation.status"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("json-schema error .status"), std::string::npos) << bad.out;
  EXPECT_EQ(bad.out.find(": fhir: 0 errors"), std::string::npos) << bad.out;
  EXPECT_EQ(bad.out.find(": json-schema: 0 errors"), std::string::npos) << bad.out;
}
