#include "egg/seal/unlock.hpp"

#include "egg/core/exit.hpp"
#include "egg/core/log.hpp"
#include "egg/seal/passphrase.hpp"
#include "egg/seal/recovery_key.hpp"

namespace egg::seal {

std::filesystem::path keyring_path(const cli::Globals& globals) {
  return std::filesystem::path(globals.state_dir) / "keyring.egg";
}

std::filesystem::path sealed_path(const cli::Globals& globals) {
  return std::filesystem::path(globals.state_dir) / "sealed.egg";
}

Unlocked open_keyring(const cli::Globals& globals, const std::optional<std::string>& recovery_key_file) {
  auto path = keyring_path(globals);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw Error(Exit::precondition, path.string() + " does not exist; create it with: egg keyring create" +
                                        (globals.state_dir == "/var/lib/egg" ? "" : " --state-dir " + globals.state_dir));
  // Load (and so check caps and integrity) before asking for anything.
  Keyring keyring = Keyring::load(path);
  Keyring::Opened opened;
  bool by_recovery = recovery_key_file.has_value();
  if (by_recovery) {
    auto text = read_secret_file(*recovery_key_file, "recovery key file");
    auto key = parse_recovery_key(text.view());
    opened = keyring.open_with_recovery_key(key);
  } else {
    auto pass = obtain_passphrase(globals, false);
    opened = keyring.open_with_passphrase(pass.value.view());
  }
  spdlog::debug("{} opened with slot {}", path.string(), opened.slot_id);
  return Unlocked{std::move(keyring), std::move(opened.root_key), opened.slot_id, by_recovery};
}

SecretBytes unlock(const cli::Globals& globals, const std::optional<std::string>& recovery_key_file) {
  return open_keyring(globals, recovery_key_file).root_key;
}

}  // namespace egg::seal
