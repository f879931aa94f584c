#pragma once
// Bech32 (BIP 173) as age uses it (C2SP age.md, "Conventions"): no length limit on the data
// part; a string is all lowercase or all uppercase; the checksum is over the lowercase form.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace egg::bundle::age {

struct Bech32Decoded {
  std::string hrp;                  // lowercased
  std::vector<unsigned char> data;  // 8-bit bytes (after 5->8 regrouping, padding checked)
};

// Encodes 8-bit `data` under `hrp` (lowercase output; callers uppercase identities).
std::string bech32_encode(std::string_view hrp, const std::vector<unsigned char>& data);
// Decodes and verifies the checksum; nullopt on any error. `limit_90` applies BIP 173's
// 90-character limit (for BIP 173's own vectors; age passes false).
std::optional<Bech32Decoded> bech32_decode(std::string_view s, bool limit_90 = false);

// BIP 173 level (5-bit values, no regrouping), for the BIP 173 test vectors.
std::optional<std::pair<std::string, std::vector<unsigned char>>> bech32_decode_raw(
    std::string_view s, bool limit_90);

}  // namespace egg::bundle::age
