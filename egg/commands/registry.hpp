#pragma once
// One function per command file; registry.cpp lists them in the order `egg --help` shows them.
#include <vector>

#include "egg/cli/command.hpp"

namespace egg::commands {

cli::Command version_command();
cli::Command manifest_command();
cli::Command init_command();
cli::Command config_check_command();
cli::Command keyring_create_command();
cli::Command keyring_status_command();
cli::Command passphrase_change_command();
cli::Command secrets_list_command();
cli::Command secrets_get_command();
cli::Command secrets_put_command();
cli::Command preflight_command();
cli::Command images_load_command();
cli::Command manifest_lock_command();
cli::Command up_command();
cli::Command plan_command();
cli::Command status_command();
cli::Command unseal_command();
cli::Command down_command();
cli::Command destroy_command();
cli::Command evidence_command();
cli::Command backup_command();
cli::Command backup_list_command();
cli::Command backup_verify_command();
cli::Command install_units_command();
cli::Command keyring_export_identity_command();

}  // namespace egg::commands
