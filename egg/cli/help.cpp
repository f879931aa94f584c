#include "egg/cli/help.hpp"

#include <algorithm>

namespace egg::cli {
namespace {

constexpr const char* kGlobalFlags = R"(Global flags (any command):
  --config PATH          config file (default /etc/egg/egg.json)
  --state-dir DIR        state directory (default /var/lib/egg)
  --instance NAME        instance name; objects are named NAME-COMPONENT (default egg)
  --manifest FILE        image manifest to use instead of the embedded one
  --allow-unpinned       allow images whose digest is unknown (null) in the manifest
  --docker-host URL      Docker Engine (default $DOCKER_HOST or unix:///var/run/docker.sock)
  --passphrase-file F    read the master passphrase from F
  --log-format text|json log format on stderr (default text)
  --log-level LEVEL      trace, debug, info, warn, error, off (default info)
  --json                 machine-readable output on reading commands
  -h, --help             help for egg or for a command
)";

constexpr const char* kExitCodes = R"(Exit codes:
  0  ok
  1  operation failed
  2  usage or config error
  3  authentication failed (wrong passphrase, tampered or foreign sealed data)
  4  precondition failed (engine unreachable, port busy, disk low, unsafe permissions)
  5  verification failed (corrupt or incomplete bundle)
)";

constexpr const char* kPassphraseSources = R"(Passphrase sources, first found wins: --passphrase-file F, $EGG_PASSPHRASE_FILE,
the systemd credential $CREDENTIALS_DIRECTORY/egg-passphrase, an interactive terminal.
)";

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s + "  " : s + std::string(width - s.size(), ' ');
}

}  // namespace

std::string main_help(const std::vector<Command>& commands) {
  std::string out =
      "egg hatches a self-hosted foundation (PostgreSQL, S3, Vault API, Forgejo, Caddy) on one\n"
      "Docker host, and rebuilds it anywhere from one backup bundle and one passphrase.\n\n"
      "Usage: egg [global flags] COMMAND [options] [args]\n\nCommands:\n";
  std::size_t width = 0;
  for (const auto& c : commands) width = std::max(width, c.name().size() + 2);
  for (const auto& c : commands) out += "  " + pad(c.name(), width) + c.summary + "\n";
  out += "\n";
  out += kGlobalFlags;
  out += "\n";
  out += kPassphraseSources;
  out += "\n";
  out += kExitCodes;
  out += "\nRun 'egg COMMAND --help' for a command's options.\n";
  return out;
}

std::string command_help(const Command& c) {
  std::string out = "Usage: egg " + c.name();
  if (!c.options.empty()) out += " [options]";
  if (!c.usage.empty()) out += " " + c.usage;
  out += "\n\n" + c.summary + "\n";
  if (!c.description.empty()) out += "\n" + c.description + "\n";
  if (!c.options.empty()) {
    out += "\nOptions:\n";
    std::size_t width = 0;
    for (const auto& o : c.options)
      width = std::max(width, o.name.size() + o.metavar.size() + 5);
    for (const auto& o : c.options) {
      std::string left = "--" + o.name + (o.metavar.empty() ? "" : " " + o.metavar);
      out += "  " + pad(left, width) + o.help + (o.repeatable ? " (repeatable)" : "") + "\n";
    }
  }
  out += "\n";
  out += kGlobalFlags;
  out += "\n";
  out += kExitCodes;
  return out;
}

std::string group_help(const std::string& group, const std::vector<Command>& commands) {
  std::string out = "Usage: egg " + group + " SUBCOMMAND [options]\n\nSubcommands:\n";
  std::size_t width = 0;
  for (const auto& c : commands)
    if (!c.words.empty() && c.words[0] == group) width = std::max(width, c.name().size() + 2);
  for (const auto& c : commands)
    if (!c.words.empty() && c.words[0] == group) out += "  " + pad(c.name(), width) + c.summary + "\n";
  out += "\nRun 'egg " + group + " SUBCOMMAND --help' for details.\n";
  return out;
}

}  // namespace egg::cli
