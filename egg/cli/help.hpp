#pragma once
#include <string>
#include <vector>

#include "egg/cli/command.hpp"

namespace egg::cli {

std::string main_help(const std::vector<Command>& commands);
std::string command_help(const Command& command);
// "keyring" alone: the list of its subcommands.
std::string group_help(const std::string& group, const std::vector<Command>& commands);

}  // namespace egg::cli
