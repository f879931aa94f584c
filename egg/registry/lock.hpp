#pragma once
// `egg manifest lock`: every component flavor's tag resolved to a digest (and its image ids),
// giving a whole new manifest. The registry is a function here so the rules are unit-tested
// without one.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "egg/manifest/manifest.hpp"
#include "egg/registry/client.hpp"

namespace egg::registry {

// Resolves (image repository, tag) → digest and ids; std::nullopt if the registry lacks it.
// Throws Error for an unreachable registry or a protocol failure.
using Resolver = std::function<std::optional<Resolved>(const std::string& image, const std::string& tag)>;

struct LockResult {
  std::string component, flavor, reference;  // reference: image:tag
  enum class Status { changed, unchanged, missing } status;
  std::optional<std::string> old_digest, new_digest;
};

// A copy of `m` with every flavor that `resolve` finds pinned to what it found; a flavor it does
// not find keeps its previous pin (digest, ids, source) and is reported `missing`.
manifest::Manifest lock(const manifest::Manifest& m, const Resolver& resolve, std::vector<LockResult>& report,
                        const std::string& source);

// The resolver against real registries: each image's own registry, or `override_url` for all.
Resolver registry_resolver(const std::optional<std::string>& override_url);

}  // namespace egg::registry
