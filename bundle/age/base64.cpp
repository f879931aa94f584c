#include "bundle/age/base64.hpp"

#include <sodium.h>

namespace egg::bundle::age {

std::string b64_encode(std::span<const unsigned char> data) {
  constexpr int v = sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(data.size(), v), '\0');
  sodium_bin2base64(out.data(), out.size(), data.data(), data.size(), v);
  out.resize(out.size() - 1);  // drop the NUL
  return out;
}

std::optional<std::vector<unsigned char>> b64_decode(std::string_view text) {
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/';
    if (!ok) return std::nullopt;
  }
  if (text.size() % 4 == 1) return std::nullopt;
  std::vector<unsigned char> out(text.size() * 3 / 4 + 3);
  std::size_t n = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &n, &end,
                        sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 ||
      end != text.data() + text.size())
    return std::nullopt;
  out.resize(n);
  // Belt and braces: canonical means re-encoding gives the same text.
  if (b64_encode(out) != text) return std::nullopt;
  return out;
}

}  // namespace egg::bundle::age
