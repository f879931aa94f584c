#include "egg/preflight/checks.hpp"

#include <arpa/inet.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <sstream>

namespace egg::preflight {
namespace json = core::json;

std::string to_string(Status s) {
  switch (s) {
    case Status::ok: return "ok";
    case Status::warn: return "warn";
    case Status::fail: return "fail";
  }
  return "?";
}

namespace {
std::string gib(std::uint64_t bytes) {
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(1);
  o << static_cast<double>(bytes) / static_cast<double>(1ull << 30) << " GiB";
  return o.str();
}
}  // namespace

Result disk_result(const std::string& check, const std::string& what, const std::string& path,
                   std::optional<std::uint64_t> free_bytes, const std::string& error) {
  if (!free_bytes) return {check, Status::warn, what + " " + path + ": cannot measure free space: " + error};
  std::string d = gib(*free_bytes) + " free at " + path + " (" + what + ")";
  if (*free_bytes < kDiskFailBytes) return {check, Status::fail, d + "; needs at least " + gib(kDiskFailBytes)};
  if (*free_bytes < kDiskWarnBytes) return {check, Status::warn, d + "; below " + gib(kDiskWarnBytes) + ", images and backups will fill it"};
  return {check, Status::ok, d};
}

std::optional<double> parse_rfc3339(std::string_view s) {
  std::tm tm{};
  int consumed = 0;
  std::string str(s);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  double t = static_cast<double>(::timegm(&tm));
  std::string_view rest = s.substr(static_cast<std::size_t>(consumed));
  if (!rest.empty() && rest.front() == '.') {
    double scale = 0.1, frac = 0;
    rest.remove_prefix(1);
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      frac += (rest.front() - '0') * scale, scale /= 10;
      rest.remove_prefix(1);
    }
    t += frac;
  }
  if (rest == "Z" || rest == "z") return t;
  int oh = 0, om = 0;
  if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') &&
      std::sscanf(std::string(rest.substr(1)).c_str(), "%2d:%2d", &oh, &om) == 2) {
    double off = oh * 3600.0 + om * 60.0;
    return rest[0] == '+' ? t - off : t + off;
  }
  return std::nullopt;
}

Result clock_result(double host_now, const std::string& engine_time) {
  auto t = parse_rfc3339(engine_time);
  if (!t) return {"clock", Status::warn, "the engine's SystemTime '" + engine_time + "' is not an RFC 3339 time"};
  double skew = host_now - *t;
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(1);
  o << std::fabs(skew) << " s";
  if (std::fabs(skew) > kClockWarnSeconds)
    return {"clock", Status::warn, "host and engine clocks differ by " + o.str() + " (more than 5 s)"};
  return {"clock", Status::ok, "host and engine clocks agree within " + o.str()};
}

std::string port_publisher(const std::vector<json::value>& containers, int port, const std::string& ip) {
  auto wildcard = [](const std::string& a) { return a.empty() || a == "0.0.0.0" || a == "::"; };
  for (const auto& c : containers) {
    const auto* o = c.if_object();
    const auto* ports = o ? o->if_contains("Ports") : nullptr;
    if (!ports || !ports->is_array()) continue;
    for (const auto& p : ports->get_array()) {
      const auto* po = p.if_object();
      if (!po) continue;
      const auto* pub = po->if_contains("PublicPort");
      const auto* type = po->if_contains("Type");
      if (!pub || !pub->is_int64() || pub->as_int64() != port) continue;
      if (type && type->is_string() && type->get_string() != "tcp") continue;
      std::string cip = po->contains("IP") && po->at("IP").is_string() ? std::string(po->at("IP").get_string()) : "";
      if (!(wildcard(cip) || wildcard(ip) || cip == ip)) continue;
      std::string name = "?";
      if (const auto* n = o->if_contains("Names"); n && n->is_array() && !n->get_array().empty() &&
                                                    n->get_array()[0].is_string())
        name = std::string(n->get_array()[0].get_string());
      if (name.starts_with("/")) name.erase(0, 1);
      return name;
    }
  }
  return "";
}

Result port_result(const std::string& name, const std::string& ip, int port, int bind_errno, const std::string& own,
                   const std::string& other, bool engine_known) {
  std::string check = "port:" + name;
  std::string where = ip + ":" + std::to_string(port) + " (/ports/" + name + ")";
  if (!other.empty()) return {check, Status::fail, where + " is published by container " + other + ", not this instance"};
  if (!own.empty()) return {check, Status::ok, where + " is held by this instance's own container " + own};
  if (bind_errno == 0) return {check, Status::ok, where + " is free"};
  if (bind_errno == EACCES)
    return {check, Status::warn, where + ": cannot probe as this user (ports below 1024 need root or "
                                          "CAP_NET_BIND_SERVICE); the engine binds it itself"};
  if (bind_errno == EADDRINUSE)
    return {check, Status::fail, where + " is in use by " +
                                      (engine_known ? "a process that is not a container of this engine"
                                                    : "another process (engine not asked)")};
  return {check, Status::fail, where + ": cannot bind: " + std::strerror(bind_errno)};
}

std::vector<Result> pin_results(const config::Config& c, const manifest::Manifest& m, bool allow_unpinned) {
  std::vector<Result> out;
  std::string pinned;
  for (const auto& name : manifest::component_names()) {
    if (!config::enabled(c, name)) continue;
    auto pin = config::image_pin(c, m, name);
    if (pin.digest) {
      pinned += (pinned.empty() ? "" : ", ") + name;
      continue;
    }
    std::string d = name + " image " + pin.image + ":" + pin.tag + " has no pinned digest";
    if (allow_unpinned)
      out.push_back({"pin:" + name, Status::warn, d + " (allowed by --allow-unpinned)"});
    else
      out.push_back({"pin:" + name, Status::fail,
                     d + "; pin it (egg manifest lock, then --manifest FILE) or pass --allow-unpinned"});
  }
  if (out.empty()) out.push_back({"pins", Status::ok, "pinned by digest: " + pinned + " (manifest " + m.origin + ")"});
  return out;
}

bool needs_no_dns(const std::string& host) {
  if (host == "localhost" || host.ends_with(".localhost")) return true;
  unsigned char buf[sizeof(struct in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace egg::preflight
