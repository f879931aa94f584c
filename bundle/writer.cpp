#include "bundle/writer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <exception>

#include "bundle/age/age.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/json.hpp"

namespace egg::bundle {

namespace fs = std::filesystem;
namespace json = core::json;

void check_member_path(std::string_view path) {
  auto bad = [&](const char* why) {
    throw Error(Exit::failed, "bundle member path '" + std::string(path) + "' " + why);
  };
  if (path.empty() || path.size() > 4096) bad("is empty or too long");
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    auto seg = path.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == "..") bad("has an empty, '.' or '..' segment");
    for (char c : seg)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || std::strchr("._~%+=,@-", c))) bad("has a character egg does not write");
    start = end + 1;
  }
}

std::string index_json(const std::vector<MemberRecord>& members) {
  json::array list;
  for (const auto& m : members)
    list.push_back(json::object{{"path", m.path}, {"size", m.size}, {"sha256", core::hex(m.sha256)}});
  return json::serialize(json::object{{"format", "egg-bundle-index"}, {"version", 1}, {"members", std::move(list)}}) + "\n";
}

struct BundleWriter::Impl {
  fs::path path;
  int fd = -1;
  std::int64_t mtime = 0;
  std::unique_ptr<age::Encryptor> age;
  archive* ar = nullptr;
  std::exception_ptr error;  // thrown inside a libarchive callback, rethrown outside it
  core::Sha256 cipher_hash;
  std::string out;  // ciphertext waiting for write(2)
  std::uint64_t* cipher_bytes = nullptr;
  std::uint64_t plain_bytes = 0;
  bool finished = false;
  // The member being written.
  MemberRecord current;
  std::uint64_t remaining = 0;
  core::Sha256 member_hash;

  void flush() {
    std::size_t off = 0;
    while (off < out.size()) {
      ssize_t n = ::write(fd, out.data() + off, out.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error(Exit::failed, "writing " + path.string() + ": " + std::strerror(errno) + " (is the disk full?)");
      off += static_cast<std::size_t>(n);
    }
    out.clear();
  }
  void on_cipher(std::string_view c) {
    cipher_hash.update(c);
    *cipher_bytes += c.size();
    out.append(c);
    if (out.size() >= (1u << 20)) flush();
  }
  static la_ssize_t write_cb(archive*, void* self, const void* buf, size_t n) {
    auto* me = static_cast<Impl*>(self);
    try {
      me->age->write(std::string_view(static_cast<const char*>(buf), n));
      me->plain_bytes += n;
      return static_cast<la_ssize_t>(n);
    } catch (...) {
      me->error = std::current_exception();
      return -1;
    }
  }
  void check(int rc, const std::string& what) {
    if (error) std::rethrow_exception(error);
    if (rc < ARCHIVE_WARN)
      throw Error(Exit::failed, "writing bundle " + path.string() + ": " + what + ": " +
                                    (archive_error_string(ar) ? archive_error_string(ar) : "libarchive error"));
  }
  ~Impl() {
    if (ar) archive_write_free(ar);
    if (fd >= 0) ::close(fd);
  }
};

BundleWriter::BundleWriter(const fs::path& path, const age::PublicKey& recipient, std::int64_t mtime)
    : impl_(std::make_unique<Impl>()) {
  auto& d = *impl_;
  d.path = path;
  d.mtime = mtime;
  d.cipher_bytes = &cipher_bytes_;
  d.fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (d.fd < 0) throw Error(Exit::failed, "cannot create " + path.string() + ": " + std::strerror(errno));
  d.age = std::make_unique<age::Encryptor>(recipient, [&d](std::string_view c) { d.on_cipher(c); });
  d.ar = archive_write_new();
  archive_write_set_format_pax_restricted(d.ar);
  // No blocking: members go to the age stream as written (age chunks them), and the tar ends
  // right after its end-of-archive blocks.
  archive_write_set_bytes_per_block(d.ar, 0);
  d.check(archive_write_open(d.ar, &d, nullptr, &Impl::write_cb, nullptr), "open");
}

BundleWriter::~BundleWriter() {
  if (impl_ && !impl_->finished) {
    auto path = impl_->path;
    impl_.reset();
    std::error_code ec;
    fs::remove(path, ec);
  }
}

void BundleWriter::begin(const std::string& member, std::uint64_t size) {
  check_member_path(member);
  auto& d = *impl_;
  if (d.finished) throw Error(Exit::failed, "bundle " + d.path.string() + " is already finished");
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, member.c_str());
  archive_entry_set_size(e, static_cast<la_int64_t>(size));
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0600);
  archive_entry_set_mtime(e, d.mtime, 0);
  archive_entry_set_uid(e, 0);
  archive_entry_set_gid(e, 0);
  int rc = archive_write_header(d.ar, e);
  archive_entry_free(e);
  d.check(rc, "header of " + member);
  d.current = MemberRecord{member, size, {}};
  d.remaining = size;
  d.member_hash = core::Sha256();
}

void BundleWriter::write(std::string_view bytes) {
  auto& d = *impl_;
  if (bytes.size() > d.remaining)
    throw Error(Exit::failed, "bundle member " + d.current.path + " grew while it was being added");
  while (!bytes.empty()) {
    la_ssize_t n = archive_write_data(d.ar, bytes.data(), bytes.size());
    if (n <= 0) d.check(ARCHIVE_FATAL, "data of " + d.current.path);
    d.member_hash.update(bytes.substr(0, static_cast<std::size_t>(n)));
    d.remaining -= static_cast<std::uint64_t>(n);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  if (on_progress) on_progress(d.plain_bytes);
}

void BundleWriter::end() {
  auto& d = *impl_;
  if (d.remaining != 0)
    throw Error(Exit::failed, "bundle member " + d.current.path + " shrank while it was being added");
  d.check(archive_write_finish_entry(d.ar), "end of " + d.current.path);
  d.current.sha256 = d.member_hash.digest();
  members_.push_back(d.current);
}

void BundleWriter::add(const std::string& member, std::string_view bytes) {
  begin(member, bytes.size());
  write(bytes);
  end();
}

void BundleWriter::add_file(const std::string& member, const fs::path& file, std::uint64_t size) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(Exit::failed, "cannot read " + file.string() + ": " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  begin(member, size);
  std::string buf(1 << 20, '\0');
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(Exit::failed, "reading " + file.string() + ": " + std::strerror(errno));
    if (n == 0) break;
    write(std::string_view(buf.data(), static_cast<std::size_t>(n)));
  }
  end();
}

CiphertextDigest BundleWriter::finish() {
  auto& d = *impl_;
  add(kIndexMember, index_json(members_));
  d.check(archive_write_close(d.ar), "close");
  d.age->finish();
  d.flush();
  if (::fsync(d.fd) != 0) throw Error(Exit::failed, "fsync " + d.path.string() + ": " + std::strerror(errno));
  ::close(d.fd);
  d.fd = -1;
  d.finished = true;
  return {cipher_bytes_, d.cipher_hash.digest()};
}

}  // namespace egg::bundle
