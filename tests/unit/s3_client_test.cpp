// The S3 client against a real SeaweedFS (`weed server` with its S3 gateway), on loopback. One
// server is started for the whole suite, on first use.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <thread>

#include "egg/core/exit.hpp"
#include "egg/core/http.hpp"
#include "egg/core/redact.hpp"
#include "egg/s3/client.hpp"
#include "egg/s3/xml.hpp"
#include "tests/support/process.hpp"

using namespace egg;

namespace {

std::string random_suffix() {
  std::random_device rd;
  return std::to_string(rd()) + std::to_string(rd());
}

struct Weed {
  test::TempDir dir;
  std::string access_key = "EGGS3CLIENTTEST1";
  std::string secret = "egg-s3-client-secret-" + random_suffix();
  std::string url;
  std::unique_ptr<test::Process> proc;

  Weed() {
    // weed opens a gRPC port beside most HTTP ports; none of them may be a default port. Every
    // bucket is a collection that grows volumes of its own: without preallocation they are
    // sparse, so allow many (8 runs out by the fourth bucket).
    std::vector<int> p;
    for (int i = 0; i < 12; ++i) p.push_back(test::free_port());
    url = "http://127.0.0.1:" + std::to_string(p[6]);
    std::ofstream(dir.path / "s3.json")
        << R"({"identities":[{"name":"egg-test","credentials":[{"accessKey":")" << access_key
        << R"(","secretKey":")" << secret << R"("}],"actions":["Admin","Read","List","Tagging","Write"]}]})";
    std::filesystem::create_directories(dir.path / "data");
    auto port = [&](const char* flag, int i) { return std::string(flag) + "=" + std::to_string(p[i]); };
    proc = std::make_unique<test::Process>(
        std::vector<std::string>{test::tool("weed").string(), "server", "-dir=" + (dir.path / "data").string(),
                                 "-ip=127.0.0.1", "-ip.bind=127.0.0.1", port("-master.port", 0),
                                 port("-master.port.grpc", 1), "-master.volumeSizeLimitMB=64",
                                 "-master.volumePreallocate=false", port("-volume.port", 2),
                                 port("-volume.port.grpc", 3), "-volume.max=100", port("-filer.port", 4),
                                 port("-filer.port.grpc", 5), "-s3", port("-s3.port", 6), port("-s3.port.grpc", 7),
                                 port("-s3.port.iceberg", 8), port("-s3.port.lance", 9),
                                 "-s3.config=" + (dir.path / "s3.json").string(), "-iam=false", port("-iam.port", 10),
                                 port("-metricsPort", 11)},
        (dir.path / "weed.log").string());
    s3::Client c(endpoint(), {.attempts = 1});
    if (!c.wait_until_responding(60)) fail("the S3 port never answered");
    // The S3 port answers before the filer behind it is up: ready when a signed call succeeds.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
      try {
        c.list_buckets();
        return;
      } catch (const Error& e) {
        if (std::chrono::steady_clock::now() > deadline) fail(std::string("never ready: ") + e.what());
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
      }
    }
  }

  ~Weed() {
    proc->stop();
    // EGG_S3_TEST_LOG=path keeps the server's log after the suite.
    if (const char* keep = std::getenv("EGG_S3_TEST_LOG"))
      std::filesystem::copy_file(dir.path / "weed.log", keep, std::filesystem::copy_options::overwrite_existing);
  }

  s3::Endpoint endpoint(std::string secret_key = "") const {
    return {url, "us-east-1", {access_key, core::SecretBytes(secret_key.empty() ? secret : secret_key)}};
  }

  [[noreturn]] void fail(const std::string& why) {
    std::ifstream log(dir.path / "weed.log");
    std::string text((std::istreambuf_iterator<char>(log)), {});
    throw std::runtime_error("SeaweedFS: " + why + "; log tail:\n" + text.substr(text.size() > 3000 ? text.size() - 3000 : 0));
  }
};

Weed& weed() {
  static Weed w;
  return w;
}

std::optional<std::string> get_string(s3::Client& c, const std::string& bucket, const std::string& key) {
  std::string out;
  if (!c.get_object(bucket, key, [&](std::string_view chunk) { out.append(chunk); })) return std::nullopt;
  return out;
}

// A reproducible stream: a random 1 MiB block, shifted differently in every MiB, so swapped or
// repeated parts change the hash. Hands out odd-sized chunks to exercise part filling.
struct Stream {
  std::uint64_t size, pos = 0;
  std::string block;
  explicit Stream(std::uint64_t n) : size(n), block(1 << 20, '\0') {
    std::mt19937_64 rng(42);
    for (char& c : block) c = static_cast<char>(rng());
  }
  char at(std::uint64_t i) const { return static_cast<char>(block[i % block.size()] + 7 * (i / block.size())); }
  std::size_t read(char* buf, std::size_t max) {
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>({max, size - pos, 100003}));
    for (std::size_t i = 0; i < n; ++i) buf[i] = at(pos + i);
    pos += n;
    return n;
  }
  std::string sha256() const {
    s3::Sha256 h;
    std::string chunk;
    for (std::uint64_t i = 0; i < size; i += chunk.size()) {
      chunk.resize(static_cast<std::size_t>(std::min<std::uint64_t>(size - i, 1 << 20)));
      for (std::size_t j = 0; j < chunk.size(); ++j) chunk[j] = at(i + j);
      h.update(chunk);
    }
    return h.hex_digest();
  }
};

// Streams an object into a hash: size and SHA-256.
std::pair<std::uint64_t, std::string> download_sha256(s3::Client& c, const std::string& bucket,
                                                      const std::string& key) {
  s3::Sha256 h;
  std::uint64_t n = 0;
  REQUIRE(c.get_object(bucket, key, [&](std::string_view chunk) {
    h.update(chunk);
    n += chunk.size();
  }));
  return {n, h.hex_digest()};
}

// Sends a built request as is, outside the client under test.
core::http::Response send_raw(const s3::HttpRequest& hr) {
  std::string base = weed().url;
  core::http::Endpoint ep;
  ep.base_url = base;
  core::http::Client http(ep);
  core::http::Request req;
  req.method = hr.method;
  req.target = hr.url.substr(base.size());
  req.headers = hr.headers;
  req.body = hr.body;
  return http.perform(req);
}

// ListMultipartUploads (no builder in request.hpp: built with the general form).
std::vector<std::string> multipart_upload_keys(const std::string& bucket) {
  auto resp = send_raw(s3::build(weed().endpoint(), "GET", "/" + bucket, {{"uploads", ""}}, {}, {},
                                 s3::Payload{std::string(s3::kEmptySha256), std::nullopt}, s3::Clock::now()));
  REQUIRE_MESSAGE(resp.status == 200, resp.body);
  std::vector<std::string> keys;
  for (const auto& n : s3::parse_xml(resp.body).children)
    if (n.name == "Upload") keys.push_back(n.child_text("Key"));
  return keys;
}

}  // namespace

TEST_CASE("s3 client: buckets, created twice, listed, probed" * doctest::test_suite("s3")) {
  s3::Client c(weed().endpoint());
  const std::string b = "egg-client-buckets";
  CHECK_FALSE(c.bucket_exists(b));
  c.ensure_bucket(b);
  c.ensure_bucket(b);  // idempotent
  CHECK(c.bucket_exists(b));
  auto names = c.list_buckets();
  CHECK(std::find(names.begin(), names.end(), b) != names.end());
  CHECK_FALSE(c.bucket_exists("egg-no-such-bucket"));
  try {
    c.ensure_bucket("Bad_Name");
    FAIL("an invalid bucket name was accepted");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::usage);
  }
  CHECK(core::redact("secret " + weed().secret) == "secret [redacted]");
}

TEST_CASE("s3 client: objects with odd keys: put, get, head, list (paged), delete" * doctest::test_suite("s3")) {
  s3::Client c(weed().endpoint());
  const std::string b = "egg-client-objects";
  c.ensure_bucket(b);
  const std::vector<std::string> keys{"a+b=c", "dir/with space+plus & ü ✓ 100%.txt", "dir/ünïcödé/日本語.bin",
                                      "empty", "plain.txt"};  // in listing (byte) order
  for (const auto& k : keys) c.put_object(b, k, k == "empty" ? "" : "content of " + k);

  for (const auto& k : keys) {
    CAPTURE(k);
    CHECK(get_string(c, b, k) == (k == "empty" ? "" : "content of " + k));
    auto info = c.head_object(b, k);
    REQUIRE(info);
    CHECK(info->size == (k == "empty" ? 0 : ("content of " + k).size()));
    CHECK(info->etag.size() > 2);
  }
  CHECK_FALSE(get_string(c, b, "missing"));
  CHECK_FALSE(c.head_object(b, "missing"));

  auto all = c.list_objects(b);
  REQUIRE(all.size() == keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    CHECK(all[i].key == keys[i]);
    CHECK(all[i].etag == c.head_object(b, keys[i])->etag);
  }
  CHECK(all[4].size == 20);
  auto dir = c.list_objects(b, "dir/");
  REQUIRE(dir.size() == 2);
  CHECK(dir[0].key == keys[1]);
  auto spaced = c.list_objects(b, "dir/with space+");
  REQUIRE(spaced.size() == 1);
  CHECK(spaced[0].key == keys[1]);

  // Paging: max-keys 2 over 5 objects is three requests, continuation tokens included.
  auto paged = c.list_objects(b, "", 2);
  REQUIRE(paged.size() == keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) CHECK(paged[i].key == keys[i]);
  CHECK(c.list_objects(b, "dir/", 1).size() == 2);

  for (const auto& k : keys) c.delete_object(b, k);
  c.delete_object(b, keys[0]);  // already gone: still fine
  CHECK(c.list_objects(b).empty());
  CHECK_FALSE(c.head_object(b, keys[1]));
}

TEST_CASE("s3 client: streamed PutObject (UNSIGNED-PAYLOAD)" * doctest::test_suite("s3")) {
  s3::Client c(weed().endpoint());
  const std::string b = "egg-client-stream";
  c.ensure_bucket(b);
  Stream s(3 * (1 << 20) + 5);
  c.put_object_stream(b, "stream/data.bin", [&](char* buf, std::size_t max) { return s.read(buf, max); }, s.size);
  auto [n, sha] = download_sha256(c, b, "stream/data.bin");
  CHECK(n == s.size);
  CHECK(sha == s.sha256());
  CHECK(c.head_object(b, "stream/data.bin")->size == s.size);
}

TEST_CASE("s3 client: multipart 3 x 5 MiB + tail, checked by SHA-256" * doctest::test_suite("s3")) {
  s3::Client c(weed().endpoint());
  const std::string b = "egg-client-multipart";
  c.ensure_bucket(b);
  const std::string key = "backups/2024 ü/multi+part.bin";
  Stream s(3 * s3::kMinPartSize + 777777);
  auto etag = c.upload_multipart(b, key, [&](char* buf, std::size_t max) { return s.read(buf, max); },
                                 s3::kMinPartSize);
  CHECK(etag.find("-4") != std::string::npos);  // the multipart ETag names its part count
  auto info = c.head_object(b, key);
  REQUIRE(info);
  CHECK(info->size == s.size);
  auto [n, sha] = download_sha256(c, b, key);
  CHECK(n == s.size);
  CHECK(sha == s.sha256());
  CHECK(multipart_upload_keys(b).empty());

  // Exactly two parts' worth: no empty third part.
  Stream even(2 * s3::kMinPartSize);
  etag = c.upload_multipart(b, "even.bin", [&](char* buf, std::size_t max) { return even.read(buf, max); },
                            s3::kMinPartSize);
  CHECK(etag.find("-2") != std::string::npos);
  CHECK(download_sha256(c, b, "even.bin").second == even.sha256());

  // A short stream is one (last, so small) part.
  Stream tiny(1000);
  c.upload_multipart(b, "tiny.bin", [&](char* buf, std::size_t max) { return tiny.read(buf, max); },
                     s3::kMinPartSize);
  CHECK(get_string(c, b, "tiny.bin")->size() == 1000);

  for (std::size_t bad : {s3::kMinPartSize - 1, s3::kMaxPartSize + 1}) {
    try {
      c.upload_multipart(b, "x", [](char*, std::size_t) -> std::size_t { return 0; }, bad);
      FAIL("part size accepted: " << bad);
    } catch (const Error& e) {
      CHECK(e.code() == Exit::usage);
    }
  }
}

TEST_CASE("s3 client: a reader failing mid-upload aborts the multipart upload" * doctest::test_suite("s3")) {
  s3::Client c(weed().endpoint());
  const std::string b = "egg-client-abort";
  c.ensure_bucket(b);

  // The listing used below does show an upload in progress.
  auto ep = weed().endpoint();
  auto resp = send_raw(s3::create_multipart_upload(ep, b, "visible", s3::Clock::now()));
  REQUIRE(resp.status == 200);
  auto id = s3::parse_upload_id(resp.body);
  CHECK(multipart_upload_keys(b) == std::vector<std::string>{"visible"});
  REQUIRE(send_raw(s3::abort_multipart_upload(ep, b, "visible", id, s3::Clock::now())).status == 204);

  Stream s(20 << 20);
  auto failing = [&](char* buf, std::size_t max) -> std::size_t {
    if (s.pos > 7 * (1 << 20)) throw std::runtime_error("disk read failed");  // in part 2
    return s.read(buf, max);
  };
  CHECK_THROWS_WITH_AS(c.upload_multipart(b, "broken.bin", failing, s3::kMinPartSize), "disk read failed",
                       std::runtime_error);
  CHECK(multipart_upload_keys(b).empty());
  CHECK_FALSE(c.head_object(b, "broken.bin"));
  CHECK(c.list_objects(b).empty());
}

TEST_CASE("s3 client: a wrong secret is SignatureDoesNotMatch, without leaking anything" * doctest::test_suite("s3")) {
  weed();
  const std::string b = "egg-client-auth";
  s3::Client(weed().endpoint()).ensure_bucket(b);
  s3::Client c(weed().endpoint("not-the-right-secret"));
  try {
    c.list_objects(b);
    FAIL("a wrong secret was accepted");
  } catch (const Error& e) {
    std::string msg = e.what();
    CAPTURE(msg);
    CHECK(e.code() == Exit::failed);
    CHECK(msg.find("SignatureDoesNotMatch") != std::string::npos);
    CHECK(msg.find("ListObjectsV2 egg-client-auth") != std::string::npos);
    CHECK(msg.find("HTTP 403") != std::string::npos);
    CHECK(msg.find("not-the-right-secret") == std::string::npos);
    CHECK(msg.find(weed().secret) == std::string::npos);
    CHECK(msg.find("Signature=") == std::string::npos);
  }
  try {
    c.put_object(b, "k", "data");
    FAIL("a wrong secret was accepted");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("PutObject egg-client-auth/k") != std::string::npos);
    CHECK(std::string(e.what()).find("SignatureDoesNotMatch") != std::string::npos);
  }
}

TEST_CASE("s3 client: an unreachable endpoint is a precondition failure" * doctest::test_suite("s3")) {
  std::string url = "http://127.0.0.1:" + std::to_string(test::free_port());
  s3::Client c({url, "us-east-1", {"AK", core::SecretBytes(std::string_view("some-secret-key"))}},
               {.attempts = 2, .backoff = std::chrono::milliseconds(10)});
  try {
    c.list_buckets();
    FAIL("no error from a closed port");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::precondition);
    CHECK(std::string(e.what()).find("ListBuckets") != std::string::npos);
  }
  CHECK_FALSE(c.wait_until_responding(1));
  try {
    s3::Client bad({"ftp://example", "us-east-1", {}});
    FAIL("an ftp endpoint was accepted");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::usage);
  }
}
