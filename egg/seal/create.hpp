#pragma once
// Creating the trust root: keyring.egg (passphrase + recovery-key slots) and an empty sealed.egg.
// `egg keyring create` and the first `egg up` both come through here.
#include <string>

#include "egg/cli/command.hpp"
#include "egg/core/secret.hpp"
#include "egg/seal/kdf.hpp"

namespace egg::seal {

struct TrustRoot {
  core::SecretBytes root_key;
  std::string recovery_key_text;  // formatted for paper; shown once
};

// Refuses (exit 4) if either file exists. Asks for a new passphrase (twice on a terminal), saves
// the keyring, then the empty store; the recovery key is returned only once both are on disk.
TrustRoot create_trust_root(const cli::Globals& globals, KdfLevel level);

// The one text that shows a recovery key to the operator (stdout).
void print_recovery_key(const std::string& recovery_key_text);

}  // namespace egg::seal
