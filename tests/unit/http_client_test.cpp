// The HTTP layer against a scripted peer on a unix socket: framing of requests and responses,
// streaming both ways, error bodies, transport failures, and the raw upgrade with half-close.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

#include "egg/core/http.hpp"

namespace http = egg::core::http;

namespace {

// Accepts one connection on a fresh unix socket and hands it to `handler` on a thread.
class OnePeer {
 public:
  explicit OnePeer(std::function<void(int)> handler) {
    path_ = (std::filesystem::temp_directory_path() / ("egg-http-test-" + std::to_string(::getpid()) + "-" +
                                                       std::to_string(counter_++) + ".sock"))
                .string();
    ::unlink(path_.c_str());
    fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path_.c_str(), sizeof a.sun_path - 1);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 1) == 0);
    thread_ = std::thread([this, handler] {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c >= 0) {
        handler(c);
        ::close(c);
      }
    });
  }
  ~OnePeer() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  http::Endpoint endpoint() const { return {"http://localhost", path_, "", std::chrono::seconds(2)}; }

 private:
  static inline std::atomic<int> counter_{0};
  std::string path_;
  int fd_ = -1;
  std::thread thread_;
};

// Reads one request: head plus Content-Length body, or a chunked body decoded.
std::string read_request(int fd, std::string* body_out = nullptr) {
  std::string in;
  char buf[4096];
  std::size_t end;
  while ((end = in.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return in;
    in.append(buf, static_cast<std::size_t>(n));
  }
  std::string head = in.substr(0, end + 4), body = in.substr(end + 4);
  auto cl = head.find("Content-Length: ");
  if (cl != std::string::npos) {
    std::size_t want = std::stoul(head.substr(cl + 16));
    while (body.size() < want) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      body.append(buf, static_cast<std::size_t>(n));
    }
  } else if (head.find("Transfer-Encoding: chunked") != std::string::npos) {
    while (body.find("\r\n0\r\n\r\n") == std::string::npos && body.rfind("0\r\n\r\n", 0) != 0) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      body.append(buf, static_cast<std::size_t>(n));
    }
    std::string decoded;
    std::size_t pos = 0;
    for (;;) {
      std::size_t size = std::stoul(body.substr(pos), nullptr, 16);
      pos = body.find("\r\n", pos) + 2;
      if (size == 0) break;
      decoded += body.substr(pos, size);
      pos += size + 2;
    }
    body = decoded;
  }
  if (body_out) *body_out = body;
  return head;
}

void write_all(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::write(fd, s.data(), s.size());
    if (n <= 0) return;
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string response(int status, std::string_view body, std::string_view extra = "") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n" + std::string(extra) + "\r\n" + std::string(body);
}

}  // namespace

TEST_CASE("http: GET returns status, headers and body; request carries method, path and headers") {
  std::string seen;
  {
    OnePeer peer([&](int fd) {
      seen = read_request(fd);
      write_all(fd, response(200, "hello", "Api-Version: 1.41\r\n"));
    });
    http::Client c(peer.endpoint());
    http::Request r;
    r.target = "/v1.41/_ping?x=1";
    r.headers = {{"X-Test", "yes"}};
    auto resp = c.perform(r);
    CHECK(resp.status == 200);
    CHECK(resp.body == "hello");
    CHECK(resp.header("api-version") == "1.41");
    CHECK_FALSE(resp.header("Nope"));
  }
  CHECK(seen.rfind("GET /v1.41/_ping?x=1 HTTP/1.1\r\n", 0) == 0);
  CHECK(seen.find("X-Test: yes\r\n") != std::string::npos);
  CHECK(seen.find("Host: localhost") != std::string::npos);
}

TEST_CASE("http: POST string body is sent verbatim with Content-Length and no curl defaults") {
  std::string head, body;
  {
    OnePeer peer([&](int fd) {
      head = read_request(fd, &body);
      write_all(fd, response(201, "{}"));
    });
    http::Client c(peer.endpoint());
    http::Request r;
    r.method = "POST";
    r.target = "/containers/create";
    r.body = R"({"Image":"x"})";
    r.headers = {{"Content-Type", "application/json"}};
    CHECK(c.perform(r).status == 201);
  }
  CHECK(head.rfind("POST /containers/create HTTP/1.1", 0) == 0);
  CHECK(body == R"({"Image":"x"})");
  CHECK(head.find("Content-Type: application/json") != std::string::npos);
  CHECK(head.find("x-www-form-urlencoded") == std::string::npos);
  CHECK(head.find("Expect:") == std::string::npos);
}

TEST_CASE("http: empty POST sends Content-Length 0 and no Content-Type") {
  std::string head;
  {
    OnePeer peer([&](int fd) {
      head = read_request(fd);
      write_all(fd, response(204, ""));
    });
    http::Client c(peer.endpoint());
    http::Request r;
    r.method = "POST";
    r.target = "/containers/x/start";
    CHECK(c.perform(r).status == 204);
  }
  CHECK(head.find("Content-Length: 0") != std::string::npos);
  CHECK(head.find("Content-Type") == std::string::npos);
}

TEST_CASE("http: streaming reader body, sized and chunked") {
  std::string big(300000, 'a');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  for (bool sized : {true, false}) {
    CAPTURE(sized);
    std::string head, body;
    {
      OnePeer peer([&](int fd) {
        head = read_request(fd, &body);
        write_all(fd, response(200, ""));
      });
      http::Client c(peer.endpoint());
      http::Request r;
      r.method = "PUT";
      r.target = "/archive";
      std::size_t off = 0;
      r.reader = [&](char* buf, std::size_t max) {
        std::size_t n = std::min<std::size_t>({max, big.size() - off, 7000});
        std::memcpy(buf, big.data() + off, n);
        off += n;
        return n;
      };
      if (sized) r.body_size = big.size();
      CHECK(c.perform(r).status == 200);
    }
    CHECK(head.rfind("PUT /archive", 0) == 0);
    CHECK(body == big);
  }
}

TEST_CASE("http: writer gets 2xx bodies as they stream; error bodies land in the response") {
  {
    OnePeer peer([&](int fd) {
      read_request(fd);
      write_all(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nline1\r\n6\r\n\nline2\r\n0\r\n\r\n");
    });
    http::Client c(peer.endpoint());
    http::Request r;
    std::string got;
    int calls = 0;
    r.writer = [&](std::string_view s) {
      got += s;
      ++calls;
    };
    auto resp = c.perform(r);
    CHECK(resp.status == 200);
    CHECK(got == "line1\nline2");
    CHECK(resp.body.empty());
    CHECK(calls >= 1);
  }
  {
    OnePeer peer([&](int fd) {
      read_request(fd);
      write_all(fd, response(404, R"({"message":"no such image"})"));
    });
    http::Client c(peer.endpoint());
    http::Request r;
    bool called = false;
    r.writer = [&](std::string_view) { called = true; };
    auto resp = c.perform(r);
    CHECK(resp.status == 404);
    CHECK_FALSE(called);
    CHECK(resp.body == R"({"message":"no such image"})");
  }
}

TEST_CASE("http: an exception from the writer aborts the transfer and propagates") {
  OnePeer peer([&](int fd) {
    read_request(fd);
    write_all(fd, response(200, "abc"));
  });
  http::Client c(peer.endpoint());
  http::Request r;
  r.writer = [](std::string_view) { throw egg::Error(egg::Exit::failed, "stop here"); };
  CHECK_THROWS_WITH_AS(c.perform(r), "stop here", egg::Error);
}

TEST_CASE("http: unreachable socket is a connect failure (precondition)") {
  http::Client c({"http://localhost", "/nonexistent/egg-test.sock", "", std::chrono::seconds(1)});
  http::Request r;
  r.target = "/_ping?secret=zzz";
  try {
    c.perform(r);
    FAIL("expected a TransportError");
  } catch (const http::TransportError& e) {
    CHECK(e.connect_failed());
    CHECK(e.code() == egg::Exit::precondition);
    std::string msg = e.what();
    CHECK(msg.find("/nonexistent/egg-test.sock") != std::string::npos);
    CHECK(msg.find("zzz") == std::string::npos);  // queries are not echoed
  }
}

TEST_CASE("http: a transfer timeout is a failure, not a connect failure") {
  OnePeer peer([&](int fd) {
    read_request(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
  });
  http::Client c(peer.endpoint());
  http::Request r;
  r.timeout = std::chrono::milliseconds(200);
  try {
    c.perform(r);
    FAIL("expected a TransportError");
  } catch (const http::TransportError& e) {
    CHECK_FALSE(e.connect_failed());
    CHECK(e.code() == egg::Exit::failed);
  }
}

TEST_CASE("http: upgrade to a raw stream, pump input, half-close, read to EOF") {
  std::string head, req_body, received;
  bool saw_eof = false;
  std::string input(1 << 20, 'x');
  for (std::size_t i = 0; i < input.size(); ++i) input[i] = static_cast<char>(i * 7);
  std::string output;
  {
    OnePeer peer([&](int fd) {
      head = read_request(fd, &req_body);
      // Part of the stream rides in the same write as the response head.
      write_all(fd, "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nhead:");
      char buf[8192];
      ssize_t n;
      while ((n = ::read(fd, buf, sizeof buf)) > 0) {
        received.append(buf, static_cast<std::size_t>(n));
        write_all(fd, std::string_view(buf, static_cast<std::size_t>(n)));  // echo as it comes
      }
      saw_eof = n == 0;
      write_all(fd, ":tail");
    });
    http::Client c(peer.endpoint());
    http::Request r;
    r.method = "POST";
    r.target = "/exec/abc/start";
    r.body = R"({"Detach":false})";
    r.headers = {{"Connection", "Upgrade"}, {"Upgrade", "tcp"}};
    auto up = c.upgrade(r);
    REQUIRE(up.conn);
    CHECK(up.status == 101);
    up.conn->pump(input, [&](std::string_view s) { output.append(s); }, std::chrono::seconds(20));
  }
  CHECK(head.find("Upgrade: tcp") != std::string::npos);
  CHECK(head.find("Content-Length: 16") != std::string::npos);
  CHECK(saw_eof);
  CHECK(req_body == R"({"Detach":false})");
  CHECK(received == input);
  CHECK(output == "head:" + input + ":tail");
}

TEST_CASE("http: upgrade refused returns the status and error body, no connection") {
  OnePeer peer([&](int fd) {
    read_request(fd);
    write_all(fd, response(409, R"({"message":"container is paused"})"));
  });
  http::Client c(peer.endpoint());
  http::Request r;
  r.method = "POST";
  r.target = "/exec/abc/start";
  auto up = c.upgrade(r);
  CHECK_FALSE(up.conn);
  CHECK(up.status == 409);
  CHECK(up.body == R"({"message":"container is paused"})");
}

TEST_CASE("http: url_escape and find_header") {
  CHECK(http::url_escape("a-b_c.d~e") == "a-b_c.d~e");
  CHECK(http::url_escape(R"({"label":["a=b"]})") == "%7B%22label%22%3A%5B%22a%3Db%22%5D%7D");
  CHECK(http::url_escape("/x y") == "%2Fx%20y");
  http::Headers h{{"Content-Type", "a"}, {"content-type", "b"}};
  CHECK(http::find_header(h, "CONTENT-TYPE") == "a");
}

namespace {

std::string run_sh(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p);
  char buf[512];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  REQUIRE(::pclose(p) == 0);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace

TEST_CASE("http: TCP with TLS verifies the peer against the CA file") {
  // A self-signed certificate for 127.0.0.1, served by `openssl s_server -www`.
  std::string dir = run_sh("mktemp -d");
  int port = 30000 + ::getpid() % 20000;
  run_sh("cd " + dir +
         " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1"
         " -addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem 2>/dev/null");
  std::string pid = run_sh("cd " + dir + " && (openssl s_server -quiet -www -accept 127.0.0.1:" +
                           std::to_string(port) + " -cert cert.pem -key key.pem >/dev/null 2>&1 & echo $!)");
  struct Stop {
    std::string pid, dir;
    ~Stop() { std::system(("kill " + pid + "; rm -rf " + dir).c_str()); }
  } stop{pid, dir};

  http::Endpoint ep{"https://127.0.0.1:" + std::to_string(port), "", dir + "/cert.pem", std::chrono::seconds(2)};
  http::Response resp;
  for (int i = 0;; ++i) {  // until s_server listens
    try {
      resp = http::Client(ep).perform(http::Request{});
      break;
    } catch (const http::TransportError& e) {
      if (i > 50) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  CHECK(resp.status == 200);

  // Without that CA the system store does not know the certificate: a connect failure.
  ep.ca_file.clear();
  try {
    http::Client(ep).perform(http::Request{});
    FAIL("expected certificate verification to fail");
  } catch (const http::TransportError& e) {
    CHECK(e.connect_failed());
  }
}
