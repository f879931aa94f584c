#pragma once
// Bytes that hold key material: wiped when freed, and registered for redaction on request.
#include <sodium.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace egg::core {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t n) : bytes_(n) {}
  SecretBytes(std::span<const unsigned char> data) : bytes_(data.begin(), data.end()) {}
  explicit SecretBytes(std::string_view s) : bytes_(s.begin(), s.end()) {}
  SecretBytes(const SecretBytes&) = default;
  SecretBytes& operator=(const SecretBytes& o) {
    if (this != &o) {
      wipe();
      bytes_ = o.bytes_;
    }
    return *this;
  }
  SecretBytes(SecretBytes&& o) noexcept : bytes_(std::move(o.bytes_)) {}
  SecretBytes& operator=(SecretBytes&& o) noexcept {
    if (this != &o) {
      wipe();
      bytes_ = std::move(o.bytes_);
    }
    return *this;
  }
  ~SecretBytes() { wipe(); }

  unsigned char* data() { return bytes_.data(); }
  const unsigned char* data() const { return bytes_.data(); }
  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  void resize(std::size_t n) { bytes_.resize(n); }
  std::span<const unsigned char> span() const { return bytes_; }
  std::string_view view() const {
    return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()};
  }
  bool operator==(const SecretBytes& o) const {
    return size() == o.size() && (empty() || sodium_memcmp(data(), o.data(), size()) == 0);
  }

 private:
  void wipe() {
    if (!bytes_.empty()) sodium_memzero(bytes_.data(), bytes_.size());
  }
  std::vector<unsigned char> bytes_;
};

}  // namespace egg::core
