#pragma once
// X25519 identities ("AGE-SECRET-KEY-1...") and recipients ("age1..."), C2SP age.md
// "The X25519 recipient type": identity = 32 CSPRNG bytes, recipient = X25519(identity, basepoint),
// both Bech32-encoded (HRP "AGE-SECRET-KEY-" uppercased, HRP "age").
#include <array>
#include <string>
#include <string_view>

#include "egg/core/secret.hpp"

namespace egg::bundle::age {

using PublicKey = std::array<unsigned char, 32>;

struct X25519Identity {
  core::SecretBytes secret;  // 32 bytes
  PublicKey public_key{};
};

// "age1..." (lowercase Bech32).
std::string encode_recipient(const PublicKey& recipient);
// Accepts "age1..." (either case); throws egg::Error(Exit::usage) on anything else.
PublicKey decode_recipient(std::string_view text);

// A fresh identity from libsodium's CSPRNG; the secret is registered for redaction.
X25519Identity generate_identity();
// "AGE-SECRET-KEY-1..." (uppercase Bech32). The returned text is registered for redaction.
std::string encode_identity(const X25519Identity& identity);
// Accepts the encoding above (either case); throws egg::Error(Exit::usage) on bad text.
// Registers the secret for redaction.
X25519Identity decode_identity(std::string_view text);
// The identity for a 32-byte secret (public key = X25519(secret, basepoint)).
X25519Identity identity_from_secret(const core::SecretBytes& secret);

}  // namespace egg::bundle::age
