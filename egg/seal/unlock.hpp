#pragma once
// The one call commands use to get the root key R: find keyring.egg under --state-dir and open it
// with the recovery key (if a file is given) or the master passphrase from its usual sources.
#include <filesystem>
#include <optional>
#include <string>

#include "egg/cli/command.hpp"
#include "egg/seal/keyring.hpp"

namespace egg::seal {

std::filesystem::path keyring_path(const cli::Globals& globals);  // <state-dir>/keyring.egg
std::filesystem::path sealed_path(const cli::Globals& globals);   // <state-dir>/sealed.egg

struct Unlocked {
  Keyring keyring;
  SecretBytes root_key;
  std::uint32_t slot_id = 0;  // the slot that opened
  bool by_recovery_key = false;
};

// A missing keyring -> Error(precondition) pointing at `egg keyring create`.
Unlocked open_keyring(const cli::Globals& globals, const std::optional<std::string>& recovery_key_file);

// open_keyring(...).root_key.
SecretBytes unlock(const cli::Globals& globals, const std::optional<std::string>& recovery_key_file = std::nullopt);

}  // namespace egg::seal
