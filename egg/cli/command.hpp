#pragma once
// The command table: each command is data (its words, options, help) plus a run function.
// commands/registry.cpp lists them all; there is no other registration mechanism.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace egg::cli {

struct Option {
  std::string name;     // without dashes: "kdf"
  std::string metavar;  // empty for a flag that takes no value
  std::string help;
  bool repeatable = false;
};

// Flags every command accepts (brief §1).
struct Globals {
  std::string config_path = "/etc/egg/egg.json";
  bool config_path_given = false;
  std::string state_dir = "/var/lib/egg";
  std::string instance = "egg";
  bool instance_given = false;
  std::optional<std::string> manifest_path;
  std::string docker_host;  // resolved: --docker-host, $DOCKER_HOST, unix:///var/run/docker.sock
  std::string log_format = "text";
  std::string log_level = "info";
  bool json = false;
  bool allow_unpinned = false;
  std::optional<std::string> passphrase_file;
};

struct Invocation {
  Globals globals;
  std::map<std::string, std::vector<std::string>> options;  // command options given
  std::vector<std::string> args;                            // positional arguments

  bool has(const std::string& name) const { return options.count(name) > 0; }
  std::optional<std::string> value(const std::string& name) const {
    auto it = options.find(name);
    if (it == options.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
  }
  std::vector<std::string> values(const std::string& name) const {
    auto it = options.find(name);
    return it == options.end() ? std::vector<std::string>{} : it->second;
  }
};

struct Command {
  std::vector<std::string> words;  // {"keyring", "create"}
  std::string summary;             // one line for `egg --help`
  std::string usage;               // argument synopsis after the command words
  std::string description;         // paragraphs for `egg CMD --help`
  std::vector<Option> options;
  std::size_t min_args = 0;
  std::size_t max_args = 0;
  std::function<int(const Invocation&)> run;

  std::string name() const;  // "keyring create"
};

const std::vector<Command>& all_commands();

}  // namespace egg::cli
