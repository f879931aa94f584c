// The stack's own S3 store and an offsite S3 bucket. S3 has no rename: the bundle goes up as one
// multipart upload straight to `<prefix><id>.egg`, which no reader sees until
// CompleteMultipartUpload succeeds (an upload killed midway leaves only an incomplete upload,
// which S3 lists nowhere and egg aborts on failure); the signature is put last.
#include <fcntl.h>
#include <unistd.h>

#include <map>
#include <set>
#include <cerrno>
#include <cstring>

#include "egg/backup/destination.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "egg/s3/client.hpp"

namespace egg::backup {

namespace fs = std::filesystem;

namespace {

// Parts of 8 MiB up to 64 MiB: S3 allows 10,000 parts, so 64 MiB parts carry bundles to 625 GiB.
std::size_t part_size_for(std::uint64_t length) {
  std::size_t part = std::size_t{8} << 20;
  while (part < s3::kMaxPartSize && length / part >= 10000) part *= 2;
  return part;
}

class S3Destination final : public Destination {
 public:
  S3Destination(std::string kind, s3::Endpoint ep, std::string bucket, std::string prefix, std::string instance,
                s3::ClientOptions opt)
      : kind_(std::move(kind)), client_(std::move(ep), opt), bucket_(std::move(bucket)), prefix_(std::move(prefix)),
        instance_(std::move(instance)) {}

  std::string describe() const override { return kind_ + " " + client_.endpoint().url + "/" + bucket_ + "/" + prefix_; }
  bool offsite() const override { return kind_ == "s3"; }

  void put(const fs::path& bundle, const std::string& signature, const std::string& id) override {
    int fd = ::open(bundle.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(Exit::failed, "cannot read " + bundle.string() + ": " + std::strerror(errno));
    struct Closer {
      int fd;
      ~Closer() { ::close(fd); }
    } closer{fd};
    auto length = fs::file_size(bundle);
    std::uint64_t sent = 0;
    core::http::BodyReader reader = [&](char* buf, std::size_t max) -> std::size_t {
      // Tests kill egg here, with the first part uploaded and more to come.
      if (sent >= (std::uint64_t{8} << 20)) core::crash_point("backup:" + kind_ + "-upload-midway");
      for (;;) {
        ssize_t n = ::read(fd, buf, max);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(Exit::failed, "reading " + bundle.string() + ": " + std::strerror(errno));
        sent += static_cast<std::uint64_t>(n);
        return static_cast<std::size_t>(n);
      }
    };
    client_.upload_multipart(bucket_, prefix_ + id + ".egg", reader, part_size_for(length));
    client_.put_object(bucket_, prefix_ + id + ".egg.sig", signature);
  }

  std::vector<StoredBundle> list(const bundle::SigningPublicKey& signer, bool) override {
    std::map<std::string, s3::ObjectInfo> bundles;
    std::set<std::string> sigs;
    for (auto& o : client_.list_objects(bucket_, prefix_)) {
      std::string name = o.key.substr(prefix_.size());
      if (name.find('/') != std::string::npos) continue;
      if (name.ends_with(".egg.sig")) {
        if (auto id = bundle_id_of(name.substr(0, name.size() - 4), instance_)) sigs.insert(*id);
      } else if (name.ends_with(".egg")) {
        if (auto id = bundle_id_of(name, instance_)) bundles[*id] = o;
      }
    }
    std::vector<StoredBundle> out;
    for (const auto& [id, obj] : bundles) {
      out.push_back(judge_bundle(id, obj.size, sigs.count(id) > 0, [&] {
        std::string sig;
        client_.get_object(bucket_, prefix_ + id + ".egg.sig", [&](std::string_view d) {
          if (sig.size() + d.size() > bundle::kMaxSignatureFile) throw Error(Exit::verify, "the signature file is too large");
          sig.append(d);
        });
        return bundle::verify_signature_file(sig, signer);
      }));
    }
    sort_newest_first(out);
    return out;
  }

  void remove(const std::string& id) override {
    client_.delete_object(bucket_, prefix_ + id + ".egg.sig");
    client_.delete_object(bucket_, prefix_ + id + ".egg");
  }

  // Nothing to clean: a failed multipart upload is aborted by the client, and one killed with the
  // process is invisible (a lifecycle rule AbortIncompleteMultipartUpload reclaims its parts).
  int clean_partials() override { return 0; }

 private:
  std::string kind_;
  s3::Client client_;
  std::string bucket_, prefix_, instance_;
};

}  // namespace

std::unique_ptr<Destination> s3_destination(std::string kind, s3::Endpoint ep, std::string bucket, std::string prefix,
                                            std::string instance, s3::ClientOptions opt) {
  return std::make_unique<S3Destination>(std::move(kind), std::move(ep), std::move(bucket), std::move(prefix),
                                         std::move(instance), opt);
}

}  // namespace egg::backup
