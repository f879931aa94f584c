#pragma once
// Logging: spdlog's default logger, writing to stderr through a sink that redacts every line.
// Text on a terminal ("level: message"), timestamped text otherwise, or one JSON object per line
// with --log-format json. Code logs with spdlog::info(...) etc.
#include <spdlog/spdlog.h>

#include <string_view>

namespace egg::core {

enum class LogFormat { text, json };

// Installs egg's logger. `level` is one of trace, debug, info, warn, error, off.
void setup_logging(LogFormat format, std::string_view level);

}  // namespace egg::core
