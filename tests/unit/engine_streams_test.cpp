// Multiplexed exec frames and JSON progress lines, fed in every split the network could produce.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "egg/core/exit.hpp"
#include "egg/engine/streams.hpp"

using egg::engine::FrameDemuxer;
using egg::engine::JsonLines;

namespace {

std::string frame(unsigned char type, std::string_view payload) {
  std::string h(8, '\0');
  h[0] = static_cast<char>(type);
  auto n = static_cast<std::uint32_t>(payload.size());
  h[4] = static_cast<char>(n >> 24);
  h[5] = static_cast<char>(n >> 16);
  h[6] = static_cast<char>(n >> 8);
  h[7] = static_cast<char>(n);
  return h + std::string(payload);
}

struct Collected {
  std::string out, err;
  std::vector<std::pair<int, std::string>> order;  // (1|2, chunk) in arrival order
  FrameDemuxer demux{[this](FrameDemuxer::Stream s, std::string_view d) {
    bool is_out = s == FrameDemuxer::Stream::stdout_;
    (is_out ? out : err).append(d);
    order.emplace_back(is_out ? 1 : 2, std::string(d));
  }};
};

}  // namespace

TEST_CASE("frames: stdout and stderr separated, interleaving kept") {
  Collected c;
  c.demux.feed(frame(1, "out1 ") + frame(2, "err1 ") + frame(1, "out2") + frame(2, "err2"));
  c.demux.finish();
  CHECK(c.out == "out1 out2");
  CHECK(c.err == "err1 err2");
  REQUIRE(c.order.size() == 4);
  CHECK(c.order[0].first == 1);
  CHECK(c.order[1].first == 2);
  CHECK(c.order[2].first == 1);
  CHECK(c.order[3].first == 2);
}

TEST_CASE("frames: every split point of the stream gives the same result") {
  std::string stream = frame(1, "hello ") + frame(2, "warn") + frame(1, "") + frame(1, "world") + frame(0, "!");
  for (std::size_t step = 1; step <= stream.size(); ++step) {
    CAPTURE(step);
    Collected c;
    for (std::size_t i = 0; i < stream.size(); i += step) c.demux.feed(std::string_view(stream).substr(i, step));
    c.demux.finish();
    CHECK(c.out == "hello world!");
    CHECK(c.err == "warn");
  }
}

TEST_CASE("frames: zero-length frames carry nothing and do not desynchronise") {
  Collected c;
  c.demux.feed(frame(1, "") + frame(2, "") + frame(1, "x"));
  c.demux.finish();
  CHECK(c.out == "x");
  CHECK(c.err.empty());
  CHECK(c.order.size() == 1);
}

TEST_CASE("frames: a large payload split across reads") {
  std::string big(200000, 'q');
  std::string stream = frame(1, big);
  Collected c;
  for (std::size_t i = 0; i < stream.size(); i += 16384) c.demux.feed(std::string_view(stream).substr(i, 16384));
  c.demux.finish();
  CHECK(c.out == big);
}

TEST_CASE("frames: truncated header or payload is an error at the end of the stream") {
  {
    Collected c;
    c.demux.feed(frame(1, "ok") + std::string("\x01\0\0", 3));
    CHECK_THROWS_AS(c.demux.finish(), egg::Error);
    CHECK(c.out == "ok");
  }
  {
    Collected c;
    c.demux.feed(frame(2, "0123456789").substr(0, 12));
    CHECK(c.err == "0123");
    CHECK_THROWS_WITH_AS(c.demux.finish(), doctest::Contains("6 bytes"), egg::Error);
  }
}

TEST_CASE("frames: an unknown stream type (a TTY stream) and a systemerr frame fail") {
  {
    Collected c;
    CHECK_THROWS_WITH_AS(c.demux.feed("hello wo"), doctest::Contains("stream type"), egg::Error);
  }
  {
    Collected c;
    CHECK_THROWS_WITH_AS(c.demux.feed(frame(3, "exec failed: no such file")), doctest::Contains("no such file"),
                         egg::Error);
  }
}

TEST_CASE("json lines: progress objects reported in order across splits") {
  std::string stream =
      "{\"status\":\"Pulling from egg-test/busybox\",\"id\":\"sha256:ab\"}\r\n"
      "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":5,\"total\":10},\"id\":\"l1\"}\n"
      "\n"
      "{\"status\":\"Digest: sha256:abc\"}\n"
      "{\"status\":\"Status: Downloaded newer image\"}";
  for (std::size_t step : {1, 3, 17, 1000}) {
    CAPTURE(step);
    std::vector<std::string> statuses;
    JsonLines l("pull of x", [&](const boost::json::object& o) { statuses.emplace_back(o.at("status").as_string()); });
    for (std::size_t i = 0; i < stream.size(); i += step) l.feed(std::string_view(stream).substr(i, step));
    l.finish();
    REQUIRE(statuses.size() == 4);
    CHECK(statuses[1] == "Downloading");
    CHECK(statuses[3] == "Status: Downloaded newer image");
  }
}

TEST_CASE("json lines: an error line inside the 200 stream fails with the engine's message") {
  // The shape the daemon writes (moby pkg/jsonmessage): errorDetail plus the legacy error field.
  std::string stream =
      "{\"status\":\"Pulling from egg-test/busybox\",\"id\":\"sha256:00\"}\n"
      "{\"errorDetail\":{\"message\":\"manifest for 127.0.0.1:5000/egg-test/busybox@sha256:00 not found: manifest "
      "unknown\"},\"error\":\"manifest for ... not found\"}\n"
      "{\"status\":\"never reached\"}\n";
  int seen = 0;
  JsonLines l("pull of 127.0.0.1:5000/egg-test/busybox@sha256:00", [&](const boost::json::object&) { ++seen; });
  try {
    l.feed(stream);
    FAIL("expected the error line to throw");
  } catch (const egg::Error& e) {
    std::string m = e.what();
    CHECK(e.code() == egg::Exit::failed);
    CHECK(m.find("pull of 127.0.0.1:5000/egg-test/busybox@sha256:00 failed") != std::string::npos);
    CHECK(m.find("manifest unknown") != std::string::npos);
  }
  CHECK(seen == 1);
}

TEST_CASE("json lines: legacy error-only line, empty error, and garbage") {
  JsonLines a("load", [](const boost::json::object&) {});
  CHECK_THROWS_WITH_AS(a.feed("{\"error\":\"open /var/lib/docker/tmp: no space left\"}\n"),
                       doctest::Contains("no space left"), egg::Error);
  JsonLines b("load", [](const boost::json::object&) {});
  CHECK_THROWS_WITH_AS(b.feed("{\"errorDetail\":{}}\n"), doctest::Contains("unknown error"), egg::Error);
  JsonLines c("load", [](const boost::json::object&) {});
  CHECK_THROWS_WITH_AS(c.feed("<html>proxy error</html>\n"), doctest::Contains("unreadable progress line"),
                       egg::Error);
  JsonLines d("load", [](const boost::json::object&) {});
  d.feed("{\"status\":\"trailing, no newline\"");
  CHECK_THROWS_AS(d.finish(), egg::Error);  // truncated JSON at the end
}
