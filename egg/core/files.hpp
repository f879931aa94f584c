#pragma once
// The one way egg writes files: atomically (temp file in the same directory, fsync, rename, fsync
// the directory), so a crash leaves the old file or the new one, never a torn one.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace egg::core {

namespace fs = std::filesystem;

// Writes `data` to `path` atomically with the given mode. The parent directory must exist.
void write_file_atomic(const fs::path& path, std::string_view data, mode_t mode = 0600);

// Reads a whole file; a missing or unreadable file is an Error naming the path.
std::string read_file(const fs::path& path);

// Creates `dir` (and parents) if missing; egg's own directory gets mode 0700. An existing
// directory that group or others can enter is tightened to 0700, since it holds secrets.
void ensure_private_dir(const fs::path& dir);

// Refuses (exit 4) a secret file that group or others can read, naming the fix.
void require_private_file(const fs::path& path);

// Test hook for crash-safety tests: if $EGG_TEST_CRASH_AT equals `point`, the process kills itself
// with SIGKILL right here, exactly like a power cut or an OOM kill at that line.
void crash_point(std::string_view point);

}  // namespace egg::core
