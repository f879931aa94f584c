#include "egg/core/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "egg/core/exit.hpp"

namespace egg::core {
namespace {

std::string errno_text() { return std::strerror(errno); }

void fsync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw Error(Exit::failed, "cannot open directory " + dir.string() + ": " + errno_text());
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) {
    errno = saved;
    throw Error(Exit::failed, "cannot fsync directory " + dir.string() + ": " + errno_text());
  }
}

}  // namespace

void write_file_atomic(const fs::path& path, std::string_view data, mode_t mode) {
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::string tmpl = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0)
    throw Error(Exit::failed, "cannot create a temporary file in " + dir.string() + ": " + errno_text());
  auto fail = [&](const std::string& what) {
    std::string reason = errno_text();
    ::close(fd);
    ::unlink(tmpl.c_str());
    throw Error(Exit::failed, "cannot write " + path.string() + ": " + what + ": " + reason);
  };
  if (::fchmod(fd, mode) != 0) fail("chmod");
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write");
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) fail("fsync");
  if (::close(fd) != 0) {
    std::string reason = errno_text();
    ::unlink(tmpl.c_str());
    throw Error(Exit::failed, "cannot write " + path.string() + ": close: " + reason);
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    std::string reason = errno_text();
    ::unlink(tmpl.c_str());
    throw Error(Exit::failed, "cannot rename into " + path.string() + ": " + reason);
  }
  fsync_dir(dir);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int e = errno;
    if (e == ENOENT) throw Error(Exit::failed, path.string() + " does not exist");
    throw Error(Exit::failed, "cannot read " + path.string() + ": " + std::strerror(e));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw Error(Exit::failed, "cannot read " + path.string());
  return ss.str();
}

void ensure_private_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) throw Error(Exit::failed, "cannot create directory " + dir.string() + ": " + ec.message());
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0)
    throw Error(Exit::failed, "cannot stat " + dir.string() + ": " + errno_text());
  if (!S_ISDIR(st.st_mode)) throw Error(Exit::usage, dir.string() + " is not a directory");
  if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0)
    throw Error(Exit::precondition,
                dir.string() + " is accessible to group or others and cannot be made private: " +
                    errno_text() + "; run: chmod 700 " + dir.string());
}

void require_private_file(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) throw Error(Exit::failed, path.string() + " does not exist");
    throw Error(Exit::failed, "cannot stat " + path.string() + ": " + errno_text());
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
    throw Error(Exit::precondition,
                path.string() + " has mode " + mode +
                    ", readable by group or others; egg refuses to use a secret file that is not "
                    "private. Fix: chmod 600 " + path.string() + " (and check who could have read it)");
  }
}

void crash_point(std::string_view point) {
  static const char* target = std::getenv("EGG_TEST_CRASH_AT");
  if (target != nullptr && point == target) ::kill(::getpid(), SIGKILL);
}

}  // namespace egg::core
