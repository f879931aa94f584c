#include "egg/backup/run.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <optional>

#include "bundle/retention.hpp"
#include "bundle/signature.hpp"
#include "bundle/writer.hpp"
#include "egg/backup/collect.hpp"
#include "egg/backup/destination.hpp"
#include "egg/backup/keys.hpp"
#include "egg/backup/manifest.hpp"
#include "egg/backup/progress.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "egg/core/json.hpp"
#include "egg/engine/containers.hpp"

namespace egg::backup {

namespace fs = std::filesystem;
namespace json = core::json;
using Clock = std::chrono::steady_clock;

bool RunSummary::ok() const {
  for (const auto& d : destinations)
    if (!d.ok) return false;
  return !destinations.empty();
}

namespace {

// Pauses the forge for one consistent point (Engine API pause: the processes are frozen, not
// stopped, so connections survive) and unpauses it however the scope ends.
class ForgePause {
 public:
  ForgePause(components::Context& ctx, bool wanted) : ctx_(ctx) {
    if (!wanted) return;
    auto st = engine::container_state(ctx.engine, ctx.object_name("forgejo"));
    if (!st || !st->running) return;
    engine::pause_container(ctx.engine, ctx.object_name("forgejo"));
    paused_ = true;
    t0_ = Clock::now();
  }
  double release() {
    if (!paused_) return seconds_;
    paused_ = false;
    engine::unpause_container(ctx_.engine, ctx_.object_name("forgejo"));
    seconds_ = std::chrono::duration<double>(Clock::now() - t0_).count();
    return seconds_;
  }
  ~ForgePause() {
    try {
      release();
    } catch (const std::exception& e) {
      spdlog::error("could not unpause {}: {}; run: docker unpause {}", ctx_.object_name("forgejo"), e.what(),
                    ctx_.object_name("forgejo"));
    }
  }

 private:
  components::Context& ctx_;
  bool paused_ = false;
  double seconds_ = 0;
  Clock::time_point t0_;
};

bool running(components::Context& ctx, const std::string& component) {
  if (!config::enabled(ctx.cfg, component)) return false;
  auto st = engine::container_state(ctx.engine, ctx.object_name(component));
  return st && (st->running || st->status == "paused");
}

// A killed backup can leave the forge paused: nothing else pauses it, and we hold the lock.
void unpause_leftover(components::Context& ctx) {
  auto st = engine::container_state(ctx.engine, ctx.object_name("forgejo"));
  if (st && st->status == "paused") {
    spdlog::warn("{} was left paused by an interrupted backup; unpausing it", ctx.object_name("forgejo"));
    engine::unpause_container(ctx.engine, ctx.object_name("forgejo"));
  }
}

void require_running(components::Context& ctx, const std::string& component) {
  auto st = engine::container_state(ctx.engine, ctx.object_name(component));
  if (!st || !st->running)
    throw Error(Exit::precondition, ctx.object_name(component) + " is not running, so it cannot be backed up; start the "
                                                                 "instance with egg up (egg status shows what is wrong)");
}

// Keeps what the policy keeps among the good bundles of one destination; never touches others.
std::vector<std::string> prune(Destination& dest, const PublicKeys& keys, const config::Retention& r) {
  std::vector<bundle::BundleRef> refs;
  for (const auto& b : dest.list(keys.signer, false))
    refs.push_back({b.id, b.time, b.state == BundleState::good});
  auto decision = bundle::apply_retention(refs, {r.keep_last, r.keep_daily, r.keep_weekly, r.keep_monthly});
  for (const auto& id : decision.remove) dest.remove(id);
  return decision.remove;
}

}  // namespace

RunSummary run_backup(components::Context& ctx, const RunOptions& options) {
  auto t0 = Clock::now();
  auto keys = public_keys(ctx.st);
  auto signer = signing_key(ctx.creds);
  if (signer.public_key != keys.signer)
    throw Error(Exit::failed, "the signing key in credentials.json does not match state.json's backup.signer");
  for (const char* c : {"postgres", "s3", "vault"})
    if (config::enabled(ctx.cfg, c)) require_running(ctx, c);
  unpause_leftover(ctx);

  RunSummary sum;
  sum.time = static_cast<std::int64_t>(std::time(nullptr));
  sum.id = make_bundle_id(ctx.instance(), sum.time);

  // The work dir holds the bundle being written and one spool file; what a killed run left there
  // is removed first (we hold the instance lock, so no other run owns it).
  fs::path work = fs::path(ctx.state_dir()) / "backup-work";
  std::error_code ec;
  fs::remove_all(work, ec);
  core::ensure_private_dir(work);
  fs::path bundle_path = work / (sum.id + ".egg");

  Progress progress(options.progress, ctx.st.extra.if_contains("last_backup")
                                          ? ctx.st.extra.at("last_backup").as_object().if_contains("raw_bytes")
                                          : nullptr);
  bundle::CiphertextDigest digest;
  try {
    bundle::BundleWriter writer(bundle_path, keys.recipient, sum.time);
    Collector col(ctx, writer, work);
    col.on_progress = [&](std::uint64_t n) { progress.update(n); };
    writer.add(bundle::kManifestMember, bundle_manifest(ctx, sum.id, sum.time, keys));
    {
      // Database, objects and repositories at one moment: the forge is frozen across all three.
      ForgePause pause(ctx, ctx.cfg.backup.consistency == config::Consistency::paused && running(ctx, "forgejo"));
      std::optional<PostgresDump> dump;
      if (config::enabled(ctx.cfg, "postgres")) dump.emplace(ctx, work, col.raw_bytes);
      if (config::enabled(ctx.cfg, "s3")) capture_s3(col);
      if (dump) dump->append(col);
      if (running(ctx, "forgejo")) capture_volume(col, "forgejo", "/data");
      sum.paused_seconds = pause.release();
    }
    if (config::enabled(ctx.cfg, "vault")) capture_vault(col);
    if (running(ctx, "proxy")) capture_volume(col, "proxy", "/data");
    capture_state(col);
    digest = writer.finish();
    sum.raw_bytes = col.raw_bytes;
    sum.notes = std::move(col.notes);
  } catch (const std::exception& e) {
    // The writer deleted its file: nothing that looks like a bundle is left behind.
    progress.done();
    Error err(Exit::failed, std::string("backup failed, no bundle was written: ") + e.what());
    ctx.st.extra["last_backup"] = json::object{{"id", sum.id}, {"time", state::utc_now_iso()}, {"ok", false}, {"error", err.what()}};
    ctx.st.save(ctx.state_dir());
    throw err;
  }
  progress.done();
  sum.bundle_bytes = digest.length;
  sum.sha256 = core::hex(digest.sha256);

  bundle::SignedFacts facts{sum.id, sum.time, digest.length, {}};
  std::copy(digest.sha256.begin(), digest.sha256.end(), facts.sha256.begin());
  std::string sig = bundle::make_signature_file(facts, signer.secret);

  // One destination failing (unreachable, a key file missing, no space) never costs the others
  // their copy; the run reports it and exits 1.
  for (const auto& cfg_dest : ctx.cfg.backup.destinations) {
    DestinationResult r;
    r.destination = describe(ctx, cfg_dest);
    try {
      auto d = open_destination(ctx, cfg_dest);
      r.destination = d->describe();
      r.cleaned = d->clean_partials();
      d->put(bundle_path, sig, sum.id);
      r.ok = true;
      try {
        r.pruned = prune(*d, keys, ctx.cfg.backup.retention);
      } catch (const std::exception& e) {
        // The new bundle is stored: a prune that fails costs space, not the backup.
        r.error = std::string("stored, but retention was not applied: ") + e.what();
        spdlog::warn("backup destination {}: {}", r.destination, r.error);
      }
    } catch (const std::exception& e) {
      r.error = e.what();
      spdlog::error("backup destination {}: {}", r.destination, r.error);
    }
    sum.destinations.push_back(std::move(r));
  }
  fs::remove_all(work, ec);
  sum.seconds = std::chrono::duration<double>(Clock::now() - t0).count();

  json::array dj;
  for (const auto& d : sum.destinations)
    dj.push_back(json::object{{"destination", d.destination}, {"ok", d.ok}});
  ctx.st.extra["last_backup"] = json::object{{"id", sum.id},
                                             {"time", state::utc_now_iso()},
                                             {"ok", sum.ok()},
                                             {"raw_bytes", sum.raw_bytes},
                                             {"bundle_bytes", sum.bundle_bytes},
                                             {"seconds", sum.seconds},
                                             {"destinations", std::move(dj)}};
  ctx.st.save(ctx.state_dir());
  return sum;
}

}  // namespace egg::backup
