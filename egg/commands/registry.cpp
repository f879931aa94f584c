#include "egg/commands/registry.hpp"

namespace egg::cli {

const std::vector<Command>& all_commands() {
  static const std::vector<Command> commands = [] {
    using namespace egg::commands;
    // Operator flow order: set up, run, day two, trust root, images, about.
    std::vector<Command> all;
    all.push_back(init_command());
    all.push_back(config_check_command());
    all.push_back(preflight_command());
    all.push_back(up_command());
    all.push_back(plan_command());
    all.push_back(status_command());
    all.push_back(unseal_command());
    all.push_back(down_command());
    all.push_back(destroy_command());
    all.push_back(evidence_command());
    all.push_back(backup_command());
    all.push_back(backup_list_command());
    all.push_back(backup_verify_command());
    all.push_back(install_units_command());
    all.push_back(keyring_create_command());
    all.push_back(keyring_status_command());
    all.push_back(keyring_export_identity_command());
    all.push_back(passphrase_change_command());
    all.push_back(secrets_list_command());
    all.push_back(secrets_get_command());
    all.push_back(secrets_put_command());
    all.push_back(images_load_command());
    all.push_back(manifest_command());
    all.push_back(manifest_lock_command());
    all.push_back(version_command());
    return all;
  }();
  return commands;
}

}  // namespace egg::cli
