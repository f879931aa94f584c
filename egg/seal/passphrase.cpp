#include "egg/seal/passphrase.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#include <sodium.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "egg/core/log.hpp"
#include "egg/core/redact.hpp"

namespace egg::seal {
namespace {

constexpr const char* kSourcesHelp =
    "give --passphrase-file FILE, set EGG_PASSPHRASE_FILE=FILE, provide the systemd credential "
    "'egg-passphrase' ($CREDENTIALS_DIRECTORY/egg-passphrase), or run egg on a terminal";

// The terminal state to restore if a signal arrives while echo is off.
int g_tty_fd = -1;
struct termios g_saved_termios;
struct sigaction g_old_int, g_old_term, g_old_hup;

void restore_and_reraise(int sig) {
  if (g_tty_fd >= 0) ::tcsetattr(g_tty_fd, TCSAFLUSH, &g_saved_termios);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

std::size_t utf8_chars(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

void require_strength(const core::SecretBytes& p, const std::string& source) {
  if (utf8_chars(p.view()) < kMinPassphraseChars)
    throw Error(Exit::usage, "the new passphrase from " + source + " is shorter than " +
                                 std::to_string(kMinPassphraseChars) + " characters; choose a longer one");
}

std::optional<core::SecretBytes> ask_twice(const std::string& what) {
  auto first = prompt_hidden("Enter " + what + ": ");
  if (!first) return std::nullopt;
  if (first->empty()) throw Error(Exit::usage, "empty passphrase");
  require_strength(*first, "the terminal");
  auto second = prompt_hidden("Repeat " + what + ": ");
  if (!second || !(*first == *second)) throw Error(Exit::usage, "the two passphrases do not match");
  return first;
}

}  // namespace

core::SecretBytes read_secret_file(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw Error(Exit::usage, "cannot read the " + what + " " + path + ": " + std::strerror(errno));
  if (S_ISREG(st.st_mode)) core::require_private_file(path);
  std::string text = core::read_file(path);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  core::SecretBytes value(text);
  core::register_secret(value.view());
  sodium_memzero(text.data(), text.size());
  if (value.empty()) throw Error(Exit::usage, "the " + what + " " + path + " is empty");
  return value;
}

std::optional<core::SecretBytes> prompt_hidden(const std::string& prompt) {
  int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct termios old {};
  if (::tcgetattr(fd, &old) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  g_saved_termios = old;
  g_tty_fd = fd;
  struct sigaction sa {};
  sa.sa_handler = restore_and_reraise;
  ::sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, &g_old_int);
  ::sigaction(SIGTERM, &sa, &g_old_term);
  ::sigaction(SIGHUP, &sa, &g_old_hup);
  struct termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ICANON;
  ::tcsetattr(fd, TCSAFLUSH, &quiet);
  (void)!::write(fd, prompt.data(), prompt.size());

  std::string buf;
  char c;
  while (true) {
    ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || c == '\n') break;
    buf.push_back(c);
  }
  ::tcsetattr(fd, TCSAFLUSH, &old);
  (void)!::write(fd, "\n", 1);
  ::sigaction(SIGINT, &g_old_int, nullptr);
  ::sigaction(SIGTERM, &g_old_term, nullptr);
  ::sigaction(SIGHUP, &g_old_hup, nullptr);
  g_tty_fd = -1;
  ::close(fd);
  if (!buf.empty() && buf.back() == '\r') buf.pop_back();
  core::SecretBytes value(buf);
  sodium_memzero(buf.data(), buf.size());
  core::register_secret(value.view());
  return value;
}

Passphrase obtain_passphrase(const cli::Globals& globals, bool creating) {
  Passphrase p;
  auto from_file = [&](const std::string& path, const std::string& source) {
    p.value = read_secret_file(path, "passphrase file");
    p.source = source;
    if (creating) require_strength(p.value, p.source);
  };
  const char* env_file = std::getenv("EGG_PASSPHRASE_FILE");
  const char* cred_dir = std::getenv("CREDENTIALS_DIRECTORY");
  std::string cred = cred_dir && *cred_dir ? std::string(cred_dir) + "/egg-passphrase" : "";
  if (globals.passphrase_file) {
    from_file(*globals.passphrase_file, "--passphrase-file " + *globals.passphrase_file);
  } else if (env_file && *env_file) {
    from_file(env_file, "$EGG_PASSPHRASE_FILE (" + std::string(env_file) + ")");
  } else if (!cred.empty() && std::filesystem::exists(cred)) {
    from_file(cred, "the systemd credential " + cred);
  } else {
    auto v = creating ? ask_twice("a new master passphrase (at least 12 characters)")
                      : prompt_hidden("Master passphrase: ");
    if (!v) throw Error(Exit::usage, std::string("no passphrase source and no terminal: ") + kSourcesHelp);
    if (v->empty()) throw Error(Exit::usage, "empty passphrase");
    p.value = std::move(*v);
    p.source = "the terminal";
  }
  spdlog::debug("passphrase read from {}", p.source);
  return p;
}

Passphrase obtain_new_passphrase(const std::optional<std::string>& file) {
  Passphrase p;
  if (file) {
    p.value = read_secret_file(*file, "new passphrase file");
    p.source = "--new-passphrase-file " + *file;
    require_strength(p.value, p.source);
  } else {
    auto v = ask_twice("the new master passphrase (at least 12 characters)");
    if (!v)
      throw Error(Exit::usage, "no terminal to ask for the new passphrase: give --new-passphrase-file FILE");
    p.value = std::move(*v);
    p.source = "the terminal";
  }
  spdlog::debug("new passphrase read from {}", p.source);
  return p;
}

}  // namespace egg::seal
