#pragma once

namespace egg::core {
extern const char* const kVersion;  // egg's release version (CMake project version)
extern const char* const kCommit;   // git commit the binary was built from, "-dirty" if modified
}  // namespace egg::core
