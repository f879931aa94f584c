#pragma once
// Images: pull by digest (progress parsed line by line, errors inside the HTTP 200 caught, the
// result verified against the digest), load from a tar (air-gap), inspect, remove.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "egg/engine/client.hpp"

namespace egg::engine {

// One progress object ({"status","id","progressDetail",...}) per line of the engine's stream.
using ProgressFn = std::function<void(const json::object&)>;

// A repository name in the engine's familiar form, as RepoDigests shows it:
// docker.io/library/postgres → postgres, docker.io/foo/bar → foo/bar, others unchanged.
std::string familiar_name(std::string_view repo);

struct PullOptions {
  std::string platform;        // "linux/amd64"; empty: the daemon's
  std::string registry_auth;   // X-Registry-Auth value (base64url JSON); never logged
};

// Pulls repo@digest (digest "sha256:<64 hex>"), then checks the engine has an image whose
// RepoDigests hold that digest for that repository. Returns the image id. A pull that fails
// (HTTP error, or an error line inside the 200 stream) or a digest mismatch is Exit::failed.
std::string pull(Engine& e, const std::string& repo, const std::string& digest, const ProgressFn& progress = {},
                 const PullOptions& options = {});

// True if `inspect`'s RepoDigests contain repo@digest, comparing familiar names.
bool has_repo_digest(const json::value& inspect, const std::string& repo, const std::string& digest);

std::optional<json::value> inspect_image(Engine& e, const std::string& ref);
// Removes an image (force: untag from all repositories and remove even if used by stopped
// containers). False if missing.
bool remove_image(Engine& e, const std::string& ref, bool force = false);

struct LoadedImage {
  std::string ref;  // "name:tag" as loaded, or the id for an untagged image
  std::string id;   // the engine's image id
};
// POST /images/load with a tar from `reader` (docker save format). Returns what the engine
// reports loading, each resolved to its id (RepoDigests may be empty after a load, moby#22011:
// check loaded images by id).
std::vector<LoadedImage> load_images(Engine& e, const core::http::BodyReader& reader,
                                     std::optional<std::uint64_t> size, const ProgressFn& progress = {});
std::vector<LoadedImage> load_images(Engine& e, const std::filesystem::path& tar, const ProgressFn& progress = {});

}  // namespace egg::engine
