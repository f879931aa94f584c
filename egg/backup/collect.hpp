#pragma once
// What goes into a bundle, member by member (docs/formats/bundle.md, "Members"): each function
// captures one part of the instance and appends it to the bundle through a spool file.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bundle/spool.hpp"
#include "bundle/writer.hpp"
#include "egg/components/context.hpp"

namespace egg::backup {

// One member written so far, with what a restore or a deep verify checks it against.
struct Captured {
  std::string member;        // path in the tar
  std::uint64_t raw_size = 0;  // before compression
  std::string raw_sha256;
  bool compressed = false;
};

class Collector {
 public:
  Collector(components::Context& ctx, bundle::BundleWriter& writer, std::filesystem::path spool_dir)
      : ctx(ctx), writer(writer), spool_dir(std::move(spool_dir)) {}

  components::Context& ctx;
  bundle::BundleWriter& writer;
  std::filesystem::path spool_dir;
  // Raw bytes captured so far (the progress display's figure; PostgresDump adds to it from its
  // thread) and a callback as it grows, called on the collecting thread only.
  std::atomic<std::uint64_t> raw_bytes{0};
  std::function<void(std::uint64_t)> on_progress;
  // One line per part captured ("postgres: 2 databases, 14.2 MiB"), for the summary and evidence.
  std::vector<std::string> notes;

  using Producer = std::function<void(const std::function<void(std::string_view)>&)>;
  // Streams a member: `produce` writes its bytes to the sink it is given. The member is named
  // `path`, plus ".zst" when it was compressed. `size`: its length, when known before its data
  // (S3 objects); a member stored as is then goes straight into the bundle, without a spool file.
  // `raw_hash`: Captured::raw_sha256 is wanted (S3 listings).
  Captured add(const std::string& path, bundle::Compress mode, const Producer& produce,
               std::optional<std::uint64_t> size = std::nullopt, bool raw_hash = false);
  Captured add_bytes(const std::string& path, std::string_view data);
};

// The database dumps (pg_dumpall --globals-only, pg_dump -Fc -Z0 per database), spooled on a
// thread and engine connection of their own while the caller copies the objects: the two wait on
// different servers. append() waits for them (rethrowing a failure) and adds them to the bundle.
class PostgresDump {
 public:
  PostgresDump(components::Context& ctx, std::filesystem::path spool_dir, std::atomic<std::uint64_t>& raw_bytes);
  ~PostgresDump();
  void append(Collector& c);

 private:
  struct Dumped {
    std::string member;
    std::unique_ptr<bundle::Spool> spool;
  };
  std::atomic<std::uint64_t>& raw_bytes_;
  std::chrono::steady_clock::time_point t0_;
  std::vector<Dumped> dumped_;
  std::size_t databases_ = 0;
  std::future<void> done_;
};

// The other parts, in the order run.cpp calls them.
void capture_s3(Collector& c);
void capture_volume(Collector& c, const std::string& component, const std::string& path_in_container);
void capture_vault(Collector& c);
void capture_state(Collector& c);

// An S3 key or database name as one member path segment run ("a b/c" -> "a%20b/c"): bytes outside
// [A-Za-z0-9._~-] and '/' are percent-encoded, and so are dots in "."/".." segments and a leading
// or doubled '/', so every key maps to a distinct, safe path.
std::string member_segment(std::string_view name, bool keep_slashes);

}  // namespace egg::backup
