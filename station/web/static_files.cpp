#include "station/web/static_files.hpp"

#include "station/core/i18n.hpp"

// The embedded pages (station/CMakeLists.txt: cmake/EmbedFile.cmake of station/web/pages/*).
extern const unsigned char odyo_page_index_html[];
extern const std::size_t odyo_page_index_html_size;
extern const unsigned char odyo_page_app_js[];
extern const std::size_t odyo_page_app_js_size;
extern const unsigned char odyo_page_checks_js[];
extern const std::size_t odyo_page_checks_js_size;
extern const unsigned char odyo_page_style_css[];
extern const std::size_t odyo_page_style_css_size;

namespace odyo::station::web {

namespace {
std::string_view bytes(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}
}  // namespace

const std::vector<StaticFile>& static_files() {
  static const std::vector<StaticFile> files = {
      {"/", "text/html; charset=utf-8", bytes(odyo_page_index_html, odyo_page_index_html_size)},
      {"/app.js", "text/javascript; charset=utf-8", bytes(odyo_page_app_js, odyo_page_app_js_size)},
      {"/checks.js", "text/javascript; charset=utf-8",
       bytes(odyo_page_checks_js, odyo_page_checks_js_size)},
      {"/style.css", "text/css; charset=utf-8",
       bytes(odyo_page_style_css, odyo_page_style_css_size)},
  };
  return files;
}

const StaticFile* static_file(std::string_view path) {
  if (path == "/index.html") path = "/";
  for (const auto& f : static_files())
    if (f.path == path) return &f;
  return nullptr;
}

const std::vector<const char*>& page_texts() {
  // The pages' words: data-t="…" in index.html and t("…") in app.js name these msgids, and the
  // values app.js translates by name (exam kinds, decision kinds, roles, chart titles).
  static const std::vector<const char*> texts = {
      N_("Worklist"),
      N_("Workers"),
      N_("Log out"),
      N_("Log in to the station"),
      N_("User name"),
      N_("Password"),
      N_("Language"),
      N_("Log in"),
      N_("Exams awaiting review"),
      N_("Establishment"),
      N_("Exam date"),
      N_("Kind"),
      N_("any"),
      N_("spirometry"),
      N_("audiometry"),
      N_("Interrupted"),
      N_("yes"),
      N_("no"),
      N_("Filter"),
      N_("Exam"),
      N_("Date"),
      N_("Worker"),
      N_("Decision"),
      N_("No exam awaits review."),
      N_("Results"),
      N_("Parameter"),
      N_("Measured"),
      N_("Predicted"),
      N_("LLN"),
      N_("z-score"),
      N_("% predicted"),
      N_("Reference equation"),
      N_("Evaluation (Ek-1 / Ek-2)"),
      N_("This exam has no evaluation."),
      N_("Clause"),
      N_("Finding"),
      N_("Rule status"),
      N_("Review"),
      N_("Confirm the decision"),
      N_("Ek-2 column"),
      N_("Health group"),
      N_("Reason"),
      N_("Override with this reason"),
      N_("Sign the result"),
      N_("Your password again"),
      N_("Sign"),
      N_("Registry number, T.C. kimlik or name"),
      N_("Search"),
      N_("Registry number"),
      N_("T.C. kimlik"),
      N_("Name"),
      N_("Birth date"),
      N_("Job"),
      N_("No worker matches."),
      N_("Register a worker"),
      N_("First name"),
      N_("Last name"),
      N_("Sex"),
      N_("male"),
      N_("female"),
      N_("Height (cm)"),
      N_("Weight (kg)"),
      N_("Register"),
      // The worker page and the admin's outbox page.
      N_("Next exams"),
      N_("Last"),
      N_("Due"),
      N_("Status"),
      N_("Rule"),
      N_("No interval rule applies to the current job."),
      N_("History"),
      N_("Exams"),
      N_("Job history"),
      N_("From"),
      N_("By"),
      N_("never"),
      N_("due"),
      N_("overdue"),
      N_("not yet due"),
      N_("provisional"),
      N_("registered"),
      N_("Lung function over the years"),
      N_("Hearing over the years"),
      N_("No exam yet."),
      N_("Export outbox"),
      N_("Destination"),
      N_("Pending"),
      N_("Delivered"),
      N_("Rejected"),
      N_("When"),
      N_("Why"),
      N_("Attempts"),
      N_("Next attempt"),
      N_("Last error"),
      N_("now"),
      N_("Send again"),
      N_("No."),
      N_("Enter an audiogram from paper"),
      N_("Test date"),
      N_("Audiometer"),
      N_("Note"),
      N_("Thresholds in dB HL; NR for no response; leave a frequency empty if it was not tested."),
      N_("Right ear, air"),
      N_("Left ear, air"),
      N_("Right ear, bone"),
      N_("Left ear, bone"),
      N_("Store the audiogram"),
      N_("The audiogram is stored as exam"),
      N_("The message is queued again."),
      N_("No export destination is configured: signed results are not queued."),
      N_("not configured"),
      N_("chest film"),
      N_("not evaluated"),
      N_("Technician"),
      N_("Signed by"),
      N_("Not signed yet"),
      N_("Rules"),
      N_("provisional rule"),
      N_("final rule"),
      N_("incomplete"),
      N_("The decision is confirmed."),
      N_("The decision is overridden."),
      N_("The result is signed."),
      N_("Worker registered"),
      N_("other"),
      N_("automatic"),
      N_("confirmed"),
      N_("overridden"),
      N_("re-evaluated"),
      N_("technician"),
      N_("physician"),
      N_("admin"),
      N_("Audiogram"),
      N_("Flow-volume curve"),
      N_("Volume-time curve"),
      N_("Live spirometry"),
      N_("Start the session"),
      N_("Stop"),
      N_("Blows"),
      N_("Blow"),
      N_("The live connection failed."),
      N_("The live connection ended."),
      N_("Session running for"),
      N_("Device"),
      N_("acceptable"),
      N_("usable"),
      N_("Another blow is needed, because:"),
      N_("No other blow is needed."),
      N_("Session grade so far"),
      N_("Session grade"),
      N_("stored as exam"),
      N_("awaiting review"),
      N_("The spirometry session is stored."),
      N_("Volume (L)"),
      N_("Flow (L/s)"),
      N_("Time (s)"),
      N_("Flow now"),
      N_("Device sample → drawn, 99th percentile"),
      N_("samples"),
      N_("messages"),
      // The device status and daily checks page (checks.js).
      N_("Devices and daily checks"),
      N_("Connection"),
      N_("Today's check"),
      N_("Ready to test"),
      N_("Calibration due"),
      N_("3-L syringe check"),
      N_("Push the 3-L syringe through the spirometer in one stroke and enter the volume it read. "
         "ATS/ERS 2019: within ±3 % (2.91-3.09 L)."),
      N_("Spirometer"),
      N_("Volume read (L)"),
      N_("Record the syringe check"),
      N_("Listening check"),
      N_("Listen to every frequency on both earphones at a low and a moderate level: no noise, "
         "distortion, crackle or crosstalk; the response button works."),
      N_("Listener"),
      N_("Result"),
      N_("pass"),
      N_("fail"),
      N_("Record the listening check"),
      N_("Today's checks"),
      N_("Check"),
      N_("not done"),
      N_("simulated"),
      N_("connected"),
      N_("not connected"),
      N_("not probed"),
  };
  return texts;
}

}  // namespace odyo::station::web
