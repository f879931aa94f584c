#pragma once
// Is a loaded image one the manifest pins? After `images/load` the classic image store keeps no
// RepoDigests (moby#22011), so the pinned manifest digest often cannot be seen on a loaded
// image. The strong proof is the image id: `egg manifest lock` records, per flavor, the id
// (config digest) of every platform behind the pinned digest, and a loaded image whose id is one
// of them is exactly the pinned image. docs/airgap.md explains the rules.
#include <optional>
#include <string>
#include <vector>

#include "egg/core/json.hpp"
#include "egg/manifest/manifest.hpp"

namespace egg::airgap {

enum class Verdict {
  match,            // id among the pin's ids, id equal to the pinned digest, or RepoDigests hold it
  unverified,       // the pinned repo:tag, but the manifest records no ids and no digest is visible
  mismatch,         // the pinned repo:tag, but its id is none of the ids the manifest records
  not_in_manifest,  // no pin refers to this image
};

struct Check {
  std::string ref;  // as loaded ("repo:tag", or the id of an untagged image)
  std::string id;
  Verdict verdict = Verdict::not_in_manifest;
  std::vector<std::string> pins;  // "component/flavor" the verdict is about
  std::string detail;
};

std::string to_string(Verdict v);

// `inspect` is the engine's /images/{id}/json (RepoTags, RepoDigests); may be null.
Check check_loaded(const std::string& ref, const std::string& id, const core::json::value& inspect,
                   const manifest::Manifest& m);

}  // namespace egg::airgap
