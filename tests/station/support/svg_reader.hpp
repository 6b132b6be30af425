#pragma once
// Test helper: reads the station's SVG charts back into a tree of elements (names, attributes,
// text) so tests can measure what was drawn, and checks that a document is well-formed XML with
// Debian's xmllint (package libxml2-utils, in `odyo`'s package list). The parser reads the XML
// subset the charts use (declaration, comments, elements, attributes in double quotes, text with
// the five predefined entities); anything else fails the parse.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/station/support/station_fixture.hpp"

namespace odyo::test {

struct SvgNode {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::string text;
  std::vector<SvgNode> children;

  [[nodiscard]] std::string attr(const std::string& k) const {
    auto it = attrs.find(k);
    return it == attrs.end() ? std::string() : it->second;
  }
  [[nodiscard]] double num(const std::string& k) const {
    auto it = attrs.find(k);
    if (it == attrs.end()) throw std::runtime_error("no attribute " + k + " on <" + name + ">");
    return std::stod(it->second);
  }
  [[nodiscard]] bool has_class(const std::string& c) const {
    const std::string cls = " " + attr("class") + " ";
    return cls.find(" " + c + " ") != std::string::npos;
  }
  // Every descendant (and this node) for which pred is true, in document order.
  template <typename Pred>
  void find_all(Pred pred, std::vector<const SvgNode*>& out) const {
    if (pred(*this)) out.push_back(this);
    for (const auto& c : children) c.find_all(pred, out);
  }
  [[nodiscard]] std::vector<const SvgNode*> with_class(const std::string& c) const {
    std::vector<const SvgNode*> out;
    find_all([&](const SvgNode& n) { return n.has_class(c); }, out);
    return out;
  }
  [[nodiscard]] std::string all_text() const {
    std::string t = text;
    for (const auto& c : children) t += " " + c.all_text();
    return t;
  }
};

namespace detail {
inline std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const auto semi = s.find(';', i);
    if (semi == std::string::npos) throw std::runtime_error("bad entity");
    const std::string e = s.substr(i + 1, semi - i - 1);
    if (e == "amp")
      out += '&';
    else if (e == "lt")
      out += '<';
    else if (e == "gt")
      out += '>';
    else if (e == "quot")
      out += '"';
    else if (e == "apos")
      out += '\'';
    else
      throw std::runtime_error("unknown entity &" + e + ";");
    i = semi;
  }
  return out;
}

struct Parser {
  const std::string& s;
  std::size_t i = 0;
  void skip_ws() {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  }
  void skip_misc() {
    for (;;) {
      skip_ws();
      if (s.compare(i, 4, "<!--") == 0) {
        auto e = s.find("-->", i);
        if (e == std::string::npos) throw std::runtime_error("open comment");
        i = e + 3;
      } else if (s.compare(i, 2, "<?") == 0) {
        auto e = s.find("?>", i);
        if (e == std::string::npos) throw std::runtime_error("open declaration");
        i = e + 2;
      } else {
        return;
      }
    }
  }
  SvgNode element() {
    if (s[i] != '<') throw std::runtime_error("expected < at " + std::to_string(i));
    ++i;
    SvgNode n;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])) && s[i] != '>' &&
           s[i] != '/')
      n.name += s[i++];
    for (;;) {
      skip_ws();
      if (s.compare(i, 2, "/>") == 0) {
        i += 2;
        return n;
      }
      if (s[i] == '>') {
        ++i;
        break;
      }
      std::string key;
      while (i < s.size() && s[i] != '=') key += s[i++];
      if (s.compare(i, 2, "=\"") != 0) throw std::runtime_error("bad attribute " + key);
      i += 2;
      auto e = s.find('"', i);
      if (e == std::string::npos) throw std::runtime_error("open attribute " + key);
      n.attrs[key] = unescape(s.substr(i, e - i));
      i = e + 1;
    }
    for (;;) {
      if (s.compare(i, 4, "<!--") == 0) {
        skip_misc();
        continue;
      }
      if (s.compare(i, 2, "</") == 0) {
        auto e = s.find('>', i);
        if (s.substr(i + 2, e - i - 2) != n.name) throw std::runtime_error("mismatched </");
        i = e + 1;
        return n;
      }
      if (s[i] == '<') {
        n.children.push_back(element());
        continue;
      }
      auto e = s.find('<', i);
      if (e == std::string::npos) throw std::runtime_error("unterminated <" + n.name + ">");
      n.text += unescape(s.substr(i, e - i));
      i = e;
    }
  }
};
}  // namespace detail

inline SvgNode parse_svg(const std::string& doc) {
  detail::Parser p{doc};
  p.skip_misc();
  SvgNode root = p.element();
  p.skip_misc();
  if (p.i != doc.size()) throw std::runtime_error("content after the root element");
  return root;
}

// xmllint's verdict on the document ("" when well-formed, else its message).
inline std::string xmllint_errors(const std::string& doc) {
  TempDir d;
  const auto f = d.write("chart.svg", doc);
  const auto r = run_command("xmllint --noout '" + f + "'");
  if (r.exit_code == 127) return "xmllint is not installed (Debian package libxml2-utils)";
  return r.exit_code == 0 ? std::string()
                          : "xmllint exit " + std::to_string(r.exit_code) + ": " + r.err;
}

// Numbers of a points/d attribute, in order.
inline std::vector<double> numbers_in(const std::string& s) {
  std::vector<double> out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '-' || s[i] == '.') {
      std::size_t used = 0;
      out.push_back(std::stod(s.substr(i), &used));
      i += used;
    } else {
      ++i;
    }
  }
  return out;
}

}  // namespace odyo::test
