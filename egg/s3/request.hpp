#pragma once
// Signed S3 requests as plain data: method, path-style URL, headers, and the small XML bodies egg
// sends. No I/O: egg/core/http sends them. The transport must send the URL byte for byte (no dot
// segment squashing: CURLOPT_PATH_AS_IS), add only Content-Length, and never send `Expect:`.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "egg/s3/sigv4.hpp"

namespace egg::s3 {

struct Endpoint {
  std::string url;  // scheme://host[:port], no path: "http://127.0.0.1:8333"
  std::string region = "us-east-1";
  Credentials credentials;
};

struct HttpRequest {
  std::string method;
  std::string url;
  Headers headers;   // to send as is, Authorization last
  std::string body;  // only the XML bodies built here; object data is streamed by the caller
};

using Clock = std::chrono::system_clock;

// Object data: its SHA-256 (lowercase hex) when the caller hashed it, or UNSIGNED-PAYLOAD when
// hashing first would mean reading a large file twice (TLS protects the bytes then).
struct Payload {
  std::string sha256 = std::string(kUnsignedPayload);
  std::optional<std::uint64_t> length;  // signed as Content-Length when given
};

struct Part {
  int number;
  std::string etag;  // exactly as UploadPart returned it, quotes included
};

// Throws egg::Error(usage) for a name S3 would reject or a path-style URL could not carry.
void validate_bucket(std::string_view bucket);
// Keys egg writes are relative paths; a "." or ".." segment would be squashed by HTTP stacks.
void validate_key(std::string_view key);

HttpRequest create_bucket(const Endpoint& ep, std::string_view bucket, Clock::time_point now);
HttpRequest head_bucket(const Endpoint& ep, std::string_view bucket, Clock::time_point now);
HttpRequest list_buckets(const Endpoint& ep, Clock::time_point now);
HttpRequest put_object(const Endpoint& ep, std::string_view bucket, std::string_view key,
                       const Payload& payload, Clock::time_point now,
                       std::string_view content_type = {});
HttpRequest get_object(const Endpoint& ep, std::string_view bucket, std::string_view key,
                       Clock::time_point now, std::string_view range = {});
HttpRequest head_object(const Endpoint& ep, std::string_view bucket, std::string_view key,
                        Clock::time_point now);
HttpRequest delete_object(const Endpoint& ep, std::string_view bucket, std::string_view key,
                          Clock::time_point now);
HttpRequest list_objects_v2(const Endpoint& ep, std::string_view bucket, std::string_view prefix,
                            std::string_view continuation_token, Clock::time_point now,
                            int max_keys = 0);
HttpRequest create_multipart_upload(const Endpoint& ep, std::string_view bucket,
                                    std::string_view key, Clock::time_point now);
HttpRequest upload_part(const Endpoint& ep, std::string_view bucket, std::string_view key,
                        std::string_view upload_id, int part_number, const Payload& payload,
                        Clock::time_point now);
HttpRequest complete_multipart_upload(const Endpoint& ep, std::string_view bucket,
                                      std::string_view key, std::string_view upload_id,
                                      const std::vector<Part>& parts, Clock::time_point now);
HttpRequest abort_multipart_upload(const Endpoint& ep, std::string_view bucket,
                                   std::string_view key, std::string_view upload_id,
                                   Clock::time_point now);

std::string complete_multipart_body(const std::vector<Part>& parts);

// The general form behind every builder, also used by tests/tools/s3sign: path and query are
// raw (unencoded) and get S3's encoding here; `extra` headers are signed too.
HttpRequest build(const Endpoint& ep, std::string_view method, std::string_view raw_path,
                  const std::vector<std::pair<std::string, std::string>>& raw_query,
                  const Headers& extra, std::string body, const Payload& payload,
                  Clock::time_point now);

}  // namespace egg::s3
