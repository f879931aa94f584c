// egg down (stop, keep data) and egg destroy --yes (remove everything of the instance).
#include <cstdio>
#include <filesystem>
#include <optional>

#include "egg/cli/command.hpp"
#include "egg/commands/registry.hpp"
#include "egg/config/config.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/lock.hpp"
#include "egg/engine/containers.hpp"
#include "egg/engine/networks.hpp"
#include "egg/engine/volumes.hpp"

namespace egg::commands {
namespace {

std::string instance_of(const cli::Globals& g) { return config::load(g).instance; }

int run_down(const cli::Invocation& inv) {
  core::StateLock lock(inv.globals.state_dir, "egg down");
  auto inst = instance_of(inv.globals);
  auto e = engine::Engine::connect(inv.globals.docker_host);
  auto containers = engine::list_containers(e, {{"io.egg.instance", inst}});
  // Reverse start order: the proxy before what it fronts, the database last.
  static const std::vector<std::string> order = {"runner", "proxy", "forgejo", "vault", "s3", "postgres"};
  for (const auto& comp : order)
    for (const auto& c : containers) {
      auto labels = engine::labels_of(c);
      if (labels["io.egg.component"] != comp) continue;
      std::string id(c.at("Id").as_string());
      engine::stop_container(e, id, 30);
      std::printf("  stopped   %s\n", std::string(c.at("Names").as_array().at(0).as_string()).c_str() + 1);
    }
  std::printf("egg down: instance %s stopped; data kept (egg up starts it again)\n", inst.c_str());
  return 0;
}

int run_destroy(const cli::Invocation& inv) {
  if (!inv.has("yes"))
    throw Error(Exit::usage, "egg destroy removes every container, volume and the network of the instance and its "
                             "state dir (keyring, sealed keys, credentials): all data is gone. Re-run with --yes");
  auto inst = instance_of(inv.globals);
  std::optional<core::StateLock> lock;
  std::error_code ec0;
  if (std::filesystem::exists(inv.globals.state_dir, ec0)) lock.emplace(inv.globals.state_dir, "egg destroy");
  auto e = engine::Engine::connect(inv.globals.docker_host);
  engine::Labels mine{{"io.egg.instance", inst}};
  for (const auto& c : engine::list_containers(e, mine)) {
    engine::remove_container(e, std::string(c.at("Id").as_string()), true, true);
    std::printf("  removed   container %s\n", std::string(c.at("Names").as_array().at(0).as_string()).c_str() + 1);
  }
  for (const auto& v : engine::list_volumes(e, mine)) {
    std::string name(v.at("Name").as_string());
    engine::remove_volume(e, name, true);
    std::printf("  removed   volume %s\n", name.c_str());
  }
  for (const auto& n : engine::list_networks(e, mine)) {
    std::string name(n.at("Name").as_string());
    engine::remove_network(e, name);
    std::printf("  removed   network %s\n", name.c_str());
  }
  std::error_code ec;
  if (std::filesystem::exists(inv.globals.state_dir, ec)) {
    std::filesystem::remove_all(inv.globals.state_dir, ec);
    if (ec) throw Error(Exit::failed, "cannot remove state dir " + inv.globals.state_dir + ": " + ec.message());
    std::printf("  removed   state dir %s\n", inv.globals.state_dir.c_str());
  }
  std::printf("egg destroy: instance %s is gone\n", inst.c_str());
  return 0;
}

}  // namespace

cli::Command down_command() {
  cli::Command c;
  c.words = {"down"};
  c.summary = "stop the instance's containers, keeping all data";
  c.run = run_down;
  return c;
}

cli::Command destroy_command() {
  cli::Command c;
  c.words = {"destroy"};
  c.summary = "remove the instance's containers, volumes, network and state dir (needs --yes)";
  c.description = "Irreversible: the data in the volumes and the keys in the state dir are deleted. Objects\n"
                  "without this instance's label are never touched.";
  c.options = {{"yes", "", "confirm that all data of the instance is to be deleted"}};
  c.run = run_destroy;
  return c;
}

}  // namespace egg::commands
