#pragma once
// HKDF-SHA-256 (RFC 5869) built from libsodium's HMAC-SHA-256 (crypto_auth_hmacsha256_*).
// age uses it with a 32-byte output everywhere (C2SP age.md, "Conventions"); the general form is
// kept so RFC 5869's own test cases (tests/unit/age_hkdf_test.cpp) can prove it.
#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace egg::bundle::age {

// HKDF-Extract(salt, ikm) -> PRK (32 bytes). An empty salt is HMAC with a zero-length key, which
// RFC 5869 §2.2 defines as equivalent to 32 zero bytes.
std::array<unsigned char, 32> hkdf_extract(std::span<const unsigned char> salt,
                                           std::span<const unsigned char> ikm);
// HKDF-Expand(prk, info, length); length <= 255 * 32.
std::vector<unsigned char> hkdf_expand(std::span<const unsigned char> prk,
                                       std::span<const unsigned char> info, std::size_t length);
// Extract then Expand; `out` receives out.size() bytes.
void hkdf_sha256(std::span<const unsigned char> ikm, std::span<const unsigned char> salt,
                 std::string_view info, std::span<unsigned char> out);

}  // namespace egg::bundle::age
