// egg images load FILE: load an air-gap image archive into the engine and check every loaded
// image against the manifest in use.
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "egg/airgap/verify.hpp"
#include "egg/commands/registry.hpp"
#include "egg/config/config.hpp"
#include "egg/engine/client.hpp"
#include "egg/engine/images.hpp"

namespace egg::commands {

namespace json = core::json;

namespace {

// --manifest FILE, else the config's `manifest` when a config file exists, else the embedded one.
manifest::Manifest manifest_in_use(const cli::Globals& g) {
  if (g.manifest_path) return manifest::load(g.manifest_path);
  struct stat st {};
  if (::stat(g.config_path.c_str(), &st) == 0) return manifest::load(config::load(g).manifest);
  return manifest::load_embedded();
}

}  // namespace

cli::Command images_load_command() {
  cli::Command c;
  c.words = {"images", "load"};
  c.usage = "FILE";
  c.min_args = 1;
  c.max_args = 1;
  c.summary = "load an air-gap image archive (docker save format) and check it against the manifest";
  c.description =
      "Streams FILE (a tar written by `docker save`, optionally compressed as the engine accepts)\n"
      "into the engine's images/load, then checks each loaded image against the manifest in use:\n"
      "  match            its id is one the manifest records for a pin (`ids`, written by\n"
      "                   `egg manifest lock`), or the engine still shows the pinned digest\n"
      "  unverified       it carries a pinned repo:tag, but the manifest records no ids and the\n"
      "                   engine shows no digest after a load (moby#22011): warning\n"
      "  mismatch         it carries a pinned repo:tag but its id is not the pinned image's\n"
      "  not-in-manifest  no pin refers to it: warning\n"
      "Exit 0 when nothing mismatches, 5 when an image contradicts its pin (it stays loaded, but it\n"
      "is not the pinned image), 4 when the engine is unreachable. See docs/airgap.md.";
  c.run = [](const cli::Invocation& inv) {
    namespace fs = std::filesystem;
    const fs::path file = inv.args[0];
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
      throw Error(Exit::usage, file.string() + ": no such image archive (a file written by `docker save`)");
    auto m = manifest_in_use(inv.globals);
    auto engine = engine::Engine::connect(inv.globals.docker_host);

    auto t0 = std::chrono::steady_clock::now();
    std::cerr << "loading " << file.string() << " (" << fs::file_size(file, ec) / (1024 * 1024) << " MiB) into "
              << engine.host() << "\n";
    auto loaded = engine::load_images(engine, file);
    auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cerr << "loaded " << loaded.size() << " image(s) in " << std::fixed << std::setprecision(1) << secs << " s\n";

    json::array out;
    int mismatches = 0, warnings = 0;
    for (const auto& img : loaded) {
      auto inspect = engine::inspect_image(engine, img.id).value_or(json::value(nullptr));
      auto check = airgap::check_loaded(img.ref, img.id, inspect, m);
      if (check.verdict == airgap::Verdict::mismatch) ++mismatches;
      if (check.verdict == airgap::Verdict::unverified || check.verdict == airgap::Verdict::not_in_manifest)
        ++warnings;
      if (inv.globals.json) {
        json::array pins;
        for (const auto& p : check.pins) pins.emplace_back(p);
        out.push_back(json::object{{"ref", check.ref}, {"id", check.id}, {"result", airgap::to_string(check.verdict)},
                                   {"pins", std::move(pins)}, {"detail", check.detail}});
      } else {
        const char* mark = check.verdict == airgap::Verdict::match      ? "ok  "
                           : check.verdict == airgap::Verdict::mismatch ? "FAIL"
                                                                         : "warn";
        std::cout << mark << "  " << check.ref << ": " << check.detail << "\n";
      }
    }
    if (inv.globals.json) std::cout << core::pretty_json(out);
    else
      std::cout << loaded.size() << " loaded: " << loaded.size() - mismatches - warnings << " match the manifest, "
                << warnings << " warning(s), " << mismatches << " mismatch(es) (manifest " << m.origin << ")\n";
    if (mismatches)
      throw Error(Exit::verify, std::to_string(mismatches) +
                                    " loaded image(s) carry a pinned tag but are not the pinned image (they stay "
                                    "loaded); check where the archive came from");
    return 0;
  };
  return c;
}

}  // namespace egg::commands
