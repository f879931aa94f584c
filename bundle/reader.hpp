#pragma once
// Reads a bundle file (docs/formats/bundle.md): decrypts the age stream with the backup identity,
// walks the tar member by member and checks every member against index.json. Streaming: one age
// chunk and one tar block in memory.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "bundle/age/keys.hpp"
#include "bundle/writer.hpp"

namespace egg::bundle {

// Reads the current member's bytes: fills up to `max`, returns 0 at its end.
using MemberData = std::function<std::size_t(char* buf, std::size_t max)>;

struct BundleContents {
  std::string manifest;                // manifest.json, verbatim
  std::vector<MemberRecord> members;   // as read (sizes and hashes computed), index.json excluded
  CiphertextDigest ciphertext;
};

// Calls `on_member(path, size, data)` for every member but index.json, in tar order; what the
// callback does not read is skipped (and still hashed). Throws egg::Error:
//  Exit::verify - the age layer fails (bad header, chunk, truncation), the tar is malformed, a
//                 member is not a regular file or has an unsafe path, manifest.json is not first,
//                 index.json is not last or does not match what was read (names the member);
//  Exit::auth   - the bundle is not encrypted to `identity`.
// The contents are trustworthy only once this returns: a caller acting on members as they come
// must be able to undo (restore verifies in a first pass, then reads again).
BundleContents read_bundle(const std::filesystem::path& bundle, const age::X25519Identity& identity,
                           const std::function<void(const std::string& path, std::uint64_t size,
                                                    const MemberData& data)>& on_member = {});

}  // namespace egg::bundle
