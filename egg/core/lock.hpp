#pragma once
// One egg at a time per state dir: `up`, `unseal`, `down`, `destroy` take an exclusive flock on
// <state-dir>/.lock (released by the kernel when egg exits, even by SIGKILL). A second egg is
// refused at once (exit 4) instead of interleaving with the first.
#include <filesystem>
#include <string>

namespace egg::core {

class StateLock {
 public:
  explicit StateLock(const std::filesystem::path& state_dir, const std::string& what);
  ~StateLock();
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace egg::core
