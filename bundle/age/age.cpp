#include "bundle/age/age.hpp"

#include <sodium.h>

#include "bundle/age/base64.hpp"
#include "bundle/age/hkdf.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/redact.hpp"

namespace egg::bundle::age {
namespace {

constexpr std::string_view kX25519Info = "age-encryption.org/v1/X25519";
constexpr std::size_t kFileKeySize = 16;

core::SecretBytes wrap_key(const unsigned char* shared, const PublicKey& share, const PublicKey& recipient) {
  std::array<unsigned char, 64> salt{};
  std::copy(share.begin(), share.end(), salt.begin());
  std::copy(recipient.begin(), recipient.end(), salt.begin() + 32);
  core::SecretBytes k(32);
  hkdf_sha256({shared, 32}, salt, kX25519Info, {k.data(), k.size()});
  return k;
}

}  // namespace

Stanza x25519_wrap(const core::SecretBytes& file_key, const PublicKey& recipient) {
  core::SecretBytes eph(32);
  PublicKey share{};
  core::SecretBytes shared(32);
  randombytes_buf(eph.data(), eph.size());
  crypto_scalarmult_base(share.data(), eph.data());
  // libsodium's crypto_scalarmult fails when the result is all zeros (a low-order recipient).
  if (crypto_scalarmult(shared.data(), eph.data(), recipient.data()) != 0)
    throw Error(Exit::usage, "age: invalid X25519 recipient (low-order point)");
  auto key = wrap_key(shared.data(), share, recipient);
  Stanza st;
  st.args = {"X25519", b64_encode(share)};
  st.body.resize(file_key.size() + crypto_aead_chacha20poly1305_ietf_ABYTES);
  const unsigned char zero_nonce[12] = {};
  unsigned long long clen = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(st.body.data(), &clen, file_key.data(), file_key.size(),
                                            nullptr, 0, nullptr, zero_nonce, key.data());
  return st;
}

std::optional<core::SecretBytes> x25519_unwrap(const Stanza& st, const X25519Identity& id) {
  if (st.args.empty() || st.args[0] != "X25519") return std::nullopt;
  if (st.args.size() != 2) throw Error(Exit::verify, "age header: X25519 stanza must have 2 arguments");
  auto share_bytes = b64_decode(st.args[1]);
  if (!share_bytes || share_bytes->size() != 32)
    throw Error(Exit::verify, "age header: X25519 stanza share is not canonical base64 of 32 bytes");
  if (st.body.size() != kFileKeySize + crypto_aead_chacha20poly1305_ietf_ABYTES)
    throw Error(Exit::verify, "age header: X25519 stanza body must be 32 bytes");
  PublicKey share{};
  std::copy(share_bytes->begin(), share_bytes->end(), share.begin());
  core::SecretBytes shared(32);
  if (crypto_scalarmult(shared.data(), id.secret.data(), share.data()) != 0)
    throw Error(Exit::verify, "age header: X25519 shared secret is all zeros (low-order share)");
  auto key = wrap_key(shared.data(), share, id.public_key);
  core::SecretBytes file_key(kFileKeySize);
  const unsigned char zero_nonce[12] = {};
  unsigned long long mlen = 0;
  if (crypto_aead_chacha20poly1305_ietf_decrypt(file_key.data(), &mlen, nullptr, st.body.data(),
                                                st.body.size(), nullptr, 0, zero_nonce, key.data()) != 0)
    return std::nullopt;
  return file_key;
}

std::array<unsigned char, 32> header_mac(const core::SecretBytes& file_key, std::string_view mac_input) {
  core::SecretBytes k(32);
  hkdf_sha256(file_key.span(), {}, "header", {k.data(), k.size()});
  std::array<unsigned char, 32> mac{};
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, k.data(), k.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(mac_input.data()), mac_input.size());
  crypto_auth_hmacsha256_final(&st, mac.data());
  sodium_memzero(&st, sizeof st);
  return mac;
}

Encryptor::Encryptor(const PublicKey& recipient, Sink sink) {
  if (sodium_init() < 0) throw Error(Exit::failed, "libsodium failed to initialise");
  core::SecretBytes file_key(kFileKeySize);
  randombytes_buf(file_key.data(), file_key.size());
  core::register_secret_bytes(file_key.span());
  std::string head(kVersionLine);
  head += serialize_stanza(x25519_wrap(file_key, recipient));
  head += "---";
  head += " " + b64_encode(header_mac(file_key, head)) + "\n";
  std::array<unsigned char, kPayloadNonceSize> nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  head.append(reinterpret_cast<const char*>(nonce.data()), nonce.size());
  sink(head);
  stream_ = std::make_unique<StreamWriter>(payload_key(file_key, nonce), std::move(sink));
}

void Encryptor::write(std::string_view data) { stream_->write(data); }
void Encryptor::finish() { stream_->finish(); }

Decryptor::Decryptor(const X25519Identity& identity, Sink sink) : identity_(identity), sink_(std::move(sink)) {
  if (sodium_init() < 0) throw Error(Exit::failed, "libsodium failed to initialise");
}

void Decryptor::feed(std::string_view data) {
  if (stream_) return stream_->feed(data);
  // Header phase: take only what can still belong to the header and nonce.
  std::size_t take = std::min(data.size(), kMaxHeaderSize + kPayloadNonceSize + 1 - head_.size());
  head_.append(data.data(), take);
  data.remove_prefix(take);
  auto parsed = parse_header(head_);
  if (!parsed.complete) {
    if (head_.size() > kMaxHeaderSize) throw Error(Exit::verify, "age header: longer than 64 KiB");
    return;
  }
  if (parsed.consumed > kMaxHeaderSize) throw Error(Exit::verify, "age header: longer than 64 KiB");
  if (file_key_.empty()) on_header(parsed.header);  // header errors come before payload errors
  if (head_.size() - parsed.consumed < kPayloadNonceSize) return;  // all input taken; need the nonce
  std::array<unsigned char, kPayloadNonceSize> nonce{};
  std::copy_n(head_.data() + parsed.consumed, kPayloadNonceSize, nonce.begin());
  std::string rest = head_.substr(parsed.consumed + kPayloadNonceSize);
  stream_ = std::make_unique<StreamReader>(payload_key(file_key_, nonce), sink_);
  sodium_memzero(file_key_.data(), file_key_.size());
  head_.clear();
  head_.shrink_to_fit();
  stream_->feed(rest);
  stream_->feed(data);
}

void Decryptor::on_header(const Header& header) {
  std::optional<core::SecretBytes> fk;
  for (const auto& st : header.stanzas) {
    if (!st.args.empty() && st.args[0] == "scrypt")
      throw Error(Exit::verify, "age header: scrypt stanzas are not supported by egg");
    if (!fk) fk = x25519_unwrap(st, identity_);
  }
  if (!fk) throw Error(Exit::auth, "age: no recipient stanza opens with this identity (the file is for another key)");
  core::register_secret_bytes(fk->span());
  auto mac = header_mac(*fk, header.mac_input);
  if (sodium_memcmp(mac.data(), header.mac.data(), mac.size()) != 0)
    throw Error(Exit::verify, "age header: MAC mismatch (the header was modified)");
  file_key_ = std::move(*fk);
}

void Decryptor::finish() {
  if (!stream_) {
    auto parsed = parse_header(head_);
    if (!parsed.complete) throw Error(Exit::verify, "age header: truncated (the file ends inside the header)");
    throw Error(Exit::verify, "age payload: truncated (the file ends inside the payload nonce)");
  }
  stream_->finish();
}

}  // namespace egg::bundle::age
