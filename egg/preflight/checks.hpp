#pragma once
// `egg preflight`: side-effect-free host checks before `egg up`. Each check is a pure function
// of what was measured (unit-tested); host.hpp does the measuring, run() ties both together.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "egg/config/config.hpp"
#include "egg/core/json.hpp"
#include "egg/manifest/manifest.hpp"

namespace egg::preflight {

enum class Status { ok, warn, fail };
std::string to_string(Status s);

struct Result {
  std::string check;
  Status status;
  std::string detail;
};

// Disk thresholds (docs/cli.md, docs/airgap.md): below 2 GiB free `up` may not even pull its
// images; below 10 GiB a few nightly bundles and image updates fill the disk.
inline constexpr std::uint64_t kDiskFailBytes = 2ull << 30;
inline constexpr std::uint64_t kDiskWarnBytes = 10ull << 30;
// Clock skew between host and engine that is reported: TLS and signed backup times need agreement.
inline constexpr double kClockWarnSeconds = 5.0;

Result disk_result(const std::string& check, const std::string& what, const std::string& path,
                   std::optional<std::uint64_t> free_bytes, const std::string& error);

// Seconds since the epoch of an RFC 3339 time with optional fraction ("...Z" or "+02:00").
std::optional<double> parse_rfc3339(std::string_view s);
Result clock_result(double host_now, const std::string& engine_time);

// Who publishes host `port` (tcp) on an address overlapping `ip`, among /containers/json
// summaries: the container's name without '/', or "".
std::string port_publisher(const std::vector<core::json::value>& containers, int port, const std::string& ip);

// One published port. `bind_errno` 0: bind() succeeded. `own`/`other`: a container of this
// instance / any other container publishing it ("" if none; `engine_known` false: not asked).
Result port_result(const std::string& name, const std::string& ip, int port, int bind_errno, const std::string& own,
                   const std::string& other, bool engine_known);

// Every enabled component's image pinned (fail naming it, warn with --allow-unpinned).
std::vector<Result> pin_results(const config::Config& c, const manifest::Manifest& m, bool allow_unpinned);

// True for localhost, *.localhost and IP literals: nothing for DNS to answer.
bool needs_no_dns(const std::string& host);

struct Options {
  std::string docker_host;
  std::string state_dir;
  bool allow_unpinned = false;
};

// All checks, in display order. Never changes anything on the host or the engine.
std::vector<Result> run(const config::Config& c, const manifest::Manifest& m, const Options& o);

}  // namespace egg::preflight
