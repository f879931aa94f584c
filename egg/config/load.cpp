// Reading the operator's file, and the small questions other layers ask of a Config.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "egg/config/config.hpp"
#include "egg/config/names.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"

namespace egg::config {

Config load(const cli::Globals& globals) {
  const std::string& path = globals.config_path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT)
      throw Error(Exit::usage, path + ": no config file here; create one with: egg init --domain D" +
                                   (globals.config_path_given ? " --config " + path : "") +
                                   " (or point --config at an existing one)");
    throw Error(Exit::usage, path + ": cannot read the config: " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) throw Error(Exit::usage, path + ": is not a regular file; --config takes a file");
  Config c = parse_text(core::read_file(path), path);
  if (globals.instance_given) {
    if (auto why = check_instance_name(globals.instance); !why.empty())
      throw Error(Exit::usage, "--instance " + globals.instance + ": " + why +
                                   "; allowed: a lowercase letter, then up to 30 lowercase letters, digits or '-'");
    c.instance = globals.instance;
  }
  // Absolute, so the effective config printed by `egg config check` is itself valid.
  if (globals.manifest_path) c.manifest = std::filesystem::absolute(*globals.manifest_path).string();
  return c;
}

bool enabled(const Config& c, const std::string& component) {
  const auto& k = c.components;
  if (component == "postgres") return k.postgres.enabled;
  if (component == "vault") return k.vault.enabled;
  if (component == "s3") return k.s3.enabled;
  if (component == "forgejo") return k.forgejo.enabled;
  if (component == "proxy") return k.proxy.enabled;
  if (component == "runner") return k.runner.enabled;
  throw Error(Exit::failed, "internal: unknown component '" + component + "'");
}

std::string object_name(const Config& c, const std::string& component) { return c.instance + "-" + component; }

std::string flavor(const Config& c, const std::string& component) {
  if (component == "vault") return c.components.vault.flavor;
  if (component == "s3") return c.components.s3.flavor;
  if (component == "proxy") return c.tls.mode == TlsMode::acme_dns_cloudflare ? "caddy-cloudflare" : "caddy";
  return "";
}

manifest::ImagePin image_pin(const Config& c, const manifest::Manifest& m, const std::string& component) {
  if (auto it = c.images.find(component); it != c.images.end()) {
    manifest::ImagePin pin;
    pin.image = it->second.image;
    pin.tag = it->second.tag;
    pin.digest = it->second.digest;
    pin.source = "config /images/" + component;
    return pin;
  }
  return m.pin(component, flavor(c, component));
}

}  // namespace egg::config
