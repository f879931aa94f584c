#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <unistd.h>

#include "egg/core/exit.hpp"
#include "egg/core/log.hpp"
#include "egg/core/redact.hpp"

using namespace egg;

TEST_CASE("redact replaces every registered secret, longest first") {
  core::clear_registered_secrets();
  core::register_secret("hunter2-password");
  core::register_secret("hunter2-password-extended");
  CHECK(core::redact("a hunter2-password-extended b hunter2-password c") == "a [redacted] b [redacted] c");
  CHECK(core::redact("nothing here") == "nothing here");
  core::clear_registered_secrets();
}

TEST_CASE("redact ignores values too short to be secrets") {
  core::clear_registered_secrets();
  core::register_secret("abc");
  CHECK(core::redact("abc abc") == "abc abc");
  core::clear_registered_secrets();
}

TEST_CASE("register_secret_bytes covers hex and every base64 form") {
  core::clear_registered_secrets();
  const unsigned char key[] = {0xfb, 0xff, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80};
  core::register_secret_bytes(key);
  CHECK(core::redact("hex fbff1020304050607080") == "hex [redacted]");
  CHECK(core::redact("b64 +/8QIDBAUGBwgA==") == "b64 [redacted]");
  CHECK(core::redact("url -_8QIDBAUGBwgA") == "url [redacted]");
  core::clear_registered_secrets();
}

TEST_CASE("an Error's message is redacted when it is built") {
  core::clear_registered_secrets();
  core::register_secret("s3cr3t-token-value");
  Error e(Exit::auth, "token s3cr3t-token-value rejected");
  CHECK(std::string(e.what()) == "token [redacted] rejected");
  CHECK(e.code() == Exit::auth);
  core::clear_registered_secrets();
}

namespace {
// Runs `fn` with stderr redirected to a temp file and returns what was written.
template <class Fn>
std::string capture_stderr(Fn fn) {
  char path[] = "/tmp/egg-log-test-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  std::fflush(stderr);
  int saved = dup(2);
  dup2(fd, 2);
  fn();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  close(fd);
  FILE* f = std::fopen(path, "r");
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  unlink(path);
  return out;
}
}  // namespace

TEST_CASE("log lines are redacted in text and JSON format") {
  core::clear_registered_secrets();
  core::register_secret("pa55phrase-under-test");
  std::string text = capture_stderr([] {
    core::setup_logging(core::LogFormat::text, "debug");
    spdlog::debug("opening with pa55phrase-under-test now");
  });
  CHECK(text.find("pa55phrase-under-test") == std::string::npos);
  CHECK(text.find("opening with [redacted] now") != std::string::npos);

  std::string js = capture_stderr([] {
    core::setup_logging(core::LogFormat::json, "info");
    spdlog::info("value=\"pa55phrase-under-test\"");
    spdlog::debug("not shown at info");
  });
  CHECK(js.find("pa55phrase-under-test") == std::string::npos);
  CHECK(js.find("\"level\":\"info\"") != std::string::npos);
  CHECK(js.find("value=\\\"[redacted]\\\"") != std::string::npos);
  CHECK(js.find("not shown") == std::string::npos);
  core::clear_registered_secrets();
}

TEST_CASE("an unknown log level is a usage error") {
  CHECK_THROWS_AS(core::setup_logging(core::LogFormat::text, "loud"), Error);
}
