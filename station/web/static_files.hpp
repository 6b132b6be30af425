#pragma once
// The web pages' files (station/web/pages/: index.html, app.js, style.css), embedded in the
// program at build time (cmake/EmbedFile.cmake, like the translation catalogues), so the server
// needs no data path and the pages work offline. The pages hold no sentence of their own: every
// text they show is a msgid of page_texts(), translated by /api/texts from the catalogues.
// Thread-safety: immutable data.
#include <string_view>
#include <vector>

namespace odyo::station::web {

struct StaticFile {
  std::string_view path;          // as requested: "/", "/app.js", "/style.css"
  std::string_view content_type;  // with its charset
  std::string_view bytes;
};

// The file served at `path`, or null.
const StaticFile* static_file(std::string_view path);
// Every embedded file (for the tests).
const std::vector<StaticFile>& static_files();

// The English texts the pages show (each marked with N_ so the catalogue test finds it); the
// pages name them by their English text and /api/texts gives their translations.
const std::vector<const char*>& page_texts();

}  // namespace odyo::station::web
