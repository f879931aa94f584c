// Value rules over a typed Config: names, ranges, what each TLS mode needs, port clashes and
// which component needs which. The first broken rule is reported, in document order.
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "egg/config/config.hpp"
#include "egg/config/names.hpp"
#include "egg/config/reader.hpp"

namespace egg::config {
namespace {

using detail::Reader;

struct Checker {
  const Config& c;
  Reader r;

  // Fails when `why` (a names.hpp verdict) is not empty.
  void name(const std::string& ptr, const std::string& why, const std::string& allowed) const {
    if (!why.empty()) r.fail(ptr, why, allowed);
  }

  // `dependent` (a pointer whose value is on) needs the component whose `enabled` pointer is
  // `dependency`; the message names both, and both ways out.
  void needs(bool dependent_on, const std::string& dependent, bool dependency_on, const std::string& dependency,
             const std::string& why) const {
    if (!dependent_on || dependency_on) return;
    bool is_flag = dependent.ends_with("/enabled");
    r.fail(dependent,
           std::string(is_flag ? "is true" : "is set") + " but " + dependency + " is false (" + why + ")",
           "set " + dependency + " to true, or " + dependent + (is_flag ? " to false" : " to null"));
  }

  void instance() const {
    name("/instance", check_instance_name(c.instance),
         "allowed: a lowercase letter, then up to 30 lowercase letters, digits or '-' (it prefixes "
         "every Docker object: <instance>-<component>)");
  }

  void domain() const {
    if (c.domain.empty())
      r.fail("/domain", "is required", "give the forge's public DNS name, e.g. \"forge.example.org\" (egg init --domain D)");
    name("/domain", check_hostname(c.domain), "allowed: a lowercase DNS name such as forge.example.org, or localhost");
  }

  void hostnames() const {
    const auto& k = c.components;
    auto one = [&](const std::optional<std::string>& h, const std::string& ptr, bool component_on, const std::string& comp) {
      if (!h) return;
      name(ptr, check_hostname(*h), "allowed: a lowercase DNS name, or null to not route it");
      if (*h == c.domain) r.fail(ptr, "is the forge's own name (/domain)", "give this service a name of its own, or null");
      needs(true, ptr, component_on, "/components/" + comp + "/enabled", "the proxy routes this name to " + comp);
      needs(true, ptr, k.proxy.enabled, "/components/proxy/enabled", "only the proxy serves public names");
    };
    one(c.hostnames.vault, "/hostnames/vault", k.vault.enabled, "vault");
    one(c.hostnames.s3, "/hostnames/s3", k.s3.enabled, "s3");
    if (c.hostnames.vault && c.hostnames.s3 && *c.hostnames.vault == *c.hostnames.s3)
      r.fail("/hostnames/s3", "is the same name as /hostnames/vault", "give each service its own name");
  }

  void components() const {
    const auto& k = c.components;
    if (k.vault.flavor != "openbao" && k.vault.flavor != "vault")
      r.fail("/components/vault/flavor", "\"" + k.vault.flavor + "\" is not a known flavor",
             "allowed: \"openbao\" (default), \"vault\" (HashiCorp; same HTTP API)");
    const auto& seal = k.vault.seal;
    if (seal.shares < 1 || seal.shares > 255)
      r.fail("/components/vault/seal/shares", std::to_string(seal.shares) + " is out of range", "allowed: 1-255");
    if (seal.threshold < 1 || seal.threshold > seal.shares)
      r.fail("/components/vault/seal/threshold",
             std::to_string(seal.threshold) + " does not fit /components/vault/seal/shares " + std::to_string(seal.shares),
             "allowed: 1 <= threshold <= shares");
    if (k.s3.flavor != "rustfs" && k.s3.flavor != "seaweedfs")
      r.fail("/components/s3/flavor", "\"" + k.s3.flavor + "\" is not a known flavor",
             "allowed: \"rustfs\" (default), \"seaweedfs\"");
    name("/components/s3/buckets/forgejo", check_bucket_name(k.s3.buckets.forgejo),
         "allowed: 3-63 lowercase letters, digits, '-' or '.'");
    name("/components/s3/buckets/backups", check_bucket_name(k.s3.buckets.backups),
         "allowed: 3-63 lowercase letters, digits, '-' or '.'");
    if (k.s3.buckets.backups == k.s3.buckets.forgejo)
      r.fail("/components/s3/buckets/backups", "is the same bucket as /components/s3/buckets/forgejo",
             "give backups a bucket of their own");
    const std::string forgejo_names =
        "allowed: letters, digits and single '-', '_' or '.' inside, up to 40, not a name Forgejo "
        "reserves (admin, api, assets, explore, ghost, login, org, user, ...)";
    name("/components/forgejo/admin_user", check_forgejo_name(k.forgejo.admin_user), forgejo_names);
    if (k.forgejo.admin_email.empty())
      r.fail("/components/forgejo/admin_email", "is required", "allowed: an e-mail address");
    name("/components/forgejo/admin_email", check_email(k.forgejo.admin_email), "allowed: an e-mail address such as ops@example.org");
    if (!k.forgejo.organization.empty()) {
      name("/components/forgejo/organization", check_forgejo_name(k.forgejo.organization), forgejo_names + ", or null");
      if (k.forgejo.organization == k.forgejo.admin_user)
        r.fail("/components/forgejo/organization", "is the same name as /components/forgejo/admin_user",
               "users and organizations share one namespace in Forgejo; pick another name");
    }
    needs(k.forgejo.enabled, "/components/forgejo/enabled", k.postgres.enabled, "/components/postgres/enabled",
          "Forgejo keeps its database in PostgreSQL");
    needs(k.forgejo.enabled, "/components/forgejo/enabled", k.s3.enabled, "/components/s3/enabled",
          "Forgejo keeps LFS objects, attachments and packages in the S3 store");
    needs(k.forgejo.enabled, "/components/forgejo/enabled", k.proxy.enabled, "/components/proxy/enabled",
          "the proxy serves the forge over HTTPS");
    needs(k.runner.enabled, "/components/runner/enabled", k.forgejo.enabled, "/components/forgejo/enabled",
          "the runner registers with Forgejo and runs its jobs");
    if (k.runner.docker_socket && !k.runner.enabled)
      r.fail("/components/runner/docker_socket", "is true but /components/runner/enabled is false",
             "enable the runner, or set docker_socket to false");
  }

  void tls() const {
    const auto& t = c.tls;
    const std::string mode = "\"" + to_string(t.mode) + "\"";
    auto require = [&](const std::optional<std::string>& v, const std::string& ptr, const std::string& what) {
      if (!v || v->empty()) r.fail(ptr, "is required when /tls/mode is " + mode, "allowed: " + what);
    };
    auto file = [&](const std::optional<std::string>& v, const std::string& ptr) {
      if (v) name(ptr, check_secret_file_path(*v), "allowed: an absolute path");
    };
    bool acme = t.mode == TlsMode::acme_http || t.mode == TlsMode::acme_dns_cloudflare;
    if (acme) {
      require(t.acme_email, "/tls/acme_email", "the e-mail address the ACME CA sends expiry notices to");
      if (c.domain == "localhost" || c.domain.ends_with(".localhost"))
        r.fail("/tls/mode", mode + " cannot get a public certificate for \"" + c.domain + "\"",
               "use \"internal\" for a local instance, or a public /domain");
    }
    if (t.acme_email) name("/tls/acme_email", check_email(*t.acme_email), "allowed: an e-mail address");
    if (t.mode == TlsMode::acme_dns_cloudflare)
      require(t.cloudflare_token_file, "/tls/cloudflare_token_file",
              "the absolute path of a file (mode 0600) holding a Cloudflare API token with Zone:Read and DNS:Edit");
    file(t.cloudflare_token_file, "/tls/cloudflare_token_file");
    if (t.mode == TlsMode::files) {
      require(t.cert_file, "/tls/cert_file", "the absolute path of the PEM certificate chain");
      require(t.key_file, "/tls/key_file", "the absolute path of the PEM private key");
    }
    file(t.cert_file, "/tls/cert_file");
    file(t.key_file, "/tls/key_file");
    if (t.cert_file && t.key_file && *t.cert_file == *t.key_file)
      r.fail("/tls/key_file", "is the same file as /tls/cert_file", "give the key and the certificate their own files");
  }

  void ports() const {
    const auto& k = c.components;
    const auto& p = c.ports;
    // In document order; a port is checked for clashes only when something publishes it.
    std::vector<std::tuple<std::string, std::optional<int>, bool>> all = {
        {"/ports/http", p.http, k.proxy.enabled},    {"/ports/https", p.https, k.proxy.enabled},
        {"/ports/ssh", p.ssh, k.forgejo.enabled},    {"/ports/postgres", p.postgres, k.postgres.enabled},
        {"/ports/vault", p.vault, k.vault.enabled},  {"/ports/s3", p.s3, k.s3.enabled}};
    std::vector<std::pair<int, std::string>> seen;
    for (const auto& [ptr, port, published] : all) {
      if (!port) continue;
      if (*port < 1 || *port > 65535)
        r.fail(ptr, "port " + std::to_string(*port) + " is out of range", "allowed: 1-65535");
      if (!published) continue;
      for (const auto& [other, other_ptr] : seen)
        if (other == *port)
          r.fail(ptr, "port " + std::to_string(*port) + " clashes with " + other_ptr,
                 "give each published port its own number");
      seen.emplace_back(*port, ptr);
    }
  }

  void backup() const {
    const auto& b = c.backup;
    if (b.destinations.empty())
      r.fail("/backup/destinations", "is empty", "give at least one destination, e.g. {\"type\": \"local\"}");
    bool other_than_store = false;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < b.destinations.size(); ++i) {
      const auto& d = b.destinations[i];
      const std::string p = "/backup/destinations/" + std::to_string(i);
      std::string identity = to_string(d.type) + " " + d.path + " " + d.endpoint + " " + d.bucket + " " + d.prefix;
      if (!seen.insert(identity).second)
        r.fail(p, "repeats an earlier destination", "list each destination once");
      if (d.type != BackupType::s3_store) other_than_store = true;
      switch (d.type) {
        case BackupType::local:
          if (d.path.empty() || d.path.front() == '/')
            r.fail(p + "/path", "must be a relative path (under --state-dir)",
                   "allowed: e.g. \"backups\"; use type \"directory\" for an absolute path");
          if (d.path == ".." || d.path.starts_with("../") || d.path.find("/../") != std::string::npos ||
              d.path.ends_with("/.."))
            r.fail(p + "/path", "leaves --state-dir through \"..\"", "use type \"directory\" for a path elsewhere");
          break;
        case BackupType::directory:
          if (d.path.empty()) r.fail(p + "/path", "is required for type \"directory\"", "allowed: an absolute path");
          if (d.path.front() != '/')
            r.fail(p + "/path", "must be an absolute path", "allowed: e.g. \"/mnt/offsite/egg\"; type \"local\" takes relative paths");
          break;
        case BackupType::s3_store:
          if (!c.components.s3.enabled)
            r.fail(p + "/type", "is \"s3-store\" but /components/s3/enabled is false (this destination is the stack's own S3 store)",
                   "set /components/s3/enabled to true, or remove this destination");
          prefix(d.prefix, p + "/prefix");
          break;
        case BackupType::s3: s3(d, p); break;
      }
    }
    if (!other_than_store)
      r.fail("/backup/destinations", "holds only the stack's own S3 store",
             "add a destination off the store (\"local\", \"directory\" or an offsite \"s3\"): a backup "
             "kept only inside the system it protects is lost with it");
    const auto& rt = b.retention;
    for (auto [ptr, n] : {std::pair{"/backup/retention/keep_last", rt.keep_last}, {"/backup/retention/keep_daily", rt.keep_daily},
                          {"/backup/retention/keep_weekly", rt.keep_weekly}, {"/backup/retention/keep_monthly", rt.keep_monthly}})
      if (n < 0 || n > 10000) r.fail(ptr, std::to_string(n) + " is out of range", "allowed: 0-10000");
    if (rt.keep_last < 1)
      r.fail("/backup/retention/keep_last", "is 0, which would let pruning delete the newest bundle",
             "allowed: 1-10000");
  }

  void prefix(const std::string& pre, const std::string& ptr) const {
    if (!pre.empty() && (pre.back() != '/' || pre.front() == '/'))
      r.fail(ptr, "\"" + pre + "\" must end with \"/\" and not start with one", "allowed: \"\" or e.g. \"egg/\"");
  }

  void s3(const Destination& d, const std::string& p) const {
    if (d.endpoint.empty()) r.fail(p + "/endpoint", "is required for type \"s3\"", "allowed: e.g. \"https://s3.eu-central-1.amazonaws.com\"");
    bool https = d.endpoint.starts_with("https://"), http = d.endpoint.starts_with("http://");
    std::string host = d.endpoint.substr(https ? 8 : http ? 7 : 0);
    if (!https && !http)
      r.fail(p + "/endpoint", "must start with https:// (or http:// for a private network)", "allowed: e.g. \"https://s3.example.org\"");
    if (host.empty() || host.find_first_of("/?#@ ") != std::string::npos)
      r.fail(p + "/endpoint", "must be scheme://host[:port] without a path, user or query",
             "put the bucket in \"bucket\" and a key prefix in \"prefix\"");
    if (d.bucket.empty()) r.fail(p + "/bucket", "is required for type \"s3\"", "allowed: an S3 bucket name");
    name(p + "/bucket", check_bucket_name(d.bucket), "allowed: 3-63 lowercase letters, digits, '-' or '.'");
    if (d.region.empty()) r.fail(p + "/region", "is empty", "allowed: a region name, e.g. \"us-east-1\"");
    prefix(d.prefix, p + "/prefix");
    for (auto [key, value] : {std::pair{"access_key_file", &d.access_key_file}, {"secret_key_file", &d.secret_key_file}}) {
      std::string ptr = p + "/" + key;
      if (value->empty())
        r.fail(ptr, "is required for type \"s3\"", "allowed: the absolute path of a file (mode 0600) holding the key");
      name(ptr, check_secret_file_path(*value), "allowed: an absolute path such as /etc/egg/offsite-" + std::string(key).substr(0, 6) + "-key");
    }
  }

  void images() const {
    for (const auto& [component, img] : c.images) {
      const std::string p = "/images/" + component;
      if (img.image.empty()) r.fail(p + "/image", "is required", "allowed: an image repository, e.g. \"docker.io/hashicorp/vault\"");
      name(p + "/image", check_image_repository(img.image), "allowed: a repository such as \"docker.io/hashicorp/vault\"");
      if (img.tag.empty()) r.fail(p + "/tag", "is required", "allowed: the tag the digest belongs to, e.g. \"1.20.4\"");
      if (img.digest) name(p + "/digest", check_digest(*img.digest), "allowed: \"sha256:<64 hex>\", or null (then starting it needs --allow-unpinned)");
    }
  }

  void manifest() const {
    if (c.manifest && (c.manifest->empty() || c.manifest->front() != '/'))
      r.fail("/manifest", "must be an absolute path", "allowed: e.g. \"/etc/egg/manifest.json\", or null for the embedded manifest");
  }
};

}  // namespace

void validate(const Config& config, const std::string& origin) {
  Checker ch{config, Reader(origin)};
  if (config.schema != kSchema)
    ch.r.fail("/schema", "is " + std::to_string(config.schema), "this egg writes schema " + std::to_string(kSchema));
  ch.instance();
  ch.domain();
  ch.hostnames();
  ch.components();
  ch.tls();
  ch.ports();
  ch.backup();
  ch.images();
  ch.manifest();
}

}  // namespace egg::config
