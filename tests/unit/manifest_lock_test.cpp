// egg manifest lock's rules and the registry helpers it relies on, without a registry.
#include <doctest/doctest.h>

#include "egg/core/exit.hpp"
#include "egg/manifest/manifest.hpp"
#include "egg/registry/lock.hpp"
#include "egg/registry/reference.hpp"

using namespace egg;
namespace json = core::json;

namespace {
const std::string kA = "sha256:" + std::string(64, 'a');
const std::string kB = "sha256:" + std::string(64, 'b');
const std::string kC = "sha256:" + std::string(64, 'c');
}  // namespace

TEST_CASE("image repositories split into registry and name as Docker does") {
  auto r = registry::split_repository("postgres");
  CHECK(r.registry == "docker.io");
  CHECK(r.name == "library/postgres");
  r = registry::split_repository("docker.io/library/postgres");
  CHECK(r.registry == "docker.io");
  CHECK(r.name == "library/postgres");
  r = registry::split_repository("docker.io/hashicorp/vault");
  CHECK(r.name == "hashicorp/vault");
  r = registry::split_repository("quay.io/openbao/openbao");
  CHECK(r.registry == "quay.io");
  CHECK(r.name == "openbao/openbao");
  r = registry::split_repository("127.0.0.1:5000/egg-test/postgres");
  CHECK(r.registry == "127.0.0.1:5000");
  CHECK(r.name == "egg-test/postgres");
  r = registry::split_repository("localhost/x");
  CHECK(r.registry == "localhost");
}

TEST_CASE("registry base URLs: Hub, loopback over http, others over https, --registry wins") {
  CHECK(registry::base_url("docker.io", std::nullopt) == "https://registry-1.docker.io");
  CHECK(registry::base_url("127.0.0.1:5000", std::nullopt) == "http://127.0.0.1:5000");
  CHECK(registry::base_url("localhost:5000", std::nullopt) == "http://localhost:5000");
  CHECK(registry::base_url("quay.io", std::nullopt) == "https://quay.io");
  CHECK(registry::base_url("quay.io", std::string("http://mirror:5000/")) == "http://mirror:5000");
  CHECK(registry::base_url("quay.io", std::string("mirror.internal")) == "https://mirror.internal");
  CHECK_THROWS_AS(registry::base_url("quay.io", std::string("ftp://x")), Error);
}

TEST_CASE("a Bearer challenge is parsed; Basic is not one") {
  auto c = registry::parse_bearer_challenge(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/postgres:pull")");
  CHECK(c["realm"] == "https://auth.docker.io/token");
  CHECK(c["service"] == "registry.docker.io");
  CHECK(c["scope"] == "repository:library/postgres:pull");
  CHECK(registry::parse_bearer_challenge(R"(Basic realm="Registry")").empty());
}

TEST_CASE("lock pins what the registry has and keeps the previous pin for what it lacks") {
  auto doc = manifest::load_embedded().to_json();
  auto& comps = doc.as_object()["components"].as_object();
  // postgres: unpinned before; vault/openbao: pinned to A before.
  comps["postgres"].as_object()["flavors"].as_object()["postgres"].as_object()["digest"] = nullptr;
  comps["vault"].as_object()["flavors"].as_object()["openbao"].as_object()["digest"] = kA;
  auto m = manifest::parse_manifest(doc, "t.json");
  const auto& pg = m.pin("postgres");
  const auto& bao = m.pin("vault", "openbao");

  std::vector<std::pair<std::string, std::string>> asked;
  registry::Resolver fake = [&](const std::string& image, const std::string& tag) -> std::optional<registry::Resolved> {
    asked.emplace_back(image, tag);
    if (image == pg.image) return registry::Resolved{kB, {{"linux/amd64", kC}}};
    if (image == bao.image) return registry::Resolved{kA, {}};
    return std::nullopt;
  };
  std::vector<registry::LockResult> report;
  auto locked = registry::lock(m, fake, report, "test");

  std::size_t flavors = 0;
  for (const auto& c : m.components) flavors += c.flavors.size();
  CHECK(asked.size() == flavors);  // every flavor, not only the defaults
  CHECK(report.size() == flavors);
  CHECK(locked.pin("postgres").digest == kB);
  CHECK(locked.pin("postgres").ids.at("linux/amd64") == kC);
  CHECK(locked.pin("postgres").source == "test");
  CHECK(locked.pin("vault", "openbao").digest == kA);
  // A flavor the registry lacks keeps exactly its previous pin.
  CHECK(locked.pin("forgejo").digest == m.pin("forgejo").digest);
  CHECK(locked.pin("forgejo").source == m.pin("forgejo").source);
  for (const auto& r : report) {
    if (r.component == "postgres") CHECK(r.status == registry::LockResult::Status::changed);
    else if (r.component == "vault" && r.flavor == "openbao") CHECK(r.status == registry::LockResult::Status::unchanged);
    else CHECK(r.status == registry::LockResult::Status::missing);
  }
  // The result is a manifest egg accepts, ids included.
  auto again = manifest::parse_manifest(locked.to_json(), "again.json");
  CHECK(again.pin("postgres").ids.at("linux/amd64") == kC);
  CHECK(again.digest() == locked.digest());
}

TEST_CASE("manifest ids: optional, need a digest, platform keys and sha256 values checked") {
  auto doc = manifest::load_embedded().to_json();
  auto& pin = doc.as_object()["components"].as_object()["postgres"].as_object()["flavors"].as_object()["postgres"].as_object();
  pin["digest"] = kA;
  pin["ids"] = json::object{{"linux/arm64/v8", kB}};
  CHECK(manifest::parse_manifest(doc, "t.json").pin("postgres").ids.size() == 1);
  auto expect_error = [&](const char* what) {
    try {
      manifest::parse_manifest(doc, "t.json");
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.code() == Exit::usage);
      CHECK(std::string(e.what()).find(what) != std::string::npos);
    }
  };
  pin["ids"] = json::object{{"amd64", kB}};
  expect_error("/components/postgres/flavors/postgres/ids/amd64: must be a platform");
  pin["ids"] = json::object{{"linux/amd64", "sha256:xyz"}};
  expect_error("/ids/linux~1amd64: must be \"sha256:\"");
  pin["ids"] = json::object{{"linux/amd64", kB}};
  pin["digest"] = nullptr;
  expect_error("/ids: needs a digest");
}
