// sealed.egg: operations, round trip through bytes and disk, tamper and truncation detection,
// a foreign root key, permissions.
#include <doctest/doctest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "egg/core/redact.hpp"
#include "egg/seal/keyring_format.hpp"
#include "egg/seal/sealed_store.hpp"
#include "tests/support/errors.hpp"

using namespace egg;
namespace fs = std::filesystem;

namespace {

core::SecretBytes random_key() {
  core::SecretBytes k(32);
  randombytes_buf(k.data(), k.size());
  return k;
}

std::span<const unsigned char> bytes_of(std::string_view s) {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}

using test::code_of;

fs::path temp_dir() {
  char tmpl[] = "/tmp/egg-seal-test-XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  return tmpl;
}

}  // namespace

TEST_CASE("sealed store: put, get, list, replace, remove, round trip") {
  auto r = random_key();
  auto s = seal::SealedStore::create_empty("/nowhere/sealed.egg", r);
  CHECK(s.list().empty());
  s.put("vault/unseal-key-1", bytes_of("first value 123"));
  s.put("backup/private-key", bytes_of(std::string("\0\1\2binary\xff", 10)));
  s.put("vault/unseal-key-1", bytes_of("second value 456"));
  CHECK(s.info("vault/unseal-key-1")->version == 2);
  CHECK(s.get("vault/unseal-key-1")->view() == "second value 456");
  CHECK(!s.get("missing"));
  auto again = seal::SealedStore::from_bytes(s.to_bytes(), "/nowhere/sealed.egg", r);
  auto names = again.list();
  REQUIRE(names.size() == 2);
  CHECK(names[0].name == "backup/private-key");
  CHECK(names[1].name == "vault/unseal-key-1");
  CHECK(names[1].version == 2);
  CHECK(again.get("backup/private-key")->view() == std::string("\0\1\2binary\xff", 10));
  CHECK(again.remove("backup/private-key"));
  CHECK(!again.remove("backup/private-key"));
  CHECK(again.list().size() == 1);
  CHECK(code_of([&] { s.put("../escape", bytes_of("x")); }) == Exit::usage);
  CHECK(code_of([&] { s.put("", bytes_of("x")); }) == Exit::usage);
  CHECK(code_of([&] { s.put("has space", bytes_of("x")); }) == Exit::usage);
}

TEST_CASE("sealed store: values are registered for redaction when stored or opened") {
  auto r = random_key();
  auto s = seal::SealedStore::create_empty("/nowhere/sealed.egg", r);
  s.put("x", bytes_of("a-stored-secret-value"));
  CHECK(core::redact("log: a-stored-secret-value") == "log: [redacted]");
}

TEST_CASE("sealed store: every flipped byte and every truncation is detected; a foreign key too") {
  auto r = random_key();
  auto s = seal::SealedStore::create_empty("s.egg", r);
  s.put("one", bytes_of("value number one"));
  s.put("two", bytes_of("value number two"));
  const std::string good = s.to_bytes();
  CHECK(seal::SealedStore::from_bytes(good, "s.egg", r).list().size() == 2);
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    std::string msg;
    REQUIRE_MESSAGE(code_of([&] { seal::SealedStore::from_bytes(bad, "s.egg", r); }, &msg) == Exit::auth, "byte " << i);
    CHECK(msg.find("s.egg is corrupt or was modified") == 0);
    // With the checksum recomputed, the AEAD alone must catch it.
    if (i >= 10 && i + 32 < good.size()) {
      auto sum = seal::blake2b(std::string_view(bad).substr(0, bad.size() - 32));
      bad.replace(bad.size() - 32, 32, reinterpret_cast<const char*>(sum.data()), 32);
      REQUIRE_MESSAGE(code_of([&] { seal::SealedStore::from_bytes(bad, "s.egg", r); }) == Exit::auth, "byte " << i);
    }
  }
  for (std::size_t n = 0; n < good.size(); ++n)
    REQUIRE_MESSAGE(code_of([&] { seal::SealedStore::from_bytes(good.substr(0, n), "s.egg", r); }) == Exit::auth,
                    "length " << n);
  std::string msg;
  CHECK(code_of([&] { seal::SealedStore::from_bytes(good, "s.egg", random_key()); }, &msg) == Exit::auth);
  CHECK(msg.find("corrupt or was modified") != std::string::npos);
}

TEST_CASE("sealed store: newer version is exit 2 naming it") {
  auto r = random_key();
  std::string b = seal::SealedStore::create_empty("s.egg", r).to_bytes();
  b[9] = 2;
  auto sum = seal::blake2b(std::string_view(b).substr(0, b.size() - 32));
  b.replace(b.size() - 32, 32, reinterpret_cast<const char*>(sum.data()), 32);
  std::string msg;
  CHECK(code_of([&] { seal::SealedStore::from_bytes(b, "s.egg", r); }, &msg) == Exit::usage);
  CHECK(msg.find("version 2") != std::string::npos);
}

TEST_CASE("sealed store: saved 0600, and a group-readable file is refused with the fix") {
  auto dir = temp_dir();
  auto r = random_key();
  auto s = seal::SealedStore::create_empty(dir / "sealed.egg", r);
  s.put("k", bytes_of("some value here"));
  s.save();
  struct stat st {};
  REQUIRE(::stat((dir / "sealed.egg").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(seal::SealedStore::open(dir / "sealed.egg", r).get("k")->view() == "some value here");
  ::chmod((dir / "sealed.egg").c_str(), 0640);
  std::string msg;
  CHECK(code_of([&] { seal::SealedStore::open(dir / "sealed.egg", r); }, &msg) == Exit::precondition);
  CHECK(msg.find("chmod 600") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("sealed store: empty store size") {
  auto r = random_key();
  CHECK(seal::SealedStore::create_empty("s.egg", r).to_bytes().size() == 8 + 2 + 24 + 4 + 16 + 32);
}
