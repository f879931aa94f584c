// egg evidence: a timestamped JSON record of versions, digests, health and host facts.
#include <sys/utsname.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "egg/commands/registry.hpp"
#include "egg/state/evidence.hpp"
#include "egg/converge/status.hpp"
#include "egg/core/build_info.hpp"
#include "egg/core/files.hpp"
#include "egg/core/redact.hpp"
#include "egg/state/state.hpp"

namespace egg::commands {
namespace json = core::json;

cli::Command evidence_command() {
  cli::Command c;
  c.words = {"evidence"};
  c.summary = "write a timestamped JSON evidence file: versions, digests, health, host facts";
  c.description = "Writes <state-dir>/evidence/<UTC time>-status.json (secrets redacted) and prints its path;\n"
                  "--json prints the record too.";
  c.run = [](const cli::Invocation& inv) {
    auto ctx = components::Context::open(inv.globals);
    auto all = converge::collect_status(ctx);
    bool healthy = converge::all_healthy(all);
    json::array comps;
    for (const auto& s : all) comps.push_back(converge::to_json(s));
    utsname u{};
    ::uname(&u);
    std::string now = state::utc_now_iso();
    json::object doc{
        {"kind", "status"},
        {"time", now},
        {"egg", json::object{{"version", core::kVersion}, {"commit", core::kCommit}}},
        {"instance", json::object{{"name", ctx.instance()}, {"id", ctx.st.instance_id}}},
        {"manifest", json::object{{"origin", ctx.manifest.origin}, {"digest", ctx.manifest.digest()}}},
        {"engine", json::object{{"version", ctx.engine.version().at("Version")},
                                {"api", ctx.engine.api_version().str()},
                                {"arch", ctx.engine.version().at("Arch")}}},
        {"host", json::object{{"kernel", std::string(u.sysname) + " " + u.release}, {"machine", u.machine},
                              {"hostname", u.nodename}}},
        {"healthy", healthy},
        {"components", std::move(comps)},
        {"vault", ctx.st.vault ? json::value(json::object{{"cluster_id", ctx.st.vault->cluster_id},
                                                          {"shares", ctx.st.vault->shares},
                                                          {"threshold", ctx.st.vault->threshold}})
                               : json::value(nullptr)}};
    auto path = state::write_evidence(inv.globals.state_dir, "status", now, doc);
    std::string text = core::read_file(path);
    if (inv.globals.json) std::cout << text;
    std::printf("evidence written: %s\n", path.c_str());
    return 0;
  };
  return c;
}

}  // namespace egg::commands
