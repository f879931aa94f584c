#pragma once
// Files compiled into the binary at build time (vendor-manifest/, templates/): see
// scripts/cmake/embed.cmake.
#include <optional>
#include <string_view>
#include <vector>

namespace egg::embedded {

struct File {
  std::string_view path;  // repository-relative, e.g. "vendor-manifest/postgres.json"
  std::string_view data;
};

const std::vector<File>& all();

inline std::optional<std::string_view> find(std::string_view path) {
  for (const auto& f : all())
    if (f.path == path) return f.data;
  return std::nullopt;
}

}  // namespace egg::embedded
