#pragma once
// The age payload (C2SP age.md, "Payload"): a STREAM variant over ChaCha20-Poly1305 (IETF) with
// 64 KiB plaintext chunks and a 12-byte nonce = 11-byte big-endian chunk counter || last flag.
// Both sides are push-based and hold at most one chunk of input plus one of output.
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "egg/core/secret.hpp"

namespace egg::bundle::age {

inline constexpr std::size_t kChunkSize = 64 * 1024;
inline constexpr std::size_t kTagSize = 16;
inline constexpr std::size_t kEncChunkSize = kChunkSize + kTagSize;
inline constexpr std::size_t kPayloadNonceSize = 16;

using Sink = std::function<void(std::string_view)>;

// payload key = HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload")
core::SecretBytes payload_key(const core::SecretBytes& file_key,
                              const std::array<unsigned char, kPayloadNonceSize>& nonce);

class StreamWriter {
 public:
  StreamWriter(core::SecretBytes key, Sink sink);
  void write(std::string_view data);
  // Seals the buffered bytes as the final chunk (empty only if nothing was ever written).
  void finish();

 private:
  void seal(bool last);
  core::SecretBytes key_;
  Sink sink_;
  std::uint64_t counter_ = 0;
  std::string buf_;  // plaintext, at most kChunkSize
  std::string out_;  // ciphertext, at most kEncChunkSize
  bool finished_ = false;
};

class StreamReader {
 public:
  StreamReader(core::SecretBytes key, Sink sink);
  // Ciphertext in any split; plaintext reaches the sink only once its chunk authenticated.
  void feed(std::string_view data);
  // Throws egg::Error(Exit::verify) if the final chunk has not been seen.
  void finish();
  std::uint64_t chunks() const { return counter_; }

 private:
  // Opens buf_[0, n) as chunk `counter_`; `at_eof` means nothing follows it.
  void open(std::size_t n, bool at_eof);
  core::SecretBytes key_;
  Sink sink_;
  std::uint64_t counter_ = 0;
  std::string buf_;  // ciphertext, at most kEncChunkSize + 1
  std::string out_;  // plaintext, at most kChunkSize
  bool done_ = false;
};

}  // namespace egg::bundle::age
