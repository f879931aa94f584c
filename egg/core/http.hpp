#pragma once
// The one HTTP layer (libcurl): the Docker engine over its unix socket, Vault and S3 over TCP/TLS.
//
// A Client owns one curl handle and reuses its connection between requests, so it is not
// thread-safe: use one Client per thread. Bodies go out from a string or a streaming reader, and
// come back into a string or a streaming writer. Only method, path (never the query or a body)
// and status are logged, at debug level, because bodies and queries can carry secrets.
//
// A RawConnection is an HTTP/1.1 request whose connection is then taken over as a raw two-way
// byte stream (the engine's exec "hijack": 101 Upgrade). It goes through curl too
// (CURLOPT_CONNECT_ONLY + curl_easy_send/recv), so proxies, TLS and unix sockets are configured in
// one place.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "egg/core/exit.hpp"

namespace egg::core::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup (first match).
std::optional<std::string> find_header(const Headers& headers, std::string_view name);

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_escape(std::string_view s);

// Where a Client connects. For a unix socket base_url only supplies the Host header and the
// scheme ("http://localhost").
struct Endpoint {
  std::string base_url;              // "http://localhost", "https://vault.internal:8200"
  std::string unix_socket;           // non-empty: connect through this AF_UNIX socket
  std::string ca_file;               // PEM bundle for TLS peers; empty: curl's default store
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
};

// Fills `buf` with up to `max` bytes of request body; returns 0 at the end. May throw.
using BodyReader = std::function<std::size_t(char* buf, std::size_t max)>;
// Receives the response body of a 2xx response as it arrives. May throw, which aborts the
// transfer and is rethrown from perform().
using BodyWriter = std::function<void(std::string_view chunk)>;

struct Request {
  std::string method = "GET";
  std::string target = "/";  // path and query, appended to Endpoint::base_url
  Headers headers;
  std::string body;                      // sent when no reader is set
  BodyReader reader;                     // streaming body
  std::optional<std::uint64_t> body_size;  // with a reader: Content-Length; none: chunked
  BodyWriter writer;  // streaming response body for 2xx; error bodies always land in Response::body
  // Whole-transfer limit; zero means none (pull streams, large archives).
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
};

struct Response {
  int status = 0;
  Headers headers;
  std::string body;  // empty for a 2xx response streamed to a writer
  std::optional<std::string> header(std::string_view name) const { return find_header(headers, name); }
};

// A transport failure (no HTTP status): the peer is unreachable, refused, timed out, TLS failed,
// or the connection broke mid-transfer. `connect_failed` tells "never got there" from the rest so
// callers can explain the first as a precondition (is the daemon running?).
class TransportError : public Error {
 public:
  TransportError(const std::string& message, bool connect_failed)
      : Error(connect_failed ? Exit::precondition : Exit::failed, message),
        connect_failed_(connect_failed) {}
  bool connect_failed() const { return connect_failed_; }

 private:
  bool connect_failed_;
};

class RawConnection;

class Client {
 public:
  explicit Client(Endpoint endpoint);
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  const Endpoint& endpoint() const { return endpoint_; }

  // Any HTTP status is a Response; only transport failures throw (TransportError), plus whatever
  // the reader or writer throws.
  Response perform(const Request& request);

  // Sends `request` on a fresh connection and reads the response head. On 101 (or 200 from peers
  // that switch without saying so) the connection becomes raw; any other status is returned with
  // its body and no connection. The request must have a string body (no reader).
  struct Upgrade {
    int status = 0;
    Headers headers;
    std::string body;                     // error body when not upgraded
    std::unique_ptr<RawConnection> conn;  // set when upgraded
  };
  Upgrade upgrade(const Request& request);

 private:
  struct Impl;
  Endpoint endpoint_;
  std::unique_ptr<Impl> impl_;
};

// A raw two-way byte stream after an HTTP upgrade. Plain transports only for half-close
// (shutdown(SHUT_WR) on a TLS socket would corrupt the session).
class RawConnection {
 public:
  struct Impl;
  explicit RawConnection(std::unique_ptr<Impl> impl);
  ~RawConnection();

  // Writes all of `input`, then half-closes the write side (the peer sees EOF on stdin), while
  // handing every byte received to `on_data`, until the peer closes. Reading and writing are
  // interleaved so neither side blocks the other on full buffers. `timeout` zero: none.
  void pump(std::string_view input, const std::function<void(std::string_view)>& on_data,
            std::chrono::milliseconds timeout);
  // The same with the input pulled from `input` as the peer takes it (large streams).
  void pump(const BodyReader& input, const std::function<void(std::string_view)>& on_data,
            std::chrono::milliseconds timeout);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace egg::core::http
