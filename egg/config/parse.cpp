// egg.json -> Config: structure, types and enum words. Value rules live in validate.cpp so a
// Config built in code (egg init) passes the very same checks.
#include "egg/config/config.hpp"
#include "egg/config/defaults.hpp"
#include "egg/config/reader.hpp"
#include "egg/core/json.hpp"

namespace egg::config {
namespace {

using detail::child;
using detail::Reader;
namespace json = core::json;

constexpr const char* kPortAllowed = "allowed: an integer port 1-65535";
constexpr const char* kAdminPortAllowed = "allowed: an integer port 1-65535, or null to not publish it";
constexpr const char* kPathAllowed = "allowed: an absolute path";

// Calls `read(value, pointer)` when `key` is present.
template <class F>
void with(const json::object& o, const std::string& ptr, std::string_view key, F&& read) {
  if (const json::value* v = o.if_contains(key)) read(*v, child(ptr, key));
}

void read_schema(const Reader& r, const json::object& root) {
  const json::value* v = root.if_contains("schema");
  const std::string allowed = "this egg reads schema " + std::to_string(kSchema);
  if (!v) r.fail("/schema", "is required", allowed + "; add \"schema\": " + std::to_string(kSchema));
  int s = r.integer(*v, "/schema", allowed);
  if (s > kSchema)
    r.fail("/schema", "is " + std::to_string(s) + ": this file was written for a newer egg",
           allowed + "; upgrade egg to read it");
  if (s != kSchema) r.fail("/schema", "is " + std::to_string(s) + ", not a schema egg ever wrote", allowed);
}

void read_components(const Reader& r, const json::value& v, const std::string& p, Components& c) {
  const auto& o = r.object(v, p, "allowed: an object with postgres, vault, s3, forgejo, proxy, runner");
  r.only(o, p, {"postgres", "vault", "s3", "forgejo", "proxy", "runner"});
  auto enabled_only = [&](const json::value& cv, const std::string& cp, bool& enabled) {
    const auto& co = r.object(cv, cp, "allowed: {\"enabled\": true|false}");
    r.only(co, cp, {"enabled"});
    with(co, cp, "enabled", [&](auto& x, auto q) { enabled = r.boolean(x, q); });
  };
  with(o, p, "postgres", [&](auto& x, auto q) { enabled_only(x, q, c.postgres.enabled); });
  with(o, p, "proxy", [&](auto& x, auto q) { enabled_only(x, q, c.proxy.enabled); });
  with(o, p, "vault", [&](auto& x, auto q) {
    const auto& vo = r.object(x, q, "allowed: an object with enabled, flavor, seal");
    r.only(vo, q, {"enabled", "flavor", "seal"});
    with(vo, q, "enabled", [&](auto& y, auto qq) { c.vault.enabled = r.boolean(y, qq); });
    with(vo, q, "flavor", [&](auto& y, auto qq) { c.vault.flavor = r.string(y, qq, "allowed: \"openbao\", \"vault\""); });
    with(vo, q, "seal", [&](auto& y, auto qq) {
      const auto& so = r.object(y, qq, "allowed: {\"shares\": N, \"threshold\": M}");
      r.only(so, qq, {"shares", "threshold"});
      const char* allowed = "allowed: 1 <= threshold <= shares <= 255";
      with(so, qq, "shares", [&](auto& z, auto zp) { c.vault.seal.shares = r.integer(z, zp, allowed); });
      with(so, qq, "threshold", [&](auto& z, auto zp) { c.vault.seal.threshold = r.integer(z, zp, allowed); });
    });
  });
  with(o, p, "s3", [&](auto& x, auto q) {
    const auto& so = r.object(x, q, "allowed: an object with enabled, flavor, buckets");
    r.only(so, q, {"enabled", "flavor", "buckets"});
    with(so, q, "enabled", [&](auto& y, auto qq) { c.s3.enabled = r.boolean(y, qq); });
    with(so, q, "flavor", [&](auto& y, auto qq) { c.s3.flavor = r.string(y, qq, "allowed: \"rustfs\", \"seaweedfs\""); });
    with(so, q, "buckets", [&](auto& y, auto qq) {
      const auto& bo = r.object(y, qq, "allowed: {\"forgejo\": NAME, \"backups\": NAME}");
      r.only(bo, qq, {"forgejo", "backups"});
      const char* allowed = "allowed: an S3 bucket name";
      with(bo, qq, "forgejo", [&](auto& z, auto zp) { c.s3.buckets.forgejo = r.string(z, zp, allowed); });
      with(bo, qq, "backups", [&](auto& z, auto zp) { c.s3.buckets.backups = r.string(z, zp, allowed); });
    });
  });
  with(o, p, "forgejo", [&](auto& x, auto q) {
    const auto& fo = r.object(x, q, "allowed: an object with enabled, admin_user, admin_email, organization");
    r.only(fo, q, {"enabled", "admin_user", "admin_email", "organization"});
    with(fo, q, "enabled", [&](auto& y, auto qq) { c.forgejo.enabled = r.boolean(y, qq); });
    with(fo, q, "admin_user", [&](auto& y, auto qq) { c.forgejo.admin_user = r.string(y, qq, "allowed: a Forgejo user name"); });
    with(fo, q, "admin_email", [&](auto& y, auto qq) { c.forgejo.admin_email = r.string(y, qq, "allowed: an e-mail address"); });
    with(fo, q, "organization", [&](auto& y, auto qq) {
      c.forgejo.organization = r.string_or_null(y, qq, "allowed: a Forgejo organization name, or null").value_or("");
    });
  });
  with(o, p, "runner", [&](auto& x, auto q) {
    const auto& ro = r.object(x, q, "allowed: an object with enabled, docker_socket");
    r.only(ro, q, {"enabled", "docker_socket"});
    with(ro, q, "enabled", [&](auto& y, auto qq) { c.runner.enabled = r.boolean(y, qq); });
    with(ro, q, "docker_socket", [&](auto& y, auto qq) { c.runner.docker_socket = r.boolean(y, qq); });
  });
}

void read_tls(const Reader& r, const json::value& v, const std::string& p, Tls& t) {
  const auto& o = r.object(v, p, "allowed: an object with mode and the inputs that mode needs");
  r.only(o, p, {"mode", "acme_email", "cloudflare_token_file", "cert_file", "key_file"});
  with(o, p, "mode", [&](auto& x, auto q) {
    t.mode = r.choice<TlsMode>(x, q, {{"internal", TlsMode::internal},
                                      {"acme-http", TlsMode::acme_http},
                                      {"acme-dns-cloudflare", TlsMode::acme_dns_cloudflare},
                                      {"files", TlsMode::files}});
  });
  with(o, p, "acme_email", [&](auto& x, auto q) { t.acme_email = r.string_or_null(x, q, "allowed: an e-mail address or null"); });
  with(o, p, "cloudflare_token_file", [&](auto& x, auto q) { t.cloudflare_token_file = r.string_or_null(x, q, kPathAllowed); });
  with(o, p, "cert_file", [&](auto& x, auto q) { t.cert_file = r.string_or_null(x, q, kPathAllowed); });
  with(o, p, "key_file", [&](auto& x, auto q) { t.key_file = r.string_or_null(x, q, kPathAllowed); });
}

void read_ports(const Reader& r, const json::value& v, const std::string& p, Ports& ports) {
  const auto& o = r.object(v, p, "allowed: an object with http, https, ssh, postgres, vault, s3");
  r.only(o, p, {"http", "https", "ssh", "postgres", "vault", "s3"});
  with(o, p, "http", [&](auto& x, auto q) { ports.http = r.integer(x, q, kPortAllowed); });
  with(o, p, "https", [&](auto& x, auto q) { ports.https = r.integer(x, q, kPortAllowed); });
  with(o, p, "ssh", [&](auto& x, auto q) { ports.ssh = r.integer(x, q, kPortAllowed); });
  with(o, p, "postgres", [&](auto& x, auto q) { ports.postgres = r.integer_or_null(x, q, kAdminPortAllowed); });
  with(o, p, "vault", [&](auto& x, auto q) { ports.vault = r.integer_or_null(x, q, kAdminPortAllowed); });
  with(o, p, "s3", [&](auto& x, auto q) { ports.s3 = r.integer_or_null(x, q, kAdminPortAllowed); });
}

Destination read_destination(const Reader& r, const json::value& v, const std::string& p) {
  const auto& o = r.object(v, p, "allowed: an object with a \"type\"");
  Destination d;
  const json::value* type = o.if_contains("type");
  if (!type) r.fail(child(p, "type"), "is required", "allowed: \"local\", \"s3-store\", \"s3\", \"directory\"");
  d.type = r.choice<BackupType>(*type, child(p, "type"),
                                {{"local", BackupType::local},
                                 {"s3-store", BackupType::s3_store},
                                 {"s3", BackupType::s3},
                                 {"directory", BackupType::directory}});
  auto str = [&](std::string_view key, std::string& out, const char* allowed) {
    with(o, p, key, [&](auto& x, auto q) { out = r.string(x, q, allowed); });
  };
  switch (d.type) {
    case BackupType::local:
      r.only(o, p, {"type", "path"});
      d.path = "backups";
      str("path", d.path, "allowed: a path relative to --state-dir");
      break;
    case BackupType::directory:
      r.only(o, p, {"type", "path"});
      str("path", d.path, kPathAllowed);
      break;
    case BackupType::s3_store:
      r.only(o, p, {"type", "prefix"});
      str("prefix", d.prefix, "allowed: \"\" or a key prefix ending in \"/\"");
      break;
    case BackupType::s3:
      r.only(o, p, {"type", "endpoint", "bucket", "region", "prefix", "access_key_file", "secret_key_file", "path_style"});
      d.region = "us-east-1";
      str("endpoint", d.endpoint, "allowed: an https:// URL");
      str("bucket", d.bucket, "allowed: an S3 bucket name");
      str("region", d.region, "allowed: an S3 region name");
      str("prefix", d.prefix, "allowed: \"\" or a key prefix ending in \"/\"");
      str("access_key_file", d.access_key_file, kPathAllowed);
      str("secret_key_file", d.secret_key_file, kPathAllowed);
      with(o, p, "path_style", [&](auto& x, auto q) { d.path_style = r.boolean(x, q); });
      break;
  }
  return d;
}

void read_backup(const Reader& r, const json::value& v, const std::string& p, Backup& b, bool& destinations_given) {
  const auto& o = r.object(v, p, "allowed: an object with destinations, retention, consistency");
  r.only(o, p, {"destinations", "retention", "consistency"});
  with(o, p, "destinations", [&](auto& x, auto q) {
    const auto& a = r.array(x, q, "allowed: an array of destinations");
    destinations_given = true;
    for (std::size_t i = 0; i < a.size(); ++i) b.destinations.push_back(read_destination(r, a[i], child(q, i)));
  });
  with(o, p, "retention", [&](auto& x, auto q) {
    const auto& ro = r.object(x, q, "allowed: an object with keep_last, keep_daily, keep_weekly, keep_monthly");
    r.only(ro, q, {"keep_last", "keep_daily", "keep_weekly", "keep_monthly"});
    const char* allowed = "allowed: an integer 0-10000";
    with(ro, q, "keep_last", [&](auto& y, auto qq) { b.retention.keep_last = r.integer(y, qq, allowed); });
    with(ro, q, "keep_daily", [&](auto& y, auto qq) { b.retention.keep_daily = r.integer(y, qq, allowed); });
    with(ro, q, "keep_weekly", [&](auto& y, auto qq) { b.retention.keep_weekly = r.integer(y, qq, allowed); });
    with(ro, q, "keep_monthly", [&](auto& y, auto qq) { b.retention.keep_monthly = r.integer(y, qq, allowed); });
  });
  with(o, p, "consistency", [&](auto& x, auto q) {
    b.consistency = r.choice<Consistency>(x, q, {{"paused", Consistency::paused}, {"live", Consistency::live}});
  });
}

void read_images(const Reader& r, const json::value& v, const std::string& p, std::map<std::string, ImageOverride>& images) {
  const auto& o = r.object(v, p, "allowed: an object keyed by component name");
  r.only(o, p, {"postgres", "vault", "s3", "forgejo", "proxy", "runner"});
  for (const auto& kv : o) {
    std::string q = child(p, kv.key());
    const auto& io = r.object(kv.value(), q, "allowed: {\"image\": REPO, \"tag\": TAG, \"digest\": \"sha256:...\" or null}");
    r.only(io, q, {"image", "tag", "digest"});
    ImageOverride img;
    with(io, q, "image", [&](auto& x, auto qq) { img.image = r.string(x, qq, "allowed: an image repository without tag"); });
    with(io, q, "tag", [&](auto& x, auto qq) { img.tag = r.string(x, qq, "allowed: an image tag"); });
    with(io, q, "digest", [&](auto& x, auto qq) { img.digest = r.string_or_null(x, qq, "allowed: \"sha256:<64 hex>\" or null"); });
    images[std::string(kv.key())] = img;
  }
}

}  // namespace

Config parse(const json::value& doc, const std::string& origin) {
  Reader r(origin);
  const auto& root = r.object(doc, "", "a config is a JSON object; egg init --domain D writes a complete one");
  // The schema first: a newer file may hold keys this egg does not know, and "upgrade egg" is
  // the useful answer then, not "unknown key".
  read_schema(r, root);
  r.only(root, "", {"schema", "instance", "domain", "hostnames", "components", "tls", "ports", "backup", "images", "manifest"});

  Config c;
  bool destinations_given = false;
  with(root, "", "instance", [&](auto& x, auto q) { c.instance = r.string(x, q, "allowed: [a-z][a-z0-9-]{0,30}"); });
  with(root, "", "domain", [&](auto& x, auto q) { c.domain = r.string(x, q, "allowed: the forge's public DNS name"); });
  with(root, "", "hostnames", [&](auto& x, auto q) {
    const auto& o = r.object(x, q, "allowed: {\"vault\": NAME or null, \"s3\": NAME or null}");
    r.only(o, q, {"vault", "s3"});
    const char* allowed = "allowed: a DNS name the proxy serves, or null";
    with(o, q, "vault", [&](auto& y, auto qq) { c.hostnames.vault = r.string_or_null(y, qq, allowed); });
    with(o, q, "s3", [&](auto& y, auto qq) { c.hostnames.s3 = r.string_or_null(y, qq, allowed); });
  });
  with(root, "", "components", [&](auto& x, auto q) { read_components(r, x, q, c.components); });
  with(root, "", "tls", [&](auto& x, auto q) { read_tls(r, x, q, c.tls); });
  with(root, "", "ports", [&](auto& x, auto q) { read_ports(r, x, q, c.ports); });
  with(root, "", "backup", [&](auto& x, auto q) { read_backup(r, x, q, c.backup, destinations_given); });
  with(root, "", "images", [&](auto& x, auto q) { read_images(r, x, q, c.images); });
  with(root, "", "manifest", [&](auto& x, auto q) { c.manifest = r.string_or_null(x, q, kPathAllowed); });

  fill_derived_defaults(c, !destinations_given);
  validate(c, origin);
  return c;
}

Config parse_text(std::string_view text, const std::string& origin) {
  return parse(core::parse_json(text, origin), origin);
}

}  // namespace egg::config
