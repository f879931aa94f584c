// egg manifest lock [--registry URL] [--output FILE]: resolve every tag to a digest and write a
// whole manifest that --manifest accepts.
#include <iostream>

#include "egg/commands/registry.hpp"
#include "egg/core/files.hpp"
#include "egg/manifest/manifest.hpp"
#include "egg/registry/lock.hpp"

namespace egg::commands {

cli::Command manifest_lock_command() {
  cli::Command c;
  c.words = {"manifest", "lock"};
  c.summary = "resolve every component image's tag to a digest through the registry v2 API";
  c.description =
      "For every component flavor of the manifest in use (embedded, or --manifest FILE), asks the\n"
      "registry for the tag's manifest digest (HEAD /v2/NAME/manifests/TAG, Docker-Content-Digest)\n"
      "and the image id of each platform behind it, and writes the resulting whole manifest to\n"
      "--output FILE (default stdout). An image the registry does not have keeps its previous pin\n"
      "and is reported on stderr. --registry URL asks that registry for every image instead of each\n"
      "image's own (a mirror; http://HOST:PORT for a plain-http one). Public images only: anonymous\n"
      "access and anonymous bearer tokens (Docker Hub). An unreachable registry exits 4 and writes\n"
      "nothing. See docs/airgap.md.";
  c.options = {{"registry", "URL", "ask this registry for every image (a mirror)"},
               {"output", "FILE", "write the manifest here (atomically) instead of stdout"}};
  c.run = [](const cli::Invocation& inv) {
    auto m = manifest::load(inv.globals.manifest_path);
    auto override_url = inv.value("registry");
    std::vector<registry::LockResult> report;
    std::string source = "egg manifest lock" + (override_url ? " --registry " + *override_url : std::string());
    auto locked = registry::lock(m, registry::registry_resolver(override_url), report, source);

    std::size_t missing = 0;
    for (const auto& r : report) {
      std::string what = r.component + "/" + r.flavor + " " + r.reference;
      switch (r.status) {
        case registry::LockResult::Status::changed:
          std::cerr << "locked    " << what << " -> " << *r.new_digest
                    << (r.old_digest ? " (was " + *r.old_digest + ")" : std::string(" (was null)")) << "\n";
          break;
        case registry::LockResult::Status::unchanged:
          std::cerr << "unchanged " << what << " " << *r.new_digest << "\n";
          break;
        case registry::LockResult::Status::missing:
          ++missing;
          std::cerr << "missing   " << what << ": not in the registry; keeps "
                    << (r.old_digest ? *r.old_digest : std::string("digest null")) << "\n";
          break;
      }
    }
    std::cerr << "manifest lock: " << report.size() - missing << " of " << report.size() << " images resolved";
    if (missing) std::cerr << "; " << missing << " kept their previous pin";
    std::cerr << "\n";

    std::string text = core::pretty_json(locked.to_json());
    if (auto out = inv.value("output")) {
      core::write_file_atomic(*out, text, 0644);  // pins are public data, meant to be shared
      std::cerr << "wrote " << *out << " (" << locked.digest() << "); use it with --manifest " << *out << "\n";
    } else {
      std::cout << text;
    }
    return 0;
  };
  return c;
}

}  // namespace egg::commands
