#include "station/core/i18n.hpp"

#include <boost/locale/gnu_gettext.hpp>
#include <boost/locale/message.hpp>

#include <cstddef>
#include <map>
#include <mutex>

// The compiled catalogues, embedded at build time (station/CMakeLists.txt, cmake/EmbedFile.cmake).
extern const unsigned char odyo_catalog_tr[];
extern const std::size_t odyo_catalog_tr_size;

namespace odyo::station::i18n {
namespace {

using MessageFacet = boost::locale::message_format<char>;

constexpr const char* kDomain = "odyospiro";
constexpr const char* kEmbeddedRoot = "embedded:";

// Boost.Locale asks for "<path>/<lang>/LC_MESSAGES/<domain>.mo"; the embedded catalogue answers
// for its language, every other name is "no such file".
std::vector<char> read_embedded(const std::string& file_name, const std::string& /*encoding*/) {
  const std::string tr_name = std::string(kEmbeddedRoot) + "/tr/LC_MESSAGES/" + kDomain + ".mo";
  if (file_name == tr_name) {
    const auto* begin = reinterpret_cast<const char*>(odyo_catalog_tr);  // NOLINT
    return {begin, begin + odyo_catalog_tr_size};
  }
  return {};
}

}  // namespace

Catalog::Catalog(std::string_view language)
    : language_(language == "tr" ? "tr" : "en"), locale_(std::locale::classic()) {
  if (language_ == "en") return;  // English is the source language
  boost::locale::gnu_gettext::messages_info info;
  info.language = language_;
  info.encoding = "UTF-8";
  info.domains.emplace_back(kDomain);
  info.paths.emplace_back(kEmbeddedRoot);
  info.callback = read_embedded;
  locale_ = std::locale(std::locale::classic(),
                        boost::locale::gnu_gettext::create_messages_facet<char>(info));
  has_facet_ = true;
}

const char* Catalog::tr(const char* msgid) const {
  if (!has_facet_ || msgid == nullptr || *msgid == '\0') return msgid;
  const char* t = std::use_facet<MessageFacet>(locale_).get(0, nullptr, msgid);
  return t != nullptr ? t : msgid;
}

std::string Catalog::tr(std::string_view msgid) const {
  const std::string key(msgid);
  return tr(key.c_str());
}

bool Catalog::has_translation(std::string_view msgid) const {
  if (!has_facet_) return false;
  const std::string key(msgid);
  return std::use_facet<MessageFacet>(locale_).get(0, nullptr, key.c_str()) != nullptr;
}

namespace {

// The English text of `e` as its template and values make it.
std::string english(const Error& e) {
  if (e.msgid.empty()) return e.message;
  if (e.args.empty()) return e.msgid;
  std::vector<std::string> values;
  values.reserve(e.args.size());
  for (const auto& a : e.args) values.push_back(english(a));
  return error_text::fill(e.msgid, values);
}

}  // namespace

std::string Catalog::localize(const Error& e) const {
  if (e.msgid.empty() || !has_facet_) return e.message;
  // Edited after it was made ("context: " + message): the English text keeps everything.
  if (english(e) != e.message) return e.message;
  if (e.args.empty()) return tr(e.msgid);
  std::vector<std::string> values;
  values.reserve(e.args.size());
  for (const auto& a : e.args) values.push_back(localize(a));
  return error_text::fill(tr(e.msgid), values);
}

const Catalog& catalog(std::string_view language) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<Catalog>, std::less<>> catalogs;
  const std::lock_guard lock(mutex);
  auto it = catalogs.find(language);
  if (it == catalogs.end())
    it = catalogs.emplace(std::string(language), std::make_unique<Catalog>(language)).first;
  return *it->second;
}

}  // namespace odyo::station::i18n
