#pragma once
// toml++ table → ProfileNode. Header-only on purpose: include it only from a target that links
// toml++ (PkgConfig::TOMLPP: odyo::station, tools, tests), so the drivers library itself does not
// depend on a TOML library. Reading the file is the caller's business (toml::parse_file).
// Thread-safety: pure functions.

#include <toml++/toml.h>

#include <string>

#include "drivers/profile/profile.hpp"

namespace odyo::profile {

inline ProfileNode to_profile_node(const toml::node& n) {
  ProfileNode out;
  if (const auto* t = n.as_table()) {
    ProfileNode::Table table;
    for (const auto& [k, v] : *t) table.emplace(std::string(k.str()), to_profile_node(v));
    out.value = std::move(table);
  } else if (const auto* a = n.as_array()) {
    ProfileNode::Array arr;
    for (const auto& v : *a) arr.push_back(to_profile_node(v));
    out.value = std::move(arr);
  } else if (const auto* s = n.as_string()) {
    out.value = std::string(s->get());
  } else if (const auto* i = n.as_integer()) {
    out.value = static_cast<std::int64_t>(i->get());
  } else if (const auto* f = n.as_floating_point()) {
    out.value = static_cast<double>(f->get());
  } else if (const auto* b = n.as_boolean()) {
    out.value = b->get();
  } else {
    out.value = std::string("<unsupported TOML date/time value>");
  }
  return out;
}

}  // namespace odyo::profile
