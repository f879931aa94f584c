#include "egg/preflight/host.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/timex.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>

namespace egg::preflight {

DiskFree disk_free(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path p = fs::absolute(path);
  std::error_code ec;
  while (!fs::exists(p, ec) && p.has_parent_path() && p != p.parent_path()) p = p.parent_path();
  DiskFree d{p.string(), std::nullopt, ""};
  struct statvfs st {};
  if (::statvfs(p.c_str(), &st) != 0) {
    d.error = std::strerror(errno);
    return d;
  }
  d.free = static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
  return d;
}

int try_bind(const std::string& ip, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, ip.c_str(), &a.sin_addr) != 1) {
    ::close(fd);
    return EINVAL;
  }
  int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 ? 0 : errno;
  ::close(fd);  // never listen(): nothing could connect in between
  return rc;
}

ClockSync clock_sync() {
  if (::access("/run/systemd/timesync/synchronized", F_OK) == 0) return {true, "systemd-timesyncd reports synchronized"};
  struct timex tx {};
  tx.modes = 0;  // read only
  int state = ::adjtimex(&tx);
  if (state == -1) return {false, std::string("adjtimex failed: ") + std::strerror(errno)};
  if (tx.status & STA_UNSYNC)
    return {false, "the kernel marks the clock unsynchronized (no NTP client has disciplined it)"};
  return {true, "the kernel reports the clock NTP-synchronized"};
}

namespace {

struct Capture {
  std::string address;
};

// Called with the resolved address just before curl would connect: record it and refuse, so
// resolving never opens a connection.
curl_socket_t refuse_socket(void* clientp, curlsocktype, struct curl_sockaddr* addr) {
  auto* cap = static_cast<Capture*>(clientp);
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr->family == AF_INET)
    ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr->addr)->sin_addr, buf, sizeof buf);
  else if (addr->family == AF_INET6)
    ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr->addr)->sin6_addr, buf, sizeof buf);
  if (cap->address.empty()) cap->address = buf;
  return CURL_SOCKET_BAD;
}

}  // namespace

Resolution resolve(const std::string& host, int timeout_ms) {
  std::unique_ptr<CURL, void (*)(CURL*)> h(curl_easy_init(), &curl_easy_cleanup);
  if (!h) return {"", "curl_easy_init failed"};
  Capture cap;
  std::string url = "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":443/";
  curl_easy_setopt(h.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(h.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(h.get(), CURLOPT_NOPROXY, "*");  // resolve here, not at a proxy
  curl_easy_setopt(h.get(), CURLOPT_OPENSOCKETFUNCTION, refuse_socket);
  curl_easy_setopt(h.get(), CURLOPT_OPENSOCKETDATA, &cap);
  CURLcode rc = curl_easy_perform(h.get());
  if (!cap.address.empty()) return {cap.address, ""};
  return {"", rc == CURLE_COULDNT_RESOLVE_HOST ? "does not resolve"
                                                : std::string("not resolved: ") + curl_easy_strerror(rc)};
}

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

}  // namespace egg::preflight
