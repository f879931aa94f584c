#include "egg/s3/client.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <thread>

#include "egg/core/exit.hpp"
#include "egg/core/redact.hpp"
#include "egg/s3/xml.hpp"

namespace egg::s3 {

namespace http = core::http;
using namespace std::chrono_literals;

struct Client::Call {
  std::string_view op;  // the S3 action name: "PutObject"
  std::string_view bucket, key;
  std::function<HttpRequest(Clock::time_point)> build;  // rebuilt (and re-signed) per attempt
  std::optional<std::string_view> data{};               // in-memory body: resendable
  const http::BodyReader* reader = nullptr;             // streamed body: sent once
  std::optional<std::uint64_t> size{};                  // with reader
  const http::BodyWriter* writer = nullptr;             // streamed 2xx response body
  bool retry = true;
  std::chrono::milliseconds timeout = 5min;  // zero: none (unbounded object streams)
};

namespace {

// scheme://host[:port] exactly as the builders write it into every URL (they validate it too).
std::string origin_of(const Endpoint& ep) {
  std::string url = list_buckets(ep, Clock::now()).url;  // origin + "/"
  url.pop_back();
  return url;
}

// "S3 PutObject bucket/key": how every message names the request.
std::string what(std::string_view op, std::string_view bucket, std::string_view key) {
  std::string w = "S3 " + std::string(op);
  if (!bucket.empty()) w += " " + std::string(bucket);
  if (!key.empty()) w += "/" + std::string(key);
  return w;
}

bool success(const http::Response& r) { return r.status >= 200 && r.status < 300; }

// Worth another attempt: the server said it is overloaded or failed internally.
bool transient(const http::Response& r) {
  if (r.status == 500 || r.status == 503) return true;
  auto e = parse_error(r.body);
  return e && e->code == "SlowDown";
}

// A non-XML error body (a proxy's HTML page, say), shortened to one line.
std::string snippet(std::string_view body) {
  std::string s(body.substr(0, 200));
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return s + (body.size() > 200 ? "..." : "");
}

std::string describe_error(const S3Error& e) {
  std::string s = e.code.empty() ? "(no error code)" : e.code;
  if (!e.message.empty()) s += ": " + e.message;
  if (!e.request_id.empty()) s += " (request id " + e.request_id + ")";
  return s;
}

// Reads until `buf` is full or the reader is exhausted (then sets eof).
std::size_t fill(const http::BodyReader& reader, std::string& buf, bool& eof) {
  std::size_t n = 0;
  while (n < buf.size()) {
    std::size_t got = reader(buf.data() + n, buf.size() - n);
    if (got == 0) {
      eof = true;
      break;
    }
    if (got > buf.size() - n) throw Error(Exit::failed, "S3 upload: the reader returned more bytes than asked for");
    n += got;
  }
  return n;
}

}  // namespace

Client::Client(Endpoint endpoint, ClientOptions options)
    : endpoint_(std::move(endpoint)),
      options_(std::move(options)),
      base_(origin_of(endpoint_)),
      http_(http::Endpoint{base_, "", options_.ca_file, options_.connect_timeout}) {
  if (!endpoint_.credentials.secret_access_key.empty())
    core::register_secret(endpoint_.credentials.secret_access_key.view());
}

http::Response Client::send(const Call& c) {
  const int attempts = c.retry ? std::max(1, options_.attempts) : 1;
  auto delay = options_.backoff;
  for (int attempt = 1;; ++attempt) {
    HttpRequest hr = c.build(Clock::now());
    if (!hr.url.starts_with(base_))
      throw Error(Exit::failed, what(c.op, c.bucket, c.key) + ": request URL outside the endpoint");
    http::Request req;
    req.method = std::move(hr.method);
    req.target = hr.url.substr(base_.size());
    req.headers = std::move(hr.headers);  // Host, x-amz-*, Content-Length, Authorization: as signed
    req.body = std::move(hr.body);
    req.timeout = c.timeout;
    std::size_t offset = 0;
    if (c.data) {
      std::string_view data = *c.data;
      req.reader = [data, &offset](char* buf, std::size_t max) {
        std::size_t n = std::min(max, data.size() - offset);
        std::memcpy(buf, data.data() + offset, n);
        offset += n;
        return n;
      };
      req.body_size = data.size();
    } else if (c.reader) {
      req.reader = *c.reader;
      req.body_size = c.size;
    }
    std::uint64_t delivered = 0;
    if (c.writer)
      req.writer = [&](std::string_view chunk) {
        delivered += chunk.size();
        (*c.writer)(chunk);
      };

    const bool last = attempt >= attempts;
    std::string reason;
    try {
      http::Response resp = http_.perform(req);
      if (last || !transient(resp)) return resp;
      auto e = parse_error(resp.body);
      reason = "HTTP " + std::to_string(resp.status) + (e ? " " + e->code : "");
    } catch (const http::TransportError& e) {
      // Bytes already handed to the writer cannot be taken back: no retry then.
      if (last || delivered > 0)
        throw http::TransportError(what(c.op, c.bucket, c.key) + ": " + e.what() +
                                       (e.connect_failed() ? " (is the S3 store at " + base_ + " running?)" : ""),
                                   e.connect_failed());
      reason = e.what();
    }
    spdlog::warn("{}: {}; retrying in {} ms ({}/{})", what(c.op, c.bucket, c.key), reason,
                 delay.count(), attempt, attempts);
    std::this_thread::sleep_for(delay);
    delay *= 2;
  }
}

void Client::fail(const Call& c, const http::Response& resp, std::string_view note) const {
  std::string msg = what(c.op, c.bucket, c.key) + " at " + base_ + ": HTTP " + std::to_string(resp.status);
  if (auto e = parse_error(resp.body)) msg += " " + describe_error(*e);
  else if (!resp.body.empty()) msg += ": " + snippet(resp.body);
  if (!note.empty()) msg += " (" + std::string(note) + ")";
  throw Error(Exit::failed, msg);
}

// ---------------------------------------------------------------------------------------------
// Buckets

bool Client::bucket_exists(const std::string& bucket) {
  Call c{"HeadBucket", bucket, {}, [&](auto now) { return head_bucket(endpoint_, bucket, now); }};
  auto resp = send(c);
  if (resp.status == 200) return true;
  if (resp.status == 404) return false;
  // HEAD responses carry no body, so no S3 error code to show.
  fail(c, resp, resp.status == 403 ? "access denied: wrong credentials or not this bucket's owner" : "");
}

void Client::ensure_bucket(const std::string& bucket) {
  if (bucket_exists(bucket)) return;
  Call c{"CreateBucket", bucket, {}, [&](auto now) { return create_bucket(endpoint_, bucket, now); }};
  auto resp = send(c);
  if (success(resp)) return;
  auto e = parse_error(resp.body);
  std::string code = e ? e->code : "";
  // Created meanwhile by us (a retried PUT, a concurrent egg); some stores say AlreadyExists to
  // the owner too, so look again before calling it someone else's.
  if (code == "BucketAlreadyOwnedByYou") return;
  if (code == "BucketAlreadyExists") {
    try {
      if (bucket_exists(bucket)) return;
    } catch (const Error&) {
    }
  }
  fail(c, resp);
}

std::vector<std::string> Client::list_buckets() {
  Call c{"ListBuckets", {}, {}, [&](auto now) { return s3::list_buckets(endpoint_, now); }};
  auto resp = send(c);
  if (resp.status != 200) fail(c, resp);
  std::vector<std::string> names;
  for (auto& b : parse_list_buckets(resp.body)) names.push_back(std::move(b.name));
  return names;
}

// ---------------------------------------------------------------------------------------------
// Objects

void Client::put_object(const std::string& bucket, const std::string& key, std::string_view data) {
  Payload p{sha256_hex(data), data.size()};
  Call c{"PutObject", bucket, key, [&](auto now) { return s3::put_object(endpoint_, bucket, key, p, now); }};
  c.data = data;
  auto resp = send(c);
  if (!success(resp)) fail(c, resp);
}

void Client::put_object_stream(const std::string& bucket, const std::string& key,
                               const http::BodyReader& reader, std::uint64_t size) {
  Payload p{std::string(kUnsignedPayload), size};
  Call c{"PutObject", bucket, key, [&](auto now) { return s3::put_object(endpoint_, bucket, key, p, now); }};
  c.reader = &reader;
  c.size = size;
  c.retry = false;  // the reader cannot be rewound
  c.timeout = 0ms;
  auto resp = send(c);
  if (!success(resp)) fail(c, resp);
}

bool Client::get_object(const std::string& bucket, const std::string& key, const http::BodyWriter& writer) {
  Call c{"GetObject", bucket, key, [&](auto now) { return s3::get_object(endpoint_, bucket, key, now); }};
  c.writer = &writer;
  c.timeout = 0ms;
  auto resp = send(c);
  if (resp.status == 200) return true;
  if (resp.status == 404) return false;
  fail(c, resp);
}

std::optional<ObjectInfo> Client::head_object(const std::string& bucket, const std::string& key) {
  Call c{"HeadObject", bucket, key, [&](auto now) { return s3::head_object(endpoint_, bucket, key, now); }};
  auto resp = send(c);
  if (resp.status == 404) return std::nullopt;
  if (resp.status != 200)
    fail(c, resp, resp.status == 403 ? "access denied: wrong credentials or missing permission" : "");
  ObjectInfo info;
  info.key = key;
  if (auto len = resp.header("Content-Length")) info.size = std::strtoull(len->c_str(), nullptr, 10);
  info.etag = resp.header("ETag").value_or("");
  info.last_modified = resp.header("Last-Modified").value_or("");
  return info;
}

void Client::delete_object(const std::string& bucket, const std::string& key) {
  Call c{"DeleteObject", bucket, key, [&](auto now) { return s3::delete_object(endpoint_, bucket, key, now); }};
  auto resp = send(c);
  if (success(resp)) return;
  auto e = parse_error(resp.body);
  if (resp.status == 404 && e && e->code == "NoSuchKey") return;
  fail(c, resp);
}

std::vector<ObjectInfo> Client::list_objects(const std::string& bucket, const std::string& prefix, int page_size) {
  std::vector<ObjectInfo> out;
  std::string token;
  for (;;) {
    Call c{"ListObjectsV2", bucket, {}, [&](auto now) {
             return list_objects_v2(endpoint_, bucket, prefix, token, now, page_size);
           }};
    auto resp = send(c);
    if (resp.status != 200) fail(c, resp);
    auto page = parse_list_objects_v2(resp.body);
    for (auto& o : page.objects)
      out.push_back({std::move(o.key), o.size, std::move(o.etag), std::move(o.last_modified)});
    if (!page.is_truncated) return out;
    if (page.next_continuation_token.empty() || page.next_continuation_token == token)
      throw Error(Exit::failed, what("ListObjectsV2", bucket, {}) + " at " + base_ +
                                    ": truncated listing without a new continuation token");
    token = std::move(page.next_continuation_token);
  }
}

// ---------------------------------------------------------------------------------------------
// Multipart

std::string Client::upload_multipart(const std::string& bucket, const std::string& key,
                                     const http::BodyReader& reader, std::size_t part_size) {
  if (part_size < kMinPartSize || part_size > kMaxPartSize)
    throw Error(Exit::usage, "S3 multipart part size must be 5..64 MiB, got " + std::to_string(part_size) + " bytes");
  Call create{"CreateMultipartUpload", bucket, key,
              [&](auto now) { return create_multipart_upload(endpoint_, bucket, key, now); }};
  create.retry = false;  // a repeated POST would leave an orphaned upload behind
  auto resp = send(create);
  if (resp.status != 200) fail(create, resp);
  const std::string upload_id = parse_upload_id(resp.body);

  try {
    std::string buf(part_size, '\0');  // the one part buffer
    std::vector<Part> parts;
    bool eof = false;
    while (!eof) {
      std::size_t n = fill(reader, buf, eof);
      if (n == 0 && !parts.empty()) break;  // the previous part ended exactly at the end
      std::string_view data(buf.data(), n);
      const int number = static_cast<int>(parts.size()) + 1;
      Payload p{sha256_hex(data), n};
      Call part{"UploadPart", bucket, key,
                [&](auto now) { return upload_part(endpoint_, bucket, key, upload_id, number, p, now); }};
      part.data = data;
      part.timeout = 15min;
      auto r = send(part);
      if (!success(r)) fail(part, r, "part " + std::to_string(number));
      auto etag = r.header("ETag");
      if (!etag || etag->empty()) fail(part, r, "part " + std::to_string(number) + ": no ETag in the answer");
      parts.push_back({number, *etag});
    }

    // AWS asks clients to retry a failed completion; the parts stay until it succeeds or aborts.
    Call complete{"CompleteMultipartUpload", bucket, key,
                  [&](auto now) { return complete_multipart_upload(endpoint_, bucket, key, upload_id, parts, now); }};
    complete.timeout = 15min;
    auto r = send(complete);
    if (r.status != 200) fail(complete, r);
    CompleteResult result = parse_complete_multipart(r.body);
    if (!result.ok)
      throw Error(Exit::failed, what("CompleteMultipartUpload", bucket, key) + " at " + base_ +
                                    ": HTTP 200 with an error inside: " + describe_error(result.error));
    spdlog::debug("{}: {} parts, ETag {}", what("CompleteMultipartUpload", bucket, key), parts.size(), result.etag);
    return result.etag;
  } catch (...) {
    // Parts of an unfinished upload are stored (and billed) until aborted.
    try {
      Call abort_call{"AbortMultipartUpload", bucket, key,
                 [&](auto now) { return abort_multipart_upload(endpoint_, bucket, key, upload_id, now); }};
      auto r = send(abort_call);
      if (!success(r) && r.status != 404)
        spdlog::warn("{} (upload id {}): HTTP {}; its parts stay until aborted",
                     what("AbortMultipartUpload", bucket, key), upload_id, r.status);
    } catch (const std::exception& e) {
      spdlog::warn("{} (upload id {}) failed: {}", what("AbortMultipartUpload", bucket, key), upload_id,
                   e.what());
    }
    throw;
  }
}

// ---------------------------------------------------------------------------------------------

bool Client::wait_until_responding(int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  Call c{"ListBuckets", {}, {}, [&](auto now) { return s3::list_buckets(endpoint_, now); }};
  c.retry = false;
  c.timeout = 5s;
  for (;;) {
    try {
      send(c);  // any HTTP status: something speaks HTTP there
      return true;
    } catch (const http::TransportError&) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(250ms);
    }
  }
}

}  // namespace egg::s3
