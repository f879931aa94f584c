#include "bundle/reader.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <memory>

#include "bundle/age/age.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/json.hpp"

namespace egg::bundle {

namespace fs = std::filesystem;
namespace json = core::json;

namespace {

constexpr std::size_t kMaxSmallMember = 16 << 20;  // manifest.json, index.json

struct Source {
  fs::path path;
  int fd = -1;
  std::unique_ptr<age::Decryptor> age;
  std::string plain, served;  // decrypted bytes not yet handed to libarchive / the buffer it holds
  bool eof = false;
  std::exception_ptr error;
  core::Sha256 cipher_hash;
  std::uint64_t cipher_bytes = 0;
  std::string buf = std::string(1 << 20, '\0');

  ~Source() {
    if (fd >= 0) ::close(fd);
  }
  // Feeds ciphertext until some plaintext is ready or the file ends.
  void pull() {
    while (plain.empty() && !eof) {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error(Exit::failed, "reading " + path.string() + ": " + std::strerror(errno));
      if (n == 0) {
        eof = true;
        age->finish();
        break;
      }
      std::string_view c(buf.data(), static_cast<std::size_t>(n));
      cipher_hash.update(c);
      cipher_bytes += c.size();
      age->feed(c);
    }
  }
  static la_ssize_t read_cb(archive*, void* self, const void** out) {
    auto* s = static_cast<Source*>(self);
    try {
      s->pull();
      s->served.swap(s->plain);
      s->plain.clear();
      *out = s->served.data();
      return static_cast<la_ssize_t>(s->served.size());
    } catch (...) {
      s->error = std::current_exception();
      return -1;
    }
  }
};

[[noreturn]] void bad(const fs::path& bundle, const std::string& what) {
  throw Error(Exit::verify, "bundle " + bundle.string() + ": " + what);
}

std::vector<MemberRecord> parse_index(const fs::path& bundle, const std::string& text) {
  std::vector<MemberRecord> out;
  try {
    auto doc = json::parse(text);
    const auto& o = doc.as_object();
    if (o.at("format").as_string() != "egg-bundle-index") bad(bundle, "index.json is not an egg bundle index");
    if (o.at("version").to_number<int>() != 1)
      bad(bundle, "index.json has format version " + json::serialize(o.at("version")) + ", which this egg does not read");
    for (const auto& m : o.at("members").as_array()) {
      MemberRecord r;
      r.path = std::string(m.at("path").as_string());
      r.size = m.at("size").to_number<std::uint64_t>();
      std::string hex(m.at("sha256").as_string());
      std::size_t n = 0;
      if (hex.size() != 64 ||
          sodium_hex2bin(r.sha256.data(), r.sha256.size(), hex.data(), hex.size(), nullptr, &n, nullptr) != 0 || n != 32)
        bad(bundle, "index.json has a malformed sha256 for " + r.path);
      out.push_back(std::move(r));
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    bad(bundle, std::string("index.json is malformed: ") + e.what());
  }
  return out;
}

}  // namespace

BundleContents read_bundle(const fs::path& bundle, const age::X25519Identity& identity,
                           const std::function<void(const std::string&, std::uint64_t, const MemberData&)>& on_member) {
  Source src;
  src.path = bundle;
  src.fd = ::open(bundle.c_str(), O_RDONLY | O_CLOEXEC);
  if (src.fd < 0) throw Error(Exit::failed, "cannot read " + bundle.string() + ": " + std::strerror(errno));
  ::posix_fadvise(src.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  src.age = std::make_unique<age::Decryptor>(identity, [&src](std::string_view p) { src.plain.append(p); });

  std::unique_ptr<archive, decltype(&archive_read_free)> ar(archive_read_new(), &archive_read_free);
  archive_read_support_format_tar(ar.get());
  auto check = [&](int rc, const std::string& what) {
    if (src.error) std::rethrow_exception(src.error);
    if (rc < ARCHIVE_WARN)
      bad(bundle, what + ": " + (archive_error_string(ar.get()) ? archive_error_string(ar.get()) : "malformed tar"));
  };
  check(archive_read_open(ar.get(), &src, nullptr, &Source::read_cb, nullptr), "opening the tar");

  BundleContents out;
  std::string index_text;
  bool seen_index = false;
  for (;;) {
    archive_entry* e = nullptr;
    int rc = archive_read_next_header(ar.get(), &e);
    if (rc == ARCHIVE_EOF) break;
    check(rc, "reading a member header");
    std::string path = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
    if (seen_index) bad(bundle, "member " + path + " follows index.json (index.json must be last)");
    if (archive_entry_filetype(e) != AE_IFREG) bad(bundle, "member " + path + " is not a regular file");
    try {
      check_member_path(path);
    } catch (const Error& err) {
      bad(bundle, err.what());
    }
    if (out.members.empty() && out.manifest.empty() && path != kManifestMember)
      bad(bundle, "the first member is " + path + ", not manifest.json");
    auto size = static_cast<std::uint64_t>(archive_entry_size(e));
    core::Sha256 hash;
    std::uint64_t got = 0;
    std::string* keep = nullptr;
    if (path == kManifestMember && out.members.empty()) keep = &out.manifest;
    if (path == kIndexMember) keep = &index_text, seen_index = true;
    if (keep && size > kMaxSmallMember) bad(bundle, path + " is implausibly large (" + std::to_string(size) + " bytes)");
    MemberData data = [&](char* buf, std::size_t max) -> std::size_t {
      la_ssize_t n = archive_read_data(ar.get(), buf, max);
      if (n < 0) check(ARCHIVE_FATAL, "reading member " + path);
      std::string_view chunk(buf, static_cast<std::size_t>(n));
      hash.update(chunk);
      got += chunk.size();
      if (keep) keep->append(chunk);
      return static_cast<std::size_t>(n);
    };
    if (on_member && path != kIndexMember) on_member(path, size, data);
    std::string rest(1 << 16, '\0');
    while (data(rest.data(), rest.size()) > 0) {
    }
    if (got != size) bad(bundle, "member " + path + " is " + std::to_string(got) + " bytes, its header says " + std::to_string(size));
    if (path != kIndexMember) out.members.push_back(MemberRecord{path, size, hash.digest()});
  }
  // libarchive stops at the end-of-archive blocks; the age stream must still end properly.
  for (;;) {
    src.plain.clear();
    src.pull();
    if (src.eof && src.plain.empty()) break;
  }
  if (out.manifest.empty()) bad(bundle, "it has no manifest.json");
  if (!seen_index) bad(bundle, "it has no index.json: the bundle is incomplete");

  auto index = parse_index(bundle, index_text);
  if (index.size() != out.members.size())
    bad(bundle, "index.json lists " + std::to_string(index.size()) + " members, the bundle holds " +
                    std::to_string(out.members.size()));
  for (std::size_t i = 0; i < index.size(); ++i) {
    const auto& want = index[i];
    const auto& got = out.members[i];
    if (want.path != got.path) bad(bundle, "member " + std::to_string(i) + " is " + got.path + ", index.json says " + want.path);
    if (want.size != got.size || sodium_memcmp(want.sha256.data(), got.sha256.data(), 32) != 0)
      bad(bundle, "member " + got.path + " does not match index.json (size or SHA-256 differs): it was modified");
  }
  out.ciphertext = {src.cipher_bytes, src.cipher_hash.digest()};
  return out;
}

}  // namespace egg::bundle
