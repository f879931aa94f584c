#pragma once
// Files into and out of containers through the archive API: egg renders config files in memory,
// packs them into a tar with the owner and mode each must have, and PUTs the tar into a
// directory of the container (created or running), as `docker cp` does.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "egg/engine/client.hpp"

namespace egg::engine {

struct TarEntry {
  std::string path;  // relative, "conf/app.ini"
  std::string data;  // file contents (empty for a directory)
  mode_t mode = 0644;  // permission bits
  uid_t uid = 0;
  gid_t gid = 0;
  bool directory = false;
};

// Builds an uncompressed tar (pax) in memory. The tar holds whatever it is given (also secrets):
// callers keep it out of logs and drop it when sent.
std::string build_tar(const std::vector<TarEntry>& entries);
// Reads every entry of a tar in memory (regular files and directories).
std::vector<TarEntry> read_tar(std::string_view tar);

// Extracts `tar` into `dir` (which must exist) in the container. Owner and mode come from the tar
// headers. Errors: 404 no such container or dir, 400 not a directory, 403 read-only.
void put_archive(Engine& e, const std::string& container, const std::string& dir, const std::string& tar);
// The same with a streamed body, for large tars.
void put_archive(Engine& e, const std::string& container, const std::string& dir,
                 const core::http::BodyReader& reader, std::optional<std::uint64_t> size);

// Streams `path` (file or directory) out of the container as a tar. False if it does not exist.
bool get_archive(Engine& e, const std::string& container, const std::string& path,
                 const core::http::BodyWriter& writer);
// The content of one regular file in the container; nullopt if it does not exist.
std::optional<std::string> read_file(Engine& e, const std::string& container, const std::string& path);

}  // namespace egg::engine
