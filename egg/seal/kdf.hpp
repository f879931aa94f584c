#pragma once
// Key derivation, all from libsodium:
//  - a passphrase slot key is Argon2id (crypto_pwhash, ALG_ARGON2ID13) over the passphrase with the
//    slot's salt and limits;
//  - keys derived from a 32-byte key (the root key R, or the recovery key) use
//    crypto_kdf_derive_from_key (BLAKE2b keyed with the key, with a subkey id and an 8-byte context).
#include <array>
#include <cstdint>
#include <string_view>

#include "egg/core/secret.hpp"

namespace egg::seal {

using core::SecretBytes;

enum class KdfLevel { interactive, moderate, sensitive };

struct KdfParams {
  std::array<unsigned char, 16> salt{};  // crypto_pwhash_SALTBYTES
  std::uint64_t opslimit = 0;
  std::uint64_t memlimit = 0;  // bytes
};

// What a reader accepts, checked before any KDF runs: a modified file must not make egg spend
// minutes or gigabytes. SENSITIVE (4 passes, 1 GiB) is well inside.
inline constexpr std::uint64_t kMaxOpslimit = 10;
inline constexpr std::uint64_t kMaxMemlimit = 4ull << 30;

// "moderate" | "sensitive" -> level; anything else is Error(usage). With $EGG_TEST_FAST_KDF=1
// (test-only, never in production) every level becomes INTERACTIVE so test suites stay fast.
KdfLevel parse_kdf_level(std::string_view name);
KdfLevel effective_level(KdfLevel requested);

// Fresh random salt and the libsodium limits of `level`.
KdfParams new_kdf_params(KdfLevel level);

// True if `p` is within libsodium's bounds and egg's caps.
bool kdf_params_acceptable(const KdfParams& p);

// Argon2id(passphrase, p) -> 32-byte key. Throws Error(failed) if libsodium cannot allocate.
// Callers check kdf_params_acceptable() first.
SecretBytes derive_passphrase_key(std::string_view passphrase, const KdfParams& p);

// crypto_kdf_derive_from_key(32 bytes, id, ctx, key). ctx is exactly 8 characters.
SecretBytes derive_subkey(const SecretBytes& key, std::uint64_t id, const char (&ctx)[9]);

// The subkeys of R, one id per purpose, context "egg-root" (docs/formats/keyring.md).
inline constexpr std::uint64_t kSubkeyKeyringMac = 1;
inline constexpr std::uint64_t kSubkeySealedStore = 2;
inline constexpr char kRootContext[9] = "egg-root";
// The recovery-slot wrapping key is derived from the recovery key with this context, id 1.
inline constexpr char kRecoveryContext[9] = "egg-rcvy";

}  // namespace egg::seal
