// C2SP age testkit vectors (tests/data/age/testkit, see its README for source, license and why
// only the header part of each vector is stored). Each vector's expected outcome must hold:
//   success        -> the identity opens a stanza, the file key equals "file key:", the MAC verifies
//   no match       -> Exit::auth
//   header failure -> Exit::verify, "age header: ..."
//   HMAC failure   -> Exit::verify, "... MAC ..."
#include <doctest/doctest.h>
#include <sodium.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "bundle/age/age.hpp"
#include "egg/core/exit.hpp"

using namespace egg::bundle::age;

namespace {

struct Vector {
  std::map<std::string, std::string> fields;
  std::string file;
};

Vector load(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  Vector v;
  std::size_t pos = 0;
  while (true) {
    auto nl = all.find('\n', pos);
    REQUIRE(nl != std::string::npos);
    std::string line = all.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) break;
    auto c = line.find(": ");
    REQUIRE(c != std::string::npos);
    v.fields[line.substr(0, c)] = line.substr(c + 2);
  }
  v.file = all.substr(pos);
  return v;
}

std::string hex(std::span<const unsigned char> b) {
  std::string h(b.size() * 2 + 1, '\0');
  sodium_bin2hex(h.data(), h.size(), b.data(), b.size());
  h.pop_back();
  return h;
}

}  // namespace

TEST_CASE("age testkit: every stored vector has its expected outcome") {
  const std::filesystem::path dir = std::filesystem::path(EGG_SOURCE_DIR) / "tests/data/age/testkit";
  int count = 0;
  std::map<std::string, int> by_kind;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    CAPTURE(name);
    auto v = load(entry.path());
    const auto expect = v.fields.at("expect");
    auto id = decode_identity(v.fields.at("identity"));
    std::string plain;
    bool threw = false;
    egg::Exit code = egg::Exit::ok;
    std::string message;
    try {
      Decryptor d(id, [&](std::string_view s) { plain.append(s); });
      d.feed(v.file);  // the header only: its verdict is reached here
    } catch (const egg::Error& e) {
      threw = true;
      code = e.code();
      message = e.what();
    }
    CAPTURE(message);
    if (expect == "success") {
      CHECK_FALSE(threw);
      auto parsed = parse_header(v.file);
      REQUIRE(parsed.complete);
      std::optional<egg::core::SecretBytes> fk;
      for (const auto& st : parsed.header.stanzas)
        if (!fk) fk = x25519_unwrap(st, id);
      REQUIRE(fk.has_value());
      CHECK(hex(fk->span()) == v.fields.at("file key"));
      CHECK(header_mac(*fk, parsed.header.mac_input) == parsed.header.mac);
    } else if (expect == "no match") {
      CHECK(threw);
      CHECK(code == egg::Exit::auth);
    } else if (expect == "header failure") {
      CHECK(threw);
      CHECK(code == egg::Exit::verify);
      CHECK(message.starts_with("age header"));
    } else if (expect == "HMAC failure") {
      CHECK(threw);
      CHECK(code == egg::Exit::verify);
      CHECK(message.find("MAC") != std::string::npos);
    } else {
      FAIL("unknown expectation " << expect);
    }
    ++count;
    ++by_kind[expect];
  }
  std::string summary;
  for (auto& [k, n] : by_kind) summary += " " + k + "=" + std::to_string(n);
  MESSAGE("testkit vectors: " << count << summary);
  CHECK(count >= 20);
}

// Files made by Debian's age 1.1.1 CLI (tests/data/age/cli, see the README there), so interop is
// checked on every unit run even where the `age` binary is absent.
TEST_CASE("age cli files: files written by age 1.1.1 decrypt to the expected bytes") {
  const std::filesystem::path dir = std::filesystem::path(EGG_SOURCE_DIR) / "tests/data/age/cli";
  auto slurp = [](const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  std::string key_text = slurp(dir / "identity.txt");
  std::string key_line = key_text.substr(key_text.find("AGE-SECRET-KEY-1"));
  key_line = key_line.substr(0, key_line.find('\n'));
  auto id = decode_identity(key_line);
  auto sha = [](std::string_view s) {
    std::array<unsigned char, crypto_hash_sha256_BYTES> h{};
    crypto_hash_sha256(h.data(), reinterpret_cast<const unsigned char*>(s.data()), s.size());
    return hex(h);
  };
  auto open = [&](const char* name) {
    std::string out;
    Decryptor d(id, [&](std::string_view s) { out.append(s); });
    d.feed(slurp(dir / name));
    d.finish();
    return out;
  };
  CHECK(open("empty.age").empty());
  CHECK(open("short.age") == "hello, egg\n");
  std::string pattern;
  for (int i = 0; i < 70000; ++i) pattern.push_back(static_cast<char>((i * 7 + 3) % 251));
  CHECK(sha(pattern) == "8df438976bca269929b9e1968aa7dafebf3fe3a8b4bbc1abbc56a7ed0eb4bb66");
  CHECK(open("two_chunks.age") == pattern);
}
