#pragma once
// Everything a component needs while egg converges or inspects an instance: the config, the
// manifest, the engine, credentials and state, and the trust root (opened only when a step
// needs it, so a no-op `up` or a `status` never asks for the passphrase).
#include <functional>
#include <optional>
#include <string>

#include "egg/cli/command.hpp"
#include "egg/config/config.hpp"
#include "egg/core/secret.hpp"
#include "egg/engine/client.hpp"
#include "egg/engine/networks.hpp"
#include "egg/manifest/manifest.hpp"
#include "egg/seal/sealed_store.hpp"
#include "egg/state/credentials.hpp"
#include "egg/state/state.hpp"

namespace egg::components {

class Context {
 public:
  // Loads config (validated), manifest, credentials and state, and connects to the engine.
  static Context open(const cli::Globals& globals);

  const cli::Globals& globals;
  config::Config cfg;
  manifest::Manifest manifest;
  engine::Engine engine;
  state::Credentials creds;
  state::State st;

  const std::string& instance() const { return cfg.instance; }
  std::string network() const { return cfg.instance + "-net"; }
  std::string object_name(const std::string& component) const { return cfg.instance + "-" + component; }
  std::filesystem::path state_dir() const { return globals.state_dir; }

  // The labels every object egg owns carries.
  engine::Labels labels(const std::string& component) const;

  // The root key R: opens keyring.egg (passphrase sources), or on a host without one creates the
  // trust root (asking for a new passphrase) and remembers the recovery key to show once.
  const core::SecretBytes& root_key();
  bool has_keyring() const;
  seal::SealedStore& sealed();
  // Set when this run created the keyring: shown once at the end of `up`.
  std::optional<std::string> new_recovery_key;

  // The container's address on the instance network: egg reaches Vault and S3 there, so their
  // admin ports need not be published.
  std::string container_ip(const std::string& component);

  // Set by converge: removes the component's container and volumes, then creates, starts and
  // waits for a fresh one (the Vault init window, docs/vault.md).
  std::function<void(const std::string& component)> wipe_and_recreate;

 private:
  Context(const cli::Globals& g, config::Config c, manifest::Manifest m, engine::Engine e, state::Credentials cr,
          state::State s);
  std::optional<core::SecretBytes> root_;
  std::optional<seal::SealedStore> sealed_;
};

}  // namespace egg::components
