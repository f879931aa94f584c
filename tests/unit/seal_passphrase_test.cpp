// Passphrase sources: order, the one-newline rule, permissions, and the no-source error.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "egg/core/exit.hpp"
#include "egg/seal/passphrase.hpp"
#include "tests/support/errors.hpp"

using namespace egg;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/egg-pass-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name, const std::string& content, mode_t mode = 0600) {
    auto p = path / name;
    std::ofstream(p, std::ios::binary) << content;
    ::chmod(p.c_str(), mode);
    return p.string();
  }
};

struct EnvGuard {
  ~EnvGuard() {
    ::unsetenv("EGG_PASSPHRASE_FILE");
    ::unsetenv("CREDENTIALS_DIRECTORY");
  }
};

using test::code_of;

}  // namespace

TEST_CASE("passphrase sources: first found wins, in the documented order") {
  TempDir t;
  EnvGuard env;
  auto flag = t.file("flag", "from the flag file\n");
  auto envf = t.file("env", "from the env file\n");
  fs::create_directory(t.path / "creds");
  t.file("creds/egg-passphrase", "from the credential\n");
  ::setenv("EGG_PASSPHRASE_FILE", envf.c_str(), 1);
  ::setenv("CREDENTIALS_DIRECTORY", (t.path / "creds").c_str(), 1);
  cli::Globals g;
  g.passphrase_file = flag;
  CHECK(seal::obtain_passphrase(g, false).value.view() == "from the flag file");
  g.passphrase_file.reset();
  CHECK(seal::obtain_passphrase(g, false).value.view() == "from the env file");
  ::unsetenv("EGG_PASSPHRASE_FILE");
  auto p = seal::obtain_passphrase(g, false);
  CHECK(p.value.view() == "from the credential");
  CHECK(p.source.find("systemd credential") != std::string::npos);
}

TEST_CASE("passphrase files: exactly one trailing newline is stripped") {
  TempDir t;
  cli::Globals g;
  g.passphrase_file = t.file("a", "pass phrase  \n\n");
  CHECK(seal::obtain_passphrase(g, false).value.view() == "pass phrase  \n");
  g.passphrase_file = t.file("b", "no newline at all");
  CHECK(seal::obtain_passphrase(g, false).value.view() == "no newline at all");
  g.passphrase_file = t.file("c", "\n");
  CHECK(code_of([&] { seal::obtain_passphrase(g, false); }) == Exit::usage);
}

TEST_CASE("passphrase files: group-readable refused; creation needs 12 characters") {
  TempDir t;
  cli::Globals g;
  g.passphrase_file = t.file("loose", "a long enough passphrase", 0644);
  std::string msg;
  CHECK(code_of([&] { seal::obtain_passphrase(g, false); }, &msg) == Exit::precondition);
  CHECK(msg.find("chmod 600") != std::string::npos);
  g.passphrase_file = t.file("short", "elevenchars");
  CHECK(code_of([&] { seal::obtain_passphrase(g, true); }) == Exit::usage);
  CHECK(seal::obtain_passphrase(g, false).value.view() == "elevenchars");  // opening: no minimum
  g.passphrase_file = t.file("unicode", "ééééééééééé");  // 11 characters, 22 bytes
  CHECK(code_of([&] { seal::obtain_passphrase(g, true); }) == Exit::usage);
}

TEST_CASE("no source and no terminal: exit 2 naming the sources") {
  EnvGuard env;
  int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY);
  if (fd >= 0) {
    ::close(fd);
    MESSAGE("a terminal is attached; skipping the no-terminal case");
    return;
  }
  cli::Globals g;
  std::string msg;
  CHECK(code_of([&] { seal::obtain_passphrase(g, false); }, &msg) == Exit::usage);
  CHECK(msg.find("--passphrase-file") != std::string::npos);
  CHECK(msg.find("EGG_PASSPHRASE_FILE") != std::string::npos);
  CHECK(msg.find("egg-passphrase") != std::string::npos);
}
