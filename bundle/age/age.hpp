#pragma once
// age v1 file encryption to one X25519 recipient, and decryption with one X25519 identity
// (C2SP age.md; docs/formats/age.md says exactly what egg implements). Streaming and bounded:
// each side holds the header plus at most one ciphertext and one plaintext chunk.
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "bundle/age/header.hpp"
#include "bundle/age/keys.hpp"
#include "bundle/age/stream.hpp"

namespace egg::bundle::age {

// Writes the header, the 16-byte payload nonce and then STREAM chunks to `sink` as data comes.
class Encryptor {
 public:
  Encryptor(const PublicKey& recipient, Sink sink);
  void write(std::string_view data);
  void finish();  // seals the final chunk; required, or the file is (detectably) truncated

 private:
  std::unique_ptr<StreamWriter> stream_;
};

// Accepts the age file in any split. Errors (egg::Error):
//  Exit::verify - malformed/unsupported header, bad header MAC, bad X25519 stanza, a chunk that
//                 fails to authenticate, truncation (no final chunk), data after the final chunk;
//  Exit::auth   - no stanza opens with the identity (the file is for someone else).
// Plaintext reaches `sink` only after its chunk authenticated; on an error the caller must
// discard what it received (the file as a whole is not authentic until finish() returns).
class Decryptor {
 public:
  Decryptor(const X25519Identity& identity, Sink sink);
  void feed(std::string_view ciphertext);
  void finish();

 private:
  void on_header(const Header& header);
  X25519Identity identity_;
  core::SecretBytes file_key_;
  Sink sink_;
  std::string head_;  // header + nonce bytes until the payload starts (capped)
  std::unique_ptr<StreamReader> stream_;
};

// Upper bound on the header egg accepts (one X25519 stanza is ~150 bytes).
inline constexpr std::size_t kMaxHeaderSize = 64 * 1024;

// The X25519 stanza wrapping `file_key` to `recipient` (exposed for tests).
Stanza x25519_wrap(const core::SecretBytes& file_key, const PublicKey& recipient);
// The file key from an X25519 stanza: nullopt if the stanza is not addressed to `identity`
// (wrong type or the AEAD does not open); throws Exit::verify if it is malformed.
std::optional<core::SecretBytes> x25519_unwrap(const Stanza& stanza, const X25519Identity& identity);
// HMAC-SHA-256(HKDF(file key, "", "header"), header up to and including "---").
std::array<unsigned char, 32> header_mac(const core::SecretBytes& file_key, std::string_view mac_input);

}  // namespace egg::bundle::age
