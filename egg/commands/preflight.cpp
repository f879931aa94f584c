// egg preflight [--json]: side-effect-free host checks before `egg up`.
#include <iostream>

#include "egg/commands/registry.hpp"
#include "egg/core/exit.hpp"
#include "egg/preflight/checks.hpp"

namespace egg::commands {

namespace json = core::json;

cli::Command preflight_command() {
  cli::Command c;
  c.words = {"preflight"};
  c.summary = "check the host before `egg up` (engine, disk, ports, clock, architecture, DNS, pins)";
  c.description =
      "Changes nothing. One line per check: ok, warn or fail, and what was found.\n"
      "  engine       reachable, its version and the negotiated API version\n"
      "  disk:state   free space at --state-dir (or its nearest existing parent)\n"
      "  disk:engine  free space at the engine's root dir (when the engine is local)\n"
      "               fail below 2 GiB, warn below 10 GiB\n"
      "  clock        host vs engine time (warn above 5 s); ntp: clock synchronized (warn)\n"
      "  arch         the engine's architecture vs the pinned and the local images\n"
      "  port:NAME    each published port free, or held by this instance's own container\n"
      "  dns          the domain (and extra hostnames) resolve; warn only\n"
      "  pins         every enabled component's image pinned (fail unless --allow-unpinned)\n"
      "Exit 0 without failures (warnings do not fail), 4 with any failure. --json prints an array\n"
      "of {check, status, detail}.";
  c.run = [](const cli::Invocation& inv) {
    auto cfg = config::load(inv.globals);
    auto m = manifest::load(cfg.manifest);
    auto results = preflight::run(cfg, m, {inv.globals.docker_host, inv.globals.state_dir, inv.globals.allow_unpinned});
    int fails = 0, warns = 0;
    json::array arr;
    for (const auto& r : results) {
      fails += r.status == preflight::Status::fail;
      warns += r.status == preflight::Status::warn;
      if (inv.globals.json) {
        arr.push_back(json::object{{"check", r.check}, {"status", preflight::to_string(r.status)}, {"detail", r.detail}});
        continue;
      }
      std::string s = preflight::to_string(r.status), name = r.check;
      std::cout << s << std::string(5 - s.size(), ' ') << name
                << std::string(name.size() < 14 ? 14 - name.size() : 1, ' ') << r.detail << "\n";
    }
    if (inv.globals.json)
      std::cout << core::pretty_json(arr);
    else
      std::cout << "preflight: " << results.size() - fails - warns << " ok, " << warns << " warning(s), " << fails
                << " failure(s)\n";
    return fails ? static_cast<int>(Exit::precondition) : 0;
  };
  return c;
}

}  // namespace egg::commands
