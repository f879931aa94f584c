#pragma once
// sealed.egg as bytes: the outer container and the plaintext entry list (docs/formats/sealed.md).
// No keys here; sealed_store.cpp does the encryption.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "egg/core/secret.hpp"

namespace egg::seal {

inline constexpr std::string_view kSealedMagic = "EGGSEALD";
inline constexpr std::uint16_t kSealedVersion = 1;
inline constexpr std::size_t kMaxSealedFileBytes = 64u << 20;
inline constexpr std::size_t kMaxSecretNameBytes = 128;
inline constexpr std::size_t kMaxSecretValueBytes = 16u << 20;
inline constexpr std::size_t kMaxSecretEntries = 10000;

struct SealedEntry {
  std::string name;
  core::SecretBytes value;
  std::uint64_t version = 0;  // 1 on first put, +1 on each replacement
  std::uint64_t time = 0;     // unix seconds of the last put
};

struct SealedContainer {
  std::array<unsigned char, 24> nonce{};
  std::string ciphertext;  // plaintext + 16-byte tag
};

// Size, magic, checksum, version (newer -> Error(usage)), in that order; else Error(auth, corrupt).
SealedContainer parse_sealed_container(std::string_view bytes, const std::string& label);
std::string sealed_container_bytes(const SealedContainer& c);
// AEAD associated data: magic || version || nonce.
std::string sealed_ad(const SealedContainer& c);

// Names: 1..128 of [A-Za-z0-9._/-], not starting with '/' or '.'.
bool valid_secret_name(std::string_view name);

// Entries sorted by name, unique. decode_entries rejects anything else as corrupt.
core::SecretBytes encode_entries(const std::vector<SealedEntry>& entries);
std::vector<SealedEntry> decode_entries(std::string_view plaintext, const std::string& label);

}  // namespace egg::seal
