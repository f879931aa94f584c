#include "egg/config/defaults.hpp"

namespace egg::config {

std::vector<Destination> default_destinations(const Components& components) {
  std::vector<Destination> out;
  Destination local;
  local.type = BackupType::local;
  local.path = "backups";
  out.push_back(local);
  if (components.s3.enabled) {
    Destination store;
    store.type = BackupType::s3_store;
    out.push_back(store);
  }
  return out;
}

void fill_derived_defaults(Config& config, bool fill_destinations) {
  if (config.components.forgejo.admin_email.empty() && !config.domain.empty())
    config.components.forgejo.admin_email = config.components.forgejo.admin_user + "@" + config.domain;
  if (fill_destinations) config.backup.destinations = default_destinations(config.components);
}

Config defaults(const std::string& domain) {
  Config c;
  c.domain = domain;
  fill_derived_defaults(c, true);
  return c;
}

}  // namespace egg::config
