#include "bundle/age/stream.hpp"

#include <sodium.h>

#include "bundle/age/hkdf.hpp"
#include "egg/core/exit.hpp"

namespace egg::bundle::age {
namespace {

std::array<unsigned char, 12> chunk_nonce(std::uint64_t counter, bool last) {
  std::array<unsigned char, 12> n{};
  for (int i = 0; i < 8; ++i) n[10 - i] = static_cast<unsigned char>(counter >> (8 * i));
  n[11] = last ? 1 : 0;
  return n;
}

[[noreturn]] void fail(const std::string& what) { throw Error(Exit::verify, "age payload: " + what); }

}  // namespace

core::SecretBytes payload_key(const core::SecretBytes& file_key,
                              const std::array<unsigned char, kPayloadNonceSize>& nonce) {
  core::SecretBytes k(32);
  hkdf_sha256(file_key.span(), nonce, "payload", {k.data(), k.size()});
  return k;
}

StreamWriter::StreamWriter(core::SecretBytes key, Sink sink) : key_(std::move(key)), sink_(std::move(sink)) {
  buf_.reserve(kChunkSize);
  out_.resize(kEncChunkSize);
}

void StreamWriter::seal(bool last) {
  auto nonce = chunk_nonce(counter_, last);
  unsigned long long clen = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(out_.data()), &clen,
      reinterpret_cast<const unsigned char*>(buf_.data()), buf_.size(), nullptr, 0, nullptr,
      nonce.data(), key_.data());
  ++counter_;
  buf_.clear();
  sink_(std::string_view(out_.data(), clen));
}

void StreamWriter::write(std::string_view data) {
  if (finished_) throw Error(Exit::failed, "age: write after finish");
  while (!data.empty()) {
    // A full buffer is sealed as a non-final chunk only once more data proves it is not the last.
    if (buf_.size() == kChunkSize) seal(false);
    std::size_t take = std::min(data.size(), kChunkSize - buf_.size());
    buf_.append(data.data(), take);
    data.remove_prefix(take);
  }
}

void StreamWriter::finish() {
  if (finished_) return;
  seal(true);
  finished_ = true;
}

StreamReader::StreamReader(core::SecretBytes key, Sink sink) : key_(std::move(key)), sink_(std::move(sink)) {
  buf_.reserve(kEncChunkSize + 1);
  out_.resize(kChunkSize);
}

void StreamReader::open(std::size_t n, bool at_eof) {
  const std::uint64_t index = counter_;
  auto try_open = [&](bool last, unsigned long long& mlen) {
    auto nonce = chunk_nonce(counter_, last);
    return crypto_aead_chacha20poly1305_ietf_decrypt(
               reinterpret_cast<unsigned char*>(out_.data()), &mlen, nullptr,
               reinterpret_cast<const unsigned char*>(buf_.data()), n, nullptr, 0, nonce.data(),
               key_.data()) == 0;
  };
  unsigned long long mlen = 0;
  bool last;
  if (n < kEncChunkSize) {
    // A short chunk can only be the final one, and it must end the file.
    if (!at_eof) fail("chunk " + std::to_string(index) + " is short but not at the end");
    if (n == kTagSize && index != 0)
      fail("final chunk " + std::to_string(index) + " is empty (only an empty payload may have one)");
    if (n < kTagSize || !try_open(true, mlen))
      fail("chunk " + std::to_string(index) + " failed to authenticate (final chunk)");
    last = true;
  } else if (try_open(false, mlen)) {
    last = false;
  } else if (try_open(true, mlen)) {
    last = true;  // a full-size final chunk
  } else {
    fail("chunk " + std::to_string(index) + " failed to authenticate");
  }
  ++counter_;
  buf_.erase(0, n);
  if (last) {
    done_ = true;
    if (!buf_.empty()) fail("data after the final chunk");
  }
  if (mlen) sink_(std::string_view(out_.data(), mlen));
}

void StreamReader::feed(std::string_view data) {
  while (!data.empty()) {
    if (done_) fail("data after the final chunk");
    std::size_t take = std::min(data.size(), kEncChunkSize + 1 - buf_.size());
    buf_.append(data.data(), take);
    data.remove_prefix(take);
    // More than a full chunk buffered: the first kEncChunkSize bytes are a full chunk not at EOF.
    if (buf_.size() == kEncChunkSize + 1) open(kEncChunkSize, false);
  }
}

void StreamReader::finish() {
  if (done_) return;
  if (buf_.empty())
    fail(counter_ == 0 ? "no chunks (the file ends after the payload nonce)"
                       : "truncated: the file ends after chunk " + std::to_string(counter_ - 1) +
                             " without a final chunk");
  open(buf_.size(), true);
  if (!done_)
    fail("truncated: the file ends after chunk " + std::to_string(counter_ - 1) +
         " without a final chunk");
}

}  // namespace egg::bundle::age
