// egg's entry point: parse, set up logging, run one command, map errors to exit codes.
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "egg/cli/args.hpp"
#include "egg/cli/help.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/log.hpp"
#include "egg/core/redact.hpp"

namespace {

void print_error(const std::string& message) {
  // Before logging is configured (a bad flag) fall back to plain stderr; redaction still applies.
  if (spdlog::default_logger_raw() && spdlog::default_logger_raw()->name() == "egg")
    spdlog::error("{}", message);
  else
    std::fprintf(stderr, "egg: error: %s\n", egg::core::redact(message).c_str());
}

int run(int argc, char** argv) {
  using namespace egg;
  std::vector<std::string> args(argv + 1, argv + argc);
  const auto& commands = cli::all_commands();
  cli::Parsed parsed = cli::parse_args(args, commands);
  auto& g = parsed.invocation.globals;

  core::setup_logging(g.log_format == "json" ? core::LogFormat::json : core::LogFormat::text, g.log_level);
  if (g.docker_host.empty()) {
    const char* env = std::getenv("DOCKER_HOST");
    g.docker_host = env && *env ? env : "unix:///var/run/docker.sock";
  }

  if (parsed.help || (!parsed.command && !parsed.version)) {
    if (parsed.command) {
      std::cout << cli::command_help(*parsed.command);
    } else if (!args.empty() && args[0][0] != '-') {
      std::cout << cli::group_help(args[0], commands);
    } else {
      std::cout << cli::main_help(commands);
      if (!parsed.help) return static_cast<int>(Exit::usage);
    }
    return 0;
  }
  if (parsed.version && !parsed.command) {
    for (const auto& c : commands)
      if (c.name() == "version") return c.run(parsed.invocation);
  }
  return parsed.command->run(parsed.invocation);
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) {
    std::fprintf(stderr, "egg: error: libsodium failed to initialise\n");
    return 1;
  }
  try {
    int rc = run(argc, argv);
    std::cout.flush();
    return rc;
  } catch (const egg::Error& e) {
    std::cout.flush();
    print_error(e.what());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cout.flush();
    print_error(std::string("unexpected error: ") + e.what());
    return 1;
  }
}
