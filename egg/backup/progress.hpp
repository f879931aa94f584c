#pragma once
// The progress line `egg backup` draws on a terminal: bytes captured, rate, and an ETA estimated
// from the previous backup's size (none on the first run). Redrawn at most 4 times a second.
#include <chrono>
#include <cstdint>

#include "egg/core/json.hpp"

namespace egg::backup {

class Progress {
 public:
  // `estimate`: the last run's raw_bytes (a JSON number) or null.
  Progress(bool enabled, const core::json::value* estimate);
  void update(std::uint64_t bytes);
  void done();

 private:
  bool enabled_;
  std::uint64_t estimate_ = 0;
  std::chrono::steady_clock::time_point start_, last_;
  bool drawn_ = false;
};

// "1.2 GiB", "340.0 MiB", "12.0 KiB", "17 B".
std::string human_bytes(std::uint64_t bytes);

}  // namespace egg::backup
