#pragma once
// Generated credentials: uniformly random, from libsodium's CSPRNG.
#include <sodium.h>

#include <string>

namespace egg::core {

// `length` characters of [A-Za-z0-9] (5.95 bits each: 32 characters carry 190 bits). This alphabet
// needs no quoting in SQL, HCL, INI, JSON or a URL, so a generated password never breaks a
// rendered config file.
inline std::string random_token(std::size_t length = 32) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out(length, '\0');
  for (auto& c : out) c = kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
  return out;
}

// `bytes` random bytes as lowercase hex.
inline std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  hex.pop_back();
  sodium_memzero(raw.data(), raw.size());
  return hex;
}

}  // namespace egg::core
