#include "egg/seal/sealed_format.hpp"

#include <sodium.h>

#include "egg/core/exit.hpp"
#include "egg/seal/bytes.hpp"
#include "egg/seal/keyring_format.hpp"

namespace egg::seal {

SealedContainer parse_sealed_container(std::string_view bytes, const std::string& label) {
  constexpr std::size_t min = kSealedMagic.size() + 2 + 24 + crypto_aead_xchacha20poly1305_ietf_ABYTES + kDigestBytes;
  if (bytes.size() > kMaxSealedFileBytes)
    throw_corrupt(label, "larger than " + std::to_string(kMaxSealedFileBytes >> 20) + " MiB");
  if (bytes.size() < kSealedMagic.size() + 2 + kDigestBytes)
    throw_corrupt(label, "too short (" + std::to_string(bytes.size()) + " bytes)");
  if (bytes.substr(0, kSealedMagic.size()) != kSealedMagic)
    throw_corrupt(label, "it does not start with the sealed-store magic");
  auto content = bytes.substr(0, bytes.size() - kDigestBytes);
  auto sum = blake2b(content);
  if (sodium_memcmp(sum.data(), bytes.data() + content.size(), kDigestBytes) != 0)
    throw_corrupt(label, "checksum mismatch (truncated or changed)");
  ByteReader r(content);
  r.take(kSealedMagic.size());
  auto version = r.u16();
  if (version > kSealedVersion)
    throw Error(Exit::usage, label + " has sealed-store format version " + std::to_string(version) +
                                 "; this egg reads version " + std::to_string(kSealedVersion) +
                                 " only. Use a newer egg.");
  if (version != kSealedVersion) throw_corrupt(label, "unknown format version 0");
  if (bytes.size() < min) throw_corrupt(label, "too short for its header");
  SealedContainer c;
  auto nonce = r.take(c.nonce.size());
  std::copy(nonce.begin(), nonce.end(), c.nonce.begin());
  c.ciphertext = std::string(content.substr(r.pos()));
  return c;
}

std::string sealed_ad(const SealedContainer& c) {
  ByteWriter w;
  w.raw(kSealedMagic);
  w.u16(kSealedVersion);
  w.raw(c.nonce.data(), c.nonce.size());
  return std::move(w.str());
}

std::string sealed_container_bytes(const SealedContainer& c) {
  std::string out = sealed_ad(c) + c.ciphertext;
  auto sum = blake2b(out);
  out.append(reinterpret_cast<const char*>(sum.data()), sum.size());
  return out;
}

bool valid_secret_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxSecretNameBytes || name[0] == '/' || name[0] == '.') return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '/' || c == '-';
    if (!ok) return false;
  }
  return true;
}

core::SecretBytes encode_entries(const std::vector<SealedEntry>& entries) {
  ByteWriter w;
  w.u32(static_cast<std::uint32_t>(entries.size()));
  for (const auto& e : entries) {
    w.u16(static_cast<std::uint16_t>(e.name.size()));
    w.raw(e.name);
    w.u64(e.version);
    w.u64(e.time);
    w.u32(static_cast<std::uint32_t>(e.value.size()));
    w.raw(e.value.view());
  }
  core::SecretBytes out(w.str());
  sodium_memzero(w.str().data(), w.str().size());
  return out;
}

std::vector<SealedEntry> decode_entries(std::string_view plaintext, const std::string& label) {
  ByteReader r(plaintext);
  std::uint32_t count = r.u32();
  if (!r.ok() || count > kMaxSecretEntries) throw_corrupt(label, "bad entry count");
  std::vector<SealedEntry> out;
  for (std::uint32_t i = 0; i < count; ++i) {
    SealedEntry e;
    std::size_t name_len = r.u16();
    e.name = std::string(r.take(name_len));
    e.version = r.u64();
    e.time = r.u64();
    std::size_t value_len = r.u32();
    if (!r.ok() || value_len > kMaxSecretValueBytes) throw_corrupt(label, "entry " + std::to_string(i) + " is malformed");
    auto value = r.take(value_len);
    if (!r.ok() || !valid_secret_name(e.name) || (!out.empty() && out.back().name >= e.name))
      throw_corrupt(label, "entry " + std::to_string(i) + " is malformed");
    e.value = core::SecretBytes(value);
    out.push_back(std::move(e));
  }
  if (!r.at_end()) throw_corrupt(label, "trailing bytes after the entries");
  return out;
}

}  // namespace egg::seal
