// egg images load: the rules that decide whether a loaded image is the pinned one.
#include <doctest/doctest.h>

#include "egg/airgap/verify.hpp"

using namespace egg;
namespace json = core::json;

namespace {
const std::string kDigest = "sha256:" + std::string(64, 'd');
const std::string kId = "sha256:" + std::string(64, '1');
const std::string kOther = "sha256:" + std::string(64, '2');

manifest::Manifest test_manifest(bool with_ids) {
  auto doc = manifest::load_embedded().to_json();
  auto& pin = doc.as_object()["components"].as_object()["postgres"].as_object()["flavors"].as_object()["postgres"].as_object();
  pin["image"] = "127.0.0.1:5000/egg-test/postgres";
  pin["tag"] = "15.20";
  pin["digest"] = kDigest;
  if (with_ids) pin["ids"] = json::object{{"linux/amd64", kId}};
  return manifest::parse_manifest(doc, "t.json");
}

json::value inspect(const std::string& tag, const std::string& repo_digest = "") {
  json::array digests;
  if (!repo_digest.empty()) digests.emplace_back(repo_digest);
  return json::object{{"RepoTags", json::array{json::value(tag)}}, {"RepoDigests", digests}};
}
}  // namespace

TEST_CASE("a loaded image whose id the manifest records matches, whatever its tag") {
  auto c = airgap::check_loaded("mirror.local/whatever:1", kId, inspect("mirror.local/whatever:1"), test_manifest(true));
  CHECK(c.verdict == airgap::Verdict::match);
  CHECK(c.pins == std::vector<std::string>{"postgres/postgres"});
  CHECK(c.detail.find("by id (linux/amd64)") != std::string::npos);
}

TEST_CASE("the containerd store's id is the pinned digest itself: a match") {
  auto c = airgap::check_loaded("x:1", kDigest, inspect("x:1"), test_manifest(false));
  CHECK(c.verdict == airgap::Verdict::match);
}

TEST_CASE("RepoDigests holding the pin (when the engine kept them) is a match") {
  auto c = airgap::check_loaded("127.0.0.1:5000/egg-test/postgres:15.20", kOther,
                                inspect("127.0.0.1:5000/egg-test/postgres:15.20", "127.0.0.1:5000/egg-test/postgres@" + kDigest),
                                test_manifest(false));
  CHECK(c.verdict == airgap::Verdict::match);
  CHECK(c.detail.find("by digest") != std::string::npos);
}

TEST_CASE("the pinned tag with another id is a mismatch when the manifest records ids") {
  auto c = airgap::check_loaded("127.0.0.1:5000/egg-test/postgres:15.20", kOther,
                                inspect("127.0.0.1:5000/egg-test/postgres:15.20"), test_manifest(true));
  CHECK(c.verdict == airgap::Verdict::mismatch);
  CHECK(c.detail.find("not the pinned image") != std::string::npos);
}

TEST_CASE("the pinned tag without recorded ids is unverified, naming moby#22011 and the fix") {
  auto c = airgap::check_loaded("127.0.0.1:5000/egg-test/postgres:15.20", kOther,
                                inspect("127.0.0.1:5000/egg-test/postgres:15.20"), test_manifest(false));
  CHECK(c.verdict == airgap::Verdict::unverified);
  CHECK(c.detail.find("moby#22011") != std::string::npos);
  CHECK(c.detail.find("egg manifest lock") != std::string::npos);
}

TEST_CASE("Hub names compare in familiar form; another tag or repository is not in the manifest") {
  auto m = manifest::load_embedded();
  const auto& pg = m.pin("postgres");
  // docker.io/library/postgres:T loads as "postgres:T".
  auto c = airgap::check_loaded("postgres:" + pg.tag, kOther, inspect("postgres:" + pg.tag), m);
  CHECK(c.verdict != airgap::Verdict::not_in_manifest);
  c = airgap::check_loaded("postgres:0.0-nope", kOther, inspect("postgres:0.0-nope"), m);
  CHECK(c.verdict == airgap::Verdict::not_in_manifest);
  CHECK(c.detail.find("same repository as postgres/postgres") != std::string::npos);
  c = airgap::check_loaded("busybox:latest", kOther, inspect("busybox:latest"), m);
  CHECK(c.verdict == airgap::Verdict::not_in_manifest);
  CHECK(c.detail == "not in the manifest");
}
