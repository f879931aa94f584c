// The bad-config table: each row breaks one rule of a valid egg.json and names the JSON pointer
// and the reason the error must carry (docs/config.md, "Errors").
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "egg/config/config.hpp"
#include "egg/core/exit.hpp"

using namespace egg;
namespace json = core::json;

namespace {

struct Edit {
  std::string pointer;
  std::optional<json::value> value;  // nullopt: remove the key
};

// Sets or removes the member `pointer` names (tokens are plain keys or array indexes here).
void apply(json::value& doc, const Edit& e) {
  json::value* cur = &doc;
  std::string rest = e.pointer.substr(1);
  while (true) {
    auto slash = rest.find('/');
    std::string tok = rest.substr(0, slash);
    bool last = slash == std::string::npos;
    if (cur->is_array()) {
      auto& a = cur->get_array();
      std::size_t i = std::stoul(tok);
      if (last) {
        if (e.value) a.at(i) = *e.value; else a.erase(a.begin() + static_cast<long>(i));
        return;
      }
      cur = &a.at(i);
    } else {
      auto& o = cur->as_object();
      if (last) {
        if (e.value) o[tok] = *e.value; else o.erase(tok);
        return;
      }
      cur = &o[tok];
    }
    rest = rest.substr(slash + 1);
  }
}

json::value base() { return config::to_json(config::defaults("forge.example.org")); }

struct Row {
  const char* name;
  std::vector<Edit> edits;
  const char* pointer;  // must appear as "<origin>: <pointer>: "
  const char* reason;   // must appear in the message
};

json::value obj(std::string_view text) { return json::parse(text); }

}  // namespace

TEST_CASE("the default config is valid") { CHECK_NOTHROW(config::parse(base(), "t.json")); }

TEST_CASE("bad configs exit 2 naming the JSON pointer and the reason") {
  const std::vector<Row> rows = {
      {"unknown top-level key", {{"/colour", json::value("blue")}}, "/colour", "unknown key; allowed keys here: schema"},
      {"unknown nested key", {{"/components/vault/sael", obj(R"({"shares":5})")}}, "/components/vault/sael", "unknown key"},
      {"unknown key deep in a destination", {{"/backup/destinations/0/bucket", json::value("b")}},
       "/backup/destinations/0/bucket", "unknown key; allowed keys here: type, path"},
      {"port as a string", {{"/ports/http", json::value("80")}}, "/ports/http", "must be an integer, got a string"},
      {"fractional port", {{"/ports/https", json::value(443.5)}}, "/ports/https", "got a fractional number"},
      {"flag as a string", {{"/components/postgres/enabled", json::value("yes")}}, "/components/postgres/enabled", "must be true or false"},
      {"components as an array", {{"/components", json::array{}}}, "/components", "must be an object, got an array"},
      {"uppercase domain", {{"/domain", json::value("Forge.Example.org")}}, "/domain", "must be lowercase"},
      {"underscore in domain", {{"/domain", json::value("forge_1.example.org")}}, "/domain", "may hold only letters, digits"},
      {"single-label domain", {{"/domain", json::value("forge")}}, "/domain", "at least one dot"},
      {"IP address as domain", {{"/domain", json::value("10.0.0.1")}}, "/domain", "IP address"},
      {"label ends with a hyphen", {{"/domain", json::value("forge-.example.org")}}, "/domain", "starts or ends with '-'"},
      {"missing domain", {{"/domain", std::nullopt}}, "/domain", "is required"},
      {"published port clash", {{"/ports/https", json::value(80)}}, "/ports/https", "port 80 clashes with /ports/http; give each published port its own number"},
      {"admin port clash", {{"/ports/vault", json::value(5432)}}, "/ports/vault", "clashes with /ports/postgres"},
      {"port out of range", {{"/ports/ssh", json::value(70000)}}, "/ports/ssh", "port 70000 is out of range; allowed: 1-65535"},
      {"port zero", {{"/ports/postgres", json::value(0)}}, "/ports/postgres", "out of range"},
      {"bad s3 flavor", {{"/components/s3/flavor", json::value("minio")}}, "/components/s3/flavor", "\"minio\" is not a known flavor; allowed: \"rustfs\""},
      {"bad vault flavor", {{"/components/vault/flavor", json::value("hashicorp")}}, "/components/vault/flavor", "allowed: \"openbao\""},
      {"bad tls mode", {{"/tls/mode", json::value("letsencrypt")}}, "/tls/mode", "\"letsencrypt\" is not a known value; allowed: one of \"internal\""},
      {"acme without e-mail", {{"/tls/mode", json::value("acme-http")}}, "/tls/acme_email", "is required when /tls/mode is \"acme-http\""},
      {"acme for localhost",
       {{"/domain", json::value("localhost")}, {"/tls/mode", json::value("acme-http")}, {"/tls/acme_email", json::value("ops@example.org")}},
       "/tls/mode", "cannot get a public certificate"},
      {"cloudflare without token file",
       {{"/tls/mode", json::value("acme-dns-cloudflare")}, {"/tls/acme_email", json::value("ops@example.org")}},
       "/tls/cloudflare_token_file", "is required"},
      {"files mode with a relative cert path",
       {{"/tls/mode", json::value("files")}, {"/tls/cert_file", json::value("certs/forge.pem")}, {"/tls/key_file", json::value("/etc/egg/key.pem")}},
       "/tls/cert_file", "must be an absolute path"},
      {"threshold above shares", {{"/components/vault/seal/threshold", json::value(6)}}, "/components/vault/seal/threshold",
       "does not fit /components/vault/seal/shares 5"},
      {"threshold zero", {{"/components/vault/seal/threshold", json::value(0)}}, "/components/vault/seal/threshold", "1 <= threshold <= shares"},
      {"too many shares", {{"/components/vault/seal/shares", json::value(256)}}, "/components/vault/seal/shares", "allowed: 1-255"},
      {"runner without forgejo",
       {{"/components/runner/enabled", json::value(true)}, {"/components/forgejo/enabled", json::value(false)}},
       "/components/runner/enabled", "/components/forgejo/enabled is false"},
      {"forgejo without postgres", {{"/components/postgres/enabled", json::value(false)}}, "/components/forgejo/enabled",
       "is true but /components/postgres/enabled is false"},
      {"forgejo without the proxy", {{"/components/proxy/enabled", json::value(false)}}, "/components/forgejo/enabled",
       "/components/proxy/enabled is false"},
      {"docker socket without the runner", {{"/components/runner/docker_socket", json::value(true)}}, "/components/runner/docker_socket",
       "/components/runner/enabled is false"},
      {"uppercase instance", {{"/instance", json::value("Egg")}}, "/instance", "must start with a lowercase letter"},
      {"instance too long", {{"/instance", json::value(std::string(32, 'a'))}}, "/instance", "longer than 31"},
      {"newer schema", {{"/schema", json::value(2)}}, "/schema", "is 2: this file was written for a newer egg"},
      {"missing schema", {{"/schema", std::nullopt}}, "/schema", "is required"},
      {"relative directory destination", {{"/backup/destinations/0", obj(R"({"type":"directory","path":"mnt/x"})")}},
       "/backup/destinations/0/path", "must be an absolute path"},
      {"local destination leaving the state dir", {{"/backup/destinations/0/path", json::value("../elsewhere")}},
       "/backup/destinations/0/path", "\"..\""},
      {"token inline instead of a file",
       {{"/tls/mode", json::value("acme-dns-cloudflare")}, {"/tls/acme_email", json::value("ops@example.org")},
        {"/tls/cloudflare_token_file", json::value("Zx9SecretCloudflareToken")}},
       "/tls/cloudflare_token_file", "not the value itself"},
      {"inline token key", {{"/tls/cloudflare_token", json::value("Zx9SecretCloudflareToken")}}, "/tls/cloudflare_token",
       "egg never takes a secret inline"},
      {"inline offsite secret key",
       {{"/backup/destinations/1", obj(R"({"type":"s3","endpoint":"https://s3.example.net","bucket":"offsite",
          "access_key_file":"/etc/egg/ak","secret_key":"abc"})")}},
       "/backup/destinations/1/secret_key", "egg never takes a secret inline"},
      {"offsite s3 without bucket",
       {{"/backup/destinations/1", obj(R"({"type":"s3","endpoint":"https://s3.example.net",
          "access_key_file":"/etc/egg/ak","secret_key_file":"/etc/egg/sk"})")}},
       "/backup/destinations/1/bucket", "is required"},
      {"offsite endpoint with a path",
       {{"/backup/destinations/1", obj(R"({"type":"s3","endpoint":"https://s3.example.net/bucket","bucket":"offsite",
          "access_key_file":"/etc/egg/ak","secret_key_file":"/etc/egg/sk"})")}},
       "/backup/destinations/1/endpoint", "without a path"},
      {"unknown destination type", {{"/backup/destinations/0/type", json::value("ftp")}}, "/backup/destinations/0/type", "not a known value"},
      {"only the s3 store", {{"/backup/destinations/0", std::nullopt}}, "/backup/destinations", "only the stack's own S3 store"},
      {"no destinations", {{"/backup/destinations", json::array{}}}, "/backup/destinations", "is empty"},
      {"s3-store with s3 disabled",
       {{"/components/s3/enabled", json::value(false)}, {"/components/forgejo/enabled", json::value(false)}},
       "/backup/destinations/1/type", "/components/s3/enabled is false"},
      {"keep_last zero", {{"/backup/retention/keep_last", json::value(0)}}, "/backup/retention/keep_last", "newest bundle"},
      {"bad consistency", {{"/backup/consistency", json::value("frozen")}}, "/backup/consistency", "allowed: one of \"paused\", \"live\""},
      {"reserved forgejo admin", {{"/components/forgejo/admin_user", json::value("admin")}}, "/components/forgejo/admin_user",
       "is a name Forgejo reserves"},
      {"bad admin e-mail", {{"/components/forgejo/admin_email", json::value("ops")}}, "/components/forgejo/admin_email", "name@host"},
      {"bad bucket name", {{"/components/s3/buckets/forgejo", json::value("Forgejo_Data")}}, "/components/s3/buckets/forgejo",
       "lowercase letters"},
      {"same bucket twice", {{"/components/s3/buckets/backups", json::value("forgejo")}}, "/components/s3/buckets/backups",
       "same bucket as /components/s3/buckets/forgejo"},
      {"image override for an unknown component", {{"/images/redis", obj(R"({"image":"docker.io/library/redis","tag":"7"})")}},
       "/images/redis", "unknown key; allowed keys here: postgres, vault"},
      {"image override with a bad digest",
       {{"/images/vault", obj(R"({"image":"docker.io/hashicorp/vault","tag":"1.20.4","digest":"sha256:abc"})")}},
       "/images/vault/digest", "64 hex digits"},
      {"image override with a tag in the repository", {{"/images/vault", obj(R"({"image":"docker.io/hashicorp/vault:1.20","tag":"1.20"})")}},
       "/images/vault/image", "must not carry a tag"},
      {"relative manifest path", {{"/manifest", json::value("manifest.json")}}, "/manifest", "must be an absolute path"},
      {"hostname routed without its component",
       {{"/hostnames/s3", json::value("s3.example.org")}, {"/components/s3/enabled", json::value(false)},
        {"/components/forgejo/enabled", json::value(false)}},
       "/hostnames/s3", "is set but /components/s3/enabled is false"},
      {"hostname equal to the forge's", {{"/hostnames/vault", json::value("forge.example.org")}}, "/hostnames/vault", "forge's own name"},
  };
  CHECK(rows.size() >= 15);
  for (const auto& row : rows) {
    std::string name = row.name;
    CAPTURE(name);
    json::value doc = base();
    for (const auto& e : row.edits) apply(doc, e);
    std::string message;
    Exit code = Exit::ok;
    try {
      config::parse(doc, "/etc/egg/egg.json");
    } catch (const Error& e) {
      code = e.code();
      message = e.what();
    }
    CAPTURE(message);
    CHECK(code == Exit::usage);
    CHECK(message.find(std::string("/etc/egg/egg.json: ") + row.pointer + ": ") == 0);
    CHECK(message.find(row.reason) != std::string::npos);
    // A secret pasted where a path belongs must not be echoed back.
    CHECK(message.find("Zx9SecretCloudflareToken") == std::string::npos);
  }
}

TEST_CASE("a JSON syntax error names line and column") {
  try {
    config::parse_text("{\n  \"schema\": 1,\n  \"domain\": \"a.b\",,\n}", "/etc/egg/egg.json");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::usage);
    std::string m = e.what();
    CHECK(m.find("/etc/egg/egg.json: invalid JSON at line 3") == 0);
    CHECK(m.find("column") != std::string::npos);
  }
}

TEST_CASE("a config that is not an object is refused at the root") {
  try {
    config::parse(json::array{1, 2}, "c.json");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("c.json: /: must be an object, got an array") == 0);
  }
}
