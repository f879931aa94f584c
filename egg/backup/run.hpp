#pragma once
// One `egg backup` run (docs/backup.md): capture every member into one bundle, sign it, store it
// in every destination, prune each by retention, record the run. Needs no passphrase.
#include <cstdint>
#include <string>
#include <vector>

#include "egg/components/context.hpp"

namespace egg::backup {

struct DestinationResult {
  std::string destination;
  bool ok = false;
  std::string error;
  std::vector<std::string> pruned;  // ids deleted by retention
  int cleaned = 0;                  // partial files of interrupted runs removed
};

struct RunSummary {
  std::string id;
  std::int64_t time = 0;
  std::uint64_t raw_bytes = 0;     // captured, before compression
  std::uint64_t bundle_bytes = 0;  // the encrypted bundle
  std::string sha256;
  double seconds = 0;
  double paused_seconds = 0;  // how long the forge was paused
  std::vector<std::string> notes;
  std::vector<DestinationResult> destinations;
  bool ok() const;
};

struct RunOptions {
  bool progress = false;  // a progress line on stderr (a terminal)
};

// Throws egg::Error when no bundle could be made (exit 1; nothing that looks complete is left);
// destination failures are reported in the summary (the caller exits 1 on !ok()).
RunSummary run_backup(components::Context& ctx, const RunOptions& options);

}  // namespace egg::backup
