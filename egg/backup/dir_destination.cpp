// The local backups dir and any mounted directory: `<id>.egg.partial` written (or hard-linked)
// and fsynced, renamed to `<id>.egg`, the directory fsynced, then the signature written atomically.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "egg/backup/destination.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"

namespace egg::backup {

namespace fs = std::filesystem;

namespace {

void fsync_path(const fs::path& p, int flags) {
  int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw Error(Exit::failed, "cannot open " + p.string() + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw Error(Exit::failed, "fsync " + p.string() + ": " + std::strerror(errno));
}

void copy_bundle(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::remove(to, ec);
  // Same filesystem (the local dir sits in the state dir): a hard link costs nothing.
  if (::link(from.c_str(), to.c_str()) == 0) return;
  if (!fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec))
    throw Error(Exit::failed, "copying the bundle to " + to.string() + ": " + ec.message());
  fs::permissions(to, fs::perms::owner_read | fs::perms::owner_write, ec);
  fsync_path(to, O_RDONLY);
}

class DirDestination final : public Destination {
 public:
  DirDestination(std::string kind, fs::path dir, std::string instance)
      : kind_(std::move(kind)), dir_(std::move(dir)), instance_(std::move(instance)) {}

  std::string describe() const override { return kind_ + " " + dir_.string(); }
  bool offsite() const override { return kind_ == "directory"; }

  void put(const fs::path& bundle, const std::string& signature, const std::string& id) override {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (!fs::is_directory(dir_))
      throw Error(Exit::failed, kind_ + " destination " + dir_.string() + " is not a directory (is it mounted?)");
    if (kind_ == "local") core::ensure_private_dir(dir_);
    fs::path partial = dir_ / (id + ".egg.partial"), final = dir_ / (id + ".egg");
    copy_bundle(bundle, partial);
    fs::rename(partial, final, ec);
    if (ec) throw Error(Exit::failed, "renaming " + partial.string() + ": " + ec.message());
    fsync_path(dir_, O_RDONLY | O_DIRECTORY);
    core::write_file_atomic(bundle::signature_path(final), signature, 0600);
  }

  std::vector<StoredBundle> list(const bundle::SigningPublicKey& signer, bool hash) override {
    std::vector<StoredBundle> out;
    std::error_code ec;
    if (!fs::is_directory(dir_, ec)) return out;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
      auto id = bundle_id_of(e.path().filename().string(), instance_);
      if (!id || e.path().extension() != ".egg") continue;
      auto sig = bundle::signature_path(e.path());
      auto b = judge_bundle(*id, fs::file_size(e.path(), ec), fs::exists(sig), [&] {
        return hash ? bundle::verify_bundle_file(e.path(), signer)
                    : bundle::verify_signature_file(core::read_file(sig), signer);
      });
      b.hashed = hash && b.state == BundleState::good;
      out.push_back(b);
    }
    sort_newest_first(out);
    return out;
  }

  void remove(const std::string& id) override {
    fs::path f = dir_ / (id + ".egg");
    std::error_code ec;
    fs::remove(bundle::signature_path(f), ec);
    fsync_path(dir_, O_RDONLY | O_DIRECTORY);
    fs::remove(f, ec);
    if (ec) throw Error(Exit::failed, "deleting " + f.string() + ": " + ec.message());
  }

  int clean_partials() override {
    int n = 0;
    std::error_code ec;
    if (!fs::is_directory(dir_, ec)) return 0;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
      auto name = e.path().filename().string();
      if (name.ends_with(".egg.partial") && bundle_id_of(name.substr(0, name.size() - 8), instance_)) {
        fs::remove(e.path(), ec);
        ++n;
      }
    }
    return n;
  }

 private:
  std::string kind_;
  fs::path dir_;
  std::string instance_;
};

}  // namespace

std::unique_ptr<Destination> directory_destination(std::string kind, fs::path dir, std::string instance) {
  return std::make_unique<DirDestination>(std::move(kind), std::move(dir), std::move(instance));
}

}  // namespace egg::backup
