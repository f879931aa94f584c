#include "egg/vault/snapshot_check.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <exception>
#include <map>
#include <memory>
#include <sstream>

#include "egg/core/exit.hpp"
#include "egg/core/sha256.hpp"

namespace egg::vault {

namespace {

struct Source {
  const std::function<std::size_t(char*, std::size_t)>* read;
  std::string buf = std::string(1 << 16, '\0');
  std::exception_ptr error;
  static la_ssize_t cb(archive*, void* self, const void** out) {
    auto* s = static_cast<Source*>(self);
    try {
      std::size_t n = (*s->read)(s->buf.data(), s->buf.size());
      *out = s->buf.data();
      return static_cast<la_ssize_t>(n);
    } catch (...) {
      s->error = std::current_exception();
      return -1;
    }
  }
};

}  // namespace

SnapshotFacts check_snapshot(const std::function<std::size_t(char*, std::size_t)>& read, const std::string& what) {
  auto bad = [&](const std::string& why) -> void { throw Error(Exit::verify, what + ": " + why); };
  Source src;
  src.read = &read;
  std::unique_ptr<archive, decltype(&archive_read_free)> ar(archive_read_new(), &archive_read_free);
  archive_read_support_filter_gzip(ar.get());
  archive_read_support_format_tar(ar.get());
  auto check = [&](int rc, const std::string& step) {
    if (src.error) std::rethrow_exception(src.error);
    if (rc < ARCHIVE_WARN) {
      const char* m = archive_error_string(ar.get());
      bad(step + ": " + (m ? m : "not a gzipped tar"));
    }
  };
  check(archive_read_open(ar.get(), &src, nullptr, &Source::cb, nullptr), "opening the snapshot");
  std::map<std::string, std::string> hashes;  // name -> hex
  std::string sums;
  SnapshotFacts facts;
  std::string buf(1 << 16, '\0');
  for (;;) {
    archive_entry* e = nullptr;
    int rc = archive_read_next_header(ar.get(), &e);
    if (rc == ARCHIVE_EOF) break;
    check(rc, "reading the snapshot");
    std::string name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
    core::Sha256 h;
    std::uint64_t size = 0;
    for (;;) {
      la_ssize_t n = archive_read_data(ar.get(), buf.data(), buf.size());
      if (n < 0) check(ARCHIVE_FATAL, "reading " + name);
      if (n == 0) break;
      std::string_view chunk(buf.data(), static_cast<std::size_t>(n));
      h.update(chunk);
      size += chunk.size();
      if (name == "SHA256SUMS" && sums.size() < (1 << 20)) sums.append(chunk);
    }
    hashes[name] = core::hex(h.digest());
    if (name == "state.bin") facts.state_bytes = size;
  }
  for (const char* need : {"meta.json", "state.bin", "SHA256SUMS"})
    if (!hashes.count(need)) bad(std::string("it has no ") + need);
  std::istringstream lines(sums);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    auto sep = line.find("  ");
    if (sep != 64) bad("SHA256SUMS has a malformed line");
    std::string hex = line.substr(0, 64), name = line.substr(66);
    auto it = hashes.find(name);
    if (it == hashes.end()) bad("SHA256SUMS lists " + name + ", which the snapshot lacks");
    if (it->second != hex) bad(name + " does not match its SHA-256 in SHA256SUMS");
    ++facts.files;
  }
  if (facts.files < 2) bad("SHA256SUMS covers " + std::to_string(facts.files) + " files, expected meta.json and state.bin");
  return facts;
}

}  // namespace egg::vault
