#include "egg/core/sha256.hpp"
#include "bundle/signature.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

#include "bundle/retention.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"

namespace egg::bundle {
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kMaxTime = 253402300799;  // 9999-12-31T23:59:59Z
constexpr std::string_view kVersionPrefix = "egg-bundle-signature-v";

void ensure_sodium() {
  if (sodium_init() < 0) throw Error(Exit::failed, "libsodium failed to initialise");
}

[[noreturn]] void fail(std::string_view what, const std::string& message) {
  throw Error(Exit::verify, std::string(what) + ": " + message);
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == ':' || c == '+' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string rfc3339(std::int64_t t) {
  std::int64_t s = t % 86400;
  char hms[16];
  std::snprintf(hms, sizeof hms, "T%02d:%02d:%02dZ", static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60),
                static_cast<int>(s % 60));
  return utc_day(t) + hms;
}

// Canonical unsigned decimal: digits only, no leading zero unless "0", no overflow.
bool parse_u64(std::string_view s, std::uint64_t& out) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Strict lowercase hex of exactly out.size() bytes.
template <std::size_t N>
bool parse_hex(std::string_view s, std::array<unsigned char, N>& out) {
  if (s.size() != 2 * N) return false;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < N; ++i) {
    int hi = nib(s[2 * i]), lo = nib(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

std::string short_key(const SigningPublicKey& k) { return to_hex(k.data(), 8) + "..."; }

SignedFacts verify_text(std::string_view text, const SigningPublicKey& expected, std::string_view what) {
  if (text.size() > kMaxSignatureFile)
    fail(what, "not an egg bundle signature (larger than " + std::to_string(kMaxSignatureFile) + " bytes)");

  // Line 1: magic and version. A well-formed newer version gets its own message.
  auto nl = text.find('\n');
  std::string_view first = text.substr(0, nl);
  if (first != kSignatureMagic) {
    if (first.starts_with(kVersionPrefix)) {
      std::uint64_t v = 0;
      if (parse_u64(first.substr(kVersionPrefix.size()), v) && v > 1)
        fail(what, "signature format version " + std::to_string(v) +
                       " is newer than this egg supports (version 1); verify it with a newer egg");
    }
    fail(what, "not an egg bundle signature (first line is not \"" + std::string(kSignatureMagic) + "\")");
  }
  if (text.empty() || text.back() != '\n') fail(what, "malformed signature file (does not end with a newline)");

  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos < text.size();) {
    auto end = text.find('\n', pos);
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  static constexpr std::string_view kNames[] = {"bundle", "time", "unix", "length", "sha256", "key", "sig"};
  if (lines.size() != 1 + std::size(kNames))
    fail(what, "malformed signature file (" + std::to_string(lines.size()) + " lines, expected 8)");
  std::string_view v[std::size(kNames)];
  for (std::size_t i = 0; i < std::size(kNames); ++i) {
    auto line = lines[i + 1];
    if (!line.starts_with(kNames[i]) || line.size() <= kNames[i].size() || line[kNames[i].size()] != ' ')
      fail(what, "malformed signature file (line " + std::to_string(i + 2) + " is not \"" + std::string(kNames[i]) +
                     " ...\")");
    v[i] = line.substr(kNames[i].size() + 1);
  }
  auto bad_field = [&](std::string_view name) {
    fail(what, "malformed signature file (field " + std::string(name) + ")");
  };

  SignedFacts f;
  if (!valid_id(v[0])) bad_field("bundle");
  f.bundle_id = std::string(v[0]);
  std::uint64_t unix_time = 0;
  if (!parse_u64(v[2], unix_time) || unix_time > static_cast<std::uint64_t>(kMaxTime)) bad_field("unix");
  f.time = static_cast<std::int64_t>(unix_time);
  if (v[1] != rfc3339(f.time)) fail(what, "malformed signature file (time and unix disagree)");
  if (!parse_u64(v[3], f.length)) bad_field("length");
  if (!parse_hex(v[4], f.sha256)) bad_field("sha256");
  SigningPublicKey signer{};
  if (!parse_hex(v[5], signer)) bad_field("key");
  std::array<unsigned char, crypto_sign_ed25519_BYTES> sig{};
  if (!parse_hex(v[6], sig)) bad_field("sig");

  const std::string message = signed_message(f, signer);
  // Belt and braces: the parse above is strict, so this holds for every accepted file.
  if (text.substr(0, message.size()) != message) fail(what, "malformed signature file (not in canonical form)");

  if (signer != expected)
    fail(what, "signed by another key (" + short_key(signer) + "), not this host's signing key (" +
                   short_key(expected) + ")");
  ensure_sodium();
  if (crypto_sign_ed25519_verify_detached(sig.data(), reinterpret_cast<const unsigned char*>(message.data()),
                                          message.size(), expected.data()) != 0)
    fail(what, "bad signature: the signature file was modified or not made by this host's key");
  return f;
}

[[noreturn]] void io_error(const std::string& op, const fs::path& p, int err) {
  throw Error(Exit::failed, "cannot " + op + " " + p.string() + ": " + std::strerror(err));
}

}  // namespace

std::string to_hex(const unsigned char* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

fs::path signature_path(const fs::path& bundle) {
  fs::path p = bundle;
  p += ".sig";
  return p;
}

std::string signed_message(const SignedFacts& f, const SigningPublicKey& signer) {
  if (!valid_id(f.bundle_id)) throw Error(Exit::failed, "cannot sign bundle: invalid bundle id \"" + f.bundle_id + "\"");
  if (f.time < 0 || f.time > kMaxTime)
    throw Error(Exit::failed, "cannot sign bundle: time " + std::to_string(f.time) + " is out of range");
  std::string m;
  m.reserve(320);
  m.append(kSignatureMagic).append("\n");
  m.append("bundle ").append(f.bundle_id).append("\n");
  m.append("time ").append(rfc3339(f.time)).append("\n");
  m.append("unix ").append(std::to_string(f.time)).append("\n");
  m.append("length ").append(std::to_string(f.length)).append("\n");
  m.append("sha256 ").append(to_hex(f.sha256.data(), f.sha256.size())).append("\n");
  m.append("key ").append(to_hex(signer.data(), signer.size())).append("\n");
  return m;
}

std::string make_signature_file(const SignedFacts& f, const core::SecretBytes& sk) {
  const HostSigningKey key = HostSigningKey::from_secret(sk);
  const std::string message = signed_message(f, key.public_key);
  std::array<unsigned char, crypto_sign_ed25519_BYTES> sig{};
  crypto_sign_ed25519_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                               message.size(), key.secret.data());
  std::string out = message + "sig " + to_hex(sig.data(), sig.size()) + "\n";
  verify_text(out, key.public_key, "signature");  // a fault while signing must not leave a bad sidecar
  return out;
}

SignedFacts verify_signature_file(std::string_view sig_file, const SigningPublicKey& public_key) {
  return verify_text(sig_file, public_key, "signature");
}

FileDigest hash_file(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) io_error("open", path, errno);
  core::Sha256 st;
  std::vector<unsigned char> buf(1 << 20);
  FileDigest d;
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      io_error("read", path, err);
    }
    if (n == 0) break;
    st.update(buf.data(), static_cast<std::size_t>(n));
    d.length += static_cast<std::uint64_t>(n);
  }
  ::close(fd);
  d.sha256 = st.digest();
  return d;
}

SignedFacts verify_bundle_file(const fs::path& bundle, const SigningPublicKey& public_key) {
  const fs::path sig_path = signature_path(bundle);
  std::error_code ec;
  const auto sig_status = fs::status(sig_path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) io_error("stat", sig_path, ec.value());
  if (!fs::exists(sig_status))
    throw Error(Exit::verify, "missing signature: the bundle is incomplete (" + sig_path.string() + " not found)");
  if (!fs::is_regular_file(sig_status)) fail(sig_path.string(), "not a regular file");
  const auto sig_size = fs::file_size(sig_path, ec);
  if (ec) io_error("stat", sig_path, ec.value());
  if (sig_size > kMaxSignatureFile)
    fail(sig_path.string(),
         "not an egg bundle signature (larger than " + std::to_string(kMaxSignatureFile) + " bytes)");
  const SignedFacts f = verify_text(core::read_file(sig_path), public_key, sig_path.string());

  const auto st = fs::status(bundle, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) io_error("stat", bundle, ec.value());
  if (!fs::exists(st)) throw Error(Exit::verify, "missing bundle: " + bundle.string() + " not found (its signature is)");
  if (!fs::is_regular_file(st)) fail(bundle.string(), "not a regular file");
  const auto size = fs::file_size(bundle, ec);
  if (ec) io_error("stat", bundle, ec.value());
  auto length_differs = [&](std::uint64_t actual) {
    fail(bundle.string(), "length differs from its signature: signed " + std::to_string(f.length) +
                              " bytes, the file has " + std::to_string(actual) +
                              (actual < f.length ? " (truncated)" : " (appended to)"));
  };
  if (size != f.length) length_differs(size);  // cheap check first: no need to hash
  ensure_sodium();
  const FileDigest d = hash_file(bundle);
  if (d.length != f.length) length_differs(d.length);  // changed while we read it
  if (sodium_memcmp(d.sha256.data(), f.sha256.data(), d.sha256.size()) != 0)
    fail(bundle.string(), "content differs from its signature (SHA-256 mismatch): the bundle was modified");
  return f;
}

SignedFacts sign_bundle_file(const fs::path& bundle, std::string_view bundle_id, std::int64_t time,
                             const core::SecretBytes& sk) {
  ensure_sodium();
  const FileDigest d = hash_file(bundle);
  SignedFacts f{std::string(bundle_id), time, d.length, d.sha256};
  core::write_file_atomic(signature_path(bundle), make_signature_file(f, sk), 0600);
  return f;
}

HostSigningKey HostSigningKey::generate() {
  ensure_sodium();
  HostSigningKey k;
  k.secret = core::SecretBytes(crypto_sign_ed25519_SECRETKEYBYTES);
  crypto_sign_ed25519_keypair(k.public_key.data(), k.secret.data());
  return k;
}

HostSigningKey HostSigningKey::from_secret(core::SecretBytes secret) {
  ensure_sodium();
  if (secret.size() != crypto_sign_ed25519_SECRETKEYBYTES)
    throw Error(Exit::failed, "host signing key: expected " + std::to_string(crypto_sign_ed25519_SECRETKEYBYTES) +
                                  " bytes, got " + std::to_string(secret.size()));
  // libsodium's secret key is seed || public key; recompute the public key from the seed so a
  // damaged key is refused instead of producing signatures nobody can verify.
  core::SecretBytes check(crypto_sign_ed25519_SECRETKEYBYTES);
  SigningPublicKey pk{};
  crypto_sign_ed25519_seed_keypair(pk.data(), check.data(), secret.data());
  if (!(check == secret)) throw Error(Exit::failed, "host signing key is damaged (its public half does not match)");
  HostSigningKey k;
  k.secret = std::move(secret);
  k.public_key = pk;
  return k;
}

}  // namespace egg::bundle
