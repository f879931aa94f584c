#pragma once
// A raft snapshot checks itself: it is a gzipped tar of meta.json, state.bin and SHA256SUMS
// ("<hex>  <name>" per line, hashicorp/raft-snapshot archive.go), plus SHA256SUMS.sealed on Vault
// and OpenBao (a barrier-keyed signature egg cannot check without unsealing). Used by
// `egg backup verify --deep` on the bundle's vault/raft.snap.
#include <cstddef>
#include <functional>
#include <string>

namespace egg::vault {

struct SnapshotFacts {
  std::size_t files = 0;       // entries checked against SHA256SUMS
  std::uint64_t state_bytes = 0;  // size of state.bin
};

// Streams the snapshot from `read` (fills up to max bytes, 0 at the end) and checks every file
// SHA256SUMS lists. Throws Error(Exit::verify) naming the file that fails, a malformed archive or
// a missing meta.json / state.bin / SHA256SUMS.
SnapshotFacts check_snapshot(const std::function<std::size_t(char*, std::size_t)>& read, const std::string& what);

}  // namespace egg::vault
