// egg unseal: after a reboot, passphrase in, Vault unsealed.
#include <cstdio>

#include "egg/commands/registry.hpp"
#include "egg/components/context.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/lock.hpp"
#include "egg/engine/containers.hpp"

namespace egg::components {
bool unseal_vault(Context& ctx);
}

namespace egg::commands {

cli::Command unseal_command() {
  cli::Command c;
  c.words = {"unseal"};
  c.summary = "unseal Vault with the keys sealed under the master passphrase";
  c.description = "Opens sealed.egg with the master passphrase (from its usual sources, see egg --help) and\n"
                  "submits the unseal keys. Already unsealed: says so, exit 0. Wrong passphrase: exit 3,\n"
                  "and Vault stays sealed.";
  c.run = [](const cli::Invocation& inv) {
    core::StateLock lock(inv.globals.state_dir, "egg unseal");
    auto ctx = components::Context::open(inv.globals);
    auto st = engine::container_state(ctx.engine, ctx.object_name("vault"));
    if (!st || !st->running)
      throw Error(Exit::precondition, "Vault container " + ctx.object_name("vault") + " is not running; run egg up");
    if (components::unseal_vault(ctx))
      std::printf("Vault %s unsealed\n", ctx.object_name("vault").c_str());
    else
      std::printf("Vault %s is already unsealed\n", ctx.object_name("vault").c_str());
    return 0;
  };
  return c;
}

}  // namespace egg::commands
