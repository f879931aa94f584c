#include "egg/core/redact.hpp"

#include <sodium.h>

#include <algorithm>
#include <mutex>
#include <vector>

namespace egg::core {
namespace {

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

std::vector<std::string>& registry() {
  static std::vector<std::string> secrets;
  return secrets;
}

std::string to_base64(std::span<const unsigned char> bytes, int variant) {
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), variant);
  out.resize(out.find('\0'));
  return out;
}

}  // namespace

void register_secret(std::string_view value) {
  if (value.size() < kMinRedactLength) return;
  std::lock_guard lock(registry_mutex());
  auto& secrets = registry();
  if (std::find(secrets.begin(), secrets.end(), value) != secrets.end()) return;
  secrets.emplace_back(value);
  // Longest first, so a secret that contains another is replaced whole.
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void register_secret_bytes(std::span<const unsigned char> bytes) {
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  hex.pop_back();
  register_secret(hex);
  for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                      sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
    register_secret(to_base64(bytes, variant));
  }
}

std::string redact(std::string_view text) {
  std::string out(text);
  std::lock_guard lock(registry_mutex());
  for (const auto& secret : registry()) {
    for (auto pos = out.find(secret); pos != std::string::npos;
         pos = out.find(secret, pos + kRedacted.size())) {
      out.replace(pos, secret.size(), kRedacted);
    }
  }
  return out;
}

void clear_registered_secrets() {
  std::lock_guard lock(registry_mutex());
  registry().clear();
}

}  // namespace egg::core
