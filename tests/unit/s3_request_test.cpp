// The request builders: URL shape, signed headers, and each operation's query and body.
#include <doctest/doctest.h>

#include "egg/core/exit.hpp"
#include "egg/s3/request.hpp"
#include "egg/s3/xml.hpp"

using namespace egg::s3;

namespace {

Endpoint ep(std::string url = "http://127.0.0.1:8333", std::string region = "us-east-1") {
  return {std::move(url), std::move(region),
          {"AKIAIOSFODNN7EXAMPLE", egg::core::SecretBytes(std::string_view("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))}};
}

const auto kNow = Clock::from_time_t(1369353600);  // 2013-05-24T00:00:00Z

std::string header(const HttpRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "(absent)";
}

}  // namespace

TEST_CASE("s3 request: S3 docs GET object example through the builder") {
  // Same request as AWS's "GET Object" example, built from parts: identical signature.
  auto r = get_object(ep("https://examplebucket.s3.amazonaws.com:443"), "ignored", "x", kNow);
  (void)r;
  Endpoint e = ep("https://examplebucket.s3.amazonaws.com");
  auto g = build(e, "GET", "/test.txt", {}, {{"Range", "bytes=0-9"}}, {},
                 {std::string(kEmptySha256), std::nullopt}, kNow);
  CHECK(g.url == "https://examplebucket.s3.amazonaws.com/test.txt");
  CHECK(header(g, "Host") == "examplebucket.s3.amazonaws.com");
  CHECK(header(g, "x-amz-date") == "20130524T000000Z");
  CHECK(header(g, "Authorization") ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  CHECK(g.headers.back().first == "Authorization");
  auto l = build(e, "GET", "/", {{"prefix", "J"}, {"max-keys", "2"}}, {}, {},
                 {std::string(kEmptySha256), std::nullopt}, kNow);
  CHECK(l.url == "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J");
  CHECK(header(l, "Authorization").ends_with(
      "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
  auto lc = build(e, "GET", "/", {{"lifecycle", ""}}, {}, {}, {std::string(kEmptySha256), std::nullopt}, kNow);
  CHECK(lc.url == "https://examplebucket.s3.amazonaws.com/?lifecycle=");
  CHECK(header(lc, "Authorization").ends_with(
      "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"));
}

TEST_CASE("s3 request: object operations, path-style, keys encoded once") {
  auto e = ep();
  auto p = put_object(e, "bkt", "dir/a b+c\xC3\xBC.txt", {sha256_hex("hi"), 2}, kNow, "text/plain");
  CHECK(p.method == "PUT");
  CHECK(p.url == "http://127.0.0.1:8333/bkt/dir/a%20b%2Bc%C3%BC.txt");
  CHECK(header(p, "Host") == "127.0.0.1:8333");
  CHECK(header(p, "x-amz-content-sha256") == sha256_hex("hi"));
  CHECK(header(p, "Content-Length") == "2");
  CHECK(header(p, "Authorization").find("SignedHeaders=content-length;content-type;host;"
                                        "x-amz-content-sha256;x-amz-date,") != std::string::npos);
  auto u = put_object(e, "bkt", "k", Payload{}, kNow);
  CHECK(header(u, "x-amz-content-sha256") == "UNSIGNED-PAYLOAD");
  CHECK(header(u, "Content-Length") == "(absent)");
  CHECK(get_object(e, "bkt", "k", kNow, "bytes=0-9").method == "GET");
  CHECK(header(get_object(e, "bkt", "k", kNow, "bytes=0-9"), "Range") == "bytes=0-9");
  CHECK(head_object(e, "bkt", "k", kNow).method == "HEAD");
  CHECK(delete_object(e, "bkt", "k", kNow).method == "DELETE");
  CHECK(head_bucket(e, "bkt", kNow).url == "http://127.0.0.1:8333/bkt");
  CHECK(list_buckets(e, kNow).url == "http://127.0.0.1:8333/");
  CHECK(ep("http://h:80/").url == "http://h:80/");
  CHECK(list_buckets(ep("http://h:80/"), kNow).url == "http://h/");
}

TEST_CASE("s3 request: bucket creation carries a location outside us-east-1") {
  auto c = create_bucket(ep(), "bkt", kNow);
  CHECK(c.body.empty());
  CHECK(header(c, "Content-Length") == "0");
  auto w = create_bucket(ep("http://h", "eu-west-1"), "bkt", kNow);
  CHECK(w.body.find("<LocationConstraint>eu-west-1</LocationConstraint>") != std::string::npos);
  CHECK(header(w, "x-amz-content-sha256") == sha256_hex(w.body));
  CHECK(header(w, "Authorization").find("/eu-west-1/s3/aws4_request") != std::string::npos);
}

TEST_CASE("s3 request: ListObjectsV2 query is sorted and encoded") {
  auto l = list_objects_v2(ep(), "bkt", "a b/+", "tok/en=", kNow, 100);
  CHECK(l.url == "http://127.0.0.1:8333/bkt?continuation-token=tok%2Fen%3D&list-type=2&"
                 "max-keys=100&prefix=a%20b%2F%2B");
  CHECK(list_objects_v2(ep(), "bkt", "", "", kNow).url == "http://127.0.0.1:8333/bkt?list-type=2");
}

TEST_CASE("s3 request: multipart upload") {
  auto e = ep();
  CHECK(create_multipart_upload(e, "bkt", "big", kNow).url == "http://127.0.0.1:8333/bkt/big?uploads=");
  CHECK(create_multipart_upload(e, "bkt", "big", kNow).method == "POST");
  auto part = upload_part(e, "bkt", "big", "id/+=", 3, {sha256_hex("x"), 1}, kNow);
  CHECK(part.url == "http://127.0.0.1:8333/bkt/big?partNumber=3&uploadId=id%2F%2B%3D");
  CHECK(header(part, "Content-Length") == "1");
  CHECK_THROWS_AS(upload_part(e, "bkt", "big", "id", 0, {}, kNow), egg::Error);
  CHECK_THROWS_AS(upload_part(e, "bkt", "big", "id", 10001, {}, kNow), egg::Error);
  auto c = complete_multipart_upload(e, "bkt", "big", "id", {{1, "\"a\""}, {2, "\"b\""}}, kNow);
  CHECK(c.method == "POST");
  CHECK(c.url == "http://127.0.0.1:8333/bkt/big?uploadId=id");
  CHECK(c.body == "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                  "<Part><PartNumber>1</PartNumber><ETag>&quot;a&quot;</ETag></Part>"
                  "<Part><PartNumber>2</PartNumber><ETag>&quot;b&quot;</ETag></Part>"
                  "</CompleteMultipartUpload>");
  CHECK(header(c, "x-amz-content-sha256") == sha256_hex(c.body));
  CHECK(header(c, "Content-Length") == std::to_string(c.body.size()));
  // The body round-trips through egg's own reader.
  auto n = parse_xml(c.body);
  CHECK(n.children.size() == 2);
  CHECK(n.children[1].child_text("ETag") == "\"b\"");
  CHECK_THROWS_AS(complete_multipart_upload(e, "bkt", "big", "id", {{2, "a"}, {1, "b"}}, kNow), egg::Error);
  CHECK_THROWS_AS(complete_multipart_upload(e, "bkt", "big", "id", {}, kNow), egg::Error);
  auto a = abort_multipart_upload(e, "bkt", "big", "id", kNow);
  CHECK(a.method == "DELETE");
  CHECK(a.url == "http://127.0.0.1:8333/bkt/big?uploadId=id");
}

TEST_CASE("s3 request: names and endpoints that cannot be sent safely are refused") {
  auto e = ep();
  for (const char* b : {"ab", "Upper", "-lead", "trail-", "a..b", "has space", "sl/ash", ""})
    CHECK_THROWS_AS(head_bucket(e, b, kNow), egg::Error);
  for (const char* k : {"", ".", "..", "a/../b", "a/./b", "a/.."})
    CHECK_THROWS_AS(get_object(e, "bkt", k, kNow), egg::Error);
  CHECK_NOTHROW(get_object(e, "bkt", "a/.hidden/..x/b//c", kNow));
  CHECK_THROWS_AS(list_buckets(ep("ftp://h"), kNow), egg::Error);
  CHECK_THROWS_AS(list_buckets(ep("http://h/path"), kNow), egg::Error);
  CHECK_THROWS_AS(list_buckets(ep("http://user@h"), kNow), egg::Error);
}
