#include "egg/seal/keyring.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <ctime>

#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "egg/core/log.hpp"
#include "egg/core/redact.hpp"
#include "egg/seal/recovery_key.hpp"

namespace egg::seal {
namespace {

std::string_view as_view(const SecretBytes& s) { return s.view(); }

SecretBytes recovery_wrap_key(const SecretBytes& recovery_key) {
  return derive_subkey(recovery_key, 1, kRecoveryContext);
}

void wrap(Slot& slot, const SecretBytes& root_key, const SecretBytes& wrap_key) {
  randombytes_buf(slot.nonce.data(), slot.nonce.size());
  std::string ad = slot_ad(slot);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      slot.wrapped.data(), &clen, root_key.data(), root_key.size(),
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, slot.nonce.data(), wrap_key.data());
}

}  // namespace

Keyring::Created Keyring::create(std::string_view passphrase, KdfLevel level, std::string label) {
  Created c;
  c.root_key = SecretBytes(32);
  randombytes_buf(c.root_key.data(), c.root_key.size());
  core::register_secret_bytes(c.root_key.span());
  c.recovery_key = new_recovery_key();
  core::register_secret_bytes(c.recovery_key.span());
  format_recovery_key(c.recovery_key);  // registers the text form

  c.keyring.label_ = std::move(label);
  c.keyring.file_.created = static_cast<std::uint64_t>(std::time(nullptr));
  c.keyring.add_passphrase_slot(c.root_key, passphrase, level);
  Slot rec;
  rec.type = SlotType::recovery;
  c.keyring.add_slot(c.root_key, rec, recovery_wrap_key(c.recovery_key));
  return c;
}

Keyring Keyring::load(const std::filesystem::path& path) {
  core::require_private_file(path);
  return parse(core::read_file(path), path.string());
}

Keyring Keyring::parse(std::string_view bytes, std::string label) {
  Keyring k;
  k.file_ = parse_keyring(bytes, label);
  k.bytes_ = std::string(bytes);
  k.label_ = std::move(label);
  return k;
}

Keyring::Opened Keyring::finish_open(const Slot& slot, const SecretBytes& wrap_key) const {
  std::string ad = slot_ad(slot);
  Opened o;
  o.root_key = SecretBytes(32);
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          o.root_key.data(), &mlen, nullptr, slot.wrapped.data(), slot.wrapped.size(),
          reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), slot.nonce.data(), wrap_key.data()) != 0)
    return {};
  core::register_secret_bytes(o.root_key.span());
  // The slot opened; now prove that no byte of the file, in any slot, was changed.
  auto mac_key = derive_subkey(o.root_key, kSubkeyKeyringMac, kRootContext);
  std::string body = keyring_body(file_);
  auto mac = blake2b(body, as_view(mac_key));
  if (sodium_memcmp(mac.data(), file_.mac.data(), mac.size()) != 0)
    throw_corrupt(label_, "the keyring MAC does not match (a slot or header was changed)");
  o.slot_id = slot.id;
  return o;
}

Keyring::Opened Keyring::open_with_passphrase(std::string_view passphrase) const {
  std::vector<const Slot*> candidates;
  for (const auto& s : file_.slots)
    if (s.type == SlotType::passphrase) candidates.push_back(&s);
  std::sort(candidates.begin(), candidates.end(), [](auto* a, auto* b) { return a->id > b->id; });
  for (const Slot* s : candidates) {
    auto start = std::chrono::steady_clock::now();
    SecretBytes key = derive_passphrase_key(passphrase, s->kdf);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    spdlog::debug("Argon2id for slot {} (opslimit {}, memlimit {} MiB) took {} ms", s->id, s->kdf.opslimit,
                  s->kdf.memlimit >> 20, ms.count());
    Opened o = finish_open(*s, key);
    if (!o.root_key.empty()) {
      spdlog::debug("passphrase slot {} of {} opened", s->id, label_);
      return o;
    }
  }
  throw Error(Exit::auth, "the passphrase does not open " + label_);
}

Keyring::Opened Keyring::open_with_recovery_key(const SecretBytes& recovery_key) const {
  SecretBytes key = recovery_wrap_key(recovery_key);
  for (const auto& s : file_.slots) {
    if (s.type != SlotType::recovery) continue;
    Opened o = finish_open(s, key);
    if (!o.root_key.empty()) {
      spdlog::debug("recovery slot {} of {} opened", s.id, label_);
      return o;
    }
  }
  throw Error(Exit::auth, "the recovery key does not open " + label_);
}

std::uint32_t Keyring::add_slot(const SecretBytes& root_key, Slot slot, const SecretBytes& wrap_key) {
  if (file_.slots.size() >= kMaxSlots)
    throw Error(Exit::precondition, label_ + " already has " + std::to_string(kMaxSlots) + " slots, the most it can hold");
  std::uint32_t next = 1;
  for (const auto& s : file_.slots) next = std::max(next, s.id + 1);
  slot.id = next;
  wrap(slot, root_key, wrap_key);
  file_.slots.push_back(slot);
  reseal(root_key);
  return slot.id;
}

std::uint32_t Keyring::add_passphrase_slot(const SecretBytes& root_key, std::string_view passphrase,
                                           KdfLevel level) {
  Slot slot;
  slot.type = SlotType::passphrase;
  slot.kdf = new_kdf_params(level);
  return add_slot(root_key, slot, derive_passphrase_key(passphrase, slot.kdf));
}

void Keyring::remove_slot(const SecretBytes& root_key, std::uint32_t id) {
  auto it = std::find_if(file_.slots.begin(), file_.slots.end(), [&](const Slot& s) { return s.id == id; });
  if (it == file_.slots.end()) throw Error(Exit::failed, label_ + " has no slot " + std::to_string(id));
  auto passphrase_slots = std::count_if(file_.slots.begin(), file_.slots.end(),
                                        [](const Slot& s) { return s.type == SlotType::passphrase; });
  if (it->type == SlotType::passphrase && passphrase_slots == 1)
    throw Error(Exit::failed, "internal error: refusing to remove the last passphrase slot of " + label_);
  file_.slots.erase(it);
  reseal(root_key);
}

void Keyring::reseal(const SecretBytes& root_key) {
  auto mac_key = derive_subkey(root_key, kSubkeyKeyringMac, kRootContext);
  file_.mac = blake2b(keyring_body(file_), as_view(mac_key));
  bytes_ = keyring_bytes(file_);
}

void Keyring::save(const std::filesystem::path& path) const { core::write_file_atomic(path, bytes_, 0600); }

}  // namespace egg::seal
