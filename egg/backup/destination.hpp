#pragma once
// Where bundles go (docs/backup.md, "Destinations"): the local backups dir, any mounted directory,
// the stack's own S3 store and an offsite S3 bucket. Each one stores `<id>.egg` and then, last,
// `<id>.egg.sig`; a bundle is good only with a valid signature over its exact length and hash.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bundle/signature.hpp"
#include "egg/components/context.hpp"
#include "egg/s3/client.hpp"

namespace egg::backup {

enum class BundleState {
  good,        // signature valid for this host's key; length (and, when hashed, SHA-256) match
  incomplete,  // no signature: an interrupted run, never used or pruned as a backup
  bad,         // a signature that does not verify, or a bundle that does not match it
};
std::string to_string(BundleState s);

struct StoredBundle {
  std::string id;
  BundleState state = BundleState::incomplete;
  std::int64_t time = 0;  // the signed time (good bundles only)
  std::uint64_t length = 0;
  bool hashed = false;    // the content's SHA-256 was checked, not only its length
  std::string detail;     // why it is not good
};

class Destination {
 public:
  virtual ~Destination() = default;
  // "local /var/lib/egg/backups", "s3 http://host:9000/bucket/prefix"
  virtual std::string describe() const = 0;
  // true for the stack's own S3 store: it never counts as the offsite copy.
  virtual bool offsite() const = 0;
  // Stores the finished bundle file and then its signature. The bundle is invisible under its
  // final name until it is complete (a rename; on S3 a multipart upload completes atomically).
  virtual void put(const std::filesystem::path& bundle, const std::string& signature, const std::string& id) = 0;
  // Bundles of this instance, newest id first. `hash`: re-hash local bundle files (slow).
  virtual std::vector<StoredBundle> list(const bundle::SigningPublicKey& signer, bool hash) = 0;
  // Deletes the signature first, then the bundle: a half-done delete leaves an incomplete bundle,
  // never a good-looking one.
  virtual void remove(const std::string& id) = 0;
  // Removes what an interrupted run left here (partial files); returns how many.
  virtual int clean_partials() = 0;
};

// One configured destination (the S3 store's needs its container running; an offsite one reads
// its key files).
std::unique_ptr<Destination> open_destination(components::Context& ctx, const config::Destination& d);
// How a destination is named before it is opened (for errors about one that cannot be).
std::string describe(const components::Context& ctx, const config::Destination& d);

// `<instance>-<YYYYMMDDTHHMMSSZ>-<8 hex>`; and whether a file or key name is one of this
// instance's bundles (returns the id).
std::string make_bundle_id(const std::string& instance, std::int64_t unix_time);
std::optional<std::string> bundle_id_of(const std::string& name, const std::string& instance);

// One stored bundle judged by its signature (shared by every destination type): incomplete without
// one; good when `verify` returns facts naming `id` and the stored `length`; bad when `verify`
// throws Exit::verify or the facts differ. Other errors (unreadable) propagate.
StoredBundle judge_bundle(const std::string& id, std::uint64_t length, bool has_signature,
                          const std::function<bundle::SignedFacts()>& verify);
// Newest id (= newest time) first, as list() returns them.
void sort_newest_first(std::vector<StoredBundle>& bundles);

// Filesystem destinations (local and directory types).
std::unique_ptr<Destination> directory_destination(std::string kind, std::filesystem::path dir, std::string instance);
// S3 destinations (s3-store and s3 types).
std::unique_ptr<Destination> s3_destination(std::string kind, s3::Endpoint ep, std::string bucket, std::string prefix,
                                            std::string instance, s3::ClientOptions opt = {});

}  // namespace egg::backup
