// egg version [--json]: egg's version, commit, and every component's pinned image.
#include <iostream>

#include "egg/commands/registry.hpp"
#include "egg/core/build_info.hpp"
#include "egg/manifest/manifest.hpp"

namespace egg::commands {

namespace json = core::json;

cli::Command version_command() {
  cli::Command c;
  c.words = {"version"};
  c.summary = "print egg's version, commit and the pinned image of every component";
  c.description =
      "Lists each component's default flavor with its image and digest from the manifest in use\n"
      "(the embedded one, or --manifest FILE). A digest of null means no authoritative pin is known.";
  c.run = [](const cli::Invocation& inv) {
    auto m = manifest::load(inv.globals.manifest_path);
    if (inv.globals.json) {
      json::object images;
      for (const auto& comp : m.components) {
        const auto& pin = m.pin(comp.name);
        images[comp.name] = json::object{
            {"flavor", comp.default_flavor}, {"image", pin.image}, {"tag", pin.tag},
            {"digest", pin.digest ? json::value(*pin.digest) : json::value(nullptr)}};
      }
      json::object out{{"version", core::kVersion}, {"commit", core::kCommit},
                       {"manifest", m.origin}, {"manifest_digest", m.digest()},
                       {"components", std::move(images)}};
      std::cout << core::pretty_json(out);
      return 0;
    }
    std::cout << "egg " << core::kVersion << " (commit " << core::kCommit << ")\n";
    std::cout << "manifest: " << m.origin << " " << m.digest() << "\n";
    for (const auto& comp : m.components) {
      const auto& pin = m.pin(comp.name);
      std::string name = comp.name + " (" + comp.default_flavor + ")";
      std::cout << "  " << name << std::string(name.size() < 28 ? 28 - name.size() : 1, ' ') << pin.image
                << ":" << pin.tag << " " << (pin.digest ? *pin.digest : "digest: null (unpinned)") << "\n";
    }
    return 0;
  };
  return c;
}

}  // namespace egg::commands
