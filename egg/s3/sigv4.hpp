#pragma once
// AWS Signature Version 4, computed by egg itself: Debian's libcurl 7.88 signs S3 requests wrongly
// (docs/s3.md). HMAC-SHA-256 and SHA-256 come from libsodium; nothing here does I/O.
#include "egg/core/sha256.hpp"
#include <array>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sodium.h>

#include "egg/core/secret.hpp"

namespace egg::s3 {

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// SHA-256 of the empty string, the payload hash of every bodiless request.
inline constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Credentials {
  std::string access_key_id;
  core::SecretBytes secret_access_key;
};

// S3 encodes the path once and never normalizes it (a key may contain "//" or "./"); every other
// service normalizes dot segments and encodes the already-encoded path a second time.
enum class UriMode { s3, generic };

struct Scope {
  std::string amz_date;  // YYYYMMDDTHHMMSSZ; its first 8 characters are the scope's date
  std::string region;
  std::string service;
  UriMode mode = UriMode::s3;
};

// A request exactly as it goes on the wire.
struct SignInput {
  std::string method;
  std::string path;   // percent-encoded, as on the request line
  std::string query;  // percent-encoded, after '?', without it
  Headers headers;    // every header to sign, x-amz-date (or date) and host included
  std::string payload_hash;  // lowercase hex SHA-256 of the body, or kUnsignedPayload
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;
  std::string signature;      // lowercase hex
  std::string authorization;  // the Authorization header's value
};

Signature sign(const SignInput& in, const Credentials& creds, const Scope& scope);

// The pieces, public so tests and callers (query-signed URLs later) can check each one.
std::string canonical_uri(std::string_view path, UriMode mode);
std::string canonical_query(std::string_view query);
// Canonical header block (each "name:value\n") and the signed-header list.
std::pair<std::string, std::string> canonical_headers(const Headers& headers);
std::string canonical_request(const SignInput& in, UriMode mode);
std::string string_to_sign(std::string_view canonical_request, const Scope& scope);
std::array<unsigned char, 32> signing_key(const core::SecretBytes& secret, std::string_view date,
                                          std::string_view region, std::string_view service);

// RFC 3986 unreserved characters pass; every other byte becomes %XX with uppercase hex.
std::string uri_encode(std::string_view s, bool keep_slash);
// Decodes %XX; a malformed escape is kept literally (the server does the same).
std::string percent_decode(std::string_view s);

std::string hex(const unsigned char* data, std::size_t n);
std::string sha256_hex(std::string_view data);
std::string amz_date(std::chrono::system_clock::time_point t);

// Streaming SHA-256 for payloads that do not fit in memory (parts of a multipart upload).
using Sha256 = core::Sha256;

}  // namespace egg::s3
