#pragma once
// Big-endian field encoding for egg's binary formats (docs/formats/keyring.md, sealed.md).
// The reader never reads past the end: every take() is bounds-checked and a short input is
// reported through `ok()`, so parsers can treat truncation like any other corruption.
#include <cstdint>
#include <string>
#include <string_view>

namespace egg::seal {

class ByteWriter {
 public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(std::uint16_t v) { be(v, 2); }
  void u32(std::uint32_t v) { be(v, 4); }
  void u64(std::uint64_t v) { be(v, 8); }
  void raw(std::string_view s) { out_.append(s); }
  void raw(const unsigned char* p, std::size_t n) { out_.append(reinterpret_cast<const char*>(p), n); }
  std::string& str() { return out_; }

 private:
  void be(std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  std::uint8_t u8() { return static_cast<std::uint8_t>(be(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(be(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(be(4)); }
  std::uint64_t u64() { return be(8); }
  // Returns an empty view (and marks the reader failed) if fewer than n bytes remain.
  std::string_view take(std::size_t n) {
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return {};
    }
    auto v = in_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  bool ok() const { return ok_; }
  bool at_end() const { return ok_ && pos_ == in_.size(); }
  std::size_t pos() const { return pos_; }

 private:
  std::uint64_t be(std::size_t n) {
    auto s = take(n);
    std::uint64_t v = 0;
    for (char c : s) v = (v << 8) | static_cast<unsigned char>(c);
    return v;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace egg::seal
