#pragma once
// JSON helpers over Boost.JSON: parsing with the position of a syntax error, and stable,
// human-readable printing (two-space indent, keys in insertion order).
#include <boost/json.hpp>
#include <string>
#include <string_view>

namespace egg::core {

namespace json = boost::json;

// Parses `text`; on a syntax error throws Error(Exit::usage) naming `what`, line and column.
json::value parse_json(std::string_view text, std::string_view what);

std::string pretty_json(const json::value& v);

// JSON Pointer (RFC 6901) escaping of one reference token.
std::string pointer_token(std::string_view key);

}  // namespace egg::core
