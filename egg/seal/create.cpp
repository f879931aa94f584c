#include "egg/seal/create.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "egg/core/redact.hpp"
#include "egg/seal/keyring.hpp"
#include "egg/seal/passphrase.hpp"
#include "egg/seal/recovery_key.hpp"
#include "egg/seal/sealed_store.hpp"
#include "egg/seal/unlock.hpp"

namespace egg::seal {
namespace fs = std::filesystem;

TrustRoot create_trust_root(const cli::Globals& g, KdfLevel level) {
  auto kpath = keyring_path(g);
  auto spath = sealed_path(g);
  core::ensure_private_dir(g.state_dir);
  for (const auto& p : {kpath, spath}) {
    std::error_code ec;
    if (fs::exists(p, ec))
      throw Error(Exit::precondition,
                  p.string() + " already exists; egg never replaces a keyring or sealed store (the secrets "
                               "sealed under it would be lost). Use 'egg passphrase change' to change the "
                               "passphrase; to really start over, move both files away first.");
  }
  auto pass = obtain_passphrase(g, true);
  spdlog::info("deriving the passphrase slot key (Argon2id); this takes a moment");
  auto created = Keyring::create(pass.value.view(), effective_level(level), kpath.string());
  // Keyring first, then the empty store, then show the key: never show a recovery key for a
  // keyring that was not saved.
  created.keyring.save(kpath);
  SealedStore::create_empty(spath, created.root_key).save();
  spdlog::info("created {} and {}", kpath.string(), spath.string());
  TrustRoot root{created.root_key, format_recovery_key(created.recovery_key)};
  core::register_secret(root.recovery_key_text);
  return root;
}

void print_recovery_key(const std::string& text) {
  std::cout << "Recovery key (shown only this once):\n\n    " << text << "\n\n"
            << "Write it down on paper and keep it somewhere safe, apart from this machine. It opens the\n"
               "keyring if the passphrase is lost: egg passphrase change --recovery-key-file FILE.\n"
               "egg cannot show it again.\n"
            << std::flush;
}

}  // namespace egg::seal
