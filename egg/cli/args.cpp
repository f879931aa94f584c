#include "egg/cli/args.hpp"

#include <algorithm>

#include "egg/core/exit.hpp"

namespace egg::cli {
namespace {

struct GlobalOption {
  const char* name;
  bool takes_value;
};

constexpr GlobalOption kGlobalOptions[] = {
    {"config", true},     {"state-dir", true},  {"instance", true},       {"manifest", true},
    {"docker-host", true}, {"log-format", true}, {"log-level", true},      {"json", false},
    {"allow-unpinned", false}, {"passphrase-file", true},
};

const GlobalOption* find_global(const std::string& name) {
  for (const auto& g : kGlobalOptions)
    if (name == g.name) return &g;
  return nullptr;
}

void set_global(Globals& g, const std::string& name, const std::string& value) {
  if (name == "config") {
    g.config_path = value;
    g.config_path_given = true;
  } else if (name == "state-dir") {
    g.state_dir = value;
  } else if (name == "instance") {
    g.instance = value;
    g.instance_given = true;
  } else if (name == "manifest") {
    g.manifest_path = value;
  } else if (name == "docker-host") {
    g.docker_host = value;
  } else if (name == "log-format") {
    if (value != "text" && value != "json")
      throw Error(Exit::usage, "--log-format must be text or json, not '" + value + "'");
    g.log_format = value;
  } else if (name == "log-level") {
    g.log_level = value;
  } else if (name == "json") {
    g.json = true;
  } else if (name == "allow-unpinned") {
    g.allow_unpinned = true;
  } else if (name == "passphrase-file") {
    g.passphrase_file = value;
  }
}

bool is_prefix(const std::vector<std::string>& prefix, const std::vector<std::string>& words) {
  return prefix.size() <= words.size() && std::equal(prefix.begin(), prefix.end(), words.begin());
}

std::string help_hint(const Command* c) {
  return c ? "; see: egg " + c->name() + " --help" : "; see: egg --help";
}

}  // namespace

Parsed parse_args(const std::vector<std::string>& argv, const std::vector<Command>& commands) {
  Parsed parsed;
  std::vector<std::string> words;
  bool words_open = true;  // still reading command words
  bool options_done = false;

  auto resolve = [&]() -> const Command* {
    for (const auto& c : commands)
      if (c.words == words) return &c;
    return nullptr;
  };
  auto extends_some_command = [&](const std::string& word) {
    auto candidate = words;
    candidate.push_back(word);
    return std::any_of(commands.begin(), commands.end(),
                       [&](const Command& c) { return is_prefix(candidate, c.words); });
  };

  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& tok = argv[i];
    bool is_option = !options_done && tok.size() > 1 && tok[0] == '-';
    if (!is_option) {
      if (words_open && extends_some_command(tok)) {
        words.push_back(tok);
        continue;
      }
      if (words_open && words.empty())
        throw Error(Exit::usage, "unknown command '" + tok + "'; see: egg --help");
      words_open = false;
      parsed.command = resolve();
      if (!parsed.command) {
        std::string group;
        for (const auto& w : words) group += (group.empty() ? "" : " ") + w;
        throw Error(Exit::usage, "unknown command 'egg " + group + " " + tok + "'; see: egg " + group + " --help");
      }
      parsed.invocation.args.push_back(tok);
      continue;
    }
    if (tok == "--") {
      options_done = true;
      continue;
    }
    if (tok == "-h" || tok == "--help") {
      parsed.help = true;
      continue;
    }
    if (tok == "--version") {
      parsed.version = true;
      continue;
    }
    if (tok.rfind("--", 0) != 0)
      throw Error(Exit::usage, "unknown option '" + tok + "'" + help_hint(resolve()));

    std::string name = tok.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto take_value = [&](const std::string& what) -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= argv.size())
        throw Error(Exit::usage, "option --" + name + " needs a value (" + what + ")" + help_hint(resolve()));
      return argv[++i];
    };

    if (const GlobalOption* g = find_global(name)) {
      if (!g->takes_value && inline_value)
        throw Error(Exit::usage, "option --" + name + " takes no value");
      set_global(parsed.invocation.globals, name, g->takes_value ? take_value(name) : "");
      continue;
    }
    // A command option: the command words end here.
    words_open = false;
    const Command* cmd = resolve();
    if (!cmd) {
      if (words.empty()) throw Error(Exit::usage, "unknown option '" + tok + "'; see: egg --help");
      throw Error(Exit::usage, "unknown option '" + tok + "'" + help_hint(nullptr));
    }
    parsed.command = cmd;
    auto opt = std::find_if(cmd->options.begin(), cmd->options.end(),
                            [&](const Option& o) { return o.name == name; });
    if (opt == cmd->options.end())
      throw Error(Exit::usage, "unknown option '--" + name + "' for 'egg " + cmd->name() + "'" + help_hint(cmd));
    std::string value;
    if (!opt->metavar.empty()) {
      value = take_value(opt->metavar);
    } else if (inline_value) {
      throw Error(Exit::usage, "option --" + name + " takes no value" + help_hint(cmd));
    }
    auto& slot = parsed.invocation.options[name];
    if (!slot.empty() && !opt->repeatable)
      throw Error(Exit::usage, "option --" + name + " given more than once" + help_hint(cmd));
    slot.push_back(value);
  }

  if (!words.empty() && !parsed.command) parsed.command = resolve();
  if (!words.empty() && !parsed.command && !parsed.help) {
    std::string group;
    for (const auto& w : words) group += (group.empty() ? "" : " ") + w;
    throw Error(Exit::usage, "'egg " + group + "' needs a subcommand; see: egg " + group + " --help");
  }
  if (parsed.command && !parsed.help) {
    const auto& c = *parsed.command;
    auto n = parsed.invocation.args.size();
    if (n < c.min_args || n > c.max_args) {
      std::string expect = c.min_args == c.max_args
                               ? std::to_string(c.min_args)
                               : std::to_string(c.min_args) + " to " + std::to_string(c.max_args);
      throw Error(Exit::usage, "'egg " + c.name() + "' takes " + expect + " argument(s), got " +
                                   std::to_string(n) + "; usage: egg " + c.name() +
                                   (c.usage.empty() ? "" : " " + c.usage));
    }
  }
  return parsed;
}

}  // namespace egg::cli
