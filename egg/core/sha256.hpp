#pragma once
// SHA-256 over data that arrives in pieces, for bundle members, object listings and bundle files.
// OpenSSL's implementation (libcrypto, already linked for TLS): it uses the CPU's SHA extensions
// and runs ~7x faster than libsodium's portable one here (1355 vs 180 MiB/s, docs/benchmarks.md),
// which decides backup throughput, since every byte of a bundle is hashed up to three times.
// Keyed and encrypting primitives stay in libsodium (docs/architecture.md).
#include <openssl/evp.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>

namespace egg::core {

using Sha256Digest = std::array<unsigned char, 32>;

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
  void update(std::string_view data) { EVP_DigestUpdate(ctx_.get(), data.data(), data.size()); }
  void update(const unsigned char* data, std::size_t n) { EVP_DigestUpdate(ctx_.get(), data, n); }
  std::string hex_digest();
  // The digest of everything so far; the object then starts over.
  Sha256Digest digest() {
    Sha256Digest d{};
    EVP_DigestFinal_ex(ctx_.get(), d.data(), nullptr);
    EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
    return d;
  }

 private:
  struct Free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx_;
};

inline Sha256Digest sha256(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.digest();
}

inline std::string hex(const unsigned char* data, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n * 2, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[data[i] >> 4];
    out[2 * i + 1] = kHex[data[i] & 15];
  }
  return out;
}
inline std::string hex(const Sha256Digest& d) { return hex(d.data(), d.size()); }
inline std::string Sha256::hex_digest() { return hex(digest()); }

}  // namespace egg::core
