#pragma once
// The one place secrets are registered for redaction. Every log line, error message and evidence
// file passes through redact(), which replaces each registered value by "[redacted]".
#include <span>
#include <string>
#include <string_view>

namespace egg::core {

// Values shorter than this are not registered: replacing every "a" or "12" would make output
// unreadable and protects nothing (every secret egg generates or accepts is longer).
inline constexpr std::size_t kMinRedactLength = 6;

inline constexpr std::string_view kRedacted = "[redacted]";

// Registers a secret as it may be printed. Thread-safe.
void register_secret(std::string_view value);
// Registers raw key material in the textual forms egg could print it in: hex and base64
// (standard and URL-safe, padded and not).
void register_secret_bytes(std::span<const unsigned char> bytes);

std::string redact(std::string_view text);

// For tests: forget every registered secret.
void clear_registered_secrets();

}  // namespace egg::core
