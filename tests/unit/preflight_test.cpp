// egg preflight's judgements, from measured values (no host or engine needed).
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "egg/config/config.hpp"
#include "egg/preflight/checks.hpp"
#include "egg/preflight/host.hpp"

using namespace egg;
using preflight::Status;
namespace json = core::json;

TEST_CASE("disk: fail below 2 GiB, warn below 10 GiB, unknown is a warning") {
  CHECK(preflight::disk_result("d", "state dir", "/x", 1ull << 30, "").status == Status::fail);
  CHECK(preflight::disk_result("d", "state dir", "/x", 5ull << 30, "").status == Status::warn);
  auto ok = preflight::disk_result("d", "state dir", "/x", 50ull << 30, "");
  CHECK(ok.status == Status::ok);
  CHECK(ok.detail == "50.0 GiB free at /x (state dir)");
  CHECK(preflight::disk_result("d", "state dir", "/x", std::nullopt, "EACCES").status == Status::warn);
}

TEST_CASE("disk_free measures the nearest existing parent of a missing state dir") {
  auto d = preflight::disk_free("/tmp/egg-preflight-does-not-exist/a/b");
  CHECK(d.path == "/tmp");
  CHECK(d.free.has_value());
}

TEST_CASE("RFC 3339 times as the engine's SystemTime, with fractions and offsets") {
  CHECK(preflight::parse_rfc3339("1970-01-01T00:01:00Z") == 60.0);
  CHECK(preflight::parse_rfc3339("2024-05-01T12:00:00.5+02:00") == doctest::Approx(1714557600.5));
  CHECK(preflight::parse_rfc3339("2024-05-01T10:00:00.123456789Z") == doctest::Approx(1714557600.123456789));
  CHECK_FALSE(preflight::parse_rfc3339("yesterday").has_value());
}

TEST_CASE("clock: more than 5 s apart warns") {
  CHECK(preflight::clock_result(1714557602.0, "2024-05-01T10:00:00Z").status == Status::ok);
  auto w = preflight::clock_result(1714557610.0, "2024-05-01T10:00:00Z");
  CHECK(w.status == Status::warn);
  CHECK(w.detail.find("10.0 s") != std::string::npos);
}

TEST_CASE("port publishers: overlapping addresses, names without the slash, udp ignored") {
  auto c = [](const char* name, const char* ip, int port, const char* type = "tcp") {
    return json::value(json::object{
        {"Names", json::array{json::value(name)}},
        {"Ports", json::array{json::object{{"IP", ip}, {"PrivatePort", 80}, {"PublicPort", port}, {"Type", type}}}}});
  };
  std::vector<json::value> cs = {c("/web", "0.0.0.0", 8080), c("/db", "127.0.0.1", 5432), c("/dns", "0.0.0.0", 53, "udp")};
  CHECK(preflight::port_publisher(cs, 8080, "127.0.0.1") == "web");
  CHECK(preflight::port_publisher(cs, 5432, "0.0.0.0") == "db");
  CHECK(preflight::port_publisher(cs, 5432, "10.0.0.1") == "");
  CHECK(preflight::port_publisher(cs, 53, "0.0.0.0") == "");
  CHECK(preflight::port_publisher(cs, 9999, "0.0.0.0") == "");
}

TEST_CASE("port results name the port, its config pointer and who holds it") {
  auto r = preflight::port_result("https", "0.0.0.0", 443, 0, "", "other-proxy", true);
  CHECK(r.status == Status::fail);
  CHECK(r.check == "port:https");
  CHECK(r.detail == "0.0.0.0:443 (/ports/https) is published by container other-proxy, not this instance");
  CHECK(preflight::port_result("https", "0.0.0.0", 443, EADDRINUSE, "egg-proxy", "", true).status == Status::ok);
  CHECK(preflight::port_result("ssh", "0.0.0.0", 2222, EADDRINUSE, "", "", true).status == Status::fail);
  CHECK(preflight::port_result("http", "0.0.0.0", 80, EACCES, "", "", true).status == Status::warn);
  CHECK(preflight::port_result("s3", "127.0.0.1", 9000, 0, "", "", true).status == Status::ok);
}

TEST_CASE("try_bind sees a listening socket and leaves a free port free") {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(fd, 1) == 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  CHECK(preflight::try_bind("127.0.0.1", port) == EADDRINUSE);
  CHECK(preflight::try_bind("0.0.0.0", port) == EADDRINUSE);
  ::close(fd);
  CHECK(preflight::try_bind("127.0.0.1", port) == 0);
  CHECK(preflight::try_bind("127.0.0.1", port) == 0);  // the probe itself left nothing bound
}

TEST_CASE("names that need no DNS; an IP literal resolves to itself without a connection") {
  CHECK(preflight::needs_no_dns("localhost"));
  CHECK(preflight::needs_no_dns("forge.localhost"));
  CHECK(preflight::needs_no_dns("192.0.2.7"));
  CHECK(preflight::needs_no_dns("::1"));
  CHECK_FALSE(preflight::needs_no_dns("forge.example.org"));
  CHECK(preflight::resolve("127.0.0.1").address == "127.0.0.1");
  CHECK(preflight::resolve("no-such-host.invalid").address.empty());
}

TEST_CASE("pins: an unpinned enabled component fails unless allowed; disabled ones are ignored") {
  auto cfg = config::defaults("forge.example.org");
  auto doc = manifest::load_embedded().to_json();
  auto& comps = doc.as_object()["components"].as_object();
  comps["postgres"].as_object()["flavors"].as_object()["postgres"].as_object()["digest"] = nullptr;
  comps["runner"].as_object()["flavors"].as_object()["forgejo-runner"].as_object()["digest"] = nullptr;
  auto m = manifest::parse_manifest(doc, "t.json");
  // Other embedded pins may be null too; only check postgres and runner.
  auto find = [](const std::vector<preflight::Result>& rs, const std::string& check) -> const preflight::Result* {
    for (const auto& r : rs)
      if (r.check == check) return &r;
    return nullptr;
  };
  auto rs = preflight::pin_results(cfg, m, false);
  REQUIRE(find(rs, "pin:postgres"));
  CHECK(find(rs, "pin:postgres")->status == Status::fail);
  CHECK(find(rs, "pin:postgres")->detail.find("--allow-unpinned") != std::string::npos);
  CHECK_FALSE(find(rs, "pin:runner"));  // runner is disabled by default
  rs = preflight::pin_results(cfg, m, true);
  CHECK(find(rs, "pin:postgres")->status == Status::warn);
}
