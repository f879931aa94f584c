// egg passphrase change: add a slot for the new passphrase, prove it opens from disk, then drop the
// old passphrase slots. Each step is one atomic write, so a crash leaves the old passphrase, the
// new one, or both working; never neither.
#include <iostream>

#include "egg/commands/registry.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "egg/core/log.hpp"
#include "egg/seal/keyring.hpp"
#include "egg/seal/passphrase.hpp"
#include "egg/seal/unlock.hpp"

namespace egg::commands {
namespace {

int run_change(const cli::Invocation& inv) {
  const auto& g = inv.globals;
  auto level = seal::effective_level(seal::parse_kdf_level(inv.value("kdf").value_or("moderate")));
  auto path = seal::keyring_path(g);
  std::optional<seal::Passphrase> old_pass;
  seal::Unlocked u = [&] {
    if (inv.value("recovery-key-file")) return seal::open_keyring(g, inv.value("recovery-key-file"));
    return seal::open_keyring(g, std::nullopt);
  }();
  core::crash_point("passphrase-change:opened");

  auto fresh = seal::obtain_new_passphrase(inv.value("new-passphrase-file"));
  // A slot that the new passphrase already opens is either the old passphrase again (refused:
  // removing the "old" slot would lock it out) or left by an interrupted change (resumed).
  std::optional<std::uint32_t> existing;
  try {
    existing = u.keyring.open_with_passphrase(fresh.value.view()).slot_id;
  } catch (const Error& e) {
    if (e.code() != Exit::auth) throw;
  }
  if (existing && !u.by_recovery_key && *existing == u.slot_id)
    throw Error(Exit::usage, "the new passphrase is the current one; choose a different one");

  std::uint32_t new_id = 0;
  if (existing) {
    new_id = *existing;
    spdlog::info("slot {} already holds the new passphrase (an interrupted change); finishing it", new_id);
  } else {
    spdlog::info("adding a slot for the new passphrase (Argon2id)");
    new_id = u.keyring.add_passphrase_slot(u.root_key, fresh.value.view(), level);
    u.keyring.save(path);
  }
  core::crash_point("passphrase-change:added");

  // Prove the new slot opens the file as written, before anything is removed.
  auto on_disk = seal::Keyring::load(path);
  auto check = on_disk.open_with_passphrase(fresh.value.view());
  if (check.slot_id != new_id || !(check.root_key == u.root_key))
    throw Error(Exit::failed, "the new slot in " + path.string() + " did not open as expected; nothing removed");
  core::crash_point("passphrase-change:verified");

  std::vector<std::uint32_t> removed;
  for (const auto& s : on_disk.slots())
    if (s.type == seal::SlotType::passphrase && s.id != new_id) removed.push_back(s.id);
  for (auto id : removed) on_disk.remove_slot(u.root_key, id);
  on_disk.save(path);
  core::crash_point("passphrase-change:removed");

  std::string list;
  for (auto id : removed) list += (list.empty() ? "" : ", ") + std::to_string(id);
  spdlog::info("passphrase slot {} added; removed passphrase slot(s) {}", new_id, list.empty() ? "none" : list);
  std::cout << "The passphrase of " << path.string() << " is changed (new slot " << new_id << ").\n"
            << "The old passphrase no longer opens it; the recovery key still does. Update every place\n"
               "that holds the passphrase (EGG_PASSPHRASE_FILE, the systemd credential egg-passphrase).\n";
  return 0;
}

}  // namespace

cli::Command passphrase_change_command() {
  cli::Command c;
  c.words = {"passphrase", "change"};
  c.summary = "replace the master passphrase (old passphrase or recovery key needed)";
  c.description =
      "Opens <state-dir>/keyring.egg with the current passphrase (from --passphrase-file,\n"
      "$EGG_PASSPHRASE_FILE, the systemd credential egg-passphrase, or the terminal) or, with\n"
      "--recovery-key-file FILE, with the recovery key. Then reads the new passphrase from\n"
      "--new-passphrase-file FILE or asks for it twice on the terminal (at least 12 characters).\n"
      "\n"
      "It adds a slot for the new passphrase, checks that the file as written opens with it, and only\n"
      "then removes every other passphrase slot. Each step is an atomic write: if egg is killed\n"
      "midway, the old or the new passphrase opens the keyring (run the command again to finish).\n"
      "The recovery key and sealed.egg are not changed; existing backups stay readable.\n"
      "\n"
      "Passphrase or secret files must not be readable by group or others (chmod 600).";
  c.options = {{"new-passphrase-file", "FILE", "read the new passphrase from FILE (one trailing newline is stripped)"},
               {"recovery-key-file", "FILE", "open the keyring with the recovery key in FILE instead of the passphrase"},
               {"kdf", "LEVEL", "Argon2id cost of the new slot: moderate (default) or sensitive"}};
  c.run = run_change;
  return c;
}

}  // namespace egg::commands
