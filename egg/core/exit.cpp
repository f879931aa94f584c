#include "egg/core/exit.hpp"

#include "egg/core/redact.hpp"

namespace egg {

Error::Error(Exit code, const std::string& message)
    : std::runtime_error(core::redact(message)), code_(code) {}

}  // namespace egg
