// Defaults, the effective-config round trip, loading from a file and the answers other layers use.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "egg/config/config.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "tests/support/process.hpp"

using namespace egg;
namespace json = core::json;
namespace fs = std::filesystem;

namespace {

using test::TempDir;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(e.code() == Exit::usage);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("defaults are filled in and documented values hold") {
  auto c = config::defaults("forge.example.org");
  CHECK(c.schema == 1);
  CHECK(c.instance == "egg");
  CHECK(c.components.vault.flavor == "openbao");
  CHECK(c.components.vault.seal.shares == 5);
  CHECK(c.components.vault.seal.threshold == 3);
  CHECK(c.components.s3.flavor == "rustfs");
  CHECK(c.components.s3.buckets.backups == "foundation-backups");
  CHECK(c.components.forgejo.admin_user == "egg-admin");
  CHECK(c.components.forgejo.admin_email == "egg-admin@forge.example.org");
  CHECK_FALSE(c.components.runner.enabled);
  CHECK(c.tls.mode == config::TlsMode::internal);
  CHECK(c.ports.http == 80);
  CHECK(c.ports.https == 443);
  CHECK(c.ports.ssh == 2222);
  CHECK(c.ports.postgres == 5432);
  CHECK(c.ports.vault == 8200);
  CHECK(c.ports.s3 == 9000);
  REQUIRE(c.backup.destinations.size() == 2);
  CHECK(c.backup.destinations[0].type == config::BackupType::local);
  CHECK(c.backup.destinations[0].path == "backups");
  CHECK(c.backup.destinations[1].type == config::BackupType::s3_store);
  CHECK(c.backup.retention.keep_last == 7);
  CHECK(c.backup.consistency == config::Consistency::paused);
  CHECK_NOTHROW(config::validate(c, "t"));
}

TEST_CASE("a minimal file means exactly the defaults") {
  auto c = config::parse_text(R"({"schema": 1, "domain": "forge.example.org"})", "t.json");
  CHECK(c == config::defaults("forge.example.org"));
}

TEST_CASE("omitted destinations follow the components: no s3-store without the store") {
  auto c = config::parse_text(
      R"({"schema":1,"domain":"a.example","components":{"s3":{"enabled":false},"forgejo":{"enabled":false}}})", "t.json");
  REQUIRE(c.backup.destinations.size() == 1);
  CHECK(c.backup.destinations[0].type == config::BackupType::local);
}

TEST_CASE("the effective config round-trips: parse(to_json(c)) == c") {
  auto c = config::defaults("forge.example.org");
  c.instance = "drill-2";
  c.hostnames.vault = "vault.example.org";
  c.components.vault.flavor = "vault";
  c.components.vault.seal = {3, 2};
  c.components.s3.flavor = "seaweedfs";
  c.components.forgejo.organization = "platform";
  c.components.runner = {true, true};
  c.tls.mode = config::TlsMode::acme_dns_cloudflare;
  c.tls.acme_email = "ops@example.org";
  c.tls.cloudflare_token_file = "/etc/egg/cloudflare-token";
  c.ports.postgres.reset();
  c.ports.http = 8080;
  config::Destination off;
  off.type = config::BackupType::s3;
  off.endpoint = "https://s3.eu-central-1.amazonaws.com";
  off.bucket = "acme-egg-offsite";
  off.region = "eu-central-1";
  off.prefix = "forge/";
  off.access_key_file = "/etc/egg/offsite-access-key";
  off.secret_key_file = "/etc/egg/offsite-secret-key";
  off.path_style = false;
  c.backup.destinations.push_back(off);
  config::Destination dir;
  dir.type = config::BackupType::directory;
  dir.path = "/mnt/usb/egg";
  c.backup.destinations.push_back(dir);
  c.backup.consistency = config::Consistency::live;
  c.images["vault"] = {"docker.io/hashicorp/vault", "1.20.4", std::string("sha256:") + std::string(64, 'a')};
  c.manifest = "/etc/egg/manifest.json";
  REQUIRE_NOTHROW(config::validate(c, "t"));

  auto doc = config::to_json(c);
  auto back = config::parse(doc, "t.json");
  CHECK(back == c);
  CHECK(json::serialize(config::to_json(back)) == json::serialize(doc));
  // And through text, as `egg config check --json > egg.json` would.
  CHECK(config::parse_text(core::pretty_json(doc), "t.json") == c);
}

TEST_CASE("load reads --config, applies --instance and --manifest, and names a missing file") {
  TempDir tmp;
  cli::Globals g;
  g.config_path = (tmp.path / "egg.json").string();
  auto missing = error_of([&] { config::load(g); });
  CHECK(missing.find(g.config_path + ": no config file") == 0);
  CHECK(missing.find("egg init --domain D") != std::string::npos);

  core::write_file_atomic(g.config_path, core::pretty_json(config::to_json(config::defaults("forge.example.org"))));
  CHECK(config::load(g) == config::defaults("forge.example.org"));

  g.instance = "restore-drill";
  g.instance_given = true;
  g.manifest_path = "/srv/test-manifest.json";
  auto c = config::load(g);
  CHECK(c.instance == "restore-drill");
  CHECK(c.manifest == "/srv/test-manifest.json");
  CHECK(config::object_name(c, "postgres") == "restore-drill-postgres");

  g.instance = "Bad_Name";
  CHECK(error_of([&] { config::load(g); }).find("--instance Bad_Name: ") == 0);

  std::ofstream(g.config_path) << "{\"schema\": 1,\n \"domain\": }";
  CHECK(error_of([&] { config::load(g); }).find(g.config_path + ": invalid JSON at line 2") == 0);
}

TEST_CASE("flavor and image_pin: overrides win, the proxy follows the TLS mode") {
  auto m = manifest::load_embedded();
  auto c = config::defaults("forge.example.org");
  CHECK(config::flavor(c, "proxy") == "caddy");
  CHECK(config::image_pin(c, m, "vault").image == m.pin("vault", "openbao").image);
  c.tls.mode = config::TlsMode::acme_dns_cloudflare;
  CHECK(config::flavor(c, "proxy") == "caddy-cloudflare");
  c.components.vault.flavor = "vault";
  CHECK(config::image_pin(c, m, "vault").image == m.pin("vault", "vault").image);
  c.images["vault"] = {"registry.example.org/mirror/vault", "1.20.4", std::nullopt};
  auto pin = config::image_pin(c, m, "vault");
  CHECK(pin.image == "registry.example.org/mirror/vault");
  CHECK_FALSE(pin.digest);
  CHECK(config::enabled(c, "postgres"));
  CHECK_FALSE(config::enabled(c, "runner"));
}
