// egg keyring create | status: make the trust root, and show its shape without opening it.
#include <sodium.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "bundle/age/keys.hpp"
#include "egg/backup/keys.hpp"
#include "egg/commands/registry.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "egg/core/json.hpp"
#include "egg/core/log.hpp"
#include "egg/seal/create.hpp"
#include "egg/seal/keyring.hpp"
#include "egg/seal/passphrase.hpp"
#include "egg/seal/recovery_key.hpp"
#include "egg/seal/sealed_store.hpp"
#include "egg/seal/unlock.hpp"
#include "egg/state/state.hpp"

namespace egg::commands {
namespace {

namespace fs = std::filesystem;
namespace json = core::json;


int run_create(const cli::Invocation& inv) {
  auto level = seal::parse_kdf_level(inv.value("kdf").value_or("moderate"));
  auto root = seal::create_trust_root(inv.globals, level);
  seal::print_recovery_key(root.recovery_key_text);
  return 0;
}

int run_status(const cli::Invocation& inv) {
  const auto& g = inv.globals;
  auto kpath = seal::keyring_path(g);
  auto spath = seal::sealed_path(g);
  std::error_code ec;
  if (!fs::exists(kpath, ec))
    throw Error(Exit::precondition, kpath.string() + " does not exist; create it with: egg keyring create");
  auto k = seal::Keyring::load(kpath);
  std::optional<std::uintmax_t> sealed_size;
  if (fs::exists(spath, ec)) sealed_size = fs::file_size(spath, ec);

  if (g.json) {
    json::array slots;
    for (const auto& s : k.slots()) {
      json::object o{{"id", s.id}, {"type", s.type == seal::SlotType::passphrase ? "passphrase" : "recovery"}};
      if (s.type == seal::SlotType::passphrase)
        o["kdf"] = json::object{{"algorithm", "argon2id13"}, {"opslimit", s.kdf.opslimit}, {"memlimit", s.kdf.memlimit}};
      slots.push_back(std::move(o));
    }
    json::object out{{"path", kpath.string()},
                     {"format_version", seal::kKeyringVersion},
                     {"created", state::utc_iso(static_cast<std::int64_t>(k.created()))},
                     {"slots", std::move(slots)},
                     {"sealed_store", json::object{{"path", spath.string()},
                                                   {"present", sealed_size.has_value()},
                                                   {"bytes", sealed_size ? json::value(*sealed_size) : json::value(nullptr)}}}};
    std::cout << core::pretty_json(out);
    return 0;
  }
  std::cout << kpath.string() << " (format version " << seal::kKeyringVersion << ")\n"
            << "created: " << state::utc_iso(static_cast<std::int64_t>(k.created())) << "\n"
            << "slots:\n";
  for (const auto& s : k.slots()) {
    if (s.type == seal::SlotType::passphrase)
      std::cout << "  " << s.id << "  passphrase  Argon2id opslimit " << s.kdf.opslimit << ", memlimit "
                << (s.kdf.memlimit >> 20) << " MiB\n";
    else
      std::cout << "  " << s.id << "  recovery key\n";
  }
  std::cout << "sealed store: " << spath.string()
            << (sealed_size ? " (" + std::to_string(*sealed_size) + " bytes)" : " (missing)") << "\n";
  return 0;
}

// The backup identity in age's own identity-file format, so `age -d -i FILE` opens a bundle.
int run_export_identity(const cli::Invocation& inv) {
  auto root = seal::unlock(inv.globals);
  auto store = seal::SealedStore::open(seal::sealed_path(inv.globals), root);
  auto v = store.get(backup::kIdentityEntry);
  if (!v) throw Error(Exit::precondition, "sealed.egg holds no backup identity yet: egg up creates it");
  auto id = bundle::age::decode_identity(v->view());
  std::string text = "# egg backup identity (" + seal::sealed_path(inv.globals).string() + ")\n# public key: " +
                     bundle::age::encode_recipient(id.public_key) + "\n" + std::string(v->view()) + "\n";
  if (auto out = inv.value("output")) {
    core::write_file_atomic(*out, text, 0600);
    std::fprintf(stderr, "backup identity written to %s (mode 0600); keep it as safe as the passphrase\n", out->c_str());
  } else {
    std::cout << text;
  }
  return 0;
}

}  // namespace

cli::Command keyring_export_identity_command() {
  cli::Command c;
  c.words = {"keyring", "export-identity"};
  c.summary = "print the backup identity (age), so age -d -i FILE opens a bundle without egg";
  c.description =
      "Opens the keyring (passphrase or its other sources) and prints the instance's backup\n"
      "identity in age's identity-file format. With it, a bundle opens with stock tools:\n"
      "  age -d -i identity.txt BUNDLE.egg | tar -x\n"
      "The identity reads every bundle of this instance: --output FILE writes it to a new 0600 file\n"
      "instead of stdout. Store it like the passphrase, or not at all.";
  c.options = {{"output", "FILE", "write the identity to FILE (0600) instead of stdout"}};
  c.run = run_export_identity;
  return c;
}

cli::Command keyring_create_command() {
  cli::Command c;
  c.words = {"keyring", "create"};
  c.summary = "create the keyring and empty sealed store; prints the recovery key once";
  c.description =
      "Creates <state-dir>/keyring.egg (a random root key wrapped by your master passphrase and by\n"
      "a recovery key) and an empty <state-dir>/sealed.egg. Refuses if either file exists.\n"
      "\n"
      "The passphrase is read from --passphrase-file, $EGG_PASSPHRASE_FILE, the systemd credential\n"
      "egg-passphrase, or asked twice on the terminal; it must be at least 12 characters.\n"
      "\n"
      "The recovery key is printed once on stdout: write it down on paper. With it you can set a\n"
      "new passphrase if the old one is lost (egg passphrase change --recovery-key-file FILE).\n"
      "\n"
      "--kdf moderate (default; about 1 s and 256 MiB per unlock) or sensitive (about 5 s, 1 GiB).";
  c.options = {{"kdf", "LEVEL", "Argon2id cost: moderate (default) or sensitive"}};
  c.run = run_create;
  return c;
}

cli::Command keyring_status_command() {
  cli::Command c;
  c.words = {"keyring", "status"};
  c.summary = "show the keyring's slots, KDF parameters and creation time (no passphrase needed)";
  c.description =
      "Reads <state-dir>/keyring.egg without opening it and lists its slots (passphrase slots with\n"
      "their Argon2id parameters, the recovery slot), when it was created, and whether sealed.egg\n"
      "exists. Prints no secret. The file's checksum is verified; a damaged file is reported\n"
      "(exit 3). With --json, one JSON object.";
  c.run = run_status;
  return c;
}

}  // namespace egg::commands
