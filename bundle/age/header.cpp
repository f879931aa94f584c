#include "bundle/age/header.hpp"

#include "bundle/age/base64.hpp"
#include "egg/core/exit.hpp"

namespace egg::bundle::age {
namespace {

[[noreturn]] void bad(const std::string& what) { throw Error(Exit::verify, "age header: " + what); }

bool is_b64char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

std::vector<std::string> split_args(std::string_view line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto sp = line.find(' ', start);
    out.emplace_back(line.substr(start, sp == std::string_view::npos ? sp : sp - start));
    if (sp == std::string_view::npos) break;
    start = sp + 1;
  }
  return out;
}

}  // namespace

std::string serialize_stanza(const Stanza& stanza) {
  std::string out = "->";
  for (const auto& a : stanza.args) out += " " + a;
  out += "\n";
  std::string b = b64_encode(stanza.body);
  std::size_t i = 0;
  for (; i + 64 <= b.size(); i += 64) out += b.substr(i, 64) + "\n";
  out += b.substr(i) + "\n";
  return out;
}

HeaderParse parse_header(std::string_view data) {
  HeaderParse r;
  std::size_t pos = 0;
  // Returns the next line without its LF, or nullopt if no LF yet.
  auto next_line = [&]() -> std::optional<std::string_view> {
    auto nl = data.find('\n', pos);
    if (nl == std::string_view::npos) return std::nullopt;
    auto line = data.substr(pos, nl - pos);
    pos = nl + 1;
    return line;
  };

  auto v = next_line();
  if (!v) {
    // Fail early on a prefix that can never become a version line.
    auto n = std::min(data.size(), std::string_view("age-encryption.org/").size());
    if (data.substr(0, n) != std::string_view("age-encryption.org/").substr(0, n))
      bad("not an age file (no age-encryption.org version line)");
    return r;
  }
  if (*v != kVersionLine.substr(0, kVersionLine.size() - 1)) {
    if (v->starts_with("age-encryption.org/")) bad("unsupported version: " + std::string(*v));
    bad("not an age file (no age-encryption.org version line)");
  }

  while (true) {
    std::size_t line_start = pos;
    auto line = next_line();
    if (!line) return r;
    if (line->starts_with("---")) {
      auto args = split_args(*line);
      if (args.size() != 2 || args[0] != "---") bad("malformed MAC line");
      auto mac = b64_decode(args[1]);
      if (!mac || mac->size() != 32) bad("malformed MAC (not canonical base64 of 32 bytes)");
      if (r.header.stanzas.empty()) bad("no recipient stanzas");
      std::copy(mac->begin(), mac->end(), r.header.mac.begin());
      r.header.mac_input = std::string(data.substr(0, line_start + 3));
      r.complete = true;
      r.consumed = pos;
      return r;
    }
    if (!line->starts_with("-> ")) bad("malformed line (expected a stanza or the MAC line)");
    Stanza st;
    st.args = split_args(line->substr(3));
    for (const auto& a : st.args) {
      if (a.empty()) bad("empty stanza argument");
      for (char c : a)
        if (c < 0x21 || c > 0x7e) bad("invalid character in stanza argument");
    }
    std::string b64;
    while (true) {
      auto body = next_line();
      if (!body) return r;
      if (body->size() > 64) bad("stanza body line longer than 64 columns");
      for (char c : *body)
        if (!is_b64char(c)) bad("invalid character in stanza body");
      b64 += *body;
      if (body->size() < 64) break;
    }
    auto decoded = b64_decode(b64);
    if (!decoded) bad("stanza body is not canonical base64");
    st.body = std::move(*decoded);
    r.header.stanzas.push_back(std::move(st));
  }
}

}  // namespace egg::bundle::age
