#include <doctest/doctest.h>

#include "egg/core/exit.hpp"
#include "egg/manifest/manifest.hpp"

using namespace egg;
namespace json = core::json;

namespace {
json::value valid() {
  auto m = manifest::load_embedded();
  return m.to_json();
}
std::string error_of(const json::value& doc) {
  try {
    manifest::parse_manifest(doc, "t.json");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::usage);
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("the embedded manifest lists all six components with valid pins") {
  auto m = manifest::load_embedded();
  CHECK(m.components.size() == 6);
  for (const auto& name : manifest::component_names()) {
    const auto& pin = m.pin(name);
    CHECK_FALSE(pin.image.empty());
    if (pin.digest) CHECK(pin.reference() == pin.image + "@" + *pin.digest);
  }
  CHECK(m.pin("vault", "vault").image.find("hashicorp/vault") != std::string::npos);
  CHECK(m.digest().rfind("sha256:", 0) == 0);
}

TEST_CASE("a manifest round-trips through its JSON form") {
  auto m = manifest::parse_manifest(valid(), "t.json");
  CHECK(json::serialize(m.to_json()) == json::serialize(valid()));
}

TEST_CASE("bad manifests are refused naming the JSON pointer") {
  auto doc = valid();
  doc.as_object()["schema"] = 2;
  CHECK(error_of(doc).find("/schema") != std::string::npos);

  doc = valid();
  doc.at("components").as_object().erase("runner");
  CHECK(error_of(doc).find("/components/runner: is required") != std::string::npos);

  doc = valid();
  doc.at("components").at("postgres").at("flavors").at("postgres").as_object()["digest"] = "sha256:xyz";
  CHECK(error_of(doc).find("/components/postgres/flavors/postgres/digest") != std::string::npos);

  doc = valid();
  doc.at("components").at("vault").as_object()["default_flavor"] = "consul";
  CHECK(error_of(doc).find("/components/vault/default_flavor") != std::string::npos);

  doc = valid();
  doc.at("components").at("s3").at("flavors").at("rustfs").as_object()["image"] = "rustfs/rustfs:latest";
  CHECK(error_of(doc).find("without tag") != std::string::npos);

  doc = valid();
  doc.at("components").as_object()["mysql"] = json::object{};
  CHECK(error_of(doc).find("/components/mysql: unknown component") != std::string::npos);
}

TEST_CASE("an unpinned image is refused unless allowed") {
  manifest::ImagePin pin{"quay.io/openbao/openbao", "2.7.0", std::nullopt, ""};
  try {
    manifest::require_pinned(pin, "vault", false);
    FAIL("expected refusal");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::precondition);
    CHECK(std::string(e.what()).find("--allow-unpinned") != std::string::npos);
  }
  CHECK_NOTHROW(manifest::require_pinned(pin, "vault", true));
  CHECK(pin.reference() == "quay.io/openbao/openbao:2.7.0");
}

TEST_CASE("a manifest file with a syntax error names line and column") {
  try {
    core::parse_json("{\n  \"schema\": 1,\n  oops\n}", "manifest m.json");
    FAIL("expected error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("line 3") != std::string::npos);
  }
}
