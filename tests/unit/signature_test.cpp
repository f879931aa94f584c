// The bundle signature sidecar (docs/formats/bundle-signature.md): round trip, every byte of the
// sidecar and of the bundle covered, another signer, missing and future-version sidecars, and
// Ed25519 through libsodium against RFC 8032.
#include <doctest/doctest.h>
#include <sodium.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "bundle/signature.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "tests/support/errors.hpp"

using namespace egg;
namespace fs = std::filesystem;
using bundle::SignedFacts;

namespace {

using test::code_of;

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

template <std::size_t N>
std::array<unsigned char, N> unhex(std::string_view h) {
  std::array<unsigned char, N> out{};
  REQUIRE(h.size() == 2 * N);
  REQUIRE(sodium_hex2bin(out.data(), N, h.data(), h.size(), nullptr, nullptr, nullptr) == 0);
  return out;
}

SignedFacts sample_facts() {
  SignedFacts f;
  f.bundle_id = "egg-20261122T021500Z-3f9a";
  f.time = 1795314900;  // 2026-11-22T02:35:00Z
  f.length = 123456789;
  for (std::size_t i = 0; i < f.sha256.size(); ++i) f.sha256[i] = static_cast<unsigned char>(i * 7 + 1);
  return f;
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "egg-sig-test-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write_raw(const fs::path& p, const std::string& data) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << data;
  REQUIRE(f.good());
}

std::string read_raw(const fs::path& p) { return core::read_file(p); }

}  // namespace

TEST_CASE("signature: RFC 8032 Ed25519 test vectors 1 and 2 through libsodium") {
  REQUIRE(sodium_init() >= 0);
  struct Vec {
    const char *seed, *pk, *msg, *sig;
  };
  const Vec vecs[] = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
  };
  for (const auto& v : vecs) {
    CAPTURE(v.pk);
    auto seed = unhex<32>(v.seed);
    std::array<unsigned char, 32> pk{};
    core::SecretBytes sk(64);
    crypto_sign_ed25519_seed_keypair(pk.data(), sk.data(), seed.data());
    CHECK(bundle::to_hex(pk.data(), pk.size()) == v.pk);

    std::string msg_hex = v.msg;
    std::string msg(msg_hex.size() / 2, '\0');
    for (std::size_t i = 0; i < msg.size(); ++i) msg[i] = static_cast<char>(std::stoi(msg_hex.substr(2 * i, 2), nullptr, 16));
    std::array<unsigned char, 64> sig{};
    crypto_sign_ed25519_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(),
                                 sk.data());
    CHECK(bundle::to_hex(sig.data(), sig.size()) == v.sig);
    CHECK(crypto_sign_ed25519_verify_detached(sig.data(), reinterpret_cast<const unsigned char*>(msg.data()),
                                              msg.size(), pk.data()) == 0);
    sig[0] ^= 1;
    CHECK(crypto_sign_ed25519_verify_detached(sig.data(), reinterpret_cast<const unsigned char*>(msg.data()),
                                              msg.size(), pk.data()) != 0);

    // The same key through egg's own type.
    auto key = bundle::HostSigningKey::from_secret(sk);
    CHECK(bundle::to_hex(key.public_key.data(), 32) == v.pk);
  }
}

TEST_CASE("signature: the sidecar text is exactly as specified") {
  // RFC 8032 test 1 key, so the expected file is fixed (Ed25519 is deterministic).
  auto seed = unhex<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  std::array<unsigned char, 32> pk{};
  core::SecretBytes sk(64);
  crypto_sign_ed25519_seed_keypair(pk.data(), sk.data(), seed.data());

  auto f = sample_facts();
  const std::string expected_message =
      "egg-bundle-signature-v1\n"
      "bundle egg-20261122T021500Z-3f9a\n"
      "time 2026-11-22T02:35:00Z\n"
      "unix 1795314900\n"
      "length 123456789\n"
      "sha256 01080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3da\n"
      "key d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a\n";
  CHECK(bundle::signed_message(f, pk) == expected_message);

  const std::string file = bundle::make_signature_file(f, sk);
  REQUIRE(file.starts_with(expected_message));
  const std::string sig_line = file.substr(expected_message.size());
  CHECK(sig_line.starts_with("sig "));
  CHECK(sig_line.size() == 4 + 128 + 1);
  CHECK(sig_line.back() == '\n');
  // The signature is plain Ed25519 over the message bytes: any Ed25519 verifier can check it.
  auto sig = unhex<64>(std::string_view(sig_line).substr(4, 128));
  CHECK(crypto_sign_ed25519_verify_detached(sig.data(), reinterpret_cast<const unsigned char*>(expected_message.data()),
                                            expected_message.size(), pk.data()) == 0);
  CHECK(bundle::verify_signature_file(file, pk) == f);
}

TEST_CASE("signature: sign/verify round trip, edge values") {
  auto key = bundle::HostSigningKey::generate();
  CHECK(key.secret.size() == 64);
  for (std::int64_t t : {std::int64_t{0}, std::int64_t{1795314900}, std::int64_t{253402300799}}) {
    for (std::uint64_t len : {std::uint64_t{0}, std::uint64_t{1}, UINT64_MAX}) {
      auto f = sample_facts();
      f.time = t;
      f.length = len;
      CAPTURE(t);
      CAPTURE(len);
      CHECK(bundle::verify_signature_file(bundle::make_signature_file(f, key.secret), key.public_key) == f);
    }
  }
  auto f = sample_facts();
  f.bundle_id = std::string(128, 'a');
  CHECK(bundle::verify_signature_file(bundle::make_signature_file(f, key.secret), key.public_key) == f);

  // Facts that cannot be written canonically are refused when signing.
  for (const std::string& bad : {std::string(""), std::string(129, 'a'), std::string("a b"), std::string("a\nb"),
                                 std::string("a/b")}) {
    f = sample_facts();
    f.bundle_id = bad;
    CHECK(code_of([&] { bundle::make_signature_file(f, key.secret); }) == Exit::failed);
  }
  for (std::int64_t t : {std::int64_t{-1}, std::int64_t{253402300800}}) {
    f = sample_facts();
    f.time = t;
    CHECK(code_of([&] { bundle::make_signature_file(f, key.secret); }) == Exit::failed);
  }
  // A damaged secret key (halves do not match) or a wrong size is refused.
  core::SecretBytes damaged = key.secret;
  damaged.data()[40] ^= 1;
  CHECK(code_of([&] { bundle::make_signature_file(sample_facts(), damaged); }) == Exit::failed);
  CHECK(code_of([&] { bundle::make_signature_file(sample_facts(), core::SecretBytes(32)); }) == Exit::failed);
}

TEST_CASE("signature: every single-byte change of the sidecar is detected (exit 5)") {
  auto key = bundle::HostSigningKey::generate();
  const std::string file = bundle::make_signature_file(sample_facts(), key.secret);
  int checked = 0;
  for (std::size_t i = 0; i < file.size(); ++i) {
    for (unsigned mask : {0x01u, 0x02u, 0x04u, 0x08u, 0x10u, 0x20u, 0x40u, 0x80u, 0xffu}) {
      std::string t = file;
      t[i] = static_cast<char>(static_cast<unsigned char>(t[i]) ^ mask);
      CAPTURE(i);
      CAPTURE(mask);
      CHECK(code_of([&] { bundle::verify_signature_file(t, key.public_key); }) == Exit::verify);
      ++checked;
    }
    // Deleting the byte, or inserting one before it, too.
    std::string del = file;
    del.erase(i, 1);
    CHECK(code_of([&] { bundle::verify_signature_file(del, key.public_key); }) == Exit::verify);
    std::string ins = file;
    ins.insert(i, 1, file[i]);
    CHECK(code_of([&] { bundle::verify_signature_file(ins, key.public_key); }) == Exit::verify);
  }
  CHECK(checked == static_cast<int>(file.size()) * 9);
  // Truncated at every length, and trailing data.
  for (std::size_t n = 0; n < file.size(); ++n)
    CHECK(code_of([&] { bundle::verify_signature_file(file.substr(0, n), key.public_key); }) == Exit::verify);
  CHECK(code_of([&] { bundle::verify_signature_file(file + "\n", key.public_key); }) == Exit::verify);
  CHECK(code_of([&] { bundle::verify_signature_file(file + "x 1\n", key.public_key); }) == Exit::verify);
  CHECK(code_of([&] { bundle::verify_signature_file(std::string(5000, 'a'), key.public_key); }) == Exit::verify);
}

TEST_CASE("signature: messages name what failed") {
  auto key = bundle::HostSigningKey::generate();
  auto other = bundle::HostSigningKey::generate();
  const auto f = sample_facts();
  const std::string file = bundle::make_signature_file(f, key.secret);
  std::string msg;

  // Signed by another key: refused, naming both keys' prefixes.
  const std::string foreign = bundle::make_signature_file(f, other.secret);
  CHECK(code_of([&] { bundle::verify_signature_file(foreign, key.public_key); }, &msg) == Exit::verify);
  CHECK(contains(msg, "signed by another key"));
  CHECK(contains(msg, bundle::to_hex(other.public_key.data(), 8)));

  // Another key's signature with this host's key written in: a bad signature.
  std::string forged = foreign;
  const std::string other_hex = bundle::to_hex(other.public_key.data(), 32);
  forged.replace(forged.find(other_hex), 64, bundle::to_hex(key.public_key.data(), 32));
  CHECK(code_of([&] { bundle::verify_signature_file(forged, key.public_key); }, &msg) == Exit::verify);
  CHECK(contains(msg, "bad signature"));

  // A changed fact with the signature left alone.
  std::string changed = file;
  changed.replace(changed.find("length 123456789"), 16, "length 123456788");
  CHECK(code_of([&] { bundle::verify_signature_file(changed, key.public_key); }, &msg) == Exit::verify);
  CHECK(contains(msg, "bad signature"));

  std::string skew = file;
  skew.replace(skew.find("02:35:00Z"), 9, "02:35:01Z");
  CHECK(code_of([&] { bundle::verify_signature_file(skew, key.public_key); }, &msg) == Exit::verify);
  CHECK(contains(msg, "time and unix disagree"));

  std::string upper = file;
  auto at = upper.find("sha256 ") + 7;
  upper.replace(at, 64, bundle::to_hex(f.sha256.data(), 32));
  for (std::size_t i = at; i < at + 64; ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  CHECK(code_of([&] { bundle::verify_signature_file(upper, key.public_key); }, &msg) == Exit::verify);
  CHECK(contains(msg, "field sha256"));

  std::string lead = file;
  lead.replace(lead.find("length 1"), 8, "length 01");
  CHECK(code_of([&] { bundle::verify_signature_file(lead, key.public_key); }, &msg) == Exit::verify);
  CHECK(contains(msg, "field length"));

  CHECK(code_of([&] { bundle::verify_signature_file("hello\n", key.public_key); }, &msg) == Exit::verify);
  CHECK(contains(msg, "not an egg bundle signature"));
  CHECK(code_of([&] { bundle::verify_signature_file("", key.public_key); }, &msg) == Exit::verify);
  CHECK(contains(msg, "not an egg bundle signature"));
}

TEST_CASE("signature: a future format version is refused with exit 5 naming the version") {
  auto key = bundle::HostSigningKey::generate();
  std::string file = bundle::make_signature_file(sample_facts(), key.secret);
  std::string msg;
  for (const char* v : {"2", "10", "999"}) {
    std::string future = file;
    future.replace(0, 23, std::string("egg-bundle-signature-v") + v);
    CHECK(code_of([&] { bundle::verify_signature_file(future, key.public_key); }, &msg) == Exit::verify);
    CHECK(contains(msg, std::string("signature format version ") + v + " is newer"));
  }
  // Only the first line matters: a v2 file may have any layout after it.
  CHECK(code_of([&] { bundle::verify_signature_file("egg-bundle-signature-v2\n{\"json\": true}\n", key.public_key); },
                &msg) == Exit::verify);
  CHECK(contains(msg, "version 2"));
  // v0, v01, v1x are not versions: "not an egg bundle signature".
  for (const char* v : {"0", "01", "1x", ""}) {
    std::string bad = file;
    bad.replace(0, 23, std::string("egg-bundle-signature-v") + v);
    CHECK(code_of([&] { bundle::verify_signature_file(bad, key.public_key); }, &msg) == Exit::verify);
    CHECK(contains(msg, "not an egg bundle signature"));
  }
}

TEST_CASE("signature: bundle files on disk (sign, verify, flip, truncate, append, missing sidecar)") {
  TempDir dir;
  auto key = bundle::HostSigningKey::generate();
  const fs::path b = dir.path / "egg-20261122T021500Z-3f9a.age";
  std::string content;
  for (int i = 0; i < 3 * 1024 * 1024 + 123; ++i) content += static_cast<char>((i * 131 + i / 7) & 0xff);
  write_raw(b, content);

  auto signed_facts = bundle::sign_bundle_file(b, "egg-20261122T021500Z-3f9a", 1795314900, key.secret);
  CHECK(signed_facts.length == content.size());
  CHECK(fs::exists(bundle::signature_path(b)));
  CHECK(bundle::signature_path(b).filename() == "egg-20261122T021500Z-3f9a.age.sig");
  CHECK((fs::status(bundle::signature_path(b)).permissions() & fs::perms::others_read) == fs::perms::none);
  auto got = bundle::verify_bundle_file(b, key.public_key);
  CHECK(got == signed_facts);
  CHECK(got.bundle_id == "egg-20261122T021500Z-3f9a");
  CHECK(got.time == 1795314900);

  // The streamed hash is the SHA-256 of the whole file.
  std::array<unsigned char, 32> whole{};
  crypto_hash_sha256(whole.data(), reinterpret_cast<const unsigned char*>(content.data()), content.size());
  CHECK(got.sha256 == whole);

  std::string msg;
  // Flip one byte at many offsets (first, last, chunk boundaries, spread).
  for (std::size_t off : {std::size_t{0}, std::size_t{1}, std::size_t{(1 << 20) - 1}, std::size_t{1 << 20},
                          content.size() / 2, content.size() - 1}) {
    std::string t = content;
    t[off] = static_cast<char>(t[off] ^ 0x01);
    write_raw(b, t);
    CAPTURE(off);
    CHECK(code_of([&] { bundle::verify_bundle_file(b, key.public_key); }, &msg) == Exit::verify);
    CHECK(contains(msg, "SHA-256 mismatch"));
  }
  // Truncate at several lengths.
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{1 << 20}, content.size() - 1}) {
    write_raw(b, content.substr(0, n));
    CAPTURE(n);
    CHECK(code_of([&] { bundle::verify_bundle_file(b, key.public_key); }, &msg) == Exit::verify);
    CHECK(contains(msg, "length differs from its signature"));
    CHECK(contains(msg, "truncated"));
  }
  // Append.
  write_raw(b, content + "x");
  CHECK(code_of([&] { bundle::verify_bundle_file(b, key.public_key); }, &msg) == Exit::verify);
  CHECK(contains(msg, "appended"));

  // Restored: verifies again.
  write_raw(b, content);
  CHECK(bundle::verify_bundle_file(b, key.public_key) == signed_facts);

  // Verified against another host's key: refused.
  auto other = bundle::HostSigningKey::generate();
  CHECK(code_of([&] { bundle::verify_bundle_file(b, other.public_key); }, &msg) == Exit::verify);
  CHECK(contains(msg, "signed by another key"));

  // Another bundle's signature swapped in: refused.
  const fs::path b2 = dir.path / "other.age";
  write_raw(b2, content.substr(0, 1000));
  bundle::sign_bundle_file(b2, "other", 1795314000, key.secret);
  fs::copy_file(bundle::signature_path(b2), bundle::signature_path(b), fs::copy_options::overwrite_existing);
  CHECK(code_of([&] { bundle::verify_bundle_file(b, key.public_key); }, &msg) == Exit::verify);
  CHECK(contains(msg, "length differs"));

  // A tampered sidecar on disk: its path is named.
  bundle::sign_bundle_file(b, "egg-20261122T021500Z-3f9a", 1795314900, key.secret);
  std::string s = read_raw(bundle::signature_path(b));
  s[s.size() - 5] = s[s.size() - 5] == '0' ? '1' : '0';
  write_raw(bundle::signature_path(b), s);
  CHECK(code_of([&] { bundle::verify_bundle_file(b, key.public_key); }, &msg) == Exit::verify);
  CHECK(contains(msg, bundle::signature_path(b).string()));
  CHECK(contains(msg, "bad signature"));

  // An oversized sidecar is refused before it is read.
  write_raw(bundle::signature_path(b), std::string(bundle::kMaxSignatureFile + 1, 'a'));
  CHECK(code_of([&] { bundle::verify_bundle_file(b, key.public_key); }, &msg) == Exit::verify);

  // Missing sidecar: the bundle is incomplete.
  fs::remove(bundle::signature_path(b));
  CHECK(code_of([&] { bundle::verify_bundle_file(b, key.public_key); }, &msg) == Exit::verify);
  CHECK(msg.starts_with("missing signature: the bundle is incomplete"));

  // Sidecar without its bundle.
  bundle::sign_bundle_file(b, "egg-20261122T021500Z-3f9a", 1795314900, key.secret);
  fs::remove(b);
  CHECK(code_of([&] { bundle::verify_bundle_file(b, key.public_key); }, &msg) == Exit::verify);
  CHECK(contains(msg, "missing bundle"));

  // An empty bundle signs and verifies.
  const fs::path empty = dir.path / "empty.age";
  write_raw(empty, "");
  auto ef = bundle::sign_bundle_file(empty, "empty", 0, key.secret);
  CHECK(ef.length == 0);
  CHECK(bundle::verify_bundle_file(empty, key.public_key) == ef);
}

// An independent Ed25519 implementation (OpenSSL 3's pkeyutl) accepts egg's sidecar over the
// first 7 lines, as docs/formats/bundle-signature.md says, and rejects a changed message.
TEST_CASE("signature: OpenSSL verifies the sidecar (interop; skipped without openssl)") {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) {
    MESSAGE("openssl not installed: interop check skipped");
    return;
  }
  TempDir dir;
  auto key = bundle::HostSigningKey::generate();
  const std::string file = bundle::make_signature_file(sample_facts(), key.secret);
  const auto at = file.find("sig ");
  REQUIRE(at != std::string::npos);
  auto sig = unhex<64>(std::string_view(file).substr(at + 4, 128));
  // SubjectPublicKeyInfo for Ed25519 (RFC 8410): fixed 12-byte prefix, then the 32-byte key.
  std::string der("\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00", 12);
  der.append(reinterpret_cast<const char*>(key.public_key.data()), 32);
  write_raw(dir.path / "pub.der", der);
  write_raw(dir.path / "sig.bin", std::string(reinterpret_cast<const char*>(sig.data()), sig.size()));
  write_raw(dir.path / "msg", file.substr(0, at));
  const std::string cmd = "cd '" + dir.path.string() +
                          "' && openssl pkeyutl -verify -pubin -keyform DER -inkey pub.der -rawin -in msg"
                          " -sigfile sig.bin >/dev/null 2>&1";
  CHECK(std::system(cmd.c_str()) == 0);
  write_raw(dir.path / "msg", file.substr(0, at - 1) + "x\n");
  CHECK(std::system(cmd.c_str()) != 0);
}
