// Bech32 (BIP 173 test vectors) and age key encodings (C2SP age.md examples).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "bundle/age/bech32.hpp"
#include "bundle/age/keys.hpp"
#include "egg/core/exit.hpp"

using namespace egg::bundle::age;

TEST_CASE("age bech32: BIP 173 valid checksums") {
  for (std::string s : std::vector<std::string>{"A12UEL5L", "a12uel5l",
                        "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
                        "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
                        "11" + std::string(82, 'q') + "c8247j",
                        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "?1ezyfcl"}) {
    CAPTURE(s);
    CHECK(bech32_decode_raw(s, true).has_value());
  }
}

TEST_CASE("age bech32: BIP 173 invalid strings") {
  for (std::string s : {std::string("\x20") + "1nwldj5", std::string("\x7f") + "1axkwrx",
                        std::string("\x80") + "1eym55h",
                        std::string("an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx"),
                        std::string("pzry9x0s0muk"), std::string("1pzry9x0s0muk"), std::string("x1b4n0q5v"),
                        std::string("li1dgmt3"), std::string("de1lg7wt") + "\xff", std::string("A1G7SGD8"),
                        std::string("10a06t8"), std::string("1qzzfhee")}) {
    CAPTURE(s);
    CHECK_FALSE(bech32_decode_raw(s, true).has_value());
  }
}

TEST_CASE("age bech32: age drops the 90-character limit; mixed case is rejected") {
  const std::string long_ok = "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx";
  CHECK(bech32_decode_raw(long_ok, false).has_value());
  CHECK_FALSE(bech32_decode_raw("A12uEL5L", false).has_value());
}

TEST_CASE("age keys: the C2SP age.md example identity and recipient") {
  auto id = decode_identity("AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX");
  CHECK(encode_recipient(id.public_key) == "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj");
  CHECK(encode_identity(id) == "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX");
  CHECK(decode_recipient("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj") == id.public_key);
}

TEST_CASE("age keys: generate, encode, decode round trip; bad text is a usage error") {
  auto id = generate_identity();
  auto text = encode_identity(id);
  CHECK(text.starts_with("AGE-SECRET-KEY-1"));
  auto back = decode_identity(text);
  CHECK(back.secret == id.secret);
  CHECK(back.public_key == id.public_key);
  auto r = encode_recipient(id.public_key);
  CHECK(r.starts_with("age1"));
  CHECK(decode_recipient(r) == id.public_key);
  auto usage = [](auto f) {
    try {
      f();
    } catch (const egg::Error& e) {
      return e.code() == egg::Exit::usage;
    }
    return false;
  };
  std::string bad = r;
  bad.back() = bad.back() == 'q' ? 'p' : 'q';
  CHECK(usage([&] { decode_recipient(bad); }));
  CHECK(usage([&] { decode_recipient(text); }));       // an identity is not a recipient
  CHECK(usage([&] { decode_identity(r); }));           // and vice versa
  CHECK(usage([&] { decode_recipient("age1"); }));
  CHECK(usage([&] { decode_identity("AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEx"); }));
}
