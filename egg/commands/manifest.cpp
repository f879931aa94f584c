// egg manifest [--json]: the whole image manifest in use.
#include <iostream>

#include "egg/commands/registry.hpp"
#include "egg/manifest/manifest.hpp"

namespace egg::commands {

cli::Command manifest_command() {
  cli::Command c;
  c.words = {"manifest"};
  c.summary = "print the image manifest in use (every component and flavor)";
  c.description =
      "Prints the embedded manifest, or the one given with --manifest FILE, after validating it.\n"
      "--json prints it in the format --manifest accepts (docs/formats/manifest.md).";
  c.run = [](const cli::Invocation& inv) {
    auto m = manifest::load(inv.globals.manifest_path);
    if (inv.globals.json) {
      std::cout << core::pretty_json(m.to_json());
      return 0;
    }
    std::cout << "manifest: " << m.origin << " " << m.digest() << "\n";
    for (const auto& comp : m.components) {
      std::cout << comp.name << "\n";
      for (const auto& f : comp.flavors) {
        std::cout << "  " << f.name << (f.name == comp.default_flavor ? " (default)" : "") << "\n"
                  << "    image:  " << f.pin.image << ":" << f.pin.tag << "\n"
                  << "    digest: " << (f.pin.digest ? *f.pin.digest : "null (unpinned)") << "\n";
        if (!f.pin.source.empty()) std::cout << "    source: " << f.pin.source << "\n";
      }
    }
    return 0;
  };
  return c;
}

}  // namespace egg::commands
