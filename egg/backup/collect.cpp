#include "egg/backup/collect.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
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

// "<what>, 12.3 MiB in 4.5 s": a part's note, with how long it took since `t0`.
std::string measured(std::uint64_t bytes, std::chrono::steady_clock::time_point t0) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s in %.1f s", mib(bytes).c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
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

Captured Collector::add(const std::string& path, bundle::Compress mode, const Producer& produce,
                        std::optional<std::uint64_t> size, bool raw_hash) {
  auto count = [&](std::string_view d) {
    raw_bytes += d.size();
    if (on_progress) on_progress(raw_bytes.load());
  };
  if (size && mode != bundle::Compress::always) {
    // The first MiB decides (in memory); stored as is, the member streams into the bundle.
    std::string sample;
    std::unique_ptr<bundle::Spool> spool;
    bool decided = false;
    std::uint64_t got = 0;
    auto decide = [&] {
      decided = true;
      if (mode == bundle::Compress::if_it_pays && bundle::compression_pays(sample)) {
        spool = std::make_unique<bundle::Spool>(spool_dir, bundle::Compress::always, raw_hash);
        spool->write(sample);
      } else {
        writer.begin(path, *size);
        writer.write(sample);
      }
      std::string().swap(sample);
    };
    produce([&](std::string_view d) {
      count(d);
      got += d.size();
      if (decided) {
        spool ? spool->write(d) : writer.write(d);
        return;
      }
      sample.append(d);
      if (sample.size() >= bundle::kSampleSize) decide();
    });
    if (!decided) decide();
    if (!spool) {
      if (got != *size)
        throw Error(Exit::failed, path + " changed while it was read (" + std::to_string(got) + " bytes, expected " +
                                      std::to_string(*size) + "); run the backup again");
      writer.end();
      return {path, got, core::hex(writer.last_sha256()), false};
    }
    spool->finish();
    writer.add_file(path + ".zst", spool->path(), spool->stored_size());
    return {path + ".zst", spool->raw_size(), raw_hash ? core::hex(spool->raw_sha256()) : "", true};
  }
  bundle::Spool spool(spool_dir, mode, raw_hash);
  produce([&](std::string_view data) {
    spool.write(data);
    count(data);
  });
  spool.finish();
  Captured c{path + (spool.compressed() ? ".zst" : ""), spool.raw_size(),
             raw_hash ? core::hex(spool.raw_sha256()) : "", spool.compressed()};
  writer.add_file(c.member, spool.path(), spool.stored_size());
  return c;
}

Captured Collector::add_bytes(const std::string& path, std::string_view data) {
  writer.add(path, data);  // small (listings, state files): no spool file
  raw_bytes += data.size();
  return {path, data.size(), core::hex(writer.last_sha256()), false};
}

// --- postgres --------------------------------------------------------------------------------

namespace {

// Runs `cmd` in the postgres container as user postgres, streaming stdout to `sink`.
void pg_exec(engine::Engine& e, const std::string& container, const std::vector<std::string>& cmd,
             const std::function<void(std::string_view)>& sink) {
  std::string err;
  engine::ExecOptions opt;
  opt.user = "postgres";
  opt.timeout = std::chrono::milliseconds(0);
  int rc = engine::exec_stream(e, container, cmd, std::string_view{}, sink, [&](std::string_view x) { err.append(x); }, opt);
  if (rc != 0)
    throw Error(Exit::failed, cmd.front() + " in " + container + " failed (exit " + std::to_string(rc) + "): " + tail(err));
}

}  // namespace

PostgresDump::PostgresDump(components::Context& ctx, std::filesystem::path spool_dir, std::atomic<std::uint64_t>& raw_bytes)
    : raw_bytes_(raw_bytes), t0_(std::chrono::steady_clock::now()) {
  // Its own engine connection: an Engine is one connection, used by one thread.
  done_ = std::async(std::launch::async, [this, host = ctx.globals.docker_host, container = ctx.object_name("postgres"),
                                          dir = std::move(spool_dir)] {
    auto e = engine::Engine::connect(host);
    std::string list;
    pg_exec(e, container,
            {"psql", "-X", "-At", "-U", "postgres", "-d", "postgres", "-c",
             "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname"},
            [&](std::string_view d) { list.append(d); });
    std::vector<std::string> dbs;
    for (std::size_t start = 0; start < list.size();) {
      auto end = list.find('\n', start);
      if (end == std::string::npos) end = list.size();
      if (end > start) dbs.push_back(list.substr(start, end - start));
      start = end + 1;
    }
    auto dump = [&](const std::string& member, const std::vector<std::string>& cmd) {
      auto spool = std::make_unique<bundle::Spool>(dir, bundle::Compress::always, false);
      pg_exec(e, container, cmd, [&](std::string_view d) {
        spool->write(d);
        raw_bytes_ += d.size();
      });
      spool->finish();
      dumped_.push_back({member + ".zst", std::move(spool)});
    };
    dump("postgres/globals.sql", {"pg_dumpall", "-U", "postgres", "--globals-only"});
    for (const auto& db : dbs)
      // Custom format without pg_dump's own zlib (-Z0), compressed by zstd on every core instead:
      // several times faster, and `zstd -d` gives back exactly what pg_restore reads.
      dump("postgres/db/" + member_segment(db, false) + ".dump", {"pg_dump", "-U", "postgres", "-Fc", "-Z0", "-d", db});
    databases_ = dbs.size();
  });
}

PostgresDump::~PostgresDump() {
  if (done_.valid()) done_.wait();  // never leave the thread writing into a spool dir being removed
}

void PostgresDump::append(Collector& c) {
  done_.get();  // rethrows the dump's failure
  std::uint64_t bytes = 0;
  for (auto& d : dumped_) {
    c.writer.add_file(d.member, d.spool->path(), d.spool->stored_size());
    bytes += d.spool->raw_size();
    d.spool.reset();  // deletes the spool file
  }
  c.notes.push_back("postgres: globals and " + std::to_string(databases_) + " databases, " + measured(bytes, t0_));
}

// --- s3 --------------------------------------------------------------------------------------

void capture_s3(Collector& c) {
  s3::Client client(components::s3_endpoint(c.ctx));
  const auto& skip = c.ctx.cfg.components.s3.buckets.backups;
  std::size_t objects = 0, buckets = 0;
  std::uint64_t bytes = 0;  // not raw_bytes: the database dumps add to that meanwhile
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& bucket : client.list_buckets()) {
    if (bucket == skip) continue;  // bundles are not backed up into bundles
    ++buckets;
    json::array listing;
    std::string base = "s3/" + member_segment(bucket, false) + "/objects/";
    for (const auto& obj : client.list_objects(bucket)) {
      struct Vanished {};
      Captured cap;
      try {
        cap = c.add(
            base + member_segment(obj.key, true), bundle::Compress::if_it_pays,
            [&](const auto& sink) {
              if (!client.get_object(bucket, obj.key, sink)) throw Vanished{};
            },
            obj.size, true);
      } catch (const Vanished&) {
        spdlog::warn("s3: {}/{} was deleted while the backup ran; it is not in the bundle", bucket, obj.key);
        continue;
      }
      ++objects;
      bytes += cap.raw_size;
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
                    measured(bytes, t0));
}

// --- volumes ---------------------------------------------------------------------------------

void capture_volume(Collector& c, const std::string& component, const std::string& path_in_container) {
  std::uint64_t before = c.raw_bytes;
  auto t0 = std::chrono::steady_clock::now();
  std::string name = c.ctx.object_name(component);
  bool found = false;
  auto cap = c.add("volumes/" + component + "-data.tar", bundle::Compress::if_it_pays, [&](const auto& sink) {
    found = engine::get_archive(c.ctx.engine, name, path_in_container, sink);
  });
  if (!found) throw Error(Exit::failed, "volume archive of " + name + ":" + path_in_container + ": no such path");
  c.notes.push_back(component + ": volume " + path_in_container + " as " + cap.member + ", " + measured(c.raw_bytes - before, t0));
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
  auto t0 = std::chrono::steady_clock::now();
  c.add("vault/raft.snap", bundle::Compress::never, [&](const auto& sink) { client.snapshot(sink); });
  c.notes.push_back("vault: raft snapshot, " + measured(c.raw_bytes - before, t0));
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
