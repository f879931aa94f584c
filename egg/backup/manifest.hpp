#pragma once
// manifest.json, a bundle's first member (docs/formats/bundle.md, "manifest.json"): what wrote
// the bundle and what a restore needs to know before it reads anything else.
#include <cstdint>
#include <string>

#include "egg/backup/keys.hpp"
#include "egg/components/context.hpp"

namespace egg::backup {

inline constexpr int kBundleFormatVersion = 1;

// The order `egg restore` brings the parts back in (brief §5).
inline constexpr const char* kRestoreOrder[] = {"vault", "postgres", "s3", "volumes", "forgejo", "proxy"};

std::string bundle_manifest(components::Context& ctx, const std::string& id, std::int64_t time, const PublicKeys& keys);

}  // namespace egg::backup
