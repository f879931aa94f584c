#include "egg/seal/keyring_format.hpp"

#include <sodium.h>

#include <set>

#include "egg/core/exit.hpp"
#include "egg/seal/bytes.hpp"

namespace egg::seal {
namespace {

void write_slot_header(ByteWriter& w, const Slot& s) {
  w.u8(static_cast<std::uint8_t>(s.type));
  w.u32(s.id);
  if (s.type == SlotType::passphrase) {
    w.raw(s.kdf.salt.data(), s.kdf.salt.size());
    w.u64(s.kdf.opslimit);
    w.u64(s.kdf.memlimit);
  }
  w.raw(s.nonce.data(), s.nonce.size());
}

template <std::size_t N>
void copy_to(std::array<unsigned char, N>& dst, std::string_view src) {
  std::copy(src.begin(), src.end(), dst.begin());
}

}  // namespace

void throw_corrupt(const std::string& label, const std::string& why) {
  throw Error(Exit::auth, label + " is corrupt or was modified: " + why);
}

std::array<unsigned char, kDigestBytes> blake2b(std::string_view data, std::string_view key) {
  std::array<unsigned char, kDigestBytes> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()),
                     data.size(), reinterpret_cast<const unsigned char*>(key.data()), key.size());
  return out;
}

std::string slot_ad(const Slot& s) {
  ByteWriter w;
  w.raw(kKeyringMagic);
  w.u16(kKeyringVersion);
  write_slot_header(w, s);
  return std::move(w.str());
}

std::string keyring_body(const KeyringFile& k) {
  ByteWriter w;
  w.raw(kKeyringMagic);
  w.u16(kKeyringVersion);
  w.u64(k.created);
  w.u8(static_cast<std::uint8_t>(k.slots.size()));
  for (const auto& s : k.slots) {
    write_slot_header(w, s);
    w.raw(s.wrapped.data(), s.wrapped.size());
  }
  return std::move(w.str());
}

std::string keyring_bytes(const KeyringFile& k) {
  std::string out = keyring_body(k);
  out.append(reinterpret_cast<const char*>(k.mac.data()), k.mac.size());
  auto sum = blake2b(out);
  out.append(reinterpret_cast<const char*>(sum.data()), sum.size());
  return out;
}

KeyringFile parse_keyring(std::string_view bytes, const std::string& label) {
  if (bytes.size() < kKeyringMagic.size() + 2 + kDigestBytes)
    throw_corrupt(label, "too short (" + std::to_string(bytes.size()) + " bytes)");
  if (bytes.substr(0, kKeyringMagic.size()) != kKeyringMagic)
    throw_corrupt(label, "it does not start with the keyring magic");
  auto content = bytes.substr(0, bytes.size() - kDigestBytes);
  auto sum = blake2b(content);
  if (sodium_memcmp(sum.data(), bytes.data() + content.size(), kDigestBytes) != 0)
    throw_corrupt(label, "checksum mismatch (truncated or changed)");

  ByteReader r(content);
  r.take(kKeyringMagic.size());
  std::uint16_t version = r.u16();
  if (version > kKeyringVersion)
    throw Error(Exit::usage, label + " has keyring format version " + std::to_string(version) +
                                 "; this egg reads version " + std::to_string(kKeyringVersion) +
                                 " only. Use a newer egg.");
  if (version != kKeyringVersion) throw_corrupt(label, "unknown format version 0");

  KeyringFile k;
  k.created = r.u64();
  std::size_t count = r.u8();
  if (count == 0 || count > kMaxSlots) throw_corrupt(label, "slot count " + std::to_string(count));
  std::set<std::uint32_t> ids;
  for (std::size_t i = 0; i < count && r.ok(); ++i) {
    Slot s;
    auto type = r.u8();
    if (type != 1 && type != 2) throw_corrupt(label, "unknown slot type " + std::to_string(type));
    s.type = static_cast<SlotType>(type);
    s.id = r.u32();
    if (!ids.insert(s.id).second) throw_corrupt(label, "duplicate slot id " + std::to_string(s.id));
    if (s.type == SlotType::passphrase) {
      copy_to(s.kdf.salt, r.take(s.kdf.salt.size()));
      s.kdf.opslimit = r.u64();
      s.kdf.memlimit = r.u64();
      if (r.ok() && !kdf_params_acceptable(s.kdf))
        throw_corrupt(label, "slot " + std::to_string(s.id) + " asks for Argon2id opslimit " +
                                 std::to_string(s.kdf.opslimit) + ", memlimit " +
                                 std::to_string(s.kdf.memlimit) +
                                 " bytes, outside what egg accepts (opslimit 1..10, memlimit 8 KiB..4 GiB)");
    }
    copy_to(s.nonce, r.take(s.nonce.size()));
    copy_to(s.wrapped, r.take(s.wrapped.size()));
    k.slots.push_back(s);
  }
  copy_to(k.mac, r.take(k.mac.size()));
  if (!r.at_end()) throw_corrupt(label, "its length does not match its slots");
  return k;
}

}  // namespace egg::seal
