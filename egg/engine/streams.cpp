#include "egg/engine/streams.hpp"

#include <algorithm>

#include "egg/core/exit.hpp"

namespace egg::engine {

void FrameDemuxer::emit(std::string_view payload) {
  if (payload.empty()) return;
  switch (type_) {
    case 0:
    case 1:
      sink_(Stream::stdout_, payload);
      break;
    case 2:
      sink_(Stream::stderr_, payload);
      break;
    case 3:
      systemerr_.append(payload);
      break;
  }
}

void FrameDemuxer::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    if (!in_payload_) {
      std::size_t take = std::min(bytes.size(), sizeof header_ - header_len_);
      std::copy_n(bytes.data(), take, header_ + header_len_);
      header_len_ += take;
      bytes.remove_prefix(take);
      if (header_len_ < sizeof header_) return;
      header_len_ = 0;
      type_ = header_[0];
      if (type_ > 3)
        throw Error(Exit::failed, "Docker engine: malformed multiplexed stream (stream type " +
                                      std::to_string(type_) + "); was the exec started with a TTY?");
      remaining_ = (std::uint32_t(header_[4]) << 24) | (std::uint32_t(header_[5]) << 16) |
                   (std::uint32_t(header_[6]) << 8) | std::uint32_t(header_[7]);
      in_payload_ = remaining_ > 0;  // a zero-length frame is legal and carries nothing
      continue;
    }
    std::size_t take = std::min<std::size_t>(bytes.size(), remaining_);
    emit(bytes.substr(0, take));
    bytes.remove_prefix(take);
    remaining_ -= static_cast<std::uint32_t>(take);
    if (remaining_ == 0) {
      in_payload_ = false;
      if (type_ == 3) throw Error(Exit::failed, "Docker engine: stream error: " + systemerr_);
    }
  }
}

void FrameDemuxer::finish() const {
  if (header_len_ != 0)
    throw Error(Exit::failed, "Docker engine: multiplexed stream ended inside a frame header (" +
                                  std::to_string(header_len_) + " of 8 bytes)");
  if (in_payload_)
    throw Error(Exit::failed, "Docker engine: multiplexed stream ended with " + std::to_string(remaining_) +
                                  " bytes of a frame missing");
}

void JsonLines::feed(std::string_view bytes) {
  buf_.append(bytes);
  std::size_t start = 0, nl;
  while ((nl = buf_.find('\n', start)) != std::string::npos) {
    line(std::string_view(buf_).substr(start, nl - start));
    start = nl + 1;
  }
  buf_.erase(0, start);
}

void JsonLines::finish() {
  if (!buf_.empty()) line(buf_);
  buf_.clear();
}

void JsonLines::line(std::string_view l) {
  while (!l.empty() && (l.back() == '\r' || l.back() == ' ')) l.remove_suffix(1);
  if (l.empty()) return;
  std::error_code ec;
  json::value v = json::parse(l, ec);
  if (ec || !v.is_object())
    throw Error(Exit::failed, "Docker engine: " + what_ + ": unreadable progress line: " +
                                  std::string(l.substr(0, 200)));
  const auto& o = v.get_object();
  // "errorDetail":{"message"} is the structured form; "error" the legacy one. Either alone fails.
  std::string msg;
  if (const auto* d = o.if_contains("errorDetail"); d && d->is_object())
    if (const auto* m = d->get_object().if_contains("message"); m && m->is_string()) msg = m->get_string();
  if (msg.empty())
    if (const auto* e = o.if_contains("error"); e && e->is_string()) msg = e->get_string();
  if (!msg.empty() || o.contains("error") || o.contains("errorDetail"))
    throw Error(Exit::failed, "Docker engine: " + what_ + " failed: " + (msg.empty() ? "unknown error" : msg));
  sink_(o);
}

}  // namespace egg::engine
