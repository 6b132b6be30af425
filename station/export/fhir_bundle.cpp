#include "station/export/fhir_bundle.hpp"

#include "station/storage/base64.hpp"

#include <nlohmann/json.hpp>

#include "station/storage/hash.hpp"

namespace odyo::station {

namespace {

using ojson = nlohmann::ordered_json;

constexpr const char* kLoinc = "http://loinc.org";
constexpr const char* kSnomed = "http://snomed.info/sct";
constexpr const char* kUcum = "http://unitsofmeasure.org";

// urn:uuid from the identifier (SHA-256, version nibble 8 = custom, RFC 9562): stable per
// identifier, so references inside the Bundle are the same on every run.
std::string uuid_for(const std::string& system, const std::string& value) {
  const std::string h = sha256_hex(system + "|" + value);
  std::string u = h.substr(0, 32);
  u[12] = '8';
  const char variant[] = "89ab";
  u[16] = variant[std::stoi(u.substr(16, 1), nullptr, 16) & 3];
  return "urn:uuid:" + u.substr(0, 8) + "-" + u.substr(8, 4) + "-" + u.substr(12, 4) + "-" +
         u.substr(16, 4) + "-" + u.substr(20, 12);
}

// A search value in a URL query (ifNoneExist): everything but unreserved characters and the
// separators FHIR uses (":" "/" "|") percent-encoded.
std::string query_escape(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~' || c == ':' || c == '/' || c == '|') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

ojson coding(const ExportCode& c, const ExportConfig& cfg) {
  const std::string system = c.system == "loinc"    ? kLoinc
                             : c.system == "snomed" ? kSnomed
                                                    : cfg.code_system;
  return ojson{{"system", system}, {"code", c.code}, {"display", c.display}};
}

ojson concept_of(const std::vector<ExportCode>& codes, const ExportConfig& cfg) {
  ojson cc = ojson::object();
  cc["coding"] = ojson::array();
  for (const auto& c : codes) cc["coding"].push_back(coding(c, cfg));
  cc["text"] = codes.front().display;
  return cc;
}

ojson quantity(const ExportQuantity& q) {
  ojson j = ojson::object();
  j["value"] = ojson::parse(q.text);
  if (!q.comparator.empty()) j["comparator"] = q.comparator;
  j["unit"] = q.unit_text;
  j["system"] = kUcum;
  j["code"] = q.ucum;
  return j;
}

struct Entry {
  std::string full_url;
  ojson resource;
  std::string if_none_exist;
};

ojson reference(const std::string& full_url) {
  return ojson{{"reference", full_url}};
}

}  // namespace

std::string fhir_bundle(const ExportedExam& x, const ExportConfig& cfg, std::string_view pdf_report,
                        std::string_view pdf_language) {
  const std::string status = x.corrected ? "amended" : "final";
  const auto ident = [&](const std::string& key) { return x.id_prefix + "-" + key; };
  std::vector<Entry> entries;

  // Patient: the worker, found again by the T.C. kimlik no.
  const std::string patient_url = uuid_for(cfg.patient_identifier_system, x.worker.tc_kimlik);
  {
    ojson p;
    p["resourceType"] = "Patient";
    p["identifier"] = ojson::array({{{"use", "official"},
                                     {"system", cfg.patient_identifier_system},
                                     {"value", x.worker.tc_kimlik}},
                                    {{"use", "secondary"},
                                     {"system", cfg.registry_identifier_system},
                                     {"value", x.worker.registry_no}}});
    p["name"] = ojson::array(
        {{{"family", x.worker.last_name}, {"given", ojson::array({x.worker.first_name})}}});
    p["gender"] = x.worker.sex == "F" ? "female" : "male";
    p["birthDate"] = x.worker.birth_date;
    entries.push_back(
        {patient_url, p,
         "identifier=" + query_escape(cfg.patient_identifier_system + "|" + x.worker.tc_kimlik)});
  }
  // Practitioner: the physician who signed.
  const std::string practitioner_value = cfg.station_id + "-" + x.physician_username;
  const std::string practitioner_url =
      uuid_for(cfg.practitioner_identifier_system, practitioner_value);
  {
    ojson p;
    p["resourceType"] = "Practitioner";
    p["identifier"] = ojson::array(
        {{{"system", cfg.practitioner_identifier_system}, {"value", practitioner_value}}});
    p["name"] = ojson::array({{{"text", x.physician_name}}});
    entries.push_back({practitioner_url, p,
                       "identifier=" + query_escape(cfg.practitioner_identifier_system + "|" +
                                                    practitioner_value)});
  }
  // One Observation per item.
  std::vector<std::string> result_urls;
  for (const auto& it : x.items) {
    const std::string value = ident(it.key);
    const std::string url = uuid_for(cfg.identifier_system, value);
    ojson o;
    o["resourceType"] = "Observation";
    o["identifier"] = ojson::array({{{"system", cfg.identifier_system}, {"value", value}}});
    o["status"] = it.preliminary ? "preliminary" : status;
    o["category"] = ojson::array(
        {{{"coding",
           ojson::array({{{"system", "http://terminology.hl7.org/CodeSystem/observation-category"},
                          {"code", "exam"},
                          {"display", "Exam"}}})}}});
    o["code"] = concept_of(it.codes, cfg);
    o["subject"] = reference(patient_url);
    o["effectiveDateTime"] = fhir_datetime(x.effective);
    o["issued"] = fhir_datetime(x.issued);
    o["performer"] = ojson::array({reference(practitioner_url)});
    if (it.quantity) o["valueQuantity"] = quantity(*it.quantity);
    if (it.coded) o["valueCodeableConcept"] = concept_of({*it.coded}, cfg);
    if (it.text) o["valueString"] = *it.text;
    if (!it.interpretation.empty()) {
      o["interpretation"] = ojson::array(
          {{{"coding",
             ojson::array(
                 {{{"system", "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"},
                   {"code", it.interpretation},
                   {"display", it.interpretation == "L" ? "Low" : "Normal"}}})}}});
    }
    if (!it.method.empty()) o["method"] = ojson{{"text", it.method}};
    if (it.low) {
      o["referenceRange"] =
          ojson::array({{{"low", quantity(*it.low)}, {"type", ojson{{"text", it.range_text}}}}});
    }
    if (!it.components.empty()) {
      o["component"] = ojson::array();
      for (const auto& c : it.components) {
        o["component"].push_back(
            ojson{{"code", concept_of(c.codes, cfg)}, {"valueQuantity", quantity(c.value)}});
      }
    }
    result_urls.push_back(url);
    entries.push_back({url, o, "identifier=" + query_escape(cfg.identifier_system + "|" + value)});
  }
  // The report.
  const std::string report_value = ident("REPORT");
  const std::string report_url = uuid_for(cfg.identifier_system, report_value);
  {
    ojson d;
    d["resourceType"] = "DiagnosticReport";
    d["identifier"] = ojson::array({{{"system", cfg.identifier_system}, {"value", report_value}}});
    d["status"] = status;
    d["category"] = ojson::array(
        {{{"coding", ojson::array({{{"system", "http://terminology.hl7.org/CodeSystem/v2-0074"},
                                    {"code", x.section},
                                    {"display", x.section_display}}})}}});
    d["code"] = concept_of({x.report_code}, cfg);
    d["subject"] = reference(patient_url);
    d["effectiveDateTime"] = fhir_datetime(x.effective);
    d["issued"] = fhir_datetime(x.issued);
    d["resultsInterpreter"] = ojson::array({reference(practitioner_url)});
    d["result"] = ojson::array();
    for (const auto& u : result_urls) d["result"].push_back(reference(u));
    if (!x.conclusion.empty()) d["conclusion"] = x.conclusion;
    if (!pdf_report.empty()) {
      ojson form{{"contentType", "application/pdf"}};
      if (!pdf_language.empty()) form["language"] = std::string(pdf_language);
      form["data"] = base64_encode(reinterpret_cast<const unsigned char*>(pdf_report.data()),
                                   pdf_report.size());
      form["title"] = x.id_prefix + ".pdf";
      d["presentedForm"] = ojson::array({form});
    }
    entries.push_back(
        {report_url, d, "identifier=" + query_escape(cfg.identifier_system + "|" + report_value)});
  }
  // Provenance: the physician's signature over the result. R4 Provenance has no identifier: it
  // carries a meta.tag with the station's identifier instead and is found again by `_tag`, a
  // search every server has (`target:identifier`, tried first, is not supported by Medplum, which
  // then created a second Provenance on every resend).
  {
    const std::string prov_value = ident("PROVENANCE");
    ojson p;
    p["resourceType"] = "Provenance";
    p["meta"] = {
        {"tag", ojson::array({{{"system", cfg.identifier_system}, {"code", prov_value}}})}};
    p["target"] = ojson::array();
    p["target"].push_back(
        ojson{{"reference", report_url},
              {"identifier", {{"system", cfg.identifier_system}, {"value", report_value}}}});
    for (const auto& u : result_urls) p["target"].push_back(reference(u));
    p["recorded"] = fhir_datetime(x.issued);
    p["agent"] = ojson::array(
        {{{"type",
           {{"coding",
             ojson::array(
                 {{{"system", "http://terminology.hl7.org/CodeSystem/provenance-participant-type"},
                   {"code", "verifier"},
                   {"display", "Verifier"}}})}}},
          {"who", reference(practitioner_url)}}});
    p["signature"] =
        ojson::array({{{"type", ojson::array({{{"system", "urn:iso-astm:E1762-95:2013"},
                                               {"code", "1.2.840.10065.1.12.1.5"},
                                               {"display", "Verification Signature"}}})},
                       {"when", fhir_datetime(x.signature.signed_at)},
                       {"who", reference(practitioner_url)},
                       {"sigFormat", "application/octet-stream"},
                       {"data", x.signature.signature_b64}}});
    entries.push_back({uuid_for(cfg.identifier_system, prov_value), p,
                       "_tag=" + query_escape(cfg.identifier_system + "|" + prov_value)});
  }

  ojson b;
  b["resourceType"] = "Bundle";
  b["identifier"] = ojson{{"system", cfg.identifier_system}, {"value", x.id_prefix}};
  b["type"] = "transaction";
  b["timestamp"] = fhir_datetime(x.issued);
  b["entry"] = ojson::array();
  for (auto& e : entries) {
    const std::string type = e.resource["resourceType"].get<std::string>();
    b["entry"].push_back(
        ojson{{"fullUrl", e.full_url},
              {"resource", std::move(e.resource)},
              {"request", {{"method", "POST"}, {"url", type}, {"ifNoneExist", e.if_none_exist}}}});
  }
  return b.dump(2) + "\n";
}

}  // namespace odyo::station
