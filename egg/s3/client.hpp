#pragma once
// The S3 client egg uses: the pure builders of egg/s3/request.hpp sent through egg/core/http.
//
// Errors: egg::Error(Exit::failed) naming the operation, bucket/key, HTTP status and the S3
// error Code and Message (never the Authorization header or the secret, which the constructor
// registers for redaction anyway). Transport failures stay core::http::TransportError with their
// exit code (precondition when the endpoint cannot be reached). Idempotent requests are retried
// on HTTP 500/503, the SlowDown code and transport errors (a few attempts, short backoff); POSTs
// other than CompleteMultipartUpload and streamed bodies are sent once.
//
// One Client owns one HTTP connection: use one per thread. docs/s3.md, section "Client".
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "egg/core/http.hpp"
#include "egg/s3/request.hpp"

namespace egg::s3 {

struct ObjectInfo {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;           // as the server sent it, quotes included
  std::string last_modified;  // ListObjectsV2: ISO 8601; HeadObject: the HTTP date
};

// Multipart part sizes. S3 itself refuses parts under 5 MiB (except the last); egg uses 8 MiB and
// up in production. The upper bound caps memory: one part is buffered at a time.
inline constexpr std::size_t kMinPartSize = std::size_t{5} << 20;
inline constexpr std::size_t kMaxPartSize = std::size_t{64} << 20;

struct ClientOptions {
  int attempts = 4;                                // per idempotent request, first try included
  std::chrono::milliseconds backoff{200};          // doubled after each retry
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::string ca_file{};                           // PEM bundle for https endpoints; empty: system store
};

class Client {
 public:
  // Throws Error(usage) for an endpoint URL the builders refuse.
  explicit Client(Endpoint endpoint, ClientOptions options = {});

  const Endpoint& endpoint() const { return endpoint_; }

  // Creates the bucket unless it exists; a bucket already owned by these credentials is fine.
  void ensure_bucket(const std::string& bucket);
  bool bucket_exists(const std::string& bucket);  // HeadBucket: false on 404
  std::vector<std::string> list_buckets();

  // PutObject signed with the payload's real SHA-256; retried.
  void put_object(const std::string& bucket, const std::string& key, std::string_view data);
  // PutObject streamed from `reader` (exactly `size` bytes), UNSIGNED-PAYLOAD; sent once.
  void put_object_stream(const std::string& bucket, const std::string& key,
                         const core::http::BodyReader& reader, std::uint64_t size);
  // Streams the object to `writer`; false when it does not exist (404). Retried only while
  // nothing has reached the writer.
  bool get_object(const std::string& bucket, const std::string& key,
                  const core::http::BodyWriter& writer);
  std::optional<ObjectInfo> head_object(const std::string& bucket, const std::string& key);
  // Deletes the key; deleting a missing key succeeds (S3 answers 204 either way).
  void delete_object(const std::string& bucket, const std::string& key);
  // Every object under `prefix`, following continuation tokens. `page_size` 0: the server's
  // default (1000) per request.
  std::vector<ObjectInfo> list_objects(const std::string& bucket, const std::string& prefix = "",
                                       int page_size = 0);

  // Multipart upload of everything `reader` yields, in parts of `part_size` bytes (kMinPartSize..
  // kMaxPartSize, else Error(usage)); one part buffer in memory, each part signed with its real
  // SHA-256. Always multipart, even for a short or empty stream (one part). An <Error> inside the
  // HTTP 200 of CompleteMultipartUpload is a failure. On any failure (reader, HTTP, transport)
  // the upload is aborted and the error rethrown. Returns the object's ETag.
  std::string upload_multipart(const std::string& bucket, const std::string& key,
                               const core::http::BodyReader& reader, std::size_t part_size);

  // Polls until the endpoint answers HTTP at all (any status), up to `seconds`.
  bool wait_until_responding(int seconds);

 private:
  struct Call;  // one S3 operation: how to build it, its body, whether it may be retried
  core::http::Response send(const Call& call);
  [[noreturn]] void fail(const Call& call, const core::http::Response& resp,
                         std::string_view note = {}) const;

  Endpoint endpoint_;
  ClientOptions options_;
  std::string base_;  // scheme://host[:port] as the builders write it
  core::http::Client http_;
};

}  // namespace egg::s3
