#pragma once
// Streaming zstd (libzstd) for bundle members: a compressor whose frames carry a content checksum
// (so `zstd -t` and `zstd -d` check them), and a decompressor that refuses a truncated frame.
// Both push their output to a sink and hold one output buffer (ZSTD_CStreamOutSize, ~128 KiB).
#include <functional>
#include <memory>
#include <string_view>

namespace egg::bundle {

using ByteSink = std::function<void(std::string_view)>;

class ZstdCompressor {
 public:
  // `workers` > 0 compresses on that many threads (libzstd's own); 0 compresses inline.
  ZstdCompressor(ByteSink sink, int level = 3, int workers = 0);
  ~ZstdCompressor();
  void write(std::string_view data);
  void finish();  // ends the frame

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class ZstdDecompressor {
 public:
  // `what` names the member in errors (Exit::verify).
  ZstdDecompressor(ByteSink sink, std::string what);
  ~ZstdDecompressor();
  void feed(std::string_view data);
  void finish();  // throws Exit::verify if the last frame is incomplete

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The one-shot size of `data` compressed at a fast level: how bundle members decide whether
// compressing pays.
std::size_t zstd_probe_size(std::string_view data);

}  // namespace egg::bundle
