#pragma once
// state.json (not secret): what egg knows about the instance it runs — its id, component spec
// hashes and images, the Vault cluster egg initialised, the backup public keys, the last backup.
// docs/state.md.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "egg/core/json.hpp"

namespace egg::state {

struct VaultRecord {
  std::string cluster_id;
  int shares = 0;
  int threshold = 0;
  std::string initialized_at;      // UTC, ISO 8601
  std::string kv_digest;           // credentials digest last mirrored to KV
};

struct State {
  std::string instance_id;  // random, fixed at first up
  std::string instance;
  std::string created_at;
  std::map<std::string, core::json::object> components;  // name -> {spec_hash, image, ...}
  std::optional<VaultRecord> vault;
  core::json::object extra;  // keys other layers own (backup keys, last backup), kept verbatim

  static State load(const std::filesystem::path& state_dir);  // empty State if none
  void save(const std::filesystem::path& state_dir) const;    // atomic, 0600
  core::json::value to_json() const;
};

std::string utc_now_iso();
std::string utc_iso(std::int64_t unix_seconds);  // "2026-12-01T21:22:10Z"

}  // namespace egg::state
