#pragma once
// A bundle member on its way in: a tar header needs the member's size before its data, so each
// member streams (from an exec, an HTTP body, an archive) through optional zstd into a spool file
// beside the bundle, is appended to the bundle, and is deleted. Disk use peaks at the bundle plus
// its largest member; memory at one compression window. docs/formats/bundle.md, "Spooling".
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "bundle/zstd.hpp"
#include "egg/core/sha256.hpp"

namespace egg::bundle {

enum class Compress {
  never,       // already compressed (pg_dump -Fc, raft snapshots)
  always,      // text (SQL, tars of config)
  if_it_pays,  // unknown (S3 objects, volumes): the first MiB decides
};

class Spool {
 public:
  // Creates a 0600 temporary file in `dir`. `hash_raw`: compute raw_sha256() (costs a pass of
  // SHA-256 over the data; only S3 listings need it).
  Spool(const std::filesystem::path& dir, Compress mode, bool hash_raw = true);
  ~Spool();  // removes the file
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  void write(std::string_view data);
  void finish();

  // After finish():
  bool compressed() const { return compressed_; }
  std::uint64_t raw_size() const { return raw_size_; }
  const core::Sha256Digest& raw_sha256() const { return raw_digest_; }
  std::uint64_t stored_size() const { return stored_size_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  void decide();
  void store(std::string_view data);
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  Compress mode_;
  bool decided_ = false, compressed_ = false, finished_ = false, hash_raw_ = true;
  std::string sample_;  // raw bytes held until the compression decision
  std::unique_ptr<ZstdCompressor> zstd_;
  core::Sha256 raw_hash_;
  core::Sha256Digest raw_digest_{};
  std::uint64_t raw_size_ = 0, stored_size_ = 0;
};

// Compression pays when a fast probe shrinks the first kSampleSize bytes to at most this fraction.
inline constexpr double kCompressionPays = 0.9;
inline constexpr std::size_t kSampleSize = std::size_t{1} << 20;
bool compression_pays(std::string_view sample);

}  // namespace egg::bundle
