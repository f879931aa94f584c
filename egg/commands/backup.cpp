// egg backup | backup list | backup verify: make a bundle (no passphrase), list the bundles of
// every destination with their state, check one (signature; --deep: everything inside).
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "bundle/signature.hpp"
#include "egg/backup/destination.hpp"
#include "egg/backup/keys.hpp"
#include "egg/backup/progress.hpp"
#include "egg/backup/run.hpp"
#include "egg/backup/verify.hpp"
#include "egg/commands/registry.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/lock.hpp"
#include "egg/state/evidence.hpp"

namespace egg::commands {

namespace fs = std::filesystem;
namespace json = core::json;

namespace {

json::object summary_json(const backup::RunSummary& s) {
  json::array dests;
  for (const auto& d : s.destinations) {
    json::array pruned;
    for (const auto& p : d.pruned) pruned.emplace_back(p);
    json::object o{{"destination", d.destination}, {"ok", d.ok}, {"pruned", std::move(pruned)}, {"cleaned", d.cleaned}};
    if (!d.error.empty()) o["error"] = d.error;
    dests.push_back(std::move(o));
  }
  json::array notes;
  for (const auto& n : s.notes) notes.emplace_back(n);
  return json::object{{"id", s.id},
                      {"ok", s.ok()},
                      {"unix_time", s.time},
                      {"raw_bytes", s.raw_bytes},
                      {"bundle_bytes", s.bundle_bytes},
                      {"sha256", s.sha256},
                      {"seconds", s.seconds},
                      {"paused_seconds", s.paused_seconds},
                      {"captured", std::move(notes)},
                      {"destinations", std::move(dests)}};
}

int run_backup(const cli::Invocation& inv) {
  core::StateLock lock(inv.globals.state_dir, "egg backup");
  auto ctx = components::Context::open(inv.globals);
  backup::RunOptions opt;
  opt.progress = !inv.globals.json && ::isatty(STDERR_FILENO);
  auto sum = backup::run_backup(ctx, opt);
  auto doc = summary_json(sum);
  auto evidence = state::write_evidence(inv.globals.state_dir, "backup", state::utc_now_iso(),
                                        json::object{{"kind", "backup"}, {"backup", doc}});
  if (inv.globals.json) {
    std::cout << json::serialize(doc) << "\n";
  } else {
    int ok = 0;
    for (const auto& d : sum.destinations) ok += d.ok;
    double rate = sum.seconds > 0 ? static_cast<double>(sum.raw_bytes) / sum.seconds : 0;
    std::printf("egg backup: %s  %s captured, bundle %s, %.1f s (%s/s), %d/%zu destinations ok\n", sum.id.c_str(),
                backup::human_bytes(sum.raw_bytes).c_str(), backup::human_bytes(sum.bundle_bytes).c_str(), sum.seconds,
                backup::human_bytes(static_cast<std::uint64_t>(rate)).c_str(), ok, sum.destinations.size());
    for (const auto& d : sum.destinations) {
      if (!d.error.empty()) std::printf("  %s %s: %s\n", d.ok ? "warning" : "FAILED", d.destination.c_str(), d.error.c_str());
      for (const auto& p : d.pruned) std::printf("  pruned %s from %s\n", p.c_str(), d.destination.c_str());
    }
    std::printf("  evidence: %s\n", evidence.c_str());
  }
  return sum.ok() ? 0 : 1;
}

int run_list(const cli::Invocation& inv) {
  auto ctx = components::Context::open(inv.globals);
  auto keys = backup::public_keys(ctx.st);
  bool hash = inv.has("hash");
  json::array out;
  int failures = 0;
  // Each destination on its own: a stopped S3 store or an unreachable offsite one must not hide
  // the bundles of the others.
  for (const auto& cfg_dest : ctx.cfg.backup.destinations) {
    json::array bundles;
    std::string error, name = backup::describe(ctx, cfg_dest);
    std::vector<backup::StoredBundle> list;
    try {
      auto d = backup::open_destination(ctx, cfg_dest);
      name = d->describe();
      list = d->list(keys.signer, hash);
    } catch (const std::exception& e) {
      error = e.what();
      ++failures;
    }
    if (!inv.globals.json) {
      std::printf("%s%s\n", name.c_str(), error.empty() ? "" : ("  UNREACHABLE: " + error).c_str());
      if (error.empty() && list.empty()) std::printf("  (no bundles)\n");
    }
    for (const auto& b : list) {
      std::string state = backup::to_string(b.state) + (b.state == backup::BundleState::good ? (b.hashed ? " (hashed)" : " (signed)") : "");
      if (inv.globals.json) {
        json::object o{{"id", b.id}, {"state", backup::to_string(b.state)}, {"hashed", b.hashed}, {"bytes", b.length}};
        if (b.state == backup::BundleState::good) o["unix_time"] = b.time;
        if (!b.detail.empty()) o["detail"] = b.detail;
        bundles.push_back(std::move(o));
      } else {
        std::printf("  %-40s %-16s %10s  %s\n", b.id.c_str(), state.c_str(), backup::human_bytes(b.length).c_str(),
                    b.detail.c_str());
      }
    }
    if (inv.globals.json) {
      json::object o{{"destination", name}, {"bundles", std::move(bundles)}};
      if (!error.empty()) o["error"] = error;
      out.push_back(std::move(o));
    }
  }
  if (inv.globals.json) std::cout << core::pretty_json(json::object{{"destinations", std::move(out)}});
  return failures ? 1 : 0;
}

// BUNDLE is a path, or the id of a bundle in a local or directory destination.
fs::path locate(components::Context& ctx, const std::string& arg) {
  std::error_code ec;
  if (fs::exists(arg, ec)) return arg;
  for (const auto& d : ctx.cfg.backup.destinations) {
    fs::path dir = d.type == config::BackupType::local       ? fs::path(ctx.state_dir()) / d.path
                   : d.type == config::BackupType::directory ? fs::path(d.path)
                                                             : fs::path();
    if (!dir.empty() && fs::exists(dir / (arg + ".egg"), ec)) return dir / (arg + ".egg");
  }
  throw Error(Exit::usage, "no bundle " + arg + ": give a bundle file, or the id of one in a local or directory destination");
}

int run_verify(const cli::Invocation& inv) {
  auto ctx = components::Context::open(inv.globals);
  fs::path bundle = locate(ctx, inv.args.at(0));
  auto signer = inv.value("signer") ? backup::parse_signer(*inv.value("signer"), "--signer")
                                    : backup::public_keys(ctx.st).signer;
  auto facts = bundle::verify_bundle_file(bundle, signer);
  std::string name = bundle.filename().string();
  if (name != facts.bundle_id + ".egg")
    throw Error(Exit::verify, bundle.string() + ": the signature is for bundle " + facts.bundle_id +
                                  ", not this file name: it was renamed or swapped");
  json::object doc{{"bundle", bundle.string()}, {"id", facts.bundle_id}, {"unix_time", facts.time},
                   {"bytes", facts.length},     {"signature", "valid"}};
  if (!inv.globals.json)
    std::printf("%s: signature valid (bundle %s, %s, SHA-256 matches)\n", bundle.c_str(), facts.bundle_id.c_str(),
                backup::human_bytes(facts.length).c_str());
  if (inv.has("deep")) {
    auto identity = backup::identity(ctx);  // the passphrase (or recovery key) opens sealed.egg
    auto rep = backup::deep_verify(bundle, identity, &ctx);
    json::array checked, skipped;
    for (const auto& c : rep.checked) checked.emplace_back(c);
    for (const auto& s : rep.skipped) skipped.emplace_back(s);
    doc["deep"] = json::object{{"members", rep.members}, {"checked", std::move(checked)}, {"skipped", std::move(skipped)}};
    if (!inv.globals.json) {
      for (const auto& c : rep.checked) std::printf("  ok    %s\n", c.c_str());
      for (const auto& s : rep.skipped) std::printf("  skip  %s\n", s.c_str());
      std::printf("deep verify: %zu members, all checks passed\n", rep.members);
    }
  }
  if (inv.globals.json) std::cout << core::pretty_json(doc);
  return 0;
}

}  // namespace

cli::Command backup_command() {
  cli::Command c;
  c.words = {"backup"};
  c.summary = "write one signed, encrypted bundle to every destination and prune by retention (no passphrase)";
  c.description =
      "Captures PostgreSQL (pg_dumpall --globals-only, pg_dump -Fc per database), Vault (raft\n"
      "snapshot with the narrow backup token; its raft directory when sealed), every S3 bucket but\n"
      "the backup bucket, the forge and proxy volumes, and copies of keyring.egg, sealed.egg,\n"
      "credentials.json, state.json and egg.json into one bundle (docs/formats/bundle.md),\n"
      "encrypted to the instance's backup public key (age) and signed with the host key. The forge\n"
      "is paused from the database dump until its volume is read (backup.consistency: live turns\n"
      "that off). The bundle goes to every configured destination (signature last), then each is\n"
      "pruned by the retention rules. Needs no passphrase: made for a timer (egg install-units).\n"
      "\n"
      "A progress line on a terminal, one summary line otherwise, --json for machines. Exit 1 if\n"
      "any member or destination failed; no file that looks complete is left by a failure.";
  c.run = run_backup;
  return c;
}

cli::Command backup_list_command() {
  cli::Command c;
  c.words = {"backup", "list"};
  c.summary = "list the bundles in every destination: good (signed), incomplete or bad";
  c.description =
      "Reads each destination and checks each bundle's signature against this host's key and its\n"
      "length against the signed one (good), or says why it is incomplete (no signature: an\n"
      "interrupted run) or bad. --hash also re-hashes bundles in local and directory destinations.\n"
      "Exit 1 when a destination cannot be read.";
  c.options = {{"hash", "", "re-hash local and directory bundles (reads every byte)"}};
  c.run = run_list;
  return c;
}

cli::Command backup_verify_command() {
  cli::Command c;
  c.words = {"backup", "verify"};
  c.usage = "BUNDLE";
  c.min_args = c.max_args = 1;
  c.summary = "check a bundle's signature and hash (no passphrase); --deep decrypts and checks everything";
  c.description =
      "BUNDLE is a bundle file or the id of one in a local or directory destination. Checks the\n"
      "signature sidecar against this host's signing key (or --signer HEX) and the file's length\n"
      "and SHA-256 against it. --deep asks for the passphrase, decrypts the whole bundle and checks\n"
      "every age chunk, every member against index.json, every zstd frame, every S3 object against\n"
      "its listing, the raft snapshot's SHA256SUMS, and runs pg_restore --list on every dump (in\n"
      "the instance's postgres container). Exit 5 naming what failed.";
  c.options = {{"deep", "", "decrypt and check every member (passphrase)"},
               {"signer", "HEX", "the host signing public key, when this host's state.json does not have it"}};
  c.run = run_verify;
  return c;
}

}  // namespace egg::commands
