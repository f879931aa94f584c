#pragma once
// Vault HTTP API client (OpenBao and HashiCorp Vault speak the same API): the calls egg makes to
// initialise, unseal, store credentials in KV v2, grant the backup token, and take or restore raft
// snapshots. Every key and token it receives is registered for redaction before it is returned.
// API facts with sources: docs/vault.md.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "egg/core/http.hpp"
#include "egg/core/json.hpp"

namespace egg::vault {

struct SealStatus {
  bool initialized = false;
  bool sealed = true;
  int shares = 0;     // n
  int threshold = 0;  // t
  int progress = 0;
  std::string version;
  std::string cluster_id;  // empty while sealed on some versions
  std::string type;        // "shamir"
};

struct InitResult {
  std::vector<std::string> keys;  // hex unseal keys
  std::string root_token;
};

class Client {
 public:
  // `address` like http://127.0.0.1:8200. `token` may be empty for unauthenticated calls.
  explicit Client(std::string address, std::string token = "");

  void set_token(std::string token);

  SealStatus seal_status();
  // Polls seal-status until the server answers or `seconds` pass; false if it never did.
  bool wait_until_responding(int seconds);
  InitResult init(int shares, int threshold);
  // Submits keys until unsealed; throws Error(auth) if all keys are spent and it is still sealed
  // (wrong keys for this cluster).
  // Returns once the node is active (ready for writes).
  SealStatus unseal(const std::vector<std::string>& keys);
  // Waits until sys/health says unsealed and active; throws Error(failed) after `seconds`.
  void wait_until_active(int seconds);

  bool has_mount(const std::string& path);
  void mount_kv2(const std::string& path);
  // Writes a KV v2 secret, retrying the "upgrading to versioned" window right after mounting.
  void kv_put(const std::string& mount, const std::string& path, const std::map<std::string, std::string>& data);
  std::optional<std::map<std::string, std::string>> kv_get(const std::string& mount, const std::string& path);
  // Lists the keys of a KV v2 folder (empty when it has none).
  std::vector<std::string> kv_list(const std::string& mount, const std::string& path);

  void put_policy(const std::string& name, const std::string& hcl);
  // Creates an orphan periodic token with exactly these policies; returns it.
  std::string create_token(const std::vector<std::string>& policies, const std::string& display_name,
                           const std::string& period);
  // True if the current token is valid.
  bool token_valid();
  // Extends the current (periodic) token by its period: auth/token/renew-self.
  void renew_self();

  // Streams a raft snapshot to `writer`. Needs a token with read on sys/storage/raft/snapshot.
  void snapshot(const core::http::BodyWriter& writer);
  // Restores a snapshot (POST .../snapshot-force when `force`).
  void restore_snapshot(const core::http::BodyReader& reader, std::uint64_t size, bool force);

 private:
  core::http::Response call(const std::string& method, const std::string& path, const std::string& body = "");
  core::json::value call_json(const std::string& method, const std::string& path, const std::string& body = "",
                              std::initializer_list<int> ok = {200, 204});
  std::string address_;
  std::string token_;
  core::http::Client http_;
};

}  // namespace egg::vault
