// The TLS proxy: Caddy (docs/contracts/caddy.md). Its Caddyfile comes from
// templates/proxy/Caddyfile; certificates and the internal CA live in the proxy-data volume.
#include "egg/components/component.hpp"
#include "egg/core/files.hpp"
#include "egg/core/redact.hpp"
#include "egg/core/template.hpp"

namespace egg::components {

namespace {

std::string tls_directive(const config::Config& cfg) {
  switch (cfg.tls.mode) {
    case config::TlsMode::internal:
      return "tls internal";
    case config::TlsMode::acme_http:
      return "tls " + cfg.tls.acme_email.value_or("");
    case config::TlsMode::acme_dns_cloudflare:
      // The token is read from a file mounted in by the forge issue's proxy wiring; never an env value.
      return "tls {\n\t\tdns cloudflare {file./egg/cloudflare-token}\n\t}";
    case config::TlsMode::files:
      return "tls /egg/tls/cert.pem /egg/tls/key.pem";
  }
  return "tls internal";
}

}  // namespace

Component proxy() {
  Component c;
  c.name = "proxy";
  c.spec = [](Context& ctx) {
    Spec s;
    s.component = "proxy";
    s.name = ctx.object_name("proxy");
    s.pin = config::image_pin(ctx.cfg, ctx.manifest, "proxy");
    s.volumes = {{ctx.object_name("proxy") + "-data", "/data"}, {ctx.object_name("proxy") + "-config", "/config"}};
    s.ports = {{80, "0.0.0.0", ctx.cfg.ports.http}, {443, "0.0.0.0", ctx.cfg.ports.https}};
    std::string site = config::enabled(ctx.cfg, "forgejo")
                           ? "reverse_proxy forgejo:3000"
                           : "respond \"egg foundation: the forge is not enabled on this instance\" 503";
    s.files = {{"/etc/caddy/Caddyfile",
                core::render_embedded("templates/proxy/Caddyfile", {{"domain", ctx.cfg.domain},
                                                                     {"tls_directive", tls_directive(ctx.cfg)},
                                                                     {"site_directive", site}}),
                0644, 0, 0}};
    // Operator-provided TLS inputs are copied in as files (never env values or labels).
    const auto& tls = ctx.cfg.tls;
    if (tls.mode == config::TlsMode::files) {
      s.files.push_back({"/egg/tls/cert.pem", core::read_file(*tls.cert_file), 0644, 0, 0});
      std::string key = core::read_file(*tls.key_file);
      core::register_secret(key);
      s.files.push_back({"/egg/tls/key.pem", key, 0600, 0, 0});
    } else if (tls.mode == config::TlsMode::acme_dns_cloudflare) {
      std::string token = core::read_file(*tls.cloudflare_token_file);
      while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
      core::register_secret(token);
      s.files.push_back({"/egg/cloudflare-token", token, 0600, 0, 0});
    }
    return s;
  };
  c.wait_ready = [](Context& ctx) { wait_running(ctx, "proxy", 2); };
  c.init = [](Context&, bool) -> std::vector<std::string> { return {}; };
  return c;
}

}  // namespace egg::components
