#include "bundle/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "egg/core/exit.hpp"

namespace egg::bundle {

namespace fs = std::filesystem;

namespace {
// One compression thread per spool: the caller keeps reading its source while the worker
// compresses. A backup runs two spools at once (the database dumps beside the objects), so two
// workers keep both cores busy; more only added memory and no speed in docs/benchmarks.md's runs
// (two spools of two workers each, with zstd's default 8 MiB jobs, peaked at 119 MiB RSS).
constexpr int kZstdWorkers = 1;
}  // namespace

bool compression_pays(std::string_view sample) {
  return !sample.empty() &&
         static_cast<double>(zstd_probe_size(sample)) <= kCompressionPays * static_cast<double>(sample.size());
}

Spool::Spool(const fs::path& dir, Compress mode, bool hash_raw) : mode_(mode), hash_raw_(hash_raw) {
  std::string tmpl = (dir / ".spool-XXXXXX").string();
  int fd = ::mkstemp(tmpl.data());  // 0600
  if (fd < 0) throw Error(Exit::failed, "cannot create a spool file in " + dir.string() + ": " + std::strerror(errno));
  path_ = tmpl;
  file_ = ::fdopen(fd, "wb");
  if (!file_) {
    ::close(fd);
    fs::remove(path_);
    throw Error(Exit::failed, "cannot open spool file " + path_.string());
  }
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  if (mode_ == Compress::never || mode_ == Compress::always) {
    decided_ = true;
    if (mode_ == Compress::always) {
      compressed_ = true;
      zstd_ = std::make_unique<ZstdCompressor>([this](std::string_view d) { store(d); }, 3,
                                               kZstdWorkers);
    }
  }
}

Spool::~Spool() {
  if (file_) std::fclose(file_);
  std::error_code ec;
  fs::remove(path_, ec);
}

void Spool::store(std::string_view data) {
  if (std::fwrite(data.data(), 1, data.size(), file_) != data.size())
    throw Error(Exit::failed, "writing spool file " + path_.string() + ": " + std::strerror(errno) +
                                  " (is the disk full?)");
  stored_size_ += data.size();
}

void Spool::decide() {
  decided_ = true;
  compressed_ = compression_pays(sample_);
  if (compressed_)
    zstd_ = std::make_unique<ZstdCompressor>([this](std::string_view d) { store(d); }, 3,
                                             kZstdWorkers);
  std::string s = std::move(sample_);
  sample_.clear();
  if (compressed_)
    zstd_->write(s);
  else
    store(s);
}

void Spool::write(std::string_view data) {
  if (finished_) throw Error(Exit::failed, "spool: write after finish");
  if (hash_raw_) raw_hash_.update(data);
  raw_size_ += data.size();
  if (!decided_) {
    sample_.append(data);
    if (sample_.size() >= kSampleSize) decide();
    return;
  }
  if (compressed_)
    zstd_->write(data);
  else
    store(data);
}

void Spool::finish() {
  if (finished_) return;
  if (!decided_) decide();
  if (compressed_) zstd_->finish();
  zstd_.reset();
  if (std::fflush(file_) != 0)
    throw Error(Exit::failed, "writing spool file " + path_.string() + ": " + std::strerror(errno));
  std::fclose(file_);
  file_ = nullptr;
  raw_digest_ = raw_hash_.digest();
  finished_ = true;
}

}  // namespace egg::bundle
