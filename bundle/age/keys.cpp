#include "bundle/age/keys.hpp"

#include <sodium.h>

#include "bundle/age/bech32.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/redact.hpp"

namespace egg::bundle::age {
namespace {
constexpr std::string_view kRecipientHrp = "age";
constexpr std::string_view kIdentityHrp = "age-secret-key-";
}  // namespace

std::string encode_recipient(const PublicKey& recipient) {
  return bech32_encode(kRecipientHrp, std::vector<unsigned char>(recipient.begin(), recipient.end()));
}

PublicKey decode_recipient(std::string_view text) {
  auto d = bech32_decode(text);
  if (!d || d->hrp != kRecipientHrp || d->data.size() != 32)
    throw Error(Exit::usage, "not an age X25519 recipient (expected age1...): " + std::string(text));
  PublicKey pk{};
  std::copy(d->data.begin(), d->data.end(), pk.begin());
  return pk;
}

X25519Identity identity_from_secret(const core::SecretBytes& secret) {
  if (secret.size() != crypto_scalarmult_SCALARBYTES)
    throw Error(Exit::usage, "age identity: secret must be 32 bytes");
  X25519Identity id;
  id.secret = secret;
  if (crypto_scalarmult_base(id.public_key.data(), id.secret.data()) != 0)
    throw Error(Exit::usage, "age identity: invalid secret");
  core::register_secret_bytes(id.secret.span());
  return id;
}

X25519Identity generate_identity() {
  if (sodium_init() < 0) throw Error(Exit::failed, "libsodium failed to initialise");
  core::SecretBytes s(32);
  randombytes_buf(s.data(), s.size());
  return identity_from_secret(s);
}

std::string encode_identity(const X25519Identity& identity) {
  std::vector<unsigned char> raw(identity.secret.data(), identity.secret.data() + identity.secret.size());
  std::string s = bech32_encode(kIdentityHrp, raw);
  sodium_memzero(raw.data(), raw.size());
  for (auto& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  core::register_secret(s);
  return s;
}

X25519Identity decode_identity(std::string_view text) {
  auto d = bech32_decode(text);
  if (!d || d->hrp != kIdentityHrp || d->data.size() != 32) {
    if (d) sodium_memzero(d->data.data(), d->data.size());
    throw Error(Exit::usage, "not an age X25519 identity (expected AGE-SECRET-KEY-1...)");
  }
  core::register_secret(text);
  core::SecretBytes s(std::span<const unsigned char>(d->data));
  sodium_memzero(d->data.data(), d->data.size());
  return identity_from_secret(s);
}

}  // namespace egg::bundle::age
