// Pure parts of the engine client: version negotiation, host parsing, error messages, reference
// normalisation, label filters, tars. No engine needed.
#include <doctest/doctest.h>

#include "egg/engine/archive.hpp"
#include "egg/engine/client.hpp"
#include "egg/engine/images.hpp"

namespace engine = egg::engine;
namespace json = boost::json;
using engine::ApiVersion;

TEST_CASE("engine: ApiVersion parses and compares numerically") {
  CHECK(ApiVersion::parse("1.41") == ApiVersion{1, 41});
  CHECK(ApiVersion::parse("1.9") < ApiVersion::parse("1.41"));
  CHECK_FALSE(ApiVersion::parse("1"));
  CHECK_FALSE(ApiVersion::parse("1.x"));
  CHECK_FALSE(ApiVersion::parse(""));
  CHECK_FALSE(ApiVersion::parse("1.41 "));
  CHECK(ApiVersion{1, 47}.str() == "1.47");
}

TEST_CASE("engine: negotiation from canned /_ping and /version") {
  // Docker 20.10.24 (this machine).
  CHECK(engine::negotiate("1.41", json::parse(R"({"ApiVersion":"1.41","MinAPIVersion":"1.12"})")) == ApiVersion{1, 41});
  // Docker 27/28: newer than egg knows, egg stays at its max.
  CHECK(engine::negotiate("1.48", json::parse(R"({"ApiVersion":"1.48","MinAPIVersion":"1.24"})")) == ApiVersion{1, 47});
  // Docker 29.0-29.2 raised the minimum to 1.44: still fine.
  CHECK(engine::negotiate("1.52", json::parse(R"({"ApiVersion":"1.52","MinAPIVersion":"1.44"})")) == ApiVersion{1, 47});
  // No header (a proxy dropped it): /version's ApiVersion is used.
  CHECK(engine::negotiate("", json::parse(R"({"ApiVersion":"1.43","MinAPIVersion":"1.12"})")) == ApiVersion{1, 43});
  // Too old a daemon.
  CHECK_THROWS_WITH_AS(engine::negotiate("1.40", json::parse(R"({"MinAPIVersion":"1.12"})")),
                       doctest::Contains("at least 1.41"), egg::Error);
  // A future daemon whose minimum is above what egg speaks.
  try {
    engine::negotiate("1.60", json::parse(R"({"ApiVersion":"1.60","MinAPIVersion":"1.50"})"));
    FAIL("expected a refusal");
  } catch (const egg::Error& e) {
    CHECK(e.code() == egg::Exit::precondition);
    CHECK(std::string(e.what()).find("requires API 1.50") != std::string::npos);
  }
  CHECK_THROWS_AS(engine::negotiate("", json::parse("{}")), egg::Error);
}

TEST_CASE("engine: DOCKER_HOST forms") {
  auto u = engine::parse_docker_host("unix:///run/user/1000/docker.sock");
  CHECK(u.unix_socket == "/run/user/1000/docker.sock");
  CHECK(u.base_url == "http://localhost");
  auto t = engine::parse_docker_host("tcp://10.0.0.5:2375/");
  CHECK(t.unix_socket.empty());
  CHECK(t.base_url == "http://10.0.0.5:2375");
  CHECK_THROWS_AS(engine::parse_docker_host("ssh://host"), egg::Error);
  CHECK_THROWS_AS(engine::parse_docker_host("unix://"), egg::Error);
}

TEST_CASE("engine: unreachable engine is a precondition naming the socket and the fix") {
  try {
    engine::Engine::connect("unix:///nonexistent/eggtest/docker.sock");
    FAIL("expected connect to fail");
  } catch (const egg::Error& e) {
    CHECK(e.code() == egg::Exit::precondition);
    std::string m = e.what();
    CHECK(m.find("/nonexistent/eggtest/docker.sock") != std::string::npos);
    CHECK(m.find("dockerd running") != std::string::npos);
    CHECK(m.find("DOCKER_HOST") != std::string::npos);
  }
}

TEST_CASE("engine: error messages carry method, path (no query), status and the engine's message") {
  CHECK(engine::engine_message(R"({"message":"No such container: x"})") == "No such container: x");
  CHECK(engine::engine_message("page not found\n") == "page not found");
  engine::ApiError e("DELETE", "/volumes/v1?force=1", 409, "volume is in use");
  CHECK(e.status() == 409);
  CHECK(std::string(e.what()) == "Docker engine: DELETE /volumes/v1: HTTP 409: volume is in use");
  CHECK(e.code() == egg::Exit::failed);
}

TEST_CASE("engine: familiar names and RepoDigests matching") {
  CHECK(engine::familiar_name("docker.io/library/postgres") == "postgres");
  CHECK(engine::familiar_name("library/postgres") == "postgres");
  CHECK(engine::familiar_name("postgres") == "postgres");
  CHECK(engine::familiar_name("docker.io/openbao/openbao") == "openbao/openbao");
  CHECK(engine::familiar_name("index.docker.io/library/caddy") == "caddy");
  CHECK(engine::familiar_name("quay.io/openbao/openbao") == "quay.io/openbao/openbao");
  CHECK(engine::familiar_name("127.0.0.1:5000/egg-test/busybox") == "127.0.0.1:5000/egg-test/busybox");
  CHECK(engine::familiar_name("localhost/library/x") == "localhost/library/x");

  std::string d = "sha256:" + std::string(64, 'a');
  auto img = json::parse(R"({"Id":"sha256:1","RepoDigests":["postgres@)" + d + R"(","quay.io/x/y@sha256:)" +
                         std::string(64, 'b') + "\"]}");
  CHECK(engine::has_repo_digest(img, "docker.io/library/postgres", d));
  CHECK(engine::has_repo_digest(img, "postgres", d));
  CHECK_FALSE(engine::has_repo_digest(img, "docker.io/library/mysql", d));
  CHECK_FALSE(engine::has_repo_digest(img, "postgres", "sha256:" + std::string(64, 'b')));
  CHECK(engine::has_repo_digest(img, "quay.io/x/y", "sha256:" + std::string(64, 'b')));
  CHECK_FALSE(engine::has_repo_digest(json::parse(R"({"RepoDigests":null})"), "postgres", d));
}

TEST_CASE("engine: label filter query") {
  CHECK(engine::label_filter({{"io.egg.instance", "a"}}) == "%7B%22label%22%3A%5B%22io.egg.instance%3Da%22%5D%7D");
  auto decoded = std::string(R"({"label":["io.egg.instance=a","io.egg.component"]})");
  CHECK(engine::label_filter({{"io.egg.instance", "a"}, {"io.egg.component", ""}}) ==
        egg::core::http::url_escape(decoded));
}

TEST_CASE("engine: tar built in memory keeps paths, owners, modes and contents") {
  std::string big(100000, 'z');
  auto tar = engine::build_tar({{"conf", "", 0750, 70, 70, true},
                                {"conf/app.ini", "[security]\nKEY=1\n", 0640, 1000, 1001, false},
                                {"big.bin", big, 0600, 0, 0, false},
                                {"empty", "", 0444, 5, 6, false}});
  CHECK(tar.size() % 512 == 0);
  auto entries = engine::read_tar(tar);
  REQUIRE(entries.size() == 4);
  CHECK(entries[0].directory);
  CHECK(entries[0].mode == 0750);
  CHECK(entries[1].path == "conf/app.ini");
  CHECK(entries[1].data == "[security]\nKEY=1\n");
  CHECK(entries[1].uid == 1000);
  CHECK(entries[1].gid == 1001);
  CHECK(entries[1].mode == 0640);
  CHECK(entries[2].data == big);
  CHECK(entries[3].data.empty());
  CHECK(entries[3].mode == 0444);
  CHECK(engine::build_tar({{"a", "x", 0644, 0, 0, false}}) == engine::build_tar({{"a", "x", 0644, 0, 0, false}}));
  CHECK_THROWS_AS(engine::read_tar("not a tar at all, definitely not"), egg::Error);
}
