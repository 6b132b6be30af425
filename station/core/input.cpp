#include "station/core/input.hpp"
#include "analysis/core/error_text.hpp"

#include <optional>
#include <set>
#include <vector>

namespace odyo::station {

Result<std::string> read_input_file(const std::filesystem::path& file, std::uint64_t max_bytes) {
  std::string bytes;
  if (auto r = drivers::read_file_bounded(file, bytes, max_bytes); !r)
    return make_error(r.error().code, r.error().message);  // i18n: not a message (drivers/)
  return bytes;
}

Result<nlohmann::json> parse_json_strict(std::string_view text, const std::string& name) {
  using nlohmann::json;
  // One set of keys per open object; arrays push nothing (their elements are not keyed).
  struct Frame {
    bool object = false;
    std::string path;
    std::set<std::string> keys;
    std::string last_key;
  };
  std::vector<Frame> stack;
  std::optional<std::string> duplicate;
  const json::parser_callback_t cb = [&](int /*depth*/, json::parse_event_t event,
                                         json& parsed) -> bool {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start: {
        std::string path;
        if (!stack.empty()) {
          path = stack.back().path + "/" +
                 (stack.back().object ? stack.back().last_key : std::string("[]"));
        }
        stack.push_back(Frame{event == json::parse_event_t::object_start, path, {}, {}});
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!stack.empty()) stack.pop_back();
        break;
      case json::parse_event_t::key:
        if (!stack.empty() && parsed.is_string()) {
          Frame& f = stack.back();
          f.last_key = parsed.get<std::string>();
          if (!f.keys.insert(f.last_key).second && !duplicate) {
            duplicate = "\"" + f.last_key + "\" appears twice in the object at " +
                        (f.path.empty() ? std::string("/") : f.path);
          }
        }
        break;
      case json::parse_event_t::value:
        break;
    }
    return true;
  };
  json j;
  try {
    j = json::parse(text.begin(), text.end(), cb, /*allow_exceptions=*/true);
  } catch (const json::parse_error& e) {
    return make_errorf("json_invalid", "{}: not valid JSON (at byte {}); check the file's syntax",
                       name, e.byte);
  } catch (const json::exception& e) {  // e.g. out_of_range 406: a number like 1e400
    return make_errorf("json_invalid",
                       "{}: not valid JSON ({}); check the file's numbers and syntax", name,
                       e.what());
  }
  if (duplicate) {
    return make_errorf("json_duplicate_key",
                       "{}: {}; a key may appear only once (which value was meant?); fix the file",
                       name, *duplicate);
  }
  return j;
}

std::optional<int> json_int_in(const nlohmann::json& v, int lo, int hi) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (hi < 0 || u > static_cast<std::uint64_t>(hi) ||
        (lo > 0 && u < static_cast<std::uint64_t>(lo)))
      return std::nullopt;
    return static_cast<int>(u);
  }
  if (v.is_number_integer()) {
    const auto i = v.get<std::int64_t>();
    if (i < lo || i > hi) return std::nullopt;
    return static_cast<int>(i);
  }
  return std::nullopt;
}

Result<nlohmann::json> read_json_file(const std::filesystem::path& file) {
  auto text = read_input_file(file);
  if (!text) return text.error();
  return parse_json_strict(*text, file.string());
}

}  // namespace odyo::station
