// Recovery-key text parser: never crashes; an accepted text decodes to a key whose canonical
// form parses back to the same key.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "egg/core/exit.hpp"
#include "egg/core/redact.hpp"
#include "egg/seal/recovery_key.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    auto key = egg::seal::parse_recovery_key(in);
    if (key.size() != egg::seal::kRecoveryKeyBytes) std::abort();
    if (!(egg::seal::parse_recovery_key(egg::seal::format_recovery_key(key)) == key)) std::abort();
  } catch (const egg::Error&) {
  }
  egg::core::clear_registered_secrets();  // the registry would otherwise grow with every input
  return 0;
}
