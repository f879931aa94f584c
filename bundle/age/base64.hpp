#pragma once
// Standard base64 without padding (RFC 4648 §4), canonical only (C2SP age.md, "Conventions").
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace egg::bundle::age {

std::string b64_encode(std::span<const unsigned char> data);
// nullopt for '=' padding, characters outside the alphabet, impossible lengths, or non-zero
// trailing bits (non-canonical; libsodium's decoder rejects those).
std::optional<std::vector<unsigned char>> b64_decode(std::string_view text);

}  // namespace egg::bundle::age
