#pragma once
// The two stream formats the engine answers with, parsed incrementally (bytes arrive split
// anywhere): the multiplexed stdout/stderr frames of a non-TTY attach/exec, and the
// newline-delimited JSON of pull and load progress, whose errors arrive inside an HTTP 200.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "egg/core/json.hpp"

namespace egg::engine {

namespace json = boost::json;

// Frames are an 8-byte header {type, 0, 0, 0, size as 4 bytes big-endian} then `size` bytes.
// Types: 0 stdin (written on stdout), 1 stdout, 2 stderr, 3 systemerr (moby
// pkg/stdcopy/stdcopy.go). A systemerr frame is the daemon reporting a failure of the stream.
class FrameDemuxer {
 public:
  enum class Stream { stdout_, stderr_ };
  using Sink = std::function<void(Stream, std::string_view)>;

  explicit FrameDemuxer(Sink sink) : sink_(std::move(sink)) {}

  // Feeds the next bytes of the stream; throws Error(Exit::failed) on an unknown stream type or a
  // systemerr frame (with its text).
  void feed(std::string_view bytes);
  // The stream ended; throws if it stopped inside a header or a payload.
  void finish() const;

 private:
  void emit(std::string_view payload);
  Sink sink_;
  unsigned char header_[8]{};
  std::size_t header_len_ = 0;
  std::uint8_t type_ = 0;
  std::uint32_t remaining_ = 0;  // payload bytes still to come for the current frame
  bool in_payload_ = false;
  std::string systemerr_;
};

// Splits a byte stream into lines of JSON and reports each parsed object; a line with "error"
// (or "errorDetail") throws Error(Exit::failed) with the engine's message, since that is how
// the engine reports a pull or load failing after the HTTP 200 went out.
class JsonLines {
 public:
  using Sink = std::function<void(const json::object&)>;
  // `what` names the operation in error messages ("pull of quay.io/x@sha256:...").
  JsonLines(std::string what, Sink sink) : what_(std::move(what)), sink_(std::move(sink)) {}

  void feed(std::string_view bytes);
  // Parses a last line without a newline.
  void finish();

 private:
  void line(std::string_view l);
  std::string what_;
  Sink sink_;
  std::string buf_;
};

}  // namespace egg::engine
