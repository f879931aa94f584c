// sealed.egg: the outer container parser and the decrypted entry-list parser (which a bug or a
// stolen key could feed anything). Accepted entry lists must re-encode to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "egg/core/exit.hpp"
#include "egg/core/redact.hpp"
#include "egg/seal/keyring_format.hpp"
#include "egg/seal/sealed_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto sum = egg::seal::blake2b(in);
  std::string summed = std::string(in) + std::string(reinterpret_cast<const char*>(sum.data()), sum.size());
  for (std::string_view candidate : {in, std::string_view(summed)}) {
    try {
      auto c = egg::seal::parse_sealed_container(candidate, "fuzz");
      if (egg::seal::sealed_container_bytes(c) != candidate) std::abort();
    } catch (const egg::Error&) {
    }
  }
  try {
    auto entries = egg::seal::decode_entries(in, "fuzz");
    if (egg::seal::encode_entries(entries).view() != in) std::abort();
  } catch (const egg::Error&) {
  }
  egg::core::clear_registered_secrets();
  return 0;
}
