#pragma once
// Writes a bundle file (docs/formats/bundle.md): a pax tar (libarchive) streamed through the age
// encryptor into `<path>`, members appended one at a time, index.json last. Holds one tar block
// and one age chunk in memory, whatever the member sizes.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bundle/age/keys.hpp"
#include "egg/core/sha256.hpp"

namespace egg::bundle {

struct MemberRecord {
  std::string path;
  std::uint64_t size = 0;  // bytes as stored in the tar
  core::Sha256Digest sha256{};
};

struct CiphertextDigest {
  std::uint64_t length = 0;
  core::Sha256Digest sha256{};
};

inline constexpr const char* kManifestMember = "manifest.json";
inline constexpr const char* kIndexMember = "index.json";

// A member path egg writes: relative, '/'-separated, of [A-Za-z0-9._~%+=,@-] segments, none
// empty, "." or "..". Anything else is refused (Exit::failed), so a bundle never holds a path
// `tar x` could write outside its directory.
void check_member_path(std::string_view path);

class BundleWriter {
 public:
  // Creates `path` (0600; it must not exist) and writes the age header for `recipient`.
  // `mtime` is every member's modification time (the bundle's time).
  BundleWriter(const std::filesystem::path& path, const age::PublicKey& recipient, std::int64_t mtime);
  ~BundleWriter();  // without finish(): closes and deletes the file (never a partial bundle)
  BundleWriter(const BundleWriter&) = delete;
  BundleWriter& operator=(const BundleWriter&) = delete;

  void add(const std::string& member, std::string_view data);
  // Appends `file` (exactly `size` bytes, e.g. a finished Spool) as `member`.
  void add_file(const std::string& member, const std::filesystem::path& file, std::uint64_t size);
  // A member streamed in place, when its size is known before its data (an S3 object stored as
  // is): begin, then exactly `size` bytes of write, then end. Growing past `size` or ending short
  // is Exit::failed, and the bundle cannot be finished after it.
  void begin(const std::string& member, std::uint64_t size);
  void write(std::string_view bytes);
  void end();
  // The SHA-256 of the last member ended.
  const core::Sha256Digest& last_sha256() const { return members_.back().sha256; }
  // Appends index.json (every member so far), ends the tar and the age stream, fsyncs the file.
  CiphertextDigest finish();

  const std::vector<MemberRecord>& members() const { return members_; }
  std::uint64_t ciphertext_bytes() const { return cipher_bytes_; }
  // Called with the plaintext bytes written so far, as they grow (progress display).
  std::function<void(std::uint64_t)> on_progress;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<MemberRecord> members_;
  std::uint64_t cipher_bytes_ = 0;
};

// The index.json text for `members` (also what a reader compares against).
std::string index_json(const std::vector<MemberRecord>& members);

}  // namespace egg::bundle
