// The Vault-API server: OpenBao (default) or HashiCorp Vault, by flavor (docs/contracts/openbao.md,
// docs/vault.md). Init returns the unseal keys and root token once: they are sealed into
// sealed.egg and fsynced before anything else happens (the init window, docs/vault.md).
#include <spdlog/spdlog.h>

#include "egg/components/component.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "egg/core/json.hpp"
#include "egg/core/template.hpp"
#include "egg/vault/client.hpp"

namespace egg::components {
namespace {

namespace json = core::json;

constexpr uid_t kVaultUid = 100;    // openbao / vault user in the official images
constexpr gid_t kVaultGid = 1000;
constexpr const char* kKeysEntry = "vault/unseal-keys";
constexpr const char* kRootEntry = "vault/root-token";
constexpr const char* kKvMount = "foundation";
constexpr const char* kBackupPolicy = "egg-backup";

struct Layout {
  std::string binary, config_dir, data_dir;
};

Layout layout(const Context& ctx) {
  if (ctx.cfg.components.vault.flavor == "vault") return {"vault", "/vault/config", "/vault/file"};
  return {"bao", "/openbao/config", "/openbao/file"};
}

vault::Client client(Context& ctx, const std::string& token = "") { return vault_client(ctx, token); }

// The unseal keys sealed for this instance, if any.
std::optional<std::vector<std::string>> sealed_keys(Context& ctx) {
  auto v = ctx.sealed().get(kKeysEntry);
  if (!v) return std::nullopt;
  auto doc = core::parse_json(v->view(), "sealed entry " + std::string(kKeysEntry));
  std::vector<std::string> keys;
  for (const auto& k : doc.at("keys").as_array()) keys.emplace_back(k.as_string());
  return keys;
}

std::string root_token(Context& ctx) {
  auto v = ctx.sealed().get(kRootEntry);
  if (!v) throw Error(Exit::failed, "sealed.egg holds no Vault root token for this instance");
  return std::string(v->view());
}

void seal_init_result(Context& ctx, const vault::InitResult& init, int shares, int threshold) {
  json::array keys;
  for (const auto& k : init.keys) keys.emplace_back(k);
  json::object entry{{"shares", shares}, {"threshold", threshold}, {"keys", std::move(keys)}};
  std::string text = json::serialize(entry);
  ctx.sealed().put(kKeysEntry, {reinterpret_cast<const unsigned char*>(text.data()), text.size()});
  ctx.sealed().put(kRootEntry, {reinterpret_cast<const unsigned char*>(init.root_token.data()), init.root_token.size()});
  ctx.sealed().save();  // atomic write with fsync of file and directory
}

}  // namespace

vault::Client vault_client(Context& ctx, const std::string& token) {
  return vault::Client("http://" + ctx.container_ip("vault") + ":8200", token);
}

std::string vault_data_dir(const Context& ctx) { return layout(ctx).data_dir; }

// Unseals the instance's Vault with the sealed keys (asks for the passphrase). Used by `up` and
// `egg unseal`; returns false if it was not sealed.
bool unseal_vault(Context& ctx) {
  auto c = client(ctx);
  if (!c.seal_status().sealed) return false;
  auto keys = sealed_keys(ctx);
  if (!keys) throw Error(Exit::failed, "Vault is sealed and sealed.egg holds no unseal keys for it");
  c.unseal(*keys);
  // Return when Vault serves: after a restart Docker's health check is still "starting".
  wait_healthy(ctx, "vault", 60);
  return true;
}

Component vault() {
  Component c;
  c.name = "vault";
  c.spec = [](Context& ctx) {
    auto l = layout(ctx);
    Spec s;
    s.component = "vault";
    s.name = ctx.object_name("vault");
    s.pin = config::image_pin(ctx.cfg, ctx.manifest, "vault");
    s.cmd = {"server"};  // the images default to dev mode
    if (ctx.cfg.components.vault.flavor == "vault") s.env = {"SKIP_SETCAP=true"};
    s.volumes = {{ctx.object_name("vault"), l.data_dir}};
    if (ctx.cfg.ports.vault) s.ports = {{8200, "127.0.0.1", *ctx.cfg.ports.vault}};
    // Healthy while the server answers, sealed or not (status exits 2 when sealed, 1 on error):
    // `egg status` reports the seal itself.
    s.healthcheck = healthcheck(
        {"CMD-SHELL", l.binary + " status -address=http://127.0.0.1:8200 >/dev/null 2>&1; [ $? -ne 1 ]"}, 2, 5, 30, 0);
    s.files = {{l.config_dir + "/egg.hcl",
                core::render_embedded("templates/vault/server.hcl",
                                      {{"data_dir", l.data_dir}, {"node_id", ctx.object_name("vault")}, {"host", "vault"}}),
                0640, kVaultUid, kVaultGid}};
    return s;
  };
  c.wait_ready = [](Context& ctx) {
    if (!client(ctx).wait_until_responding(120))
      throw Error(Exit::failed, ctx.object_name("vault") + " does not answer its API after 120 s; see: docker logs " +
                                    ctx.object_name("vault"));
  };
  c.init = [](Context& ctx, bool) -> std::vector<std::string> {
    std::vector<std::string> changes;
    auto c = client(ctx);
    auto st = c.seal_status();
    const auto& seal = ctx.cfg.components.vault.seal;
    // Only a Vault egg has no record of needs its keys checked now (that needs the passphrase);
    // a recorded one is checked when it must be unsealed.
    if (st.initialized && !ctx.st.vault && !sealed_keys(ctx)) {
      // The init window: Vault returned keys that never became durable (egg died before
      // sealed.egg was fsynced). If egg never recorded this Vault as initialised, nothing but
      // that lost init can be in it: wipe and start over. If it did, the keys were lost some
      // other way and the data is precious: stop and explain.
      spdlog::warn("Vault {} is initialized but its keys never became durable (egg stopped inside the init window); "
                   "it holds no data, so egg wipes its volume and initializes it again",
                   ctx.object_name("vault"));
      ctx.wipe_and_recreate("vault");
      c = client(ctx);
      st = c.seal_status();
      changes.push_back("wiped an initialized Vault whose keys were never sealed, and re-initialized it");
    }
    if (!st.initialized) {
      auto init = c.init(seal.shares, seal.threshold);
      core::crash_point("vault-init:before-keys-durable");
      seal_init_result(ctx, init, seal.shares, seal.threshold);
      core::crash_point("vault-init:keys-durable");
      changes.push_back("initialized (Shamir " + std::to_string(seal.shares) + "/" + std::to_string(seal.threshold) +
                        "); unseal keys and root token sealed in sealed.egg");
      st = c.seal_status();
    }
    if (st.sealed) {
      auto keys = sealed_keys(ctx);
      if (!keys)
        throw Error(Exit::failed,
                    "Vault " + ctx.object_name("vault") + " is initialized and egg recorded it (cluster " +
                        (ctx.st.vault ? ctx.st.vault->cluster_id : std::string("?")) +
                        "), so it may hold data, but sealed.egg has no unseal keys for it. egg will not touch it. "
                        "Restore the state dir (keyring.egg + sealed.egg) from a backup bundle, or unseal it with "
                        "keys you hold; only if its data is expendable, remove the volume " +
                        ctx.object_name("vault") + " and run egg up again");
      c.unseal(*keys);
      changes.push_back("unsealed");
    }
    st = c.seal_status();
    if (!ctx.st.vault || ctx.st.vault->cluster_id != st.cluster_id) {
      state::VaultRecord rec;
      rec.cluster_id = st.cluster_id;
      rec.shares = st.shares;
      rec.threshold = st.threshold;
      rec.initialized_at = state::utc_now_iso();
      ctx.st.vault = rec;
      ctx.st.save(ctx.state_dir());
    }

    // Backup token and KV mirror: only when something changed, so a no-op run needs no
    // passphrase once Vault is unsealed.
    bool need_token = !ctx.creds.find("vault/backup");
    bool need_kv = ctx.st.vault->kv_digest.empty() || ctx.st.vault->kv_digest != ctx.creds.digest() || need_token;
    if (!need_kv) return changes;
    c.set_token(root_token(ctx));
    if (!c.has_mount(kKvMount)) {
      c.mount_kv2(kKvMount);
      changes.push_back("KV v2 mounted at " + std::string(kKvMount) + "/");
    }
    if (need_token) {
      // Snapshot, and renew itself: egg backup renews the periodic token on every run.
      c.put_policy(kBackupPolicy,
                   "path \"sys/storage/raft/snapshot\" {\n  capabilities = [\"read\"]\n}\n"
                   "path \"auth/token/renew-self\" {\n  capabilities = [\"update\"]\n}\n");
      ctx.creds.set("vault/backup", {{"token", c.create_token({kBackupPolicy}, "egg-backup", "768h")}});
      ctx.creds.save_if_changed();
      changes.push_back("backup policy and snapshot token created");
    }
    // egg/... entries are egg's own (the host signing key): Layer-1 consumers have no use for them.
    for (const auto& [path, fields] : ctx.creds.all())
      if (!path.starts_with("egg/")) c.kv_put(kKvMount, path, fields);
    ctx.st.vault->kv_digest = ctx.creds.digest();
    ctx.st.save(ctx.state_dir());
    changes.push_back("credentials written to " + std::string(kKvMount) + "/ (" + std::to_string(ctx.creds.all().size()) +
                      " paths)");
    return changes;
  };
  return c;
}

}  // namespace egg::components
