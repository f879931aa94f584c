#pragma once
// The keyring: the root key R (32 random bytes) wrapped once per slot (docs/formats/keyring.md).
// A passphrase slot derives its wrapping key with Argon2id; the recovery slot derives it from the
// recovery key. A whole-file MAC keyed from R is checked after every unwrap, so a change to any
// slot, not only the one that opened, is detected.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "egg/core/secret.hpp"
#include "egg/seal/keyring_format.hpp"

namespace egg::seal {

using core::SecretBytes;

class Keyring {
 public:
  struct Created;
  struct Opened;

  // A new keyring with a fresh R, one passphrase slot and one recovery slot. Does not write it.
  // `label` names the file in error messages (normally its path).
  static Created create(std::string_view passphrase, KdfLevel level, std::string label);

  // Reads and parses (no KDF, no secret needed): require_private_file, then parse_keyring.
  static Keyring load(const std::filesystem::path& path);
  static Keyring parse(std::string_view bytes, std::string label);

  // Tries each passphrase slot, newest first. Wrong passphrase -> Error(auth,
  // "the passphrase does not open <label>"); MAC mismatch -> Error(auth, "... corrupt or was modified").
  Opened open_with_passphrase(std::string_view passphrase) const;
  Opened open_with_recovery_key(const SecretBytes& recovery_key) const;

  // Changes need R, to wrap it and to re-MAC the file. They change this object only; call save().
  std::uint32_t add_passphrase_slot(const SecretBytes& root_key, std::string_view passphrase, KdfLevel level);
  void remove_slot(const SecretBytes& root_key, std::uint32_t id);

  // Atomic write, mode 0600.
  void save(const std::filesystem::path& path) const;
  const std::string& bytes() const { return bytes_; }

  const std::vector<Slot>& slots() const { return file_.slots; }
  std::uint64_t created() const { return file_.created; }
  const std::string& label() const { return label_; }

 private:
  Keyring() = default;
  Opened finish_open(const Slot& slot, const SecretBytes& wrap_key) const;
  std::uint32_t add_slot(const SecretBytes& root_key, Slot slot, const SecretBytes& wrap_key);
  void reseal(const SecretBytes& root_key);

  KeyringFile file_;
  std::string bytes_;  // the serialised form, MAC and checksum included
  std::string label_;
};

struct Keyring::Created {
  Keyring keyring;
  SecretBytes root_key;
  SecretBytes recovery_key;  // show once with format_recovery_key()
};

struct Keyring::Opened {
  SecretBytes root_key;
  std::uint32_t slot_id = 0;  // the slot that opened
};

}  // namespace egg::seal
