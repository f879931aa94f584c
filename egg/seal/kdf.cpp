#include "egg/seal/kdf.hpp"

#include <sodium.h>

#include <cstdlib>
#include <string>

#include "egg/core/exit.hpp"
#include "egg/core/log.hpp"

namespace egg::seal {

KdfLevel parse_kdf_level(std::string_view name) {
  if (name == "moderate") return KdfLevel::moderate;
  if (name == "sensitive") return KdfLevel::sensitive;
  throw Error(Exit::usage, "--kdf must be moderate or sensitive, not '" + std::string(name) + "'");
}

KdfLevel effective_level(KdfLevel requested) {
  const char* fast = std::getenv("EGG_TEST_FAST_KDF");
  if (fast != nullptr && std::string_view(fast) == "1") {
    spdlog::warn("EGG_TEST_FAST_KDF=1: using Argon2id INTERACTIVE limits (test-only; weak for real use)");
    return KdfLevel::interactive;
  }
  return requested;
}

KdfParams new_kdf_params(KdfLevel level) {
  KdfParams p;
  randombytes_buf(p.salt.data(), p.salt.size());
  switch (level) {
    case KdfLevel::interactive:
      p.opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
      p.memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
      break;
    case KdfLevel::moderate:
      p.opslimit = crypto_pwhash_OPSLIMIT_MODERATE;
      p.memlimit = crypto_pwhash_MEMLIMIT_MODERATE;
      break;
    case KdfLevel::sensitive:
      p.opslimit = crypto_pwhash_OPSLIMIT_SENSITIVE;
      p.memlimit = crypto_pwhash_MEMLIMIT_SENSITIVE;
      break;
  }
  return p;
}

bool kdf_params_acceptable(const KdfParams& p) {
  return p.opslimit >= crypto_pwhash_OPSLIMIT_MIN && p.opslimit <= kMaxOpslimit &&
         p.memlimit >= crypto_pwhash_MEMLIMIT_MIN && p.memlimit <= kMaxMemlimit;
}

SecretBytes derive_passphrase_key(std::string_view passphrase, const KdfParams& p) {
  SecretBytes key(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  if (crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), p.salt.data(),
                    p.opslimit, static_cast<std::size_t>(p.memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw Error(Exit::failed, "Argon2id failed (out of memory? it needs " +
                                  std::to_string(p.memlimit >> 20) + " MiB)");
  return key;
}

SecretBytes derive_subkey(const SecretBytes& key, std::uint64_t id, const char (&ctx)[9]) {
  SecretBytes out(32);
  if (key.size() != crypto_kdf_KEYBYTES ||
      crypto_kdf_derive_from_key(out.data(), out.size(), id, ctx, key.data()) != 0)
    throw Error(Exit::failed, "internal error: key derivation needs a 32-byte key");
  return out;
}

}  // namespace egg::seal
