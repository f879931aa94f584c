#pragma once
// The signature sidecar `<bundle>.sig` (docs/formats/bundle-signature.md): Ed25519, by the host
// signing key, over the bundle id, its signed time and the length and SHA-256 of the ciphertext.
// Verifying needs the host's public key only, never the passphrase or the backup key.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "egg/core/secret.hpp"

namespace egg::bundle {

using SigningPublicKey = std::array<unsigned char, 32>;
using Sha256 = std::array<unsigned char, 32>;

struct SignedFacts {
  std::string bundle_id;  // 1..128 bytes of A-Z a-z 0-9 . _ : + -
  std::int64_t time = 0;  // UTC unix seconds, 0 (1970) .. 253402300799 (9999-12-31T23:59:59Z)
  std::uint64_t length = 0;  // ciphertext (the whole bundle file) in bytes
  Sha256 sha256{};           // of the whole bundle file
  bool operator==(const SignedFacts&) const = default;
};

inline constexpr std::string_view kSignatureMagic = "egg-bundle-signature-v1";
inline constexpr std::size_t kMaxSignatureFile = 4096;

// `<bundle>.sig`, next to the bundle.
std::filesystem::path signature_path(const std::filesystem::path& bundle);

// The exact bytes that are signed (the sidecar up to, not including, its `sig` line).
// Throws Error(Exit::failed) if the facts cannot be signed (id charset, time range).
std::string signed_message(const SignedFacts& facts, const SigningPublicKey& signer);

// The complete sidecar text. `ed25519_secret_key` is libsodium's 64-byte form (seed || public key);
// a key whose halves do not match is refused (Exit::failed). The signature is checked before
// it is returned.
std::string make_signature_file(const SignedFacts& facts, const core::SecretBytes& ed25519_secret_key);

// Parses and checks a sidecar against the host public key. Throws Error(Exit::verify) naming what
// failed: not a signature, a newer format version, a malformed or non-canonical field, another
// signer, a bad signature.
SignedFacts verify_signature_file(std::string_view sig_file, const SigningPublicKey& public_key);

struct FileDigest {
  std::uint64_t length = 0;
  Sha256 sha256{};
};

// Streams a file through SHA-256 (constant memory). Unreadable: Error(Exit::failed).
FileDigest hash_file(const std::filesystem::path& path);

// Verifies a bundle on disk against `<bundle>.sig` (no passphrase). Throws Error(Exit::verify):
// "missing signature: the bundle is incomplete", any verify_signature_file failure, a length
// that differs (truncated or appended) or a SHA-256 that differs (modified). The caller must also
// check that the returned bundle_id is the one it expects under this name.
SignedFacts verify_bundle_file(const std::filesystem::path& bundle, const SigningPublicKey& public_key);

// Hashes `bundle`, signs {id, time, length, sha256} and writes `<bundle>.sig` atomically (0600).
// Call it last, once the bundle is complete and fsynced.
SignedFacts sign_bundle_file(const std::filesystem::path& bundle, std::string_view bundle_id,
                             std::int64_t time, const core::SecretBytes& ed25519_secret_key);

struct HostSigningKey {
  core::SecretBytes secret;  // 64 bytes, libsodium format (seed || public key)
  SigningPublicKey public_key{};

  static HostSigningKey generate();
  // From a stored 64-byte secret key; refuses (Exit::failed) a wrong size or mismatched halves.
  static HostSigningKey from_secret(core::SecretBytes secret);
};

// Lowercase hex, as the sidecar and state.json print keys and hashes.
std::string to_hex(const unsigned char* data, std::size_t n);

}  // namespace egg::bundle
