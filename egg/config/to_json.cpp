// Config -> the effective egg.json: every key written, in the order docs/config.md lists them,
// so `egg config check` shows what egg will actually do and `egg init` writes a complete file.
#include "egg/config/config.hpp"

namespace egg::config {
namespace {

namespace json = core::json;

json::value opt(const std::optional<std::string>& s) { return s ? json::value(*s) : json::value(nullptr); }
json::value opt(const std::optional<int>& n) { return n ? json::value(*n) : json::value(nullptr); }

json::object destination(const Destination& d) {
  json::object o{{"type", to_string(d.type)}};
  switch (d.type) {
    case BackupType::local:
    case BackupType::directory: o["path"] = d.path; break;
    case BackupType::s3_store: o["prefix"] = d.prefix; break;
    case BackupType::s3:
      o["endpoint"] = d.endpoint;
      o["bucket"] = d.bucket;
      o["region"] = d.region;
      o["prefix"] = d.prefix;
      o["access_key_file"] = d.access_key_file;
      o["secret_key_file"] = d.secret_key_file;
      o["path_style"] = d.path_style;
      break;
  }
  return o;
}

}  // namespace

json::value to_json(const Config& c) {
  const auto& k = c.components;
  json::object components{
      {"postgres", json::object{{"enabled", k.postgres.enabled}}},
      {"vault", json::object{{"enabled", k.vault.enabled},
                             {"flavor", k.vault.flavor},
                             {"seal", json::object{{"shares", k.vault.seal.shares}, {"threshold", k.vault.seal.threshold}}}}},
      {"s3", json::object{{"enabled", k.s3.enabled},
                          {"flavor", k.s3.flavor},
                          {"buckets", json::object{{"forgejo", k.s3.buckets.forgejo}, {"backups", k.s3.buckets.backups}}}}},
      {"forgejo", json::object{{"enabled", k.forgejo.enabled},
                               {"admin_user", k.forgejo.admin_user},
                               {"admin_email", k.forgejo.admin_email},
                               {"organization", k.forgejo.organization.empty() ? json::value(nullptr)
                                                                                : json::value(k.forgejo.organization)}}},
      {"proxy", json::object{{"enabled", k.proxy.enabled}}},
      {"runner", json::object{{"enabled", k.runner.enabled}, {"docker_socket", k.runner.docker_socket}}},
  };
  json::array destinations;
  for (const auto& d : c.backup.destinations) destinations.push_back(destination(d));
  const auto& rt = c.backup.retention;
  json::object images;
  for (const auto& [name, img] : c.images)
    images[name] = json::object{{"image", img.image}, {"tag", img.tag}, {"digest", opt(img.digest)}};

  return json::object{
      {"schema", c.schema},
      {"instance", c.instance},
      {"domain", c.domain},
      {"hostnames", json::object{{"vault", opt(c.hostnames.vault)}, {"s3", opt(c.hostnames.s3)}}},
      {"components", std::move(components)},
      {"tls", json::object{{"mode", to_string(c.tls.mode)},
                           {"acme_email", opt(c.tls.acme_email)},
                           {"cloudflare_token_file", opt(c.tls.cloudflare_token_file)},
                           {"cert_file", opt(c.tls.cert_file)},
                           {"key_file", opt(c.tls.key_file)}}},
      {"ports", json::object{{"http", c.ports.http},
                             {"https", c.ports.https},
                             {"ssh", c.ports.ssh},
                             {"postgres", opt(c.ports.postgres)},
                             {"vault", opt(c.ports.vault)},
                             {"s3", opt(c.ports.s3)}}},
      {"backup", json::object{{"destinations", std::move(destinations)},
                              {"retention", json::object{{"keep_last", rt.keep_last},
                                                         {"keep_daily", rt.keep_daily},
                                                         {"keep_weekly", rt.keep_weekly},
                                                         {"keep_monthly", rt.keep_monthly}}},
                              {"consistency", to_string(c.backup.consistency)}}},
      {"images", std::move(images)},
      {"manifest", opt(c.manifest)},
  };
}

std::string to_string(TlsMode mode) {
  switch (mode) {
    case TlsMode::internal: return "internal";
    case TlsMode::acme_http: return "acme-http";
    case TlsMode::acme_dns_cloudflare: return "acme-dns-cloudflare";
    case TlsMode::files: return "files";
  }
  return "?";
}

std::string to_string(BackupType type) {
  switch (type) {
    case BackupType::local: return "local";
    case BackupType::s3_store: return "s3-store";
    case BackupType::s3: return "s3";
    case BackupType::directory: return "directory";
  }
  return "?";
}

std::string to_string(Consistency consistency) {
  return consistency == Consistency::paused ? "paused" : "live";
}

}  // namespace egg::config
