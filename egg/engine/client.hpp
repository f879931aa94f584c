#pragma once
// The Docker Engine API client: connection, API version negotiation, and the one request helper
// every engine call goes through (versioned paths, JSON bodies, error mapping). docs/engine.md.
//
// Errors: an unreachable engine is Error(Exit::precondition) naming the socket and the likely fix;
// an API error is ApiError (Exit::failed) carrying method, path, status and the engine's message.
// Not thread-safe (one connection): use one Engine per thread.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "egg/core/http.hpp"
#include "egg/core/json.hpp"

namespace egg::engine {

namespace json = boost::json;
namespace http = core::http;

// API versions as major.minor, compared numerically ("1.9" < "1.41").
struct ApiVersion {
  int major = 0;
  int minor = 0;
  static std::optional<ApiVersion> parse(std::string_view s);
  std::string str() const;
  auto operator<=>(const ApiVersion&) const = default;
};

// Docker 20.10 speaks 1.41, the oldest egg supports; the newest egg knows is 1.47 (Docker 27.1):
// egg relies on nothing newer, and a newer daemon still serves it unless its minimum is raised.
inline constexpr ApiVersion kMinApi{1, 41};
inline constexpr ApiVersion kMaxApi{1, 47};

// min(kMaxApi, daemon's Api-Version), refused (Exit::precondition) if below kMinApi or below the
// daemon's MinAPIVersion. Pure, for unit tests; `ping_api_version` is /_ping's Api-Version header
// and `version` the /version body.
ApiVersion negotiate(std::string_view ping_api_version, const json::value& version);

// An API error: the engine answered with status >= 400.
class ApiError : public Error {
 public:
  ApiError(std::string method, std::string path, int status, std::string engine_message);
  int status() const { return status_; }
  const std::string& engine_message() const { return engine_message_; }

 private:
  int status_;
  std::string engine_message_;
};

// "unix:///var/run/docker.sock" or "tcp://host:2375" → an HTTP endpoint. Throws Exit::usage.
http::Endpoint parse_docker_host(std::string_view docker_host);
// $DOCKER_HOST, else unix:///var/run/docker.sock.
std::string default_docker_host();

// The query string of a `filters` parameter: {"label":["k=v",...]} JSON, URL-escaped.
std::string label_filter(const std::vector<std::pair<std::string, std::string>>& labels);

class Engine {
 public:
  // Connects and negotiates the API version (/_ping, /version). Throws Exit::precondition if the
  // engine is unreachable or speaks no version egg supports.
  static Engine connect(const std::string& docker_host = default_docker_host());

  const std::string& host() const { return host_; }
  ApiVersion api_version() const { return api_; }
  // The daemon's /version body as read while connecting (Version, ApiVersion, Os, Arch, ...).
  const json::value& version() const { return version_; }

  struct Call {
    std::string method = "GET";
    std::string path;                   // unversioned, with query: "/containers/json?all=1"
    std::optional<json::value> json;    // JSON body (Content-Type: application/json)
    http::Headers headers;
    http::BodyReader reader;            // streaming body (archives, image tars)
    std::optional<std::uint64_t> body_size;
    std::string content_type;           // for a reader body
    http::BodyWriter writer;            // streaming 2xx response body
    std::chrono::milliseconds timeout{std::chrono::minutes(5)};
    std::vector<int> ok_statuses;       // statuses that are not errors; empty: any 2xx/3xx
  };
  // Sends one request to /v<api><path>. A status outside ok_statuses throws ApiError; a
  // transport failure throws Error (precondition if the engine is unreachable).
  http::Response call(const Call& c);

  // GET <path>; the body parsed as JSON. std::nullopt on 404.
  std::optional<json::value> get_json(const std::string& path);
  // <method> <path> with an optional JSON body; the response body parsed if non-empty.
  json::value post_json(const std::string& path, const std::optional<json::value>& body = std::nullopt,
                        const std::string& method = "POST");

  // An exec hijack: the request is sent and, if the engine upgrades, the raw connection is
  // returned; otherwise ApiError. Used by exec.cpp.
  std::unique_ptr<http::RawConnection> upgrade(const std::string& path, const json::value& body);

 private:
  Engine(std::string host, http::Client client) : host_(std::move(host)), client_(std::move(client)) {}
  [[noreturn]] void rethrow_transport(const http::TransportError& e) const;
  std::string versioned(const std::string& path) const;

  std::string host_;
  http::Client client_;
  ApiVersion api_{};
  json::value version_;
};

// Parses an engine response body; malformed JSON is Exit::failed naming `what`.
json::value parse_body(std::string_view body, std::string_view what);

// The engine's "message" from an error body (JSON {"message":...} or plain text).
std::string engine_message(std::string_view body);

}  // namespace egg::engine
