#include "bundle/age/hkdf.hpp"

#include <sodium.h>

#include <stdexcept>

namespace egg::bundle::age {

std::array<unsigned char, 32> hkdf_extract(std::span<const unsigned char> salt,
                                           std::span<const unsigned char> ikm) {
  std::array<unsigned char, 32> prk{};
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, salt.data(), salt.size());
  crypto_auth_hmacsha256_update(&st, ikm.data(), ikm.size());
  crypto_auth_hmacsha256_final(&st, prk.data());
  sodium_memzero(&st, sizeof st);
  return prk;
}

std::vector<unsigned char> hkdf_expand(std::span<const unsigned char> prk,
                                       std::span<const unsigned char> info, std::size_t length) {
  if (length > 255 * 32) throw std::invalid_argument("hkdf: output too long");
  std::vector<unsigned char> out;
  out.reserve(length);
  unsigned char t[32];
  std::size_t tlen = 0;
  for (unsigned char i = 1; out.size() < length; ++i) {
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, prk.data(), prk.size());
    crypto_auth_hmacsha256_update(&st, t, tlen);
    crypto_auth_hmacsha256_update(&st, info.data(), info.size());
    crypto_auth_hmacsha256_update(&st, &i, 1);
    crypto_auth_hmacsha256_final(&st, t);
    sodium_memzero(&st, sizeof st);
    tlen = 32;
    for (std::size_t k = 0; k < 32 && out.size() < length; ++k) out.push_back(t[k]);
  }
  sodium_memzero(t, sizeof t);
  return out;
}

void hkdf_sha256(std::span<const unsigned char> ikm, std::span<const unsigned char> salt,
                 std::string_view info, std::span<unsigned char> out) {
  auto prk = hkdf_extract(salt, ikm);
  auto okm = hkdf_expand(prk, {reinterpret_cast<const unsigned char*>(info.data()), info.size()},
                         out.size());
  std::copy(okm.begin(), okm.end(), out.begin());
  sodium_memzero(prk.data(), prk.size());
  sodium_memzero(okm.data(), okm.size());
}

}  // namespace egg::bundle::age
