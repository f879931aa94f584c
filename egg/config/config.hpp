#pragma once
// egg.json, the operator's config (docs/config.md). A plain struct with every default filled in:
// whoever holds a Config may rely on it being valid, because the only ways to get one are
// parse()/load() (which validate) and defaults() (which is valid by construction and tested).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "egg/cli/command.hpp"
#include "egg/core/json.hpp"
#include "egg/manifest/manifest.hpp"

namespace egg::config {

// The schema this egg reads and writes. A file with a newer number was written for a newer egg.
inline constexpr int kSchema = 1;

enum class TlsMode { internal, acme_http, acme_dns_cloudflare, files };
enum class BackupType { local, s3_store, s3, directory };
enum class Consistency { paused, live };

struct Seal {
  int shares = 5;
  int threshold = 3;
  bool operator==(const Seal&) const = default;
};

struct Postgres {
  bool enabled = true;
  bool operator==(const Postgres&) const = default;
};

struct Vault {
  bool enabled = true;
  std::string flavor = "openbao";  // "openbao" | "vault"
  Seal seal;
  bool operator==(const Vault&) const = default;
};

struct Buckets {
  std::string forgejo = "forgejo";              // Forgejo's object storage (LFS, packages, ...)
  std::string backups = "foundation-backups";  // where the "s3-store" backup destination writes
  bool operator==(const Buckets&) const = default;
};

struct S3 {
  bool enabled = true;
  std::string flavor = "rustfs";  // "rustfs" | "seaweedfs"
  Buckets buckets;
  bool operator==(const S3&) const = default;
};

struct Forgejo {
  bool enabled = true;
  std::string admin_user = "egg-admin";
  std::string admin_email;   // default "egg-admin@<domain>"
  std::string organization;  // empty: none is created
  bool operator==(const Forgejo&) const = default;
};

struct Proxy {
  bool enabled = true;
  bool operator==(const Proxy&) const = default;
};

struct Runner {
  bool enabled = false;
  bool docker_socket = false;  // mount the engine socket: root-equivalent, so opt-in twice
  bool operator==(const Runner&) const = default;
};

struct Components {
  Postgres postgres;
  Vault vault;
  S3 s3;
  Forgejo forgejo;
  Proxy proxy;
  Runner runner;
  bool operator==(const Components&) const = default;
};

// Extra public names the proxy routes; the forge itself is always served at `domain`.
struct Hostnames {
  std::optional<std::string> vault;
  std::optional<std::string> s3;
  bool operator==(const Hostnames&) const = default;
};

struct Tls {
  TlsMode mode = TlsMode::internal;
  std::optional<std::string> acme_email;             // acme-http, acme-dns-cloudflare
  std::optional<std::string> cloudflare_token_file;  // acme-dns-cloudflare; absolute path
  std::optional<std::string> cert_file;              // files; absolute path
  std::optional<std::string> key_file;               // files; absolute path
  bool operator==(const Tls&) const = default;
};

// Host ports. http/https/ssh bind 0.0.0.0; postgres/vault/s3 bind 127.0.0.1 only, and are not
// published at all when unset.
struct Ports {
  int http = 80;
  int https = 443;
  int ssh = 2222;
  std::optional<int> postgres = 5432;
  std::optional<int> vault = 8200;
  std::optional<int> s3 = 9000;
  bool operator==(const Ports&) const = default;
};

struct Destination {
  BackupType type = BackupType::local;
  std::string path;      // local: relative to --state-dir; directory: absolute
  std::string endpoint;  // s3: https://host[:port]
  std::string bucket;    // s3
  std::string region;    // s3; default us-east-1
  std::string prefix;    // s3, s3-store: key prefix, "" or ending in "/"
  std::string access_key_file;  // s3; absolute path
  std::string secret_key_file;  // s3; absolute path
  bool path_style = true;       // s3: https://endpoint/bucket/key rather than bucket.endpoint
  bool operator==(const Destination&) const = default;
};

struct Retention {
  int keep_last = 7;
  int keep_daily = 7;
  int keep_weekly = 4;
  int keep_monthly = 6;
  bool operator==(const Retention&) const = default;
};

struct Backup {
  std::vector<Destination> destinations;  // default: local "backups", then s3-store
  Retention retention;
  Consistency consistency = Consistency::paused;
  bool operator==(const Backup&) const = default;
};

struct ImageOverride {
  std::string image;                  // repository, without tag or digest
  std::string tag;
  std::optional<std::string> digest;  // sha256:<64 hex>; none: starting it needs --allow-unpinned
  bool operator==(const ImageOverride&) const = default;
};

struct Config {
  int schema = kSchema;
  std::string instance = "egg";
  std::string domain;
  Hostnames hostnames;
  Components components;
  Tls tls;
  Ports ports;
  Backup backup;
  std::map<std::string, ImageOverride> images;  // component name -> override
  std::optional<std::string> manifest;          // image manifest file; --manifest wins
  bool operator==(const Config&) const = default;
};

// A complete default config for `domain` (what `egg init --domain D` writes without other flags).
Config defaults(const std::string& domain);

// Reads --config, validates it, applies --instance and --manifest. A missing file, a syntax error
// or an invalid value is Error(Exit::usage) naming the path and JSON pointer. Every command that
// reads the config calls this first.
Config load(const cli::Globals& globals);

// Parses a whole document (defaults filled in) and validates it; `origin` names it in errors.
Config parse(const core::json::value& doc, const std::string& origin);
Config parse_text(std::string_view text, const std::string& origin);

// The value checks parse() runs, for a Config built in code (egg init). Throws the first error.
void validate(const Config& config, const std::string& origin);

// The effective config: every key, defaults filled in. parse(to_json(c)) == c.
core::json::value to_json(const Config& config);

// --- small answers other layers need -------------------------------------------------------

bool enabled(const Config& config, const std::string& component);
// Docker object name: "<instance>-<component>".
std::string object_name(const Config& config, const std::string& component);
// The manifest flavor a component runs: vault/s3 as configured, the proxy's follows the TLS mode
// (Cloudflare DNS needs a Caddy built with that module), the rest their manifest default ("").
std::string flavor(const Config& config, const std::string& component);
// The image to run: the config's override if any, else the manifest's pin for flavor().
manifest::ImagePin image_pin(const Config& config, const manifest::Manifest& manifest,
                             const std::string& component);

std::string to_string(TlsMode mode);
std::string to_string(BackupType type);
std::string to_string(Consistency consistency);

}  // namespace egg::config
