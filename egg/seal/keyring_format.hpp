#pragma once
// keyring.egg as bytes: parsing and serialisation only, no secrets involved
// (docs/formats/keyring.md). The cryptography lives in keyring.cpp.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "egg/seal/kdf.hpp"

namespace egg::seal {

inline constexpr std::string_view kKeyringMagic = "EGGKRING";
inline constexpr std::uint16_t kKeyringVersion = 1;
inline constexpr std::size_t kMaxSlots = 16;
inline constexpr std::size_t kDigestBytes = 32;  // BLAKE2b-256: keyed MAC and unkeyed checksum

enum class SlotType : std::uint8_t { passphrase = 1, recovery = 2 };

struct Slot {
  SlotType type = SlotType::passphrase;
  std::uint32_t id = 0;
  KdfParams kdf;  // passphrase slots only
  std::array<unsigned char, 24> nonce{};
  std::array<unsigned char, 48> wrapped{};  // R (32) + Poly1305 tag (16)
};

struct KeyringFile {
  std::uint64_t created = 0;  // unix seconds
  std::vector<Slot> slots;
  std::array<unsigned char, kDigestBytes> mac{};
};

// Checks, in this order: size, magic, checksum, version (newer -> Error(usage) naming it), every
// field, KDF caps. Anything wrong -> Error(auth, "<label> is corrupt or was modified: ...").
// Runs no KDF and needs no key, so it is safe on any input (fuzzed: tests/fuzz).
KeyringFile parse_keyring(std::string_view bytes, const std::string& label);

// Header and slots: the bytes the keyed MAC covers.
std::string keyring_body(const KeyringFile& k);
// body || mac || checksum.
std::string keyring_bytes(const KeyringFile& k);
// The AEAD associated data of a slot: magic || version || the slot's fields before `wrapped`.
std::string slot_ad(const Slot& s);

// BLAKE2b-256 of `data`, keyed when `key` is non-empty.
std::array<unsigned char, kDigestBytes> blake2b(std::string_view data, std::string_view key = {});

// "<label> is corrupt or was modified: <why>", exit 3.
[[noreturn]] void throw_corrupt(const std::string& label, const std::string& why);

}  // namespace egg::seal
