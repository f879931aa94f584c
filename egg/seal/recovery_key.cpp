#include "egg/seal/recovery_key.hpp"

#include <sodium.h>

#include <cctype>
#include <vector>

#include "egg/core/exit.hpp"
#include "egg/core/redact.hpp"

namespace egg::seal {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::size_t kDataPerGroup = 4;
constexpr std::size_t kGroupLen = kDataPerGroup + 1;
constexpr std::size_t kDataChars = kRecoveryGroups * kDataPerGroup;  // 52 * 5 = 260 bits

unsigned gf32_mul(unsigned a, unsigned b) {
  unsigned r = 0;
  for (int i = 0; i < 5; ++i) {
    if (b & 1u) r ^= a;
    b >>= 1;
    a <<= 1;
    if (a & 0x20u) a ^= 0x25u;  // x^5 = x^2 + 1
  }
  return r & 0x1fu;
}

unsigned group_check(std::size_t group, const unsigned* d) {
  unsigned c = static_cast<unsigned>(group + 1);
  for (std::size_t i = 0; i < kDataPerGroup; ++i) c ^= gf32_mul(2u << i, d[i]);
  return c;
}

int symbol_value(char ch) {
  char c = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (c == 'O') c = '0';
  if (c == 'I' || c == 'L') c = '1';
  for (int v = 0; v < 32; ++v)
    if (kAlphabet[v] == c) return v;
  return -1;
}

bool is_separator(char c) { return c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

[[noreturn]] void fail(const std::string& what) {
  throw Error(Exit::usage, "the recovery key " + what +
                               "; check it against the paper copy (13 groups of 5 characters)");
}

}  // namespace

core::SecretBytes new_recovery_key() {
  core::SecretBytes key(kRecoveryKeyBytes);
  randombytes_buf(key.data(), key.size());
  return key;
}

std::string format_recovery_key(const core::SecretBytes& key) {
  std::vector<unsigned> data(kDataChars, 0);
  for (std::size_t bit = 0; bit < key.size() * 8; ++bit) {
    unsigned b = (key.data()[bit / 8] >> (7 - bit % 8)) & 1u;
    data[bit / 5] |= b << (4 - bit % 5);
  }
  std::string out;
  for (std::size_t g = 0; g < kRecoveryGroups; ++g) {
    if (g) out += '-';
    const unsigned* d = &data[g * kDataPerGroup];
    for (std::size_t i = 0; i < kDataPerGroup; ++i) out += kAlphabet[d[i]];
    out += kAlphabet[group_check(g, d)];
  }
  sodium_memzero(data.data(), data.size() * sizeof(unsigned));
  core::register_secret(out);
  return out;
}

core::SecretBytes parse_recovery_key(std::string_view text) {
  core::register_secret(text);
  // Split on separators when the operator kept them, so a dropped character is blamed on its group.
  std::vector<std::string> groups;
  std::string cur;
  for (char c : text) {
    if (is_separator(c)) {
      if (!cur.empty()) groups.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) groups.push_back(std::move(cur));
  std::string joined;
  for (const auto& g : groups) joined += g;
  if (groups.size() == kRecoveryGroups) {
    for (std::size_t g = 0; g < groups.size(); ++g)
      if (groups[g].size() != kGroupLen)
        fail("has a typo in group " + std::to_string(g + 1) + ": it has " +
             std::to_string(groups[g].size()) + " characters, expected 5");
  } else if (joined.size() != kRecoveryGroups * kGroupLen) {
    fail("has " + std::to_string(joined.size()) + " characters, expected 65");
  }
  core::register_secret(joined);

  std::vector<unsigned> data(kDataChars, 0);
  for (std::size_t g = 0; g < kRecoveryGroups; ++g) {
    unsigned vals[kGroupLen];
    for (std::size_t i = 0; i < kGroupLen; ++i) {
      int v = symbol_value(joined[g * kGroupLen + i]);
      if (v < 0)
        fail("has a typo in group " + std::to_string(g + 1) +
             ": a character that is not in the alphabet 0-9 A-Z without U");
      vals[i] = static_cast<unsigned>(v);
    }
    if (group_check(g, vals) != vals[kDataPerGroup])
      fail("has a typo in group " + std::to_string(g + 1) + " (its check character does not match)");
    for (std::size_t i = 0; i < kDataPerGroup; ++i) data[g * kDataPerGroup + i] = vals[i];
  }
  core::SecretBytes key(kRecoveryKeyBytes);
  for (std::size_t bit = 0; bit < kRecoveryKeyBytes * 8; ++bit) {
    unsigned b = (data[bit / 5] >> (4 - bit % 5)) & 1u;
    key.data()[bit / 8] |= static_cast<unsigned char>(b << (7 - bit % 8));
  }
  // The 4 bits after the key must be zero; anything else is a typo that kept the check valid.
  bool padding_ok = (data[kDataChars - 1] & 0x0fu) == 0;
  sodium_memzero(data.data(), data.size() * sizeof(unsigned));
  if (!padding_ok) fail("has a typo in group " + std::to_string(kRecoveryGroups));
  core::register_secret_bytes(key.span());
  core::register_secret(format_recovery_key(key));
  return key;
}

}  // namespace egg::seal
