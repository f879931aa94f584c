// egg config check: validate the config and show the effective one, like `nginx -t`.
#include <iostream>

#include "egg/commands/registry.hpp"
#include "egg/config/config.hpp"

namespace egg::commands {

cli::Command config_check_command() {
  cli::Command c;
  c.words = {"config", "check"};
  c.summary = "validate the config and print the effective one (defaults filled in)";
  c.description =
      "Reads --config (default /etc/egg/egg.json), checks every key, and prints the config egg will\n"
      "actually use: every default filled in, --instance and --manifest applied. With --json only the\n"
      "JSON is printed, ready to save as a complete egg.json.\n"
      "\n"
      "An invalid config exits 2 with one line naming the file, the JSON pointer of the first\n"
      "problem, what is wrong and what is allowed, e.g.\n"
      "  /etc/egg/egg.json: /ports/https: port 80 clashes with /ports/http; give each published port its own number\n"
      "Fix that key and run it again. docs/config.md describes every key.";
  c.run = [](const cli::Invocation& inv) {
    auto cfg = config::load(inv.globals);
    if (!inv.globals.json) std::cout << "config OK: " << inv.globals.config_path << "\n";
    std::cout << core::pretty_json(config::to_json(cfg));
    return 0;
  };
  return c;
}

}  // namespace egg::commands
