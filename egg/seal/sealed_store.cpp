#include "egg/seal/sealed_store.hpp"

#include <sodium.h>

#include <algorithm>
#include <ctime>

#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "egg/core/redact.hpp"
#include "egg/seal/kdf.hpp"
#include "egg/seal/keyring_format.hpp"

namespace egg::seal {
namespace {

void register_value(const core::SecretBytes& v) {
  core::register_secret(v.view());
  core::register_secret_bytes(v.span());
}

}  // namespace

SealedStore SealedStore::create_empty(const std::filesystem::path& path, const core::SecretBytes& root_key) {
  SealedStore s;
  s.path_ = path;
  s.key_ = derive_subkey(root_key, kSubkeySealedStore, kRootContext);
  return s;
}

SealedStore SealedStore::open(const std::filesystem::path& path, const core::SecretBytes& root_key) {
  core::require_private_file(path);
  return from_bytes(core::read_file(path), path, root_key);
}

SealedStore SealedStore::from_bytes(std::string_view bytes, const std::filesystem::path& path,
                                    const core::SecretBytes& root_key) {
  SealedStore s = create_empty(path, root_key);
  const std::string label = path.string();
  SealedContainer c = parse_sealed_container(bytes, label);
  std::string ad = sealed_ad(c);
  core::SecretBytes plain(c.ciphertext.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES);
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          plain.data(), &mlen, nullptr, reinterpret_cast<const unsigned char*>(c.ciphertext.data()),
          c.ciphertext.size(), reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), c.nonce.data(),
          s.key_.data()) != 0)
    throw_corrupt(label, "it does not decrypt under this keyring's root key (changed, or from another keyring)");
  s.entries_ = decode_entries(plain.view(), label);
  for (const auto& e : s.entries_) register_value(e.value);
  return s;
}

void SealedStore::put(std::string_view name, std::span<const unsigned char> value) {
  if (!valid_secret_name(name))
    throw Error(Exit::usage, "invalid secret name '" + std::string(name) +
                                 "': use 1 to 128 of A-Z a-z 0-9 . _ / -, not starting with '.' or '/'");
  if (value.size() > kMaxSecretValueBytes)
    throw Error(Exit::usage, "secret '" + std::string(name) + "' is larger than 16 MiB");
  if (entries_.size() >= kMaxSecretEntries)
    throw Error(Exit::failed, path_.string() + " already holds the most secrets it can");
  core::SecretBytes v(value);
  register_value(v);
  auto now = static_cast<std::uint64_t>(std::time(nullptr));
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                             [](const SealedEntry& e, std::string_view n) { return e.name < n; });
  if (it != entries_.end() && it->name == name) {
    it->value = std::move(v);
    it->version += 1;
    it->time = now;
    return;
  }
  SealedEntry e;
  e.name = std::string(name);
  e.value = std::move(v);
  e.version = 1;
  e.time = now;
  entries_.insert(it, std::move(e));
}

std::optional<core::SecretBytes> SealedStore::get(std::string_view name) const {
  for (const auto& e : entries_)
    if (e.name == name) return e.value;
  return std::nullopt;
}

std::optional<SecretInfo> SealedStore::info(std::string_view name) const {
  for (const auto& e : entries_)
    if (e.name == name) return SecretInfo{e.name, e.version, e.time, e.value.size()};
  return std::nullopt;
}

std::vector<SecretInfo> SealedStore::list() const {
  std::vector<SecretInfo> out;
  for (const auto& e : entries_) out.push_back({e.name, e.version, e.time, e.value.size()});
  return out;
}

bool SealedStore::remove(std::string_view name) {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const SealedEntry& e) { return e.name == name; });
  if (it == entries_.end()) return false;
  entries_.erase(it);
  return true;
}

std::string SealedStore::to_bytes() const {
  SealedContainer c;
  randombytes_buf(c.nonce.data(), c.nonce.size());
  core::SecretBytes plain = encode_entries(entries_);
  std::string ad = sealed_ad(c);
  c.ciphertext.resize(plain.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(c.ciphertext.data()), &clen, plain.data(), plain.size(),
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, c.nonce.data(), key_.data());
  std::string out = sealed_container_bytes(c);
  if (out.size() > kMaxSealedFileBytes)
    throw Error(Exit::failed, path_.string() + " would exceed " + std::to_string(kMaxSealedFileBytes >> 20) + " MiB");
  return out;
}

void SealedStore::save() const { core::write_file_atomic(path_, to_bytes(), 0600); }

}  // namespace egg::seal
