#pragma once
// Exit codes and the one error type every layer throws. The codes are part of egg's interface
// (docs/cli.md, `egg --help`); scripts and systemd units branch on them.
#include <stdexcept>
#include <string>

namespace egg {

enum class Exit : int {
  ok = 0,
  failed = 1,        // an operation failed
  usage = 2,         // bad command line or config
  auth = 3,          // wrong passphrase, tampered or foreign sealed data
  precondition = 4,  // engine unreachable, port busy, disk low, unsafe permissions, preflight failed
  verify = 5,        // corrupt or incomplete bundle
};

// An error with the exit code it maps to. The message is redacted when the error is built, so a
// secret can never escape through what(), whoever prints it.
class Error : public std::runtime_error {
 public:
  Error(Exit code, const std::string& message);
  Exit code() const { return code_; }

 private:
  Exit code_;
};

}  // namespace egg
