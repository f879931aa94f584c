// egg init: writes a complete, valid egg.json so day zero needs no hand-editing.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "egg/commands/registry.hpp"
#include "egg/config/config.hpp"
#include "egg/config/defaults.hpp"
#include "egg/config/names.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "egg/manifest/manifest.hpp"

namespace egg::commands {
namespace {

namespace fs = std::filesystem;
using config::Config;

[[noreturn]] void usage(const std::string& msg) { throw Error(Exit::usage, msg + "; see: egg init --help"); }

int port_flag(const cli::Invocation& inv, const std::string& name, int fallback) {
  auto v = inv.value(name);
  if (!v) return fallback;
  bool digits = !v->empty() && v->size() <= 5 && std::all_of(v->begin(), v->end(), ::isdigit);
  int n = digits ? std::stoi(*v) : 0;
  if (n < 1 || n > 65535) usage("--" + name + " must be a port number 1-65535, not '" + *v + "'");
  return n;
}

std::string choice_flag(const cli::Invocation& inv, const std::string& name, const std::vector<std::string>& allowed,
                        const std::string& fallback) {
  auto v = inv.value(name);
  if (!v) return fallback;
  if (std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    usage("--" + name + " must be one of " + list + ", not '" + *v + "'");
  }
  return *v;
}

void set_enabled(Config& c, const std::string& component, bool on) {
  auto& k = c.components;
  if (component == "postgres") k.postgres.enabled = on;
  else if (component == "vault") k.vault.enabled = on;
  else if (component == "s3") k.s3.enabled = on;
  else if (component == "forgejo") k.forgejo.enabled = on;
  else if (component == "proxy") k.proxy.enabled = on;
  else if (component == "runner") k.runner.enabled = on;
}

void apply_components(Config& c, const cli::Invocation& inv) {
  const auto& names = manifest::component_names();
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  auto known = [&](const std::string& flag, const std::string& v) {
    if (std::find(names.begin(), names.end(), v) == names.end())
      usage("--" + flag + ": unknown component '" + v + "'; components: " + list);
  };
  for (const auto& v : inv.values("disable")) known("disable", v);
  for (const auto& v : inv.values("enable")) {
    known("enable", v);
    auto d = inv.values("disable");
    if (std::find(d.begin(), d.end(), v) != d.end()) usage("'" + v + "' is given to both --enable and --disable");
  }
  for (const auto& v : inv.values("disable")) set_enabled(c, v, false);
  for (const auto& v : inv.values("enable")) set_enabled(c, v, true);
}

void apply_tls(Config& c, const cli::Invocation& inv) {
  std::string mode = choice_flag(inv, "tls", {"internal", "acme-http", "acme-dns-cloudflare", "files"}, "internal");
  c.tls.mode = mode == "acme-http"             ? config::TlsMode::acme_http
               : mode == "acme-dns-cloudflare" ? config::TlsMode::acme_dns_cloudflare
               : mode == "files"               ? config::TlsMode::files
                                               : config::TlsMode::internal;
  c.tls.acme_email = inv.value("acme-email");
  c.tls.cloudflare_token_file = inv.value("cloudflare-token-file");
  c.tls.cert_file = inv.value("cert-file");
  c.tls.key_file = inv.value("key-file");
  auto need = [&](const char* flag, const std::optional<std::string>& v, const char* what) {
    if (!v) usage("--tls " + mode + " needs --" + flag + " " + what);
  };
  if (mode == "acme-http" || mode == "acme-dns-cloudflare")
    need("acme-email", c.tls.acme_email, "ADDRESS (where the ACME CA sends expiry notices)");
  if (mode == "acme-dns-cloudflare")
    need("cloudflare-token-file", c.tls.cloudflare_token_file, "FILE (an absolute path to a file holding the API token)");
  if (mode == "files") {
    need("cert-file", c.tls.cert_file, "FILE (absolute path of the PEM certificate chain)");
    need("key-file", c.tls.key_file, "FILE (absolute path of the PEM private key)");
  }
}

Config build(const cli::Invocation& inv) {
  auto domain = inv.value("domain");
  if (!domain)
    usage("egg init needs --domain D: the forge's public DNS name (e.g. forge.example.org; localhost for a trial)");
  if (auto why = config::check_hostname(*domain); !why.empty())
    usage("--domain " + *domain + ": " + why + "; give a lowercase DNS name such as forge.example.org");
  Config c;
  c.domain = *domain;
  if (inv.globals.instance_given) {
    if (auto why = config::check_instance_name(inv.globals.instance); !why.empty())
      usage("--instance " + inv.globals.instance + ": " + why);
    c.instance = inv.globals.instance;
  }
  if (inv.globals.manifest_path) c.manifest = fs::absolute(*inv.globals.manifest_path).string();
  apply_components(c, inv);
  c.components.s3.flavor = choice_flag(inv, "s3-flavor", {"rustfs", "seaweedfs"}, c.components.s3.flavor);
  c.components.vault.flavor = choice_flag(inv, "vault-flavor", {"openbao", "vault"}, c.components.vault.flavor);
  apply_tls(c, inv);
  c.ports.http = port_flag(inv, "http-port", c.ports.http);
  c.ports.https = port_flag(inv, "https-port", c.ports.https);
  c.ports.ssh = port_flag(inv, "ssh-port", c.ports.ssh);
  config::fill_derived_defaults(c, true);
  // Flags can still combine into an invalid config (forgejo without postgres, a port clash):
  // the same validator every reader runs decides, before anything is written.
  try {
    config::validate(c, "egg init");
  } catch (const Error& e) {
    usage(std::string(e.what()) + " (change the egg init flags, e.g. --disable or the --*-port ones)");
  }
  return c;
}

}  // namespace

cli::Command init_command() {
  cli::Command c;
  c.words = {"init"};
  c.summary = "write a complete, valid default config (egg.json)";
  c.description =
      "Writes the config to --config (default /etc/egg/egg.json), mode 0600, creating its directory\n"
      "(mode 0700) if missing. Every key is written out with its default, so the file documents\n"
      "itself; docs/config.md describes each one. Nothing else is touched: no containers, no state.\n"
      "\n"
      "--domain is required: the public DNS name the forge is served at. The global --instance and\n"
      "--manifest flags are recorded in the file. An existing file is never overwritten without\n"
      "--force. TLS modes that need inputs take them as flags; secrets are only ever given as file\n"
      "paths, never inline.\n"
      "\n"
      "Examples:\n"
      "  egg init --domain forge.example.org\n"
      "  egg init --domain forge.example.org --tls acme-http --acme-email ops@example.org\n"
      "  egg init --domain localhost --instance trial --config ./egg.json --http-port 8080 --https-port 8443\n"
      "  egg init --domain forge.example.org --s3-flavor seaweedfs --enable runner\n"
      "\n"
      "Next: egg config check, then egg preflight and egg up.";
  c.options = {
      {"domain", "D", "the forge's public DNS name (required)"},
      {"disable", "COMPONENT", "do not run COMPONENT (postgres, vault, s3, forgejo, proxy, runner)", true},
      {"enable", "COMPONENT", "run an opt-in COMPONENT (the runner is off by default)", true},
      {"s3-flavor", "F", "rustfs (default) or seaweedfs"},
      {"vault-flavor", "F", "openbao (default) or vault (HashiCorp)"},
      {"tls", "MODE", "internal (default), acme-http, acme-dns-cloudflare or files"},
      {"acme-email", "ADDRESS", "ACME account e-mail (needed by the acme-* modes)"},
      {"cloudflare-token-file", "FILE", "absolute path of a file holding the Cloudflare API token"},
      {"cert-file", "FILE", "absolute path of the PEM certificate chain (tls files)"},
      {"key-file", "FILE", "absolute path of the PEM private key (tls files)"},
      {"http-port", "N", "host port for HTTP (default 80)"},
      {"https-port", "N", "host port for HTTPS (default 443)"},
      {"ssh-port", "N", "host port for the forge's git over SSH (default 2222)"},
      {"force", "", "replace an existing config file"},
  };
  c.run = [](const cli::Invocation& inv) {
    const fs::path path = inv.globals.config_path;
    std::error_code ec;
    if (fs::exists(fs::symlink_status(path, ec)) && !inv.has("force"))
      throw Error(Exit::usage, path.string() +
                                   " already exists; egg init does not overwrite a config. Edit it and run "
                                   "'egg config check', or pass --force to replace it");
    Config cfg = build(inv);
    // Create a missing directory private, but never re-mode one that exists (--config /tmp/x.json).
    fs::path dir = path.parent_path();
    if (!dir.empty() && !fs::exists(dir, ec)) core::ensure_private_dir(dir);
    core::write_file_atomic(path, core::pretty_json(config::to_json(cfg)), 0600);
    if (inv.globals.json) {
      std::cout << core::pretty_json(core::json::object{{"path", path.string()}, {"config", config::to_json(cfg)}});
      return 0;
    }
    std::cout << "wrote " << path.string() << " (instance " << cfg.instance << ", domain " << cfg.domain
              << ", tls " << config::to_string(cfg.tls.mode) << ")\n"
              << "next: review it with 'egg config check', then run 'egg preflight' and 'egg up'\n";
    return 0;
  };
  return c;
}

}  // namespace egg::commands
