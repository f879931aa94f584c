// egg status: each component's state, health, image and (Vault) seal; exit 0 only if all healthy.
#include <cstdio>
#include <iostream>

#include "egg/commands/registry.hpp"
#include "egg/converge/status.hpp"

namespace egg::commands {
namespace json = core::json;

cli::Command status_command() {
  cli::Command c;
  c.words = {"status"};
  c.summary = "show each component's state, health, image and Vault's seal; exit 0 only if all healthy";
  c.description = "Needs no passphrase. Exit 0 when every enabled component runs healthy on its pinned image\n"
                  "and Vault is unsealed; 1 otherwise (the detail column says what to do).";
  c.run = [](const cli::Invocation& inv) {
    auto ctx = components::Context::open(inv.globals);
    auto all = converge::collect_status(ctx);
    bool healthy = converge::all_healthy(all);
    auto last_backup = ctx.st.extra.if_contains("last_backup");
    // The S3 store on this VM dies with it: a warning until a copy leaves the host.
    json::array warnings;
    bool offsite = false;
    for (const auto& d : ctx.cfg.backup.destinations)
      offsite |= d.type == config::BackupType::s3 || d.type == config::BackupType::directory;
    if (!offsite)
      warnings.emplace_back("no offsite backup destination: bundles stay on this host, which a lost VM takes with it; "
                            "add an s3 or directory destination to backup.destinations (docs/config.md)");
    if (inv.globals.json) {
      json::array comps;
      for (const auto& s : all) comps.push_back(converge::to_json(s));
      std::cout << core::pretty_json(json::object{{"instance", ctx.instance()},
                                                  {"healthy", healthy},
                                                  {"components", std::move(comps)},
                                                  {"last_backup", last_backup ? *last_backup : json::value(nullptr)},
                                                  {"warnings", warnings}});
    } else {
      std::printf("instance %s\n", ctx.instance().c_str());
      for (const auto& s : all) {
        std::string health = s.health.empty() ? "-" : s.health;
        std::string image = !s.digest_matches ? "-" : (*s.digest_matches ? "pinned" : "NOT pinned");
        std::string seal = s.sealed ? (*s.sealed ? "sealed" : "unsealed") : "";
        std::printf("  %-9s %-5s %-10s %-10s %-10s %-9s %s\n", s.component.c_str(), s.healthy ? "ok" : "FAIL",
                    s.state.c_str(), health.c_str(), image.c_str(), seal.c_str(), s.detail.c_str());
      }
      std::printf("last backup: %s\n", last_backup ? json::serialize(*last_backup).c_str() : "never");
      for (const auto& w : warnings) std::printf("warning: %s\n", std::string(w.as_string()).c_str());
      std::printf(healthy ? "status: healthy\n" : "status: NOT healthy\n");
    }
    return healthy ? 0 : 1;
  };
  return c;
}

}  // namespace egg::commands
