#include "egg/backup/progress.hpp"

#include <cstdio>
#include <string>

namespace egg::backup {

std::string human_bytes(std::uint64_t bytes) {
  char buf[32];
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) v /= 1024, ++u;
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  else
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

Progress::Progress(bool enabled, const core::json::value* estimate) : enabled_(enabled) {
  if (estimate && estimate->is_number()) estimate_ = estimate->to_number<std::uint64_t>();
  start_ = std::chrono::steady_clock::now();
  last_ = start_ - std::chrono::seconds(1);  // the first bytes draw the line at once
}

void Progress::update(std::uint64_t bytes) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  double rate = secs > 0 ? static_cast<double>(bytes) / secs : 0;
  std::string eta = "";
  if (estimate_ > bytes && rate > 0) {
    auto left = static_cast<long>((static_cast<double>(estimate_ - bytes)) / rate);
    char buf[32];
    std::snprintf(buf, sizeof buf, "  ETA %ld:%02ld", left / 60, left % 60);
    eta = buf;
  }
  std::fprintf(stderr, "\r  backup: %s  %s/s%s\033[K", human_bytes(bytes).c_str(),
               human_bytes(static_cast<std::uint64_t>(rate)).c_str(), eta.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::done() {
  if (drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
}

}  // namespace egg::backup
