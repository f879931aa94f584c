#include "egg/backup/keys.hpp"

#include <sodium.h>

#include "egg/core/exit.hpp"
#include "egg/core/sha256.hpp"

namespace egg::backup {

namespace json = core::json;

std::string signer_hex(const bundle::SigningPublicKey& key) { return core::hex(key.data(), key.size()); }

bundle::SigningPublicKey parse_signer(const std::string& hex, const std::string& origin) {
  bundle::SigningPublicKey k{};
  std::size_t n = 0;
  if (hex.size() != 64 || sodium_hex2bin(k.data(), k.size(), hex.data(), hex.size(), nullptr, &n, nullptr) != 0 || n != 32)
    throw Error(Exit::usage, origin + ": a signing public key is 64 hex characters");
  return k;
}

namespace {

const json::object* backup_record(const state::State& st) {
  auto* b = st.extra.if_contains("backup");
  return b && b->is_object() ? &b->as_object() : nullptr;
}

}  // namespace

PublicKeys public_keys(const state::State& st) {
  const auto* b = backup_record(st);
  if (!b || !b->if_contains("recipient") || !b->if_contains("signer"))
    throw Error(Exit::precondition, "state.json has no backup keys: run egg up first (it creates them)");
  PublicKeys k;
  k.recipient = bundle::age::decode_recipient(std::string(b->at("recipient").as_string()));
  k.signer = parse_signer(std::string(b->at("signer").as_string()), "state.json backup.signer");
  return k;
}

bundle::HostSigningKey signing_key(const state::Credentials& creds) {
  const auto* s = creds.find(kSigningCredential);
  if (!s || !s->count("ed25519"))
    throw Error(Exit::precondition, std::string("credentials.json has no ") + kSigningCredential + ": run egg up first");
  const auto& hex = s->at("ed25519");
  core::SecretBytes secret(crypto_sign_SECRETKEYBYTES);
  std::size_t n = 0;
  if (sodium_hex2bin(secret.data(), secret.size(), hex.data(), hex.size(), nullptr, &n, nullptr) != 0 || n != secret.size())
    throw Error(Exit::failed, std::string("credentials.json: ") + kSigningCredential + " is malformed");
  return bundle::HostSigningKey::from_secret(std::move(secret));
}

bundle::age::X25519Identity identity(components::Context& ctx) {
  auto v = ctx.sealed().get(kIdentityEntry);
  if (!v) throw Error(Exit::failed, std::string("sealed.egg holds no ") + kIdentityEntry + ": run egg up first");
  return bundle::age::decode_identity(v->view());
}

std::vector<std::string> ensure_keys(components::Context& ctx) {
  std::vector<std::string> changes;
  json::object rec;
  if (const auto* b = backup_record(ctx.st)) rec = *b;

  if (!ctx.creds.find(kSigningCredential)) {
    auto key = bundle::HostSigningKey::generate();
    ctx.creds.set(kSigningCredential, {{"ed25519", core::hex(key.secret.data(), key.secret.size())}});
    ctx.creds.save_if_changed();
    changes.push_back("host signing key (Ed25519) created");
  }
  std::string signer = signer_hex(signing_key(ctx.creds).public_key);
  if (!rec.if_contains("signer") || rec.at("signer").as_string() != signer) rec["signer"] = signer;

  if (!rec.if_contains("recipient")) {
    // The identity is sealed (and fsynced) before its recipient is published: a backup is never
    // encrypted to a key nobody holds.
    auto& sealed = ctx.sealed();
    if (!sealed.get(kIdentityEntry)) {
      auto id = bundle::age::generate_identity();
      std::string text = bundle::age::encode_identity(id);
      sealed.put(kIdentityEntry, {reinterpret_cast<const unsigned char*>(text.data()), text.size()});
      sealed.save();
    }
    rec["recipient"] = bundle::age::encode_recipient(identity(ctx).public_key);
    changes.push_back("backup key (age X25519) created; its identity is sealed in sealed.egg");
  }
  if (!backup_record(ctx.st) || *backup_record(ctx.st) != rec) {
    ctx.st.extra["backup"] = std::move(rec);
    ctx.st.save(ctx.state_dir());
  }
  return changes;
}

}  // namespace egg::backup
