#pragma once
// credentials.json (0600, root only): the operational service credentials — database, S3,
// Vault backup token, forge secrets. They already sit in plaintext in the containers' own config,
// so sealing them would gain nothing; they are mirrored to Vault KV v2 under foundation/<path>
// for Layer-1 consumers (docs/state.md). Every value but the `username` and `database` fields is
// registered for redaction when loaded or generated.
#include <filesystem>
#include <map>
#include <string>

namespace egg::state {

// path ("postgres/superuser") -> fields ({"username": ..., "password": ...}).
using Secret = std::map<std::string, std::string>;

class Credentials {
 public:
  // Loads <state-dir>/credentials.json, or starts empty when there is none.
  static Credentials load(const std::filesystem::path& state_dir);

  // The secret at `path`, filling the fields it lacks from `defaults` (freshly generated values)
  // and marking the store dirty. Existing values are never replaced.
  const Secret& ensure(const std::string& path, const std::map<std::string, std::string>& defaults);
  const Secret* find(const std::string& path) const;
  void set(const std::string& path, Secret secret);
  const std::map<std::string, Secret>& all() const { return secrets_; }

  // Writes atomically (0600) if anything changed. Call before anything uses a new value, so a
  // crash never leaves a service holding a credential egg has forgotten.
  void save_if_changed();
  // sha256 over the content: tells whether Vault's copy is current without reading it.
  std::string digest() const;

 private:
  std::filesystem::path path_;
  std::map<std::string, Secret> secrets_;
  bool dirty_ = false;
};

}  // namespace egg::state
