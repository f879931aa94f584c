// egg secrets list | get | put: the named secrets in sealed.egg. `get` is the one command that
// prints a secret, on purpose, to stdout only; nothing here logs a value.
#include <iostream>

#include "egg/commands/registry.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/json.hpp"
#include "egg/core/log.hpp"
#include "egg/seal/passphrase.hpp"
#include "egg/seal/sealed_store.hpp"
#include "egg/seal/unlock.hpp"

namespace egg::commands {
namespace {

namespace json = core::json;

seal::SealedStore open_store(const cli::Invocation& inv) {
  auto root = seal::unlock(inv.globals, inv.value("recovery-key-file"));
  return seal::SealedStore::open(seal::sealed_path(inv.globals), root);
}

int run_list(const cli::Invocation& inv) {
  auto store = open_store(inv);
  auto items = store.list();
  if (inv.globals.json) {
    json::array arr;
    for (const auto& s : items)
      arr.push_back(json::object{{"name", s.name}, {"version", s.version}, {"time", s.time}, {"bytes", s.size}});
    std::cout << core::pretty_json(json::object{{"secrets", std::move(arr)}});
    return 0;
  }
  for (const auto& s : items) std::cout << s.name << "  (version " << s.version << ", " << s.size << " bytes)\n";
  if (items.empty()) spdlog::info("{} holds no secrets", store.path().string());
  return 0;
}

int run_get(const cli::Invocation& inv) {
  const auto& name = inv.args.at(0);
  auto store = open_store(inv);
  auto value = store.get(name);
  if (!value)
    throw Error(Exit::failed, "no secret named '" + name + "' in " + store.path().string() + "; see: egg secrets list");
  std::cout.write(value->view().data(), static_cast<std::streamsize>(value->size()));
  std::cout.flush();
  return 0;
}

int run_put(const cli::Invocation& inv) {
  const auto& name = inv.args.at(0);
  auto file = inv.value("value-file");
  if (!file) throw Error(Exit::usage, "egg secrets put needs --value-file FILE; see: egg secrets put --help");
  auto value = seal::read_secret_file(*file, "value file");
  auto store = open_store(inv);
  if (store.info(name) && !inv.has("replace"))
    throw Error(Exit::usage, "a secret named '" + name + "' already exists; add --replace to overwrite it");
  store.put(name, value.span());
  store.save();
  auto info = store.info(name);
  spdlog::info("stored '{}' (version {}, {} bytes) in {}", name, info->version, info->size, store.path().string());
  return 0;
}

const cli::Option kRecoveryOption{"recovery-key-file", "FILE",
                                  "open the keyring with the recovery key in FILE instead of the passphrase"};

}  // namespace

cli::Command secrets_list_command() {
  cli::Command c;
  c.words = {"secrets", "list"};
  c.summary = "list the names of the secrets in sealed.egg (passphrase or recovery key needed)";
  c.description =
      "Opens the keyring (passphrase from the usual sources, or --recovery-key-file FILE) and lists\n"
      "each secret in <state-dir>/sealed.egg with its version counter and size. Prints no value.";
  c.options = {kRecoveryOption};
  c.run = run_list;
  return c;
}

cli::Command secrets_get_command() {
  cli::Command c;
  c.words = {"secrets", "get"};
  c.summary = "print one sealed secret's value to stdout";
  c.usage = "NAME";
  c.min_args = c.max_args = 1;
  c.description =
      "Opens the keyring (passphrase from the usual sources, or --recovery-key-file FILE) and writes\n"
      "the value of secret NAME to stdout exactly as stored (no newline added). This is the one\n"
      "command that shows a secret: redirect it to a private file or a pipe, not a shared terminal.\n"
      "Exit 1 if there is no such secret (see: egg secrets list).";
  c.options = {kRecoveryOption};
  c.run = run_get;
  return c;
}

cli::Command secrets_put_command() {
  cli::Command c;
  c.words = {"secrets", "put"};
  c.summary = "store a secret of your own in sealed.egg";
  c.usage = "NAME --value-file FILE";
  c.min_args = c.max_args = 1;
  c.description =
      "Stores the contents of FILE (one trailing newline stripped; the file must be chmod 600) as\n"
      "secret NAME in <state-dir>/sealed.egg. NAME: 1 to 128 of A-Z a-z 0-9 . _ / -. Refuses to\n"
      "overwrite an existing secret unless --replace is given (its version counter then goes up).\n"
      "egg itself keeps the Vault unseal keys, root token and backup key here: do not replace those.";
  c.options = {{"value-file", "FILE", "read the value from FILE"},
               {"replace", "", "overwrite an existing secret of that name"},
               kRecoveryOption};
  c.run = run_put;
  return c;
}

}  // namespace egg::commands
