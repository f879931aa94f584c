#include "egg/backup/collect.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "egg/components/component.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "egg/core/json.hpp"
#include "egg/engine/archive.hpp"
#include "egg/engine/exec.hpp"
#include "egg/s3/client.hpp"
#include "egg/seal/unlock.hpp"

namespace egg::backup {

namespace fs = std::filesystem;
namespace json = core::json;

namespace {

std::string mib(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

std::string tail(const std::string& s, std::size_t n = 400) { return s.size() <= n ? s : "..." + s.substr(s.size() - n); }

}  // namespace

std::string member_segment(std::string_view name, bool keep_slashes) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  std::size_t seg_start = 0;
  auto close_segment = [&](std::size_t end) {
    // "", "." and ".." are not safe segments: encode their dots (an empty one stays visible as %2F below).
    std::string_view seg(out.data() + seg_start, end - seg_start);
    if (seg == "." || seg == "..") {
      std::string enc;
      for (std::size_t i = 0; i < seg.size(); ++i) enc += "%2E";
      out.replace(seg_start, seg.size(), enc);
    }
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    unsigned char ch = static_cast<unsigned char>(name[i]);
    bool slash_ok = keep_slashes && ch == '/' && !out.empty() && out.back() != '/' && i + 1 < name.size();
    if (std::isalnum(ch) || ch == '.' || ch == '_' || ch == '~' || ch == '-') {
      out += static_cast<char>(ch);
    } else if (slash_ok) {
      close_segment(out.size());
      out += '/';
      seg_start = out.size();
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  close_segment(out.size());
  if (out.empty()) out = "%00empty";
  return out;
}

Captured Collector::add(const std::string& path, bundle::Compress mode,
                        const std::function<void(const std::function<void(std::string_view)>&)>& produce) {
  bundle::Spool spool(spool_dir, mode);
  produce([&](std::string_view data) {
    spool.write(data);
    raw_bytes += data.size();
    if (on_progress) on_progress(raw_bytes);
  });
  spool.finish();
  Captured c{path + (spool.compressed() ? ".zst" : ""), spool.raw_size(), core::hex(spool.raw_sha256()), spool.compressed()};
  writer.add_file(c.member, spool.path(), spool.stored_size());
  return c;
}

Captured Collector::add_bytes(const std::string& path, std::string_view data) {
  return add(path, bundle::Compress::never, [&](const auto& sink) { sink(data); });
}

// --- postgres --------------------------------------------------------------------------------

namespace {

// Runs `cmd` in the postgres container as user postgres, streaming stdout to `sink`.
void pg_exec(Collector& c, const std::vector<std::string>& cmd, const std::function<void(std::string_view)>& sink) {
  std::string err;
  engine::ExecOptions opt;
  opt.user = "postgres";
  opt.timeout = std::chrono::milliseconds(0);
  int rc = engine::exec_stream(c.ctx.engine, c.ctx.object_name("postgres"), cmd, std::string_view{}, sink,
                               [&](std::string_view e) { err.append(e); }, opt);
  if (rc != 0)
    throw Error(Exit::failed, cmd.front() + " in " + c.ctx.object_name("postgres") + " failed (exit " + std::to_string(rc) +
                                  "): " + tail(err));
}

}  // namespace

void capture_postgres(Collector& c) {
  std::string list;
  pg_exec(c, {"psql", "-X", "-At", "-U", "postgres", "-d", "postgres", "-c",
              "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname"},
          [&](std::string_view d) { list.append(d); });
  std::vector<std::string> dbs;
  std::size_t start = 0;
  while (start < list.size()) {
    auto end = list.find('\n', start);
    if (end == std::string::npos) end = list.size();
    if (end > start) dbs.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  std::uint64_t before = c.raw_bytes;
  c.add("postgres/globals.sql", bundle::Compress::always,
        [&](const auto& sink) { pg_exec(c, {"pg_dumpall", "-U", "postgres", "--globals-only"}, sink); });
  for (const auto& db : dbs)
    // Custom format without pg_dump's own zlib (-Z0), compressed by zstd on every core instead:
    // several times faster, and `zstd -d` gives back exactly what pg_restore reads.
    c.add("postgres/db/" + member_segment(db, false) + ".dump", bundle::Compress::always,
          [&](const auto& sink) { pg_exec(c, {"pg_dump", "-U", "postgres", "-Fc", "-Z0", "-d", db}, sink); });
  c.notes.push_back("postgres: globals and " + std::to_string(dbs.size()) + " databases, " + mib(c.raw_bytes - before));
}

// --- s3 --------------------------------------------------------------------------------------

void capture_s3(Collector& c) {
  s3::Client client(components::s3_endpoint(c.ctx));
  const auto& skip = c.ctx.cfg.components.s3.buckets.backups;
  std::size_t objects = 0, buckets = 0;
  std::uint64_t before = c.raw_bytes;
  for (const auto& bucket : client.list_buckets()) {
    if (bucket == skip) continue;  // bundles are not backed up into bundles
    ++buckets;
    json::array listing;
    std::string base = "s3/" + member_segment(bucket, false) + "/objects/";
    for (const auto& obj : client.list_objects(bucket)) {
      std::uint64_t got = 0;
      auto cap = c.add(base + member_segment(obj.key, true), bundle::Compress::if_it_pays, [&](const auto& sink) {
        if (!client.get_object(bucket, obj.key, [&](std::string_view d) {
              got += d.size();
              sink(d);
            }))
          spdlog::warn("s3: {}/{} was deleted while the backup ran; it is not in the bundle", bucket, obj.key);
      });
      ++objects;
      listing.push_back(json::object{{"key", obj.key},
                                     {"size", cap.raw_size},
                                     {"etag", obj.etag},
                                     {"sha256", cap.raw_sha256},
                                     {"member", cap.member},
                                     {"compressed", cap.compressed}});
    }
    c.add_bytes("s3/" + member_segment(bucket, false) + "/listing.json",
                json::serialize(json::object{{"bucket", bucket}, {"objects", std::move(listing)}}) + "\n");
  }
  c.notes.push_back("s3: " + std::to_string(objects) + " objects in " + std::to_string(buckets) + " buckets, " +
                    mib(c.raw_bytes - before));
}

// --- volumes ---------------------------------------------------------------------------------

void capture_volume(Collector& c, const std::string& component, const std::string& path_in_container) {
  std::uint64_t before = c.raw_bytes;
  std::string name = c.ctx.object_name(component);
  bool found = false;
  auto cap = c.add("volumes/" + component + "-data.tar", bundle::Compress::if_it_pays, [&](const auto& sink) {
    found = engine::get_archive(c.ctx.engine, name, path_in_container, sink);
  });
  if (!found) throw Error(Exit::failed, "volume archive of " + name + ":" + path_in_container + ": no such path");
  c.notes.push_back(component + ": volume " + path_in_container + " as " + cap.member + ", " + mib(c.raw_bytes - before));
}

// --- vault -----------------------------------------------------------------------------------

void capture_vault(Collector& c) {
  auto& ctx = c.ctx;
  auto status = components::vault_client(ctx).seal_status();
  if (status.sealed) {
    // A sealed Vault writes nothing, so its raft directory is a consistent copy (still
    // barrier-encrypted: restoring it needs the same unseal keys, which the bundle carries).
    spdlog::warn("Vault is sealed: the bundle carries its raft directory instead of a snapshot; run egg unseal");
    capture_volume(c, "vault", components::vault_data_dir(ctx));
    c.notes.back() += " (Vault was sealed)";
    return;
  }
  const auto* tok = ctx.creds.find("vault/backup");
  if (!tok) throw Error(Exit::failed, "credentials.json has no vault/backup token: run egg up");
  auto client = components::vault_client(ctx, tok->at("token"));
  try {
    client.renew_self();  // the token is periodic: each backup keeps it alive
  } catch (const Error& e) {
    spdlog::warn("could not renew the Vault backup token ({}); run egg up to refresh its policy", e.what());
  }
  std::uint64_t before = c.raw_bytes;
  c.add("vault/raft.snap", bundle::Compress::never, [&](const auto& sink) { client.snapshot(sink); });
  c.notes.push_back("vault: raft snapshot, " + mib(c.raw_bytes - before));
}

// --- state -----------------------------------------------------------------------------------

void capture_state(Collector& c) {
  const auto& g = c.ctx.globals;
  auto add_file = [&](const fs::path& file, const std::string& member) { c.add_bytes(member, core::read_file(file)); };
  add_file(seal::keyring_path(g), "state/keyring.egg");
  add_file(seal::sealed_path(g), "state/sealed.egg");
  add_file(fs::path(g.state_dir) / "credentials.json", "state/credentials.json");
  add_file(fs::path(g.state_dir) / "state.json", "state/state.json");
  add_file(g.config_path, "state/egg.json");
  c.notes.push_back("state: keyring, sealed store, credentials, state and config");
}

}  // namespace egg::backup
