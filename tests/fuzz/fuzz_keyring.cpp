// keyring.egg parser: never crashes, never reads out of bounds, and anything it accepts
// re-serialises to exactly the same bytes (the format has one encoding per keyring).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "egg/core/exit.hpp"
#include "egg/seal/keyring_format.hpp"

namespace {

void check(std::string_view in) {
  try {
    auto k = egg::seal::parse_keyring(in, "fuzz");
    if (egg::seal::keyring_bytes(k) != in) std::abort();
    for (const auto& s : k.slots)
      if (s.type == egg::seal::SlotType::passphrase && !egg::seal::kdf_params_acceptable(s.kdf)) std::abort();
  } catch (const egg::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  check(in);
  // Also with a valid checksum appended, so mutations reach the field parser behind it.
  auto sum = egg::seal::blake2b(in);
  check(in + std::string(reinterpret_cast<const char*>(sum.data()), sum.size()));
  return 0;
}
