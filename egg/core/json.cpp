#include "egg/core/json.hpp"

#include "egg/core/exit.hpp"

namespace egg::core {

json::value parse_json(std::string_view text, std::string_view what) {
  json::parse_options opts;
  opts.max_depth = 64;
  json::stream_parser p({}, opts);
  boost::system::error_code ec;
  std::size_t consumed = p.write_some(text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) ec = json::error::extra_data;
  if (!ec) p.finish(ec);
  if (ec) {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < consumed && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    throw Error(Exit::usage, std::string(what) + ": invalid JSON at line " + std::to_string(line) +
                                 ", column " + std::to_string(col) + ": " + ec.message());
  }
  return p.release();
}

namespace {

void indent(std::string& out, int depth) { out.append(static_cast<std::size_t>(depth) * 2, ' '); }

void print(std::string& out, const json::value& v, int depth) {
  switch (v.kind()) {
    case json::kind::object: {
      const auto& o = v.get_object();
      if (o.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      bool first = true;
      for (const auto& kv : o) {
        if (!first) out += ",\n";
        first = false;
        indent(out, depth + 1);
        out += json::serialize(json::string(kv.key()));
        out += ": ";
        print(out, kv.value(), depth + 1);
      }
      out += "\n";
      indent(out, depth);
      out += "}";
      return;
    }
    case json::kind::array: {
      const auto& a = v.get_array();
      if (a.empty()) {
        out += "[]";
        return;
      }
      bool scalars = true;
      for (const auto& e : a) scalars = scalars && !e.is_object() && !e.is_array();
      if (scalars) {
        out += "[";
        for (std::size_t i = 0; i < a.size(); ++i) {
          if (i) out += ", ";
          out += json::serialize(a[i]);
        }
        out += "]";
        return;
      }
      out += "[\n";
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out += ",\n";
        indent(out, depth + 1);
        print(out, a[i], depth + 1);
      }
      out += "\n";
      indent(out, depth);
      out += "]";
      return;
    }
    default:
      out += json::serialize(v);
  }
}

}  // namespace

std::string pretty_json(const json::value& v) {
  std::string out;
  print(out, v, 0);
  out += "\n";
  return out;
}

std::string pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

}  // namespace egg::core
