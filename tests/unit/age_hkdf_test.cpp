// HKDF-SHA-256 from libsodium's HMAC-SHA-256, proved with RFC 5869 Appendix A test cases 1-3.
#include <doctest/doctest.h>
#include <sodium.h>

#include <string>
#include <vector>

#include "bundle/age/hkdf.hpp"

using namespace egg::bundle::age;

namespace {
std::vector<unsigned char> hex(std::string_view h) {
  std::vector<unsigned char> out(h.size() / 2);
  size_t n = 0;
  REQUIRE(sodium_hex2bin(out.data(), out.size(), h.data(), h.size(), nullptr, &n, nullptr) == 0);
  out.resize(n);
  return out;
}
std::vector<unsigned char> range(int from, int to) {
  std::vector<unsigned char> v;
  for (int i = from; i <= to; ++i) v.push_back(static_cast<unsigned char>(i));
  return v;
}
void check_case(const std::vector<unsigned char>& ikm, const std::vector<unsigned char>& salt,
                const std::vector<unsigned char>& info, std::string_view prk_hex, std::string_view okm_hex) {
  auto prk = hkdf_extract(salt, ikm);
  CHECK(std::vector<unsigned char>(prk.begin(), prk.end()) == hex(prk_hex));
  auto okm = hkdf_expand(prk, info, okm_hex.size() / 2);
  CHECK(okm == hex(okm_hex));
  std::vector<unsigned char> okm2(okm_hex.size() / 2);
  hkdf_sha256(ikm, salt, std::string_view(reinterpret_cast<const char*>(info.data()), info.size()), okm2);
  CHECK(okm2 == hex(okm_hex));
}
}  // namespace

TEST_CASE("age hkdf: RFC 5869 test case 1 (basic)") {
  check_case(std::vector<unsigned char>(22, 0x0b), range(0x00, 0x0c), range(0xf0, 0xf9),
             "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
             "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST_CASE("age hkdf: RFC 5869 test case 2 (long inputs, 82-byte output)") {
  check_case(range(0x00, 0x4f), range(0x60, 0xaf), range(0xb0, 0xff),
             "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
             "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
             "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
             "cc30c58179ec3e87c14c01d5c1f3434f1d87");
}

TEST_CASE("age hkdf: RFC 5869 test case 3 (empty salt and info)") {
  check_case(std::vector<unsigned char>(22, 0x0b), {}, {},
             "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
             "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}
