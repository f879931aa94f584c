#pragma once
// `egg backup verify --deep`: decrypt the whole bundle and check everything inside it, beyond the
// signature: every member against index.json, every zstd frame, every S3 object against its
// listing, the raft snapshot's own SHA256SUMS, and each database dump with `pg_restore --list`.
#include <filesystem>
#include <string>
#include <vector>

#include "bundle/age/keys.hpp"
#include "egg/components/context.hpp"

namespace egg::backup {

struct DeepReport {
  std::size_t members = 0;
  std::uint64_t plaintext_bytes = 0;
  std::vector<std::string> checked;  // one line per check that ran
  std::vector<std::string> skipped;  // and per check that could not run, with why
};

// `ctx` may be null (no instance here): the dump check then is skipped, since pg_restore runs in
// the instance's postgres container. Throws Error(Exit::verify) naming the member that fails.
DeepReport deep_verify(const std::filesystem::path& bundle, const bundle::age::X25519Identity& identity,
                       components::Context* ctx);

}  // namespace egg::backup
