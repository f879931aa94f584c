#pragma once
// Where the master passphrase comes from (PRODUCT.md §1), first found wins:
//   1. --passphrase-file F
//   2. $EGG_PASSPHRASE_FILE (a path, never the value itself)
//   3. the systemd credential $CREDENTIALS_DIRECTORY/egg-passphrase
//   4. the controlling terminal (/dev/tty), without echo; asked twice when creating
// No source and no terminal -> Error(Exit::usage) naming the sources. Never argv, never an
// environment variable holding the value.
#include <optional>
#include <string>

#include "egg/cli/command.hpp"
#include "egg/core/secret.hpp"

namespace egg::seal {

inline constexpr std::size_t kMinPassphraseChars = 12;

struct Passphrase {
  core::SecretBytes value;
  std::string source;  // "--passphrase-file /x", "the terminal", ... (for logs; never the value)
};

// The passphrase for an existing keyring (creating = false) or a new one (creating = true:
// asked twice on a terminal, and at least 12 characters). Registered for redaction.
Passphrase obtain_passphrase(const cli::Globals& globals, bool creating);

// A new passphrase for `passphrase change`: from `file` if given, else the terminal (twice).
Passphrase obtain_new_passphrase(const std::optional<std::string>& file);

// Reads a file holding one secret: strips exactly one trailing "\n" (nothing else). A regular
// file must not be readable by group or others (exit 4); pipes like <(...) are accepted.
// `what` names it in errors ("passphrase file"). Empty -> Error(usage). Registered for redaction.
core::SecretBytes read_secret_file(const std::string& path, const std::string& what);

// Prompts on /dev/tty with echo off; nullopt if there is no terminal.
std::optional<core::SecretBytes> prompt_hidden(const std::string& prompt);

}  // namespace egg::seal
