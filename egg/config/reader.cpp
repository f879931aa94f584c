#include "egg/config/reader.hpp"

#include <algorithm>
#include <limits>

#include "egg/core/exit.hpp"

namespace egg::config::detail {

std::string child(const std::string& pointer, std::string_view key) {
  return pointer + "/" + core::pointer_token(key);
}

std::string child(const std::string& pointer, std::size_t index) { return pointer + "/" + std::to_string(index); }

std::string kind_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64: return "an integer";
    case json::kind::double_: return "a fractional number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "something else";
}

void Reader::fail(const std::string& pointer, const std::string& what, const std::string& allowed) const {
  std::string msg = origin_ + ": " + (pointer.empty() ? "/" : pointer) + ": " + what;
  if (!allowed.empty()) msg += "; " + allowed;
  throw Error(Exit::usage, msg);
}

const json::object& Reader::object(const json::value& v, const std::string& pointer,
                                   const std::string& allowed) const {
  if (!v.is_object()) fail(pointer, "must be an object, got " + kind_name(v), allowed);
  return v.get_object();
}

const json::array& Reader::array(const json::value& v, const std::string& pointer,
                                 const std::string& allowed) const {
  if (!v.is_array()) fail(pointer, "must be an array, got " + kind_name(v), allowed);
  return v.get_array();
}

void Reader::only(const json::object& o, const std::string& pointer,
                  std::initializer_list<std::string_view> keys) const {
  for (const auto& kv : o) {
    std::string_view key = kv.key();
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
    std::string allowed = "allowed keys here: ";
    bool first = true;
    for (auto k : keys) {
      allowed += (first ? "" : ", ") + std::string(k);
      first = false;
    }
    // An unknown key that smells like an inline secret gets the reason it cannot work.
    for (std::string_view hint : {"token", "secret", "password", "access_key", "passphrase"}) {
      if (key.find(hint) != std::string_view::npos && !key.ends_with("_file")) {
        allowed += " (egg never takes a secret inline: write it to a file only root can read and "
                   "give that file's absolute path in the matching *_file key)";
        break;
      }
    }
    fail(child(pointer, key), "unknown key", allowed);
  }
}

bool Reader::boolean(const json::value& v, const std::string& pointer) const {
  if (!v.is_bool()) fail(pointer, "must be true or false, got " + kind_name(v), "");
  return v.get_bool();
}

int Reader::integer(const json::value& v, const std::string& pointer, const std::string& allowed) const {
  if (v.is_int64()) {
    auto n = v.get_int64();
    if (n >= std::numeric_limits<int>::min() && n <= std::numeric_limits<int>::max()) return static_cast<int>(n);
    fail(pointer, std::to_string(n) + " is out of range", allowed);
  }
  if (v.is_uint64()) fail(pointer, std::to_string(v.get_uint64()) + " is out of range", allowed);
  fail(pointer, "must be an integer, got " + kind_name(v), allowed);
}

std::optional<int> Reader::integer_or_null(const json::value& v, const std::string& pointer,
                                           const std::string& allowed) const {
  if (v.is_null()) return std::nullopt;
  return integer(v, pointer, allowed);
}

std::string Reader::string(const json::value& v, const std::string& pointer, const std::string& allowed) const {
  if (!v.is_string()) fail(pointer, "must be a string, got " + kind_name(v), allowed);
  return std::string(v.get_string());
}

std::optional<std::string> Reader::string_or_null(const json::value& v, const std::string& pointer,
                                                  const std::string& allowed) const {
  if (v.is_null()) return std::nullopt;
  if (!v.is_string()) fail(pointer, "must be a string or null, got " + kind_name(v), allowed);
  return std::string(v.get_string());
}

}  // namespace egg::config::detail
