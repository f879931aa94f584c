#include "egg/cli/command.hpp"

namespace egg::cli {

std::string Command::name() const {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace egg::cli
