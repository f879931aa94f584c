#include "egg/backup/verify.hpp"

#include <map>

#include "bundle/reader.hpp"
#include "bundle/zstd.hpp"
#include "egg/backup/manifest.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/json.hpp"
#include "egg/core/sha256.hpp"
#include "egg/engine/containers.hpp"
#include "egg/engine/exec.hpp"
#include "egg/vault/snapshot_check.hpp"

namespace egg::backup {

namespace fs = std::filesystem;
namespace json = core::json;

namespace {

bool postgres_running(components::Context* ctx) {
  if (!ctx || !config::enabled(ctx->cfg, "postgres")) return false;
  auto st = engine::container_state(ctx->engine, ctx->object_name("postgres"));
  return st && st->running;
}

// Pulls a member through zstd: what `read` returns is the decompressed dump.
class ZstdPull {
 public:
  ZstdPull(const bundle::MemberData& data, const std::string& what)
      : data_(data), z_([this](std::string_view d) { out_.append(d); }, what) {}
  std::size_t read(char* buf, std::size_t max) {
    while (off_ == out_.size()) {
      out_.clear();
      off_ = 0;
      if (done_) return 0;
      std::size_t n = data_(in_.data(), in_.size());
      if (n == 0) {
        z_.finish();
        done_ = true;
      } else {
        z_.feed(std::string_view(in_.data(), n));
      }
    }
    std::size_t n = std::min(max, out_.size() - off_);
    std::copy_n(out_.data() + off_, n, buf);
    off_ += n;
    return n;
  }

 private:
  const bundle::MemberData& data_;
  bundle::ZstdDecompressor z_;
  std::string in_ = std::string(1 << 16, '\0'), out_;
  std::size_t off_ = 0;
  bool done_ = false;
};

// Streams the dump into `pg_restore --list` in the running postgres container (stdin: nothing
// lands on its disk) and counts the table of contents it reads.
std::size_t pg_restore_list(components::Context& ctx, const std::string& member, const core::http::BodyReader& dump) {
  std::string out, err;
  engine::ExecOptions opt;
  opt.user = "postgres";
  opt.timeout = std::chrono::milliseconds(0);
  int rc = engine::exec_stream(ctx.engine, ctx.object_name("postgres"), {"pg_restore", "--list"}, dump,
                               [&](std::string_view d) { out.append(d); }, [&](std::string_view d) { err.append(d); }, opt);
  if (rc != 0)
    throw Error(Exit::verify, member + ": pg_restore --list fails (exit " + std::to_string(rc) + "): " + err.substr(0, 400));
  std::size_t entries = 0, start = 0;
  while (start < out.size()) {
    auto end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    if (end > start && out[start] != ';') ++entries;
    start = end + 1;
  }
  return entries;
}

}  // namespace

DeepReport deep_verify(const fs::path& path, const bundle::age::X25519Identity& identity, components::Context* ctx) {
  DeepReport rep;
  std::map<std::string, std::string> raw_sha;  // object member -> SHA-256 of its raw bytes
  std::size_t objects = 0, listings = 0, zst = 0;
  bool pg = postgres_running(ctx);
  std::string buf(1 << 16, '\0');
  auto drain = [&](const bundle::MemberData& data, const std::function<void(std::string_view)>& sink) {
    for (;;) {
      std::size_t n = data(buf.data(), buf.size());
      if (n == 0) return;
      sink(std::string_view(buf.data(), n));
    }
  };

  auto contents = bundle::read_bundle(path, identity, [&](const std::string& m, std::uint64_t size, const bundle::MemberData& data) {
    rep.plaintext_bytes += size;
    bool is_object = m.starts_with("s3/") && m.find("/objects/") != std::string::npos;
    if (m == bundle::kManifestMember) {
      std::string text;
      drain(data, [&](std::string_view d) { text.append(d); });
      auto doc = core::parse_json(text, "manifest.json of " + path.string());
      auto v = doc.at("version").to_number<int>();
      if (doc.at("format").as_string() != "egg-bundle") throw Error(Exit::verify, "manifest.json is not an egg bundle manifest");
      if (v > kBundleFormatVersion)
        throw Error(Exit::usage, "the bundle has format version " + std::to_string(v) + "; this egg reads up to " +
                                     std::to_string(kBundleFormatVersion) + ": use a newer egg");
    } else if (m.starts_with("postgres/db/") && m.ends_with(".dump.zst")) {
      ZstdPull dump(data, m);
      if (pg) {
        auto n = pg_restore_list(*ctx, m, [&](char* b, std::size_t max) { return dump.read(b, max); });
        rep.checked.push_back(m + ": pg_restore --list reads " + std::to_string(n) + " entries");
      } else {
        rep.skipped.push_back(m + ": pg_restore --list not run (no running postgres container of this instance)");
      }
      while (dump.read(buf.data(), buf.size()) > 0) {
      }  // pg_restore stops after the table of contents; every zstd frame is still checked
      ++zst;
    } else if (m.ends_with(".zst")) {
      core::Sha256 h;
      bundle::ZstdDecompressor z([&](std::string_view d) { h.update(d); }, m);
      drain(data, [&](std::string_view d) { z.feed(d); });
      z.finish();
      ++zst;
      if (is_object) raw_sha[m] = core::hex(h.digest()), ++objects;
    } else if (is_object) {
      core::Sha256 h;
      drain(data, [&](std::string_view d) { h.update(d); });
      raw_sha[m] = core::hex(h.digest());
      ++objects;
    } else if (m == "vault/raft.snap") {
      auto f = vault::check_snapshot(data, m);
      rep.checked.push_back("vault/raft.snap: " + std::to_string(f.files) + " files match the snapshot's SHA256SUMS");
    } else if (m.starts_with("s3/") && m.ends_with("/listing.json")) {
      std::string text;
      drain(data, [&](std::string_view d) { text.append(d); });
      auto doc = core::parse_json(text, m);
      for (const auto& o : doc.at("objects").as_array()) {
        std::string member(o.at("member").as_string());
        auto it = raw_sha.find(member);
        if (it == raw_sha.end()) throw Error(Exit::verify, m + " lists " + member + ", which the bundle lacks");
        if (it->second != o.at("sha256").as_string())
          throw Error(Exit::verify, member + " does not match the SHA-256 in " + m);
      }
      ++listings;
    }
  });
  rep.members = contents.members.size() + 1;
  rep.checked.insert(rep.checked.begin(),
                     {"age: every STREAM chunk authenticated (" + std::to_string(contents.ciphertext.length) + " bytes)",
                      "index.json: all " + std::to_string(contents.members.size()) + " members match (size, SHA-256)",
                      "zstd: " + std::to_string(zst) + " compressed members decompress with valid checksums",
                      "s3: " + std::to_string(objects) + " objects match " + std::to_string(listings) + " listings"});
  return rep;
}

}  // namespace egg::backup
