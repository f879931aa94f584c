#pragma once
// The two backup keys (docs/formats/bundle.md, "Keys"), made at the first `egg up`:
//  - the X25519 backup key (age): recipient in state.json, so a timer backup needs no passphrase;
//    identity in sealed.egg (backup/age-identity), so only a passphrase holder reads a bundle;
//  - the host Ed25519 signing key: public half in state.json, secret half in the root-only
//    credentials.json (egg/backup-signing), so an unattended backup can sign. A leaked host can
//    sign new bundles but read none.
#include <string>
#include <vector>

#include "bundle/age/keys.hpp"
#include "bundle/signature.hpp"
#include "egg/components/context.hpp"

namespace egg::backup {

inline constexpr const char* kIdentityEntry = "backup/age-identity";
inline constexpr const char* kSigningCredential = "egg/backup-signing";

struct PublicKeys {
  bundle::age::PublicKey recipient{};
  bundle::SigningPublicKey signer{};
};

// Creates whichever key is missing (asks for the passphrase only then); returns what it did.
std::vector<std::string> ensure_keys(components::Context& ctx);
// The public halves from state.json; Error(precondition) naming `egg up` when there are none.
PublicKeys public_keys(const state::State& st);
// The signing key from credentials.json; Error(precondition) when missing.
bundle::HostSigningKey signing_key(const state::Credentials& creds);
// The backup identity from sealed.egg (opens the keyring: passphrase or recovery key).
bundle::age::X25519Identity identity(components::Context& ctx);

// Lowercase hex of the signer, as state.json and manifest.json write it; and back.
std::string signer_hex(const bundle::SigningPublicKey& key);
bundle::SigningPublicKey parse_signer(const std::string& hex, const std::string& origin);

}  // namespace egg::backup
