#include "egg/core/log.hpp"

#include <spdlog/sinks/base_sink.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "egg/core/exit.hpp"
#include "egg/core/redact.hpp"

namespace egg::core {
namespace {

std::string utc_timestamp(spdlog::log_clock::time_point tp) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

// Formats and redacts each record itself, so no formatter can bypass redaction.
class RedactingStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit RedactingStderrSink(LogFormat format) : format_(format), tty_(::isatty(2) == 1) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string text = redact(std::string_view(msg.payload.data(), msg.payload.size()));
    auto level = spdlog::level::to_string_view(msg.level);
    std::string line;
    if (format_ == LogFormat::json) {
      boost::json::object o;
      o["time"] = utc_timestamp(msg.time);
      o["level"] = std::string_view(level.data(), level.size());
      o["msg"] = text;
      line = boost::json::serialize(o);
    } else if (tty_) {
      line = msg.level == spdlog::level::info ? text : std::string(level.data(), level.size()) + ": " + text;
    } else {
      line = utc_timestamp(msg.time) + " " + std::string(level.data(), level.size()) + " " + text;
    }
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }

 private:
  LogFormat format_;
  bool tty_;
};

}  // namespace

void setup_logging(LogFormat format, std::string_view level) {
  auto lvl = spdlog::level::from_str(std::string(level));
  if (lvl == spdlog::level::off && level != "off")
    throw Error(Exit::usage, "unknown log level '" + std::string(level) +
                                 "'; use one of trace, debug, info, warn, error, off");
  auto logger = std::make_shared<spdlog::logger>("egg", std::make_shared<RedactingStderrSink>(format));
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

}  // namespace egg::core
