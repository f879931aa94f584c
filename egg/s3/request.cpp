#include "egg/s3/request.hpp"

#include <algorithm>

#include "egg/core/exit.hpp"
#include "egg/s3/xml.hpp"

namespace egg::s3 {
namespace {

struct Origin {
  std::string base;  // scheme://host[:port] as it goes into URLs
  std::string host;  // the Host header: the port only when it is not the scheme's default
};

Origin parse_origin(std::string_view url) {
  std::string_view scheme;
  if (url.starts_with("http://")) scheme = "http";
  else if (url.starts_with("https://")) scheme = "https";
  else throw Error(Exit::usage, "S3 endpoint must start with http:// or https://: " + std::string(url));
  std::string_view authority = url.substr(scheme.size() + 3);
  while (authority.ends_with('/')) authority.remove_suffix(1);
  if (authority.empty() || authority.find_first_of("/?#@ ") != std::string_view::npos)
    throw Error(Exit::usage, "S3 endpoint must be scheme://host[:port]: " + std::string(url));
  std::string host(authority);
  // curl leaves a default port out of Host; signing it in would break the signature.
  if ((scheme == "http" && host.ends_with(":80")) || (scheme == "https" && host.ends_with(":443")))
    host.erase(host.rfind(':'));
  return {std::string(scheme) + "://" + host, host};
}

std::string object_path(std::string_view bucket, std::string_view key) {
  validate_bucket(bucket);
  validate_key(key);
  return "/" + std::string(bucket) + "/" + std::string(key);
}

std::string bucket_path(std::string_view bucket) {
  validate_bucket(bucket);
  return "/" + std::string(bucket);
}

const Payload kEmpty{std::string(kEmptySha256), std::nullopt};

Payload body_payload(const std::string& body) { return {sha256_hex(body), body.size()}; }

}  // namespace

void validate_bucket(std::string_view b) {
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  bool ok = b.size() >= 3 && b.size() <= 63 && alnum(b.front()) && alnum(b.back()) &&
            b.find("..") == std::string_view::npos &&
            std::all_of(b.begin(), b.end(), [&](char c) { return alnum(c) || c == '-' || c == '.'; });
  if (!ok) throw Error(Exit::usage, "invalid S3 bucket name '" + std::string(b) + "'");
}

void validate_key(std::string_view k) {
  bool ok = !k.empty() && k.size() <= 1024 && k.find('\0') == std::string_view::npos;
  for (std::size_t i = 0; ok && i <= k.size();) {
    std::size_t j = std::min(k.find('/', i), k.size());
    std::string_view seg = k.substr(i, j - i);
    ok = seg != "." && seg != "..";
    i = j + 1;
  }
  if (!ok) throw Error(Exit::usage, "invalid S3 object key '" + std::string(k) + "'");
}

HttpRequest build(const Endpoint& ep, std::string_view method, std::string_view raw_path,
                  const std::vector<std::pair<std::string, std::string>>& raw_query,
                  const Headers& extra, std::string body, const Payload& payload,
                  Clock::time_point now) {
  Origin origin = parse_origin(ep.url);
  std::vector<std::pair<std::string, std::string>> q;
  for (const auto& [k, v] : raw_query) q.emplace_back(uri_encode(k, false), uri_encode(v, false));
  std::sort(q.begin(), q.end());
  // The query goes out already canonical (sorted, "key=" for valueless), so what is signed is
  // byte for byte what is sent.
  std::string query;
  for (const auto& [k, v] : q) query += (query.empty() ? "" : "&") + k + "=" + v;

  HttpRequest r;
  r.method = std::string(method);
  std::string path = uri_encode(raw_path, true);
  r.url = origin.base + path + (query.empty() ? "" : "?" + query);
  std::string date = amz_date(now);
  r.headers = {{"Host", origin.host}, {"x-amz-content-sha256", payload.sha256}, {"x-amz-date", date}};
  if (payload.length) r.headers.emplace_back("Content-Length", std::to_string(*payload.length));
  r.headers.insert(r.headers.end(), extra.begin(), extra.end());
  Signature s = sign({r.method, path, query, r.headers, payload.sha256}, ep.credentials,
                     {date, ep.region, "s3", UriMode::s3});
  r.headers.emplace_back("Authorization", s.authorization);
  r.body = std::move(body);
  return r;
}

HttpRequest create_bucket(const Endpoint& ep, std::string_view bucket, Clock::time_point now) {
  std::string body;
  // us-east-1 is the default location and AWS rejects it spelled out.
  if (ep.region != "us-east-1")
    body = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
           "<LocationConstraint>" + xml_escape(ep.region) + "</LocationConstraint>"
           "</CreateBucketConfiguration>";
  Payload p = body_payload(body);
  return build(ep, "PUT", bucket_path(bucket), {}, {}, std::move(body), p, now);
}

HttpRequest head_bucket(const Endpoint& ep, std::string_view bucket, Clock::time_point now) {
  return build(ep, "HEAD", bucket_path(bucket), {}, {}, {}, kEmpty, now);
}

HttpRequest list_buckets(const Endpoint& ep, Clock::time_point now) {
  return build(ep, "GET", "/", {}, {}, {}, kEmpty, now);
}

HttpRequest put_object(const Endpoint& ep, std::string_view bucket, std::string_view key,
                       const Payload& payload, Clock::time_point now,
                       std::string_view content_type) {
  Headers extra;
  if (!content_type.empty()) extra.emplace_back("Content-Type", std::string(content_type));
  return build(ep, "PUT", object_path(bucket, key), {}, extra, {}, payload, now);
}

HttpRequest get_object(const Endpoint& ep, std::string_view bucket, std::string_view key,
                       Clock::time_point now, std::string_view range) {
  Headers extra;
  if (!range.empty()) extra.emplace_back("Range", std::string(range));
  return build(ep, "GET", object_path(bucket, key), {}, extra, {}, kEmpty, now);
}

HttpRequest head_object(const Endpoint& ep, std::string_view bucket, std::string_view key,
                        Clock::time_point now) {
  return build(ep, "HEAD", object_path(bucket, key), {}, {}, {}, kEmpty, now);
}

HttpRequest delete_object(const Endpoint& ep, std::string_view bucket, std::string_view key,
                          Clock::time_point now) {
  return build(ep, "DELETE", object_path(bucket, key), {}, {}, {}, kEmpty, now);
}

HttpRequest list_objects_v2(const Endpoint& ep, std::string_view bucket, std::string_view prefix,
                            std::string_view continuation_token, Clock::time_point now,
                            int max_keys) {
  std::vector<std::pair<std::string, std::string>> q{{"list-type", "2"}};
  if (!prefix.empty()) q.emplace_back("prefix", std::string(prefix));
  if (!continuation_token.empty())
    q.emplace_back("continuation-token", std::string(continuation_token));
  if (max_keys > 0) q.emplace_back("max-keys", std::to_string(max_keys));
  return build(ep, "GET", bucket_path(bucket), q, {}, {}, kEmpty, now);
}

HttpRequest create_multipart_upload(const Endpoint& ep, std::string_view bucket,
                                    std::string_view key, Clock::time_point now) {
  return build(ep, "POST", object_path(bucket, key), {{"uploads", ""}}, {}, {}, kEmpty, now);
}

HttpRequest upload_part(const Endpoint& ep, std::string_view bucket, std::string_view key,
                        std::string_view upload_id, int part_number, const Payload& payload,
                        Clock::time_point now) {
  if (part_number < 1 || part_number > 10000)
    throw Error(Exit::usage, "S3 part number out of range 1..10000: " + std::to_string(part_number));
  if (upload_id.empty()) throw Error(Exit::failed, "S3 upload id is empty");
  return build(ep, "PUT", object_path(bucket, key),
               {{"partNumber", std::to_string(part_number)}, {"uploadId", std::string(upload_id)}},
               {}, {}, payload, now);
}

std::string complete_multipart_body(const std::vector<Part>& parts) {
  std::string body = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (const auto& p : parts)
    body += "<Part><PartNumber>" + std::to_string(p.number) + "</PartNumber><ETag>" +
            xml_escape(p.etag) + "</ETag></Part>";
  return body + "</CompleteMultipartUpload>";
}

HttpRequest complete_multipart_upload(const Endpoint& ep, std::string_view bucket,
                                      std::string_view key, std::string_view upload_id,
                                      const std::vector<Part>& parts, Clock::time_point now) {
  if (parts.empty()) throw Error(Exit::failed, "S3 multipart completion without parts");
  // S3 requires ascending part numbers and rejects duplicates.
  for (std::size_t i = 1; i < parts.size(); ++i)
    if (parts[i].number <= parts[i - 1].number)
      throw Error(Exit::failed, "S3 multipart parts must be in strictly ascending order");
  std::string body = complete_multipart_body(parts);
  Payload p = body_payload(body);
  return build(ep, "POST", object_path(bucket, key), {{"uploadId", std::string(upload_id)}},
               {{"Content-Type", "application/xml"}}, std::move(body), p, now);
}

HttpRequest abort_multipart_upload(const Endpoint& ep, std::string_view bucket,
                                   std::string_view key, std::string_view upload_id,
                                   Clock::time_point now) {
  return build(ep, "DELETE", object_path(bucket, key), {{"uploadId", std::string(upload_id)}}, {},
               {}, kEmpty, now);
}

}  // namespace egg::s3
