#include "egg/components/context.hpp"

#include <filesystem>

#include "egg/core/exit.hpp"
#include "egg/engine/containers.hpp"
#include "egg/seal/create.hpp"
#include "egg/seal/unlock.hpp"

namespace egg::components {

Context::Context(const cli::Globals& g, config::Config c, manifest::Manifest m, engine::Engine e,
                 state::Credentials cr, state::State s)
    : globals(g), cfg(std::move(c)), manifest(std::move(m)), engine(std::move(e)), creds(std::move(cr)), st(std::move(s)) {}

Context Context::open(const cli::Globals& g) {
  auto cfg = config::load(g);
  auto man = manifest::load(cfg.manifest);  // config::load already applied --manifest
  auto eng = engine::Engine::connect(g.docker_host);
  auto creds = state::Credentials::load(g.state_dir);
  auto st = state::State::load(g.state_dir);
  if (!st.instance.empty() && st.instance != cfg.instance)
    throw Error(Exit::usage, "the state dir " + g.state_dir + " belongs to instance '" + st.instance +
                                 "', not '" + cfg.instance + "'; give each instance its own --state-dir");
  return Context(g, std::move(cfg), std::move(man), std::move(eng), std::move(creds), std::move(st));
}

engine::Labels Context::labels(const std::string& component) const {
  engine::Labels l{{"io.egg.instance", cfg.instance}};
  if (!component.empty()) l["io.egg.component"] = component;
  return l;
}

bool Context::has_keyring() const {
  std::error_code ec;
  return std::filesystem::exists(seal::keyring_path(globals), ec);
}

const core::SecretBytes& Context::root_key() {
  if (root_) return *root_;
  if (!has_keyring()) {
    auto root = seal::create_trust_root(globals, seal::KdfLevel::moderate);
    new_recovery_key = root.recovery_key_text;
    root_ = std::move(root.root_key);
  } else {
    root_ = seal::unlock(globals);
  }
  return *root_;
}

seal::SealedStore& Context::sealed() {
  if (!sealed_) sealed_ = seal::SealedStore::open(seal::sealed_path(globals), root_key());
  return *sealed_;
}

std::string Context::container_ip(const std::string& component) {
  auto inspect = engine::inspect_container(engine, object_name(component));
  if (!inspect) throw Error(Exit::failed, "container " + object_name(component) + " does not exist");
  const auto* nets = inspect->at("NetworkSettings").as_object().if_contains("Networks");
  if (nets && nets->is_object())
    if (const auto* n = nets->as_object().if_contains(network()); n && n->is_object())
      if (const auto* ip = n->as_object().if_contains("IPAddress"); ip && ip->is_string() && !ip->as_string().empty())
        return std::string(ip->as_string());
  throw Error(Exit::failed, "container " + object_name(component) + " has no address on network " + network() +
                                " (is it running?)");
}

}  // namespace egg::components
