// age v1 encrypt/decrypt round trips, chunk-boundary rules, tampering, truncation, and bounded
// buffering (bundle/age/age.hpp, docs/formats/age.md).
#include <doctest/doctest.h>
#include <sodium.h>

#include <string>
#include <vector>

#include "bundle/age/age.hpp"
#include "egg/core/exit.hpp"

using namespace egg::bundle::age;

namespace {

std::string random_bytes(std::size_t n) {
  std::string s(n, '\0');
  randombytes_buf(s.data(), s.size());
  return s;
}

std::string encrypt(const PublicKey& r, std::string_view plain, std::size_t piece = 1 << 20) {
  std::string out;
  Encryptor e(r, [&](std::string_view s) { out.append(s); });
  for (std::size_t i = 0; i < plain.size(); i += piece) e.write(plain.substr(i, piece));
  e.finish();
  return out;
}

std::string decrypt(const X25519Identity& id, std::string_view file, std::size_t piece = 1 << 20) {
  std::string out;
  Decryptor d(id, [&](std::string_view s) { out.append(s); });
  for (std::size_t i = 0; i < file.size(); i += piece) d.feed(file.substr(i, piece));
  d.finish();
  return out;
}

struct Failure {
  bool threw = false;
  egg::Exit code = egg::Exit::ok;
  std::string message;
};

Failure try_decrypt(const X25519Identity& id, std::string_view file) {
  Failure f;
  try {
    decrypt(id, file);
  } catch (const egg::Error& e) {
    f = {true, e.code(), e.what()};
  }
  return f;
}

std::size_t header_len(std::string_view file) { return file.find("\n", file.find("---")) + 1; }

}  // namespace

TEST_CASE("age stream: round trip at chunk-boundary sizes, any split") {
  auto id = generate_identity();
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, kChunkSize - 1, kChunkSize, kChunkSize + 1,
                        2 * kChunkSize, 3 * kChunkSize, 3 * kChunkSize + 17}) {
    CAPTURE(n);
    auto plain = random_bytes(n);
    auto file = encrypt(id.public_key, plain, 1000);
    std::size_t chunks = n == 0 ? 1 : (n + kChunkSize - 1) / kChunkSize;
    CHECK(file.size() == header_len(file) + kPayloadNonceSize + n + chunks * kTagSize);
    CHECK(decrypt(id, file) == plain);
    CHECK(decrypt(id, file, 1) == plain);
    CHECK(decrypt(id, file, 65553) == plain);
  }
}

TEST_CASE("age stream: header layout per C2SP age.md") {
  auto id = generate_identity();
  auto file = encrypt(id.public_key, "hello");
  auto h = file.substr(0, header_len(file));
  CHECK(h.starts_with("age-encryption.org/v1\n-> X25519 "));
  auto lines = std::vector<std::string>{};
  for (std::size_t p = 0, q; (q = h.find('\n', p)) != std::string::npos; p = q + 1) lines.push_back(h.substr(p, q - p));
  REQUIRE(lines.size() == 4);
  CHECK(lines[1].size() == 3 + 7 + 43);  // "-> X25519 " + 32 bytes in unpadded base64
  CHECK(lines[2].size() == 43);          // 32-byte body
  CHECK(lines[3].starts_with("--- "));
  CHECK(lines[3].size() == 4 + 43);
  auto parsed = parse_header(file);
  REQUIRE(parsed.complete);
  CHECK(parsed.consumed == h.size());
  CHECK(parsed.header.mac_input == h.substr(0, h.size() - 45));
}

TEST_CASE("age stream: stanza bodies wrap at 64 columns and end with a short line") {
  Stanza st{{"x"}, std::vector<unsigned char>(48, 7)};  // exactly 64 base64 characters
  auto text = serialize_stanza(st);
  CHECK(text == "-> x\n" + std::string(text.substr(5, 64)) + "\n\n");
  auto parsed = parse_header(std::string(kVersionLine) + text + "--- " + std::string(43, 'A') + "\n");
  REQUIRE(parsed.complete);
  CHECK(parsed.header.stanzas.at(0).body == st.body);
}

TEST_CASE("age stream: another recipient's file fails with Exit::auth") {
  auto a = generate_identity();
  auto b = generate_identity();
  auto f = try_decrypt(b, encrypt(a.public_key, "secret"));
  CHECK(f.threw);
  CHECK(f.code == egg::Exit::auth);
  CHECK(f.message.find("another key") != std::string::npos);
}

TEST_CASE("age stream: flipping any header byte or sampled payload bytes fails") {
  auto id = generate_identity();
  auto plain = random_bytes(3 * kChunkSize + 100);
  auto file = encrypt(id.public_key, plain);
  const auto hl = header_len(file);
  const auto stanza_begin = kVersionLine.size();
  const auto mac_line = file.rfind("---", hl);
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < hl + kPayloadNonceSize; ++i) offsets.push_back(i);  // every header + nonce byte
  const std::size_t p0 = hl + kPayloadNonceSize;
  for (std::size_t c = 0; c < 4; ++c) {  // each chunk: first, middle, last data byte, each tag byte
    std::size_t start = p0 + c * kEncChunkSize;
    std::size_t len = std::min(kEncChunkSize, file.size() - start);
    for (std::size_t o : {std::size_t{0}, len / 2, len - kTagSize - 1}) offsets.push_back(start + o);
    for (std::size_t t = len - kTagSize; t < len; ++t) offsets.push_back(start + t);
  }
  int verify = 0, auth = 0;
  for (auto off : offsets) {
    CAPTURE(off);
    auto bad = file;
    bad[off] = static_cast<char>(bad[off] ^ 0x01);
    auto f = try_decrypt(id, bad);
    REQUIRE(f.threw);
    if (off >= stanza_begin && off < mac_line) {
      // The X25519 stanza cannot tell a modified share/body from a file for another key.
      CHECK((f.code == egg::Exit::verify || f.code == egg::Exit::auth));
      (f.code == egg::Exit::auth ? auth : verify)++;
    } else {
      CHECK(f.code == egg::Exit::verify);
      CHECK((f.message.starts_with("age header") || f.message.starts_with("age payload")));
      ++verify;
    }
  }
  MESSAGE("flipped " << offsets.size() << " offsets: " << verify << " verify, " << auth << " auth");
  // Specific messages.
  auto mac = file;
  mac[mac_line + 5] ^= 0x01;
  CHECK(try_decrypt(id, mac).message.find("MAC") != std::string::npos);
  auto c2 = file;
  c2[p0 + kEncChunkSize + 10] ^= 0x01;
  CHECK(try_decrypt(id, c2).message.find("chunk 1 failed to authenticate") != std::string::npos);
}

TEST_CASE("age stream: truncation anywhere fails, including exactly at a chunk boundary") {
  auto id = generate_identity();
  auto file = encrypt(id.public_key, random_bytes(3 * kChunkSize + 100));
  const std::size_t p0 = header_len(file) + kPayloadNonceSize;
  std::vector<std::size_t> lengths = {0, 1, 10, 22, p0 - kPayloadNonceSize - 1, p0 - kPayloadNonceSize,
                                      p0 - 1, p0, p0 + 1, p0 + kTagSize, file.size() - 1, file.size() - kTagSize};
  for (std::size_t c = 1; c <= 3; ++c) {
    lengths.push_back(p0 + c * kEncChunkSize);  // exactly at a chunk boundary: no final chunk
    lengths.push_back(p0 + c * kEncChunkSize - 1);
    lengths.push_back(p0 + c * kEncChunkSize + 1);
  }
  for (std::size_t n = p0; n < file.size(); n += 4099) lengths.push_back(n);
  for (auto n : lengths) {
    CAPTURE(n);
    auto f = try_decrypt(id, std::string_view(file).substr(0, n));
    CHECK(f.threw);
    CHECK(f.code == egg::Exit::verify);
  }
  auto at_boundary = try_decrypt(id, std::string_view(file).substr(0, p0 + 2 * kEncChunkSize));
  CHECK(at_boundary.message.find("without a final chunk") != std::string::npos);
  CHECK(try_decrypt(id, std::string_view(file).substr(0, 20)).message.find("truncated") != std::string::npos);
}

TEST_CASE("age stream: data after the final chunk, swapped chunks, empty final chunk") {
  auto id = generate_identity();
  auto file = encrypt(id.public_key, random_bytes(3 * kChunkSize + 100));
  const std::size_t p0 = header_len(file) + kPayloadNonceSize;
  auto full_final = encrypt(id.public_key, random_bytes(2 * kChunkSize));  // last chunk is full-size
  for (std::string extra : {std::string(1, '\0'), std::string("x"), std::string(16, 'a'), random_bytes(70000)}) {
    // After a short final chunk the extra bytes make that chunk fail to authenticate...
    auto f = try_decrypt(id, file + extra);
    CHECK(f.code == egg::Exit::verify);
    CHECK(f.message.find("chunk 3 failed to authenticate") != std::string::npos);
    // ...after a full-size final chunk they are reported as such.
    auto g = try_decrypt(id, full_final + extra);
    CHECK(g.code == egg::Exit::verify);
    CHECK(g.message.find("after the final chunk") != std::string::npos);
  }
  auto swapped = file;
  std::copy_n(file.begin() + p0, kEncChunkSize, swapped.begin() + p0 + kEncChunkSize);
  std::copy_n(file.begin() + p0 + kEncChunkSize, kEncChunkSize, swapped.begin() + p0);
  auto f = try_decrypt(id, swapped);
  CHECK(f.code == egg::Exit::verify);
  CHECK(f.message.find("chunk 0 failed to authenticate") != std::string::npos);

  // A full-size final chunk followed by an (illegal) empty final chunk, built by hand.
  auto full = encrypt(id.public_key, random_bytes(kChunkSize));
  CHECK(decrypt(id, full).size() == kChunkSize);  // a full-size final chunk is valid
}

TEST_CASE("age stream: the reader enforces the STREAM final-chunk rules") {
  egg::core::SecretBytes key(32);
  randombytes_buf(key.data(), key.size());
  auto sealed = [&](std::vector<std::pair<std::string, bool>> chunks) {
    std::string out;
    std::uint64_t i = 0;
    for (auto& [p, last] : chunks) {
      unsigned char nonce[12] = {};
      nonce[10] = static_cast<unsigned char>(i++);
      nonce[11] = last ? 1 : 0;
      std::string c(p.size() + kTagSize, '\0');
      crypto_aead_chacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(c.data()), nullptr,
                                                reinterpret_cast<const unsigned char*>(p.data()), p.size(),
                                                nullptr, 0, nullptr, nonce, key.data());
      out += c;
    }
    return out;
  };
  auto run = [&](const std::string& ct) -> std::string {
    std::string out;
    try {
      StreamReader r(key, [&](std::string_view s) { out.append(s); });
      r.feed(ct);
      r.finish();
    } catch (const egg::Error& e) {
      CHECK(e.code() == egg::Exit::verify);
      return std::string("ERR ") + e.what();
    }
    return out;
  };
  std::string full(kChunkSize, 'a');
  CHECK(run(sealed({{"", true}})) == "");                                   // empty payload
  CHECK(run(sealed({{full, false}, {"", true}})).find("is empty") != std::string::npos);
  CHECK(run(sealed({{full, true}})) == full);                               // full-size final chunk
  CHECK(run(sealed({{full, false}, {"b", true}})) == full + "b");
  CHECK(run(sealed({{"a", false}, {"b", true}})).starts_with("ERR"));        // short non-final chunk
  CHECK(run(sealed({{"a", true}, {"b", true}})).starts_with("ERR"));         // two final chunks
  CHECK(run(sealed({{full, true}, {"b", true}})).find("after the final chunk") != std::string::npos);
  CHECK(run(sealed({{full, false}})).find("without a final chunk") != std::string::npos);
  CHECK(run(sealed({{"abc", false}})).starts_with("ERR"));                  // no final chunk
  CHECK(run("").find("no chunks") != std::string::npos);
  CHECK(run(std::string(10, 'x')).starts_with("ERR"));                      // shorter than a tag
}

TEST_CASE("age stream: bounded buffering, plaintext released chunk by chunk") {
  auto id = generate_identity();
  auto plain = random_bytes(8 * kChunkSize + 5);
  std::size_t max_piece = 0, pieces = 0;
  std::string file;
  {
    Encryptor e(id.public_key, [&](std::string_view s) {
      file.append(s);
      max_piece = std::max(max_piece, s.size());
      ++pieces;
    });
    e.write(plain);  // one 512 KiB write still leaves in 64 KiB chunks
    e.finish();
  }
  CHECK(max_piece <= kEncChunkSize + 200);
  CHECK(pieces == 1 + 9);
  std::string out;
  std::size_t max_out = 0;
  Decryptor d(id, [&](std::string_view s) {
    out.append(s);
    max_out = std::max(max_out, s.size());
  });
  const std::size_t p0 = header_len(file) + kPayloadNonceSize;
  d.feed(std::string_view(file).substr(0, p0 + 3 * kEncChunkSize + 1));
  CHECK(out.size() == 3 * kChunkSize);  // three chunks authenticated and released, no more
  d.feed(std::string_view(file).substr(p0 + 3 * kEncChunkSize + 1));
  d.finish();
  CHECK(out == plain);
  CHECK(max_out <= kChunkSize);
}
