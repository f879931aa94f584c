// SigV4 against published vectors (tests/data/sigv4/README.md says where each file comes from).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "egg/core/exit.hpp"
#include "egg/s3/sigv4.hpp"

namespace fs = std::filesystem;
using namespace egg::s3;

namespace {

const fs::path kData = fs::path(EGG_SOURCE_DIR) / "tests/data/sigv4";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing vector file " << p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A .req file: request line, "Name:value" lines, blank line, body. The request target may hold a
// raw space (get-space), so method and protocol are cut at the first and last space.
SignInput parse_req(const std::string& text) {
  SignInput in;
  std::size_t eol = text.find('\n');
  std::string line = text.substr(0, eol);
  std::size_t a = line.find(' '), b = line.rfind(' ');
  in.method = line.substr(0, a);
  std::string target = line.substr(a + 1, b - a - 1);
  std::size_t q = target.find('?');
  in.path = target.substr(0, q);
  if (q != std::string::npos) in.query = target.substr(q + 1);
  std::size_t pos = eol == std::string::npos ? text.size() : eol + 1;
  std::string body;
  while (pos < text.size()) {
    std::size_t e = text.find('\n', pos);
    if (e == std::string::npos) e = text.size();
    std::string h = text.substr(pos, e - pos);
    pos = e + 1;
    if (h.empty()) {
      body = pos < text.size() ? text.substr(pos) : "";
      break;
    }
    std::size_t c = h.find(':');
    in.headers.emplace_back(h.substr(0, c), h.substr(c + 1));
  }
  in.payload_hash = sha256_hex(body);
  return in;
}

struct Case {
  fs::path dir;
  std::string name;
};

std::vector<Case> cases(const fs::path& root) {
  std::vector<Case> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.path().extension() == ".req")
      out.push_back({e.path().parent_path(), e.path().stem().string()});
  std::sort(out.begin(), out.end(), [](auto& x, auto& y) { return x.dir < y.dir; });
  return out;
}

void check_case(const Case& c, const Credentials& creds, const Scope& scope,
                bool compact_authz = false) {
  CAPTURE(c.dir.string());
  SignInput in = parse_req(slurp(c.dir / (c.name + ".req")));
  Signature s = sign(in, creds, scope);
  CHECK(s.canonical_request == slurp(c.dir / (c.name + ".creq")));
  CHECK(s.string_to_sign == slurp(c.dir / (c.name + ".sts")));
  std::string authz = s.authorization;
  // AWS's S3 pages print the header without the blank after each comma; both forms are valid.
  if (compact_authz)
    for (std::size_t p; (p = authz.find(", ")) != std::string::npos;) authz.erase(p + 1, 1);
  CHECK(authz == slurp(c.dir / (c.name + ".authz")));
}

Credentials suite_creds() {
  return {"AKIDEXAMPLE", egg::core::SecretBytes(std::string_view("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))};
}

}  // namespace

TEST_CASE("sigv4: AWS test suite (generic service rules), every included case exact") {
  auto all = cases(kData / "aws-sig-v4-test-suite");
  CHECK(all.size() == 27);
  for (const auto& c : all)
    check_case(c, suite_creds(), {"20150830T123600Z", "us-east-1", "service", UriMode::generic});
}

TEST_CASE("sigv4: suite cases without dot segments or empty segments sign the same in S3 mode") {
  // S3 never normalizes a path, so only normalize-path/ cases other than get-space differ.
  int n = 0;
  for (const auto& c : cases(kData / "aws-sig-v4-test-suite")) {
    if (c.dir.parent_path().filename() == "normalize-path" && c.name != "get-space") continue;
    check_case(c, suite_creds(), {"20150830T123600Z", "us-east-1", "service", UriMode::s3});
    ++n;
  }
  CHECK(n == 21);
}

TEST_CASE("sigv4: botocore double-encoding vectors (generic) differ from S3 single encoding") {
  auto all = cases(kData / "botocore-2011");
  CHECK(all.size() == 2);
  Scope generic{"20110909T233600Z", "us-east-1", "host", UriMode::generic};
  for (const auto& c : all) check_case(c, suite_creds(), generic);
  CHECK(canonical_uri("/%E1%88%B4", UriMode::generic) == "/%25E1%2588%25B4");
  CHECK(canonical_uri("/%E1%88%B4", UriMode::s3) == "/%E1%88%B4");
  CHECK(canonical_uri("/%20/foo", UriMode::s3) == "/%20/foo");
}

TEST_CASE("sigv4: S3 documentation examples (GET with Range, PUT, ?lifecycle, list objects)") {
  Credentials creds{"AKIAIOSFODNN7EXAMPLE",
                    egg::core::SecretBytes(std::string_view("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))};
  auto all = cases(kData / "s3-docs");
  CHECK(all.size() == 4);
  for (const auto& c : all)
    check_case(c, creds, {"20130524T000000Z", "us-east-1", "s3", UriMode::s3}, true);
}

TEST_CASE("sigv4: S3 path encoding keeps '/', never normalizes and never double-encodes") {
  CHECK(canonical_uri("", UriMode::s3) == "/");
  CHECK(canonical_uri("/b/a b+c/ü", UriMode::s3) == "/b/a%20b%2Bc/%C3%BC");
  CHECK(canonical_uri("/b/a%20b%2Bc", UriMode::s3) == "/b/a%20b%2Bc");
  CHECK(canonical_uri("/b/a%2fb", UriMode::s3) == "/b/a/b");  // decoded '/' is a separator
  CHECK(canonical_uri("/b/./x//y/../z", UriMode::s3) == "/b/./x//y/../z");
  CHECK(canonical_uri("/b/./x//y/../z", UriMode::generic) == "/b/x/z");
  CHECK(canonical_uri("/a/b/..", UriMode::generic) == "/a/");
  CHECK(uri_encode("~-_.*'()!", false) == "~-_.%2A%27%28%29%21");
}

TEST_CASE("sigv4: query canonicalization") {
  CHECK(canonical_query("") == "");
  CHECK(canonical_query("uploads") == "uploads=");
  CHECK(canonical_query("uploadId=a%2Fb&partNumber=2") == "partNumber=2&uploadId=a%2Fb");
  CHECK(canonical_query("b=2&a=&a") == "a=&a=&b=2");
  CHECK(canonical_query("prefix=a b+c") == "prefix=a%20b%2Bc");  // '+' is a plus, not a space
  CHECK(canonical_query("k=%e1%88%b4") == "k=%E1%88%B4");         // uppercase hex
  CHECK(canonical_query("x=%zz") == "x=%25zz");                   // malformed escape kept literal
  // Sorted by encoded key then value: 'B' (0x42) sorts before 'a'.
  CHECK(canonical_query("a=1&B=2&a=0") == "B=2&a=0&a=1");
}

TEST_CASE("sigv4: headers and failures") {
  auto [block, names] = canonical_headers({{"X-Amz-Date", " 1 "}, {"Host", "h"}, {"x-a", "a\t  b"}});
  CHECK(block == "host:h\nx-a:a b\nx-amz-date:1\n");
  CHECK(names == "host;x-a;x-amz-date");
  SignInput in{"GET", "/", "", {{"Host", "h"}, {"X-Amz-Date", "20150830T123600Z"}}, std::string(kEmptySha256)};
  Scope scope{"20150830T123600Z", "us-east-1", "s3", UriMode::s3};
  CHECK_NOTHROW(sign(in, suite_creds(), scope));
  in.headers.emplace_back("X-Evil", "a\r\nInjected: 1");
  CHECK_THROWS_AS(sign(in, suite_creds(), scope), egg::Error);
  in.headers.pop_back();
  scope.amz_date = "2015-08-30";
  CHECK_THROWS_AS(sign(in, suite_creds(), scope), egg::Error);
}

TEST_CASE("sigv4: signing key derivation and helpers") {
  // AWS's documented derivation example (secret ...EXAMPLEKEY, 20120215, us-east-1, iam).
  auto key = signing_key(egg::core::SecretBytes(std::string_view("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")),
                         "20120215", "us-east-1", "iam");
  CHECK(hex(key.data(), key.size()) ==
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  CHECK(sha256_hex("") == kEmptySha256);
  Sha256 h;
  h.update("Welcome to ");
  h.update("Amazon S3.");
  CHECK(h.hex_digest() == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  CHECK(amz_date(std::chrono::system_clock::from_time_t(1440938160)) == "20150830T123600Z");
}
