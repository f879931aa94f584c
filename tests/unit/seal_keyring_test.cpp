// keyring.egg: round trips, wrong credentials, slot changes, and that every changed or missing
// byte is detected, whichever slot opens the file.
#include <doctest/doctest.h>
#include <sodium.h>

#include <chrono>
#include <string>

#include "egg/core/exit.hpp"
#include "egg/seal/bytes.hpp"
#include "egg/seal/keyring.hpp"
#include "egg/seal/recovery_key.hpp"
#include "tests/support/errors.hpp"

using namespace egg;
using seal::KdfLevel;

namespace {

constexpr const char* kPass = "correct horse battery staple";

using test::code_of;

// The reference keyring for the tamper tests, created once (Argon2id INTERACTIVE).
struct Fixture {
  seal::Keyring::Created c = seal::Keyring::create(kPass, KdfLevel::interactive, "k.egg");
};
Fixture& fixture() {
  static Fixture f;
  return f;
}

// Rewrites the checksum so only the keyed MAC / AEADs can notice a change (a deliberate attacker).
std::string fix_checksum(std::string bytes) {
  auto body = std::string_view(bytes).substr(0, bytes.size() - 32);
  auto sum = seal::blake2b(body);
  bytes.replace(bytes.size() - 32, 32, reinterpret_cast<const char*>(sum.data()), 32);
  return bytes;
}

}  // namespace

TEST_CASE("keyring: create, serialise, open with passphrase and recovery key") {
  auto& c = fixture().c;
  CHECK(c.root_key.size() == 32);
  CHECK(c.keyring.slots().size() == 2);
  auto k = seal::Keyring::parse(c.keyring.bytes(), "k.egg");
  CHECK(k.bytes().size() == 19 + 109 + 77 + 64);
  CHECK(k.open_with_passphrase(kPass).root_key == c.root_key);
  CHECK(k.open_with_recovery_key(c.recovery_key).root_key == c.root_key);
}

TEST_CASE("keyring: wrong passphrase and wrong recovery key are exit 3 with the issue's wording") {
  auto k = seal::Keyring::parse(fixture().c.keyring.bytes(), "/x/keyring.egg");
  std::string msg;
  CHECK(code_of([&] { k.open_with_passphrase("not the passphrase at all"); }, &msg) == Exit::auth);
  CHECK(msg == "the passphrase does not open /x/keyring.egg");
  CHECK(code_of([&] { k.open_with_recovery_key(seal::new_recovery_key()); }, &msg) == Exit::auth);
  CHECK(msg == "the recovery key does not open /x/keyring.egg");
}

TEST_CASE("keyring: add a slot, remove the old one; recovery key still opens") {
  auto& c = fixture().c;
  auto k = seal::Keyring::parse(c.keyring.bytes(), "k.egg");
  auto old_id = k.open_with_passphrase(kPass).slot_id;
  auto id = k.add_passphrase_slot(c.root_key, "a brand new passphrase", KdfLevel::interactive);
  k = seal::Keyring::parse(k.bytes(), "k.egg");
  CHECK(k.open_with_passphrase("a brand new passphrase").slot_id == id);
  CHECK(k.open_with_passphrase(kPass).slot_id == old_id);
  k.remove_slot(c.root_key, old_id);
  k = seal::Keyring::parse(k.bytes(), "k.egg");
  CHECK(code_of([&] { k.open_with_passphrase(kPass); }) == Exit::auth);
  CHECK(k.open_with_passphrase("a brand new passphrase").root_key == c.root_key);
  CHECK(k.open_with_recovery_key(c.recovery_key).root_key == c.root_key);
  CHECK(code_of([&] { k.remove_slot(c.root_key, id); }) == Exit::failed);  // the last passphrase slot
}

TEST_CASE("keyring: flipping any single byte is detected (exit 3, or exit 2 never from a flip)") {
  const auto& c = fixture().c;
  const std::string good = c.keyring.bytes();
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    std::string msg;
    auto code = code_of([&] { seal::Keyring::parse(bad, "k.egg").open_with_recovery_key(c.recovery_key); }, &msg);
    REQUIRE_MESSAGE(code == Exit::auth, "byte " << i);
    CHECK(msg.find("k.egg is corrupt or was modified") == 0);
  }
}

TEST_CASE("keyring: a change with a recomputed checksum is still caught by the AEAD or the keyed MAC") {
  const auto& c = fixture().c;
  const std::string good = c.keyring.bytes();
  // Open through the recovery slot, so flips in the passphrase slot are only seen by the MAC.
  for (std::size_t i = 0; i + 32 < good.size(); ++i) {
    if (i == 8 || i == 9) continue;  // the version field: a "newer version" answer is checked below
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x80);
    bad = fix_checksum(bad);
    auto code = code_of([&] { seal::Keyring::parse(bad, "k.egg").open_with_recovery_key(c.recovery_key); });
    REQUIRE_MESSAGE(code == Exit::auth, "byte " << i);
    // Through the passphrase slot too, for bytes outside it (each try runs Argon2id: sample).
    if (i >= 19 + 109 && i % 3 == 0) {
      code = code_of([&] { seal::Keyring::parse(bad, "k.egg").open_with_passphrase(kPass); });
      REQUIRE_MESSAGE(code == Exit::auth, "byte " << i);
    }
  }
}

TEST_CASE("keyring: every truncation and an appended byte are detected") {
  const std::string good = fixture().c.keyring.bytes();
  for (std::size_t n = 0; n < good.size(); ++n)
    REQUIRE_MESSAGE(code_of([&] { seal::Keyring::parse(good.substr(0, n), "k.egg"); }) == Exit::auth, "length " << n);
  CHECK(code_of([&] { seal::Keyring::parse(good + "x", "k.egg"); }) == Exit::auth);
}

TEST_CASE("keyring: a newer format version is exit 2 naming the version") {
  std::string bytes = fixture().c.keyring.bytes();
  bytes[8] = 0;
  bytes[9] = 7;
  std::string msg;
  CHECK(code_of([&] { seal::Keyring::parse(fix_checksum(bytes), "k.egg"); }, &msg) == Exit::usage);
  CHECK(msg.find("version 7") != std::string::npos);
}

TEST_CASE("keyring: over-cap KDF parameters are refused before any KDF runs") {
  const auto& c = fixture().c;
  std::string bytes = c.keyring.bytes();
  // Passphrase slot is first: header 19, type 1, id 4, salt 16 -> opslimit at 40, memlimit at 48.
  REQUIRE(c.keyring.slots()[0].type == seal::SlotType::passphrase);
  auto set_u64 = [](std::string& b, std::size_t at, std::uint64_t v) {
    for (int i = 7; i >= 0; --i, v >>= 8) b[at + static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
  };
  for (auto [ops, mem] : {std::pair<std::uint64_t, std::uint64_t>{11, 64u << 20},
                          {4, (4ull << 30) + 1024},
                          {~0ull, ~0ull},
                          {0, 64u << 20}}) {
    std::string bad = bytes;
    set_u64(bad, 40, ops);
    set_u64(bad, 48, mem);
    bad = fix_checksum(bad);
    auto start = std::chrono::steady_clock::now();
    std::string msg;
    auto code = code_of([&] { seal::Keyring::parse(bad, "k.egg").open_with_passphrase(kPass); }, &msg);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    CHECK(code == Exit::auth);
    CHECK(msg.find("is corrupt or was modified") != std::string::npos);
    CHECK(msg.find("opslimit") != std::string::npos);
    // An Argon2id run with even the smallest over-cap parameters takes seconds here.
    CHECK(ms < 100);
  }
}

TEST_CASE("keyring: a keyring whose slots wrap a different root key fails the MAC") {
  // Swap in the recovery slot of another keyring: that slot opens (with the other recovery key),
  // but the whole-file MAC under the other R cannot match.
  const auto& a = fixture().c;
  auto b = seal::Keyring::create(kPass, KdfLevel::interactive, "b.egg");
  std::string mixed = a.keyring.bytes().substr(0, 19 + 109) + b.keyring.bytes().substr(19 + 109, 77) +
                      a.keyring.bytes().substr(19 + 109 + 77, 32);
  mixed += std::string(32, '\0');
  mixed = fix_checksum(mixed);
  std::string msg;
  CHECK(code_of([&] { seal::Keyring::parse(mixed, "k.egg").open_with_recovery_key(b.recovery_key); }, &msg) == Exit::auth);
  CHECK(msg.find("corrupt or was modified") != std::string::npos);
}
