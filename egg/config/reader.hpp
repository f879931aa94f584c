#pragma once
// Strict, typed reading of egg.json. Every error has one shape, so operators and tests can rely
// on it: "<origin>: <JSON pointer>: <what is wrong>; <what is allowed>".
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "egg/core/json.hpp"

namespace egg::config::detail {

namespace json = core::json;

std::string child(const std::string& pointer, std::string_view key);
std::string child(const std::string& pointer, std::size_t index);

class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void fail(const std::string& pointer, const std::string& what, const std::string& allowed) const;

  const json::object& object(const json::value& v, const std::string& pointer, const std::string& allowed) const;
  const json::array& array(const json::value& v, const std::string& pointer, const std::string& allowed) const;
  // Refuses the first key of `o` (in document order) that is not in `keys`.
  void only(const json::object& o, const std::string& pointer, std::initializer_list<std::string_view> keys) const;

  bool boolean(const json::value& v, const std::string& pointer) const;
  int integer(const json::value& v, const std::string& pointer, const std::string& allowed) const;
  std::optional<int> integer_or_null(const json::value& v, const std::string& pointer, const std::string& allowed) const;
  std::string string(const json::value& v, const std::string& pointer, const std::string& allowed) const;
  std::optional<std::string> string_or_null(const json::value& v, const std::string& pointer,
                                            const std::string& allowed) const;

  template <class E>
  E choice(const json::value& v, const std::string& pointer,
           const std::vector<std::pair<std::string_view, E>>& options) const {
    std::string allowed = "allowed: one of";
    for (std::size_t i = 0; i < options.size(); ++i)
      allowed += (i ? ", \"" : " \"") + std::string(options[i].first) + "\"";
    std::string s = string(v, pointer, allowed);
    for (const auto& [name, value] : options)
      if (s == name) return value;
    fail(pointer, "\"" + s + "\" is not a known value", allowed);
  }

 private:
  std::string origin_;
};

// "a string", "an integer", ...: for "must be X, got Y" messages.
std::string kind_name(const json::value& v);

}  // namespace egg::config::detail
