#include "egg/core/lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"

namespace egg::core {

StateLock::StateLock(const std::filesystem::path& state_dir, const std::string& what) {
  ensure_private_dir(state_dir);
  auto path = state_dir / ".lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw Error(Exit::failed, "cannot open " + path.string() + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    ::close(fd_);
    fd_ = -1;
    if (e == EWOULDBLOCK)
      throw Error(Exit::precondition, "another egg is working on the instance in " + state_dir.string() +
                                          " (" + path.string() + " is locked); wait for it to finish, then run " +
                                          what + " again");
    throw Error(Exit::failed, "cannot lock " + path.string() + ": " + std::strerror(e));
  }
}

StateLock::~StateLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace egg::core
