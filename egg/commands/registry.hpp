#pragma once
// One function per command file; registry.cpp lists them in the order `egg --help` shows them.
#include <vector>

#include "egg/cli/command.hpp"

namespace egg::commands {

cli::Command version_command();
cli::Command manifest_command();
cli::Command init_command();
cli::Command config_check_command();

}  // namespace egg::commands
