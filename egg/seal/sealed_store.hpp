#pragma once
// sealed.egg: a small map name -> secret bytes (with a version counter and time), encrypted with
// XChaCha20-Poly1305 under a key derived from the root key R (docs/formats/sealed.md).
// Everything is held in memory; save() writes the whole file atomically, mode 0600.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "egg/core/secret.hpp"
#include "egg/seal/sealed_format.hpp"

namespace egg::seal {

struct SecretInfo {
  std::string name;
  std::uint64_t version = 0;
  std::uint64_t time = 0;
  std::size_t size = 0;
};

class SealedStore {
 public:
  // An empty store bound to `path`; nothing is written until save().
  static SealedStore create_empty(const std::filesystem::path& path, const core::SecretBytes& root_key);
  // require_private_file, read, verify, decrypt. A store that R does not open ->
  // Error(auth, "<path> is corrupt or was modified: ..."). Every value is registered for redaction.
  static SealedStore open(const std::filesystem::path& path, const core::SecretBytes& root_key);
  // The same from bytes already read (label names the source in errors).
  static SealedStore from_bytes(std::string_view bytes, const std::filesystem::path& path,
                                const core::SecretBytes& root_key);

  // Adds or replaces (version + 1). Name rules: valid_secret_name(); else Error(usage).
  void put(std::string_view name, std::span<const unsigned char> value);
  std::optional<core::SecretBytes> get(std::string_view name) const;
  std::optional<SecretInfo> info(std::string_view name) const;
  std::vector<SecretInfo> list() const;  // sorted by name
  bool remove(std::string_view name);    // false if absent

  void save() const;
  std::string to_bytes() const;  // what save() writes (fresh nonce each call)
  const std::filesystem::path& path() const { return path_; }

 private:
  SealedStore() = default;
  std::filesystem::path path_;
  core::SecretBytes key_;
  std::vector<SealedEntry> entries_;  // sorted by name
};

}  // namespace egg::seal
