#include "egg/engine/archive.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace egg::engine {
namespace {

struct WriterDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct ReaderDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

[[noreturn]] void fail(archive* a, const std::string& what) {
  const char* msg = archive_error_string(a);
  throw Error(Exit::failed, what + ": " + (msg ? msg : "libarchive error"));
}

la_ssize_t append_out(archive*, void* client, const void* buf, size_t n) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

}  // namespace

std::string build_tar(const std::vector<TarEntry>& entries) {
  std::string out;
  std::unique_ptr<archive, WriterDeleter> a(archive_write_new());
  archive_write_set_format_pax_restricted(a.get());  // ustar unless a field needs pax
  archive_write_set_bytes_in_last_block(a.get(), 1);  // no padding to 10 KiB
  if (archive_write_open(a.get(), &out, nullptr, append_out, nullptr) != ARCHIVE_OK) fail(a.get(), "building a tar");
  for (const auto& t : entries) {
    std::unique_ptr<archive_entry, EntryDeleter> e(archive_entry_new());
    archive_entry_set_pathname(e.get(), t.path.c_str());
    archive_entry_set_filetype(e.get(), t.directory ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(e.get(), t.mode & 07777);
    archive_entry_set_uid(e.get(), t.uid);
    archive_entry_set_gid(e.get(), t.gid);
    archive_entry_set_size(e.get(), t.directory ? 0 : static_cast<la_int64_t>(t.data.size()));
    archive_entry_set_mtime(e.get(), 0, 0);  // reproducible tars; the content is what matters
    if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK) fail(a.get(), "building a tar entry " + t.path);
    if (!t.directory && !t.data.empty() &&
        archive_write_data(a.get(), t.data.data(), t.data.size()) != static_cast<la_ssize_t>(t.data.size()))
      fail(a.get(), "writing tar entry " + t.path);
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) fail(a.get(), "finishing a tar");
  return out;
}

std::vector<TarEntry> read_tar(std::string_view tar) {
  std::unique_ptr<archive, ReaderDeleter> a(archive_read_new());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_memory(a.get(), tar.data(), tar.size()) != ARCHIVE_OK) fail(a.get(), "reading a tar");
  std::vector<TarEntry> out;
  archive_entry* e;
  int rc;
  while ((rc = archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
    TarEntry t;
    t.path = archive_entry_pathname(e);
    t.mode = archive_entry_perm(e);
    t.uid = static_cast<uid_t>(archive_entry_uid(e));
    t.gid = static_cast<gid_t>(archive_entry_gid(e));
    t.directory = archive_entry_filetype(e) == AE_IFDIR;
    if (archive_entry_filetype(e) == AE_IFREG) {
      char buf[65536];
      la_ssize_t n;
      while ((n = archive_read_data(a.get(), buf, sizeof buf)) > 0) t.data.append(buf, static_cast<std::size_t>(n));
      if (n < 0) fail(a.get(), "reading tar entry " + t.path);
    } else if (!t.directory) {
      continue;  // links and devices: not egg's business
    }
    out.push_back(std::move(t));
  }
  if (rc != ARCHIVE_EOF) fail(a.get(), "reading a tar");
  return out;
}

void put_archive(Engine& e, const std::string& container, const std::string& dir,
                 const core::http::BodyReader& reader, std::optional<std::uint64_t> size) {
  Engine::Call c;
  c.method = "PUT";
  c.path = "/containers/" + core::http::url_escape(container) + "/archive?path=" + core::http::url_escape(dir) +
           "&noOverwriteDirNonDir=1";
  c.reader = reader;
  c.body_size = size;
  c.content_type = "application/x-tar";
  c.timeout = std::chrono::milliseconds(0);
  c.ok_statuses = {200};
  e.call(c);
}

void put_archive(Engine& e, const std::string& container, const std::string& dir, const std::string& tar) {
  std::size_t off = 0;
  core::http::BodyReader reader = [&](char* buf, std::size_t max) {
    std::size_t n = std::min(max, tar.size() - off);
    std::copy_n(tar.data() + off, n, buf);
    off += n;
    return n;
  };
  put_archive(e, container, dir, reader, tar.size());
}

bool get_archive(Engine& e, const std::string& container, const std::string& path,
                 const core::http::BodyWriter& writer) {
  Engine::Call c;
  c.path = "/containers/" + core::http::url_escape(container) + "/archive?path=" + core::http::url_escape(path);
  c.writer = writer;
  c.timeout = std::chrono::milliseconds(0);
  c.ok_statuses = {200, 404};
  return e.call(c).status == 200;
}

std::optional<std::string> read_file(Engine& e, const std::string& container, const std::string& path) {
  std::string tar;
  if (!get_archive(e, container, path, [&](std::string_view chunk) { tar.append(chunk); })) return std::nullopt;
  for (auto& t : read_tar(tar))
    if (!t.directory) return std::move(t.data);
  throw Error(Exit::failed, "Docker engine: " + path + " in " + container + " is not a regular file");
}

}  // namespace egg::engine
