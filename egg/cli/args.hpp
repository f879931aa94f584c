#pragma once
#include <string>
#include <vector>

#include "egg/cli/command.hpp"

namespace egg::cli {

struct Parsed {
  const Command* command = nullptr;  // null: no command words given
  bool help = false;                 // --help / -h anywhere
  bool version = false;              // --version
  Invocation invocation;
};

// Parses argv against the command table. Global flags may stand before or after the command
// words. Errors throw Error(Exit::usage) naming the offending argument and where to get help.
Parsed parse_args(const std::vector<std::string>& argv, const std::vector<Command>& commands);

}  // namespace egg::cli
