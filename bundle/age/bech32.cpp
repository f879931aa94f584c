#include "bundle/age/bech32.hpp"

#include <cstdint>

namespace egg::bundle::age {
namespace {

constexpr char kCharset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

std::uint32_t polymod(const std::vector<unsigned char>& v) {
  static constexpr std::uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
                                           0x2a1462b3};
  std::uint32_t chk = 1;
  for (unsigned char x : v) {
    std::uint32_t b = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ x;
    for (int i = 0; i < 5; ++i)
      if ((b >> i) & 1) chk ^= gen[i];
  }
  return chk;
}

std::vector<unsigned char> hrp_expand(std::string_view hrp) {
  std::vector<unsigned char> r;
  for (char c : hrp) r.push_back(static_cast<unsigned char>(c) >> 5);
  r.push_back(0);
  for (char c : hrp) r.push_back(static_cast<unsigned char>(c) & 31);
  return r;
}

// Regroups bits; with pad=false, rejects leftover bits of >= `from` or that are non-zero.
std::optional<std::vector<unsigned char>> convert_bits(const std::vector<unsigned char>& in,
                                                       int from, int to, bool pad) {
  std::uint32_t acc = 0;
  int bits = 0;
  std::vector<unsigned char> out;
  const std::uint32_t maxv = (1u << to) - 1;
  for (unsigned char v : in) {
    if ((v >> from) != 0) return std::nullopt;
    acc = (acc << from) | v;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push_back(static_cast<unsigned char>((acc >> bits) & maxv));
    }
  }
  if (pad) {
    if (bits > 0) out.push_back(static_cast<unsigned char>((acc << (to - bits)) & maxv));
  } else if (bits >= from || ((acc << (to - bits)) & maxv) != 0) {
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::string bech32_encode(std::string_view hrp, const std::vector<unsigned char>& data) {
  std::string lhrp;
  for (char c : hrp) lhrp.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
  auto values = *convert_bits(data, 8, 5, true);
  auto enc = hrp_expand(lhrp);
  enc.insert(enc.end(), values.begin(), values.end());
  enc.insert(enc.end(), 6, 0);
  std::uint32_t mod = polymod(enc) ^ 1;
  std::string out = lhrp + "1";
  for (unsigned char v : values) out.push_back(kCharset[v]);
  for (int i = 0; i < 6; ++i) out.push_back(kCharset[(mod >> (5 * (5 - i))) & 31]);
  return out;
}

std::optional<std::pair<std::string, std::vector<unsigned char>>> bech32_decode_raw(
    std::string_view s, bool limit_90) {
  if (limit_90 && s.size() > 90) return std::nullopt;
  bool lower = false, upper = false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126) return std::nullopt;
    if (c >= 'a' && c <= 'z') lower = true;
    if (c >= 'A' && c <= 'Z') upper = true;
  }
  if (lower && upper) return std::nullopt;
  auto pos = s.rfind('1');
  if (pos == std::string_view::npos || pos < 1 || pos + 7 > s.size()) return std::nullopt;
  std::string hrp;
  for (char c : s.substr(0, pos)) hrp.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
  std::vector<unsigned char> values;
  for (char c : s.substr(pos + 1)) {
    char lc = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    const char* p = nullptr;
    for (const char* q = kCharset; *q; ++q)
      if (*q == lc) p = q;
    if (!p) return std::nullopt;
    values.push_back(static_cast<unsigned char>(p - kCharset));
  }
  auto chk = hrp_expand(hrp);
  chk.insert(chk.end(), values.begin(), values.end());
  if (polymod(chk) != 1) return std::nullopt;
  values.resize(values.size() - 6);
  return std::make_pair(hrp, values);
}

std::optional<Bech32Decoded> bech32_decode(std::string_view s, bool limit_90) {
  auto raw = bech32_decode_raw(s, limit_90);
  if (!raw) return std::nullopt;
  auto bytes = convert_bits(raw->second, 5, 8, false);
  if (!bytes) return std::nullopt;
  return Bech32Decoded{raw->first, std::move(*bytes)};
}

}  // namespace egg::bundle::age
