// egg up | egg plan: converge the foundation, or show what converging would do.
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "egg/backup/keys.hpp"
#include "egg/commands/registry.hpp"
#include "egg/converge/converge.hpp"
#include "egg/core/lock.hpp"
#include "egg/seal/create.hpp"

namespace egg::commands {
namespace json = core::json;

namespace {

void print_urls(const components::Context& ctx) {
  const auto& cfg = ctx.cfg;
  std::printf("\n");
  if (config::enabled(cfg, "proxy")) {
    std::string port = cfg.ports.https == 443 ? "" : ":" + std::to_string(cfg.ports.https);
    std::printf("  forge     https://%s%s/\n", cfg.domain.c_str(), port.c_str());
  }
  if (config::enabled(cfg, "vault") && cfg.ports.vault)
    std::printf("  vault     http://127.0.0.1:%d  (this host only)\n", *cfg.ports.vault);
  if (config::enabled(cfg, "s3") && cfg.ports.s3)
    std::printf("  s3        http://127.0.0.1:%d  (this host only)\n", *cfg.ports.s3);
  if (config::enabled(cfg, "postgres") && cfg.ports.postgres)
    std::printf("  postgres  127.0.0.1:%d  (this host only)\n", *cfg.ports.postgres);
  std::printf("  credentials: %s/credentials.json (root only) and Vault KV foundation/\n", ctx.globals.state_dir.c_str());
}

int run_up(const cli::Invocation& inv) {
  auto t0 = std::chrono::steady_clock::now();
  core::StateLock lock(inv.globals.state_dir, "egg up");
  auto ctx = components::Context::open(inv.globals);
  std::printf("egg up: instance %s, Docker %s (API %s), manifest %s\n", ctx.instance().c_str(),
              std::string(ctx.engine.version().at("Version").as_string()).c_str(), ctx.engine.api_version().str().c_str(),
              ctx.manifest.origin.c_str());
  std::fflush(stdout);
  auto plan = converge::make_plan(ctx);  // refuses unavailable or unpinned components before any change
  if (!ctx.has_keyring()) {
    std::printf("  first run: creating the keyring (master passphrase) in %s\n", inv.globals.state_dir.c_str());
    std::fflush(stdout);
    ctx.root_key();
    seal::print_recovery_key(*ctx.new_recovery_key);
  }
  // Before converging: the signing key lands in credentials.json before Vault mirrors it.
  for (const auto& change : backup::ensure_keys(ctx)) std::printf("  backup keys: %s\n", change.c_str());
  auto sum = converge::apply(ctx, plan);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (sum.created + sum.recreated + sum.started + sum.removed + sum.init_steps == 0)
    std::printf("egg up: nothing to change, %d objects unchanged (%.1f s)\n", sum.unchanged, secs);
  else
    std::printf("egg up: %d created, %d recreated, %d started, %d removed, %d unchanged, %d init steps (%.1f s)\n",
                sum.created, sum.recreated, sum.started, sum.removed, sum.unchanged, sum.init_steps, secs);
  print_urls(ctx);
  return 0;
}

int run_plan(const cli::Invocation& inv) {
  auto ctx = components::Context::open(inv.globals);
  auto plan = converge::make_plan(ctx);
  if (inv.globals.json) {
    json::array out;
    for (const auto& d : plan.decisions)
      out.push_back(json::object{{"kind", d.kind}, {"component", d.component}, {"name", d.name},
                                 {"action", converge::to_string(d.action)}, {"reason", d.reason}});
    std::cout << core::pretty_json(json::object{{"changes", plan.changes()}, {"decisions", std::move(out)}});
    return 0;
  }
  for (const auto& d : plan.decisions)
    std::printf("  %-10s %-10s %-40s %s\n", converge::to_string(d.action).c_str(), d.kind.c_str(), d.name.c_str(),
                d.reason.c_str());
  std::printf(plan.changes() ? "egg plan: egg up would make the changes above\n" : "egg plan: nothing to change\n");
  return 0;
}

}  // namespace

cli::Command up_command() {
  cli::Command c;
  c.words = {"up"};
  c.summary = "start and initialize the foundation; a rerun changes only what differs";
  c.description =
      "Creates what is missing, recreates containers whose spec changed, starts stopped ones, and\n"
      "leaves the rest; then runs each component's init steps (roles, buckets, Vault init and\n"
      "unseal, credentials in Vault KV), each checking before it acts. The first run creates the\n"
      "keyring: it asks for a new master passphrase (see egg --help for the sources) and prints a\n"
      "recovery key once. Every step prints what it did and how long it took.";
  c.run = run_up;
  return c;
}

cli::Command plan_command() {
  cli::Command c;
  c.words = {"plan"};
  c.summary = "show what egg up would change, changing nothing";
  c.description = "Prints one decision per network, volume, image and container: create, recreate, start,\n"
                  "unchanged or remove, with the reason. --json for machines.";
  c.run = run_plan;
  return c;
}

}  // namespace egg::commands
