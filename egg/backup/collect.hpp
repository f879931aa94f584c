#pragma once
// What goes into a bundle, member by member (docs/formats/bundle.md, "Members"): each function
// captures one part of the instance and appends it to the bundle through a spool file.
#include <cstdint>
#include <filesystem>
#include <functional>
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
  // Raw bytes captured so far (the progress display's figure) and a callback as it grows.
  std::uint64_t raw_bytes = 0;
  std::function<void(std::uint64_t)> on_progress;
  // One line per part captured ("postgres: 2 databases, 14.2 MiB"), for the summary and evidence.
  std::vector<std::string> notes;

  // Streams a member: `produce` writes its bytes to the sink it is given. The member is named
  // `path`, plus ".zst" when it was compressed.
  Captured add(const std::string& path, bundle::Compress mode,
               const std::function<void(const std::function<void(std::string_view)>&)>& produce);
  Captured add_bytes(const std::string& path, std::string_view data);
};

// Each part, in the order run.cpp calls them.
void capture_postgres(Collector& c);
void capture_s3(Collector& c);
void capture_volume(Collector& c, const std::string& component, const std::string& path_in_container);
void capture_vault(Collector& c);
void capture_state(Collector& c);

// An S3 key or database name as one member path segment run ("a b/c" -> "a%20b/c"): bytes outside
// [A-Za-z0-9._~-] and '/' are percent-encoded, and so are dots in "."/".." segments and a leading
// or doubled '/', so every key maps to a distinct, safe path.
std::string member_segment(std::string_view name, bool keep_slashes);

}  // namespace egg::backup
