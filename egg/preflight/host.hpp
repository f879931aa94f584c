#pragma once
// What preflight measures on the host. Read-only: a port is probed by bind() and closed again.
#include <cstdint>
#include <optional>
#include <string>

namespace egg::preflight {

struct DiskFree {
  std::string path;                   // the path measured (nearest existing parent)
  std::optional<std::uint64_t> free;  // bytes available to unprivileged users... and to root's engine
  std::string error;
};
// statvfs on `path`, or its nearest existing parent when it does not exist yet.
DiskFree disk_free(const std::string& path);

// bind() to ip:port (TCP, SO_REUSEADDR so TIME_WAIT leftovers do not count), then close.
// 0 when the port is free, else the errno.
int try_bind(const std::string& ip, int port);

// True/false when known: /run/systemd/timesync/synchronized, else adjtimex()'s STA_UNSYNC.
struct ClockSync {
  bool synchronized;
  std::string how;
};
ClockSync clock_sync();

// Host name → first address, through libcurl's resolver (c-ares in the static build, so no
// glibc NSS at run time). No connection is made: the socket callback refuses to open one.
struct Resolution {
  std::string address;  // empty: did not resolve
  std::string error;
};
Resolution resolve(const std::string& host, int timeout_ms = 3000);

// Host wall-clock time, seconds since the epoch.
double now_seconds();

}  // namespace egg::preflight
