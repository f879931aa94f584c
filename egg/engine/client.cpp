#include "egg/engine/client.hpp"

#include <charconv>
#include <cstdlib>

namespace egg::engine {
namespace {

constexpr std::string_view kDefaultSocket = "/var/run/docker.sock";

std::string unreachable_hint(const std::string& host) {
  if (host.rfind("unix://", 0) == 0) {
    std::string sock = host.substr(7);
    return "cannot reach the Docker engine at " + host +
           ". Is dockerd running (systemctl status docker)? Can this user open " + sock +
           " (root, or membership of the group that owns it, usually 'docker')? Set DOCKER_HOST to "
           "use another socket.";
  }
  return "cannot reach the Docker engine at " + host + ". Is dockerd listening there? Set DOCKER_HOST to "
         "the engine's address.";
}

}  // namespace

std::optional<ApiVersion> ApiVersion::parse(std::string_view s) {
  ApiVersion v;
  auto dot = s.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto a = std::from_chars(s.data(), s.data() + dot, v.major);
  auto b = std::from_chars(s.data() + dot + 1, s.data() + s.size(), v.minor);
  if (a.ec != std::errc{} || a.ptr != s.data() + dot || b.ec != std::errc{} || b.ptr != s.data() + s.size())
    return std::nullopt;
  return v;
}

std::string ApiVersion::str() const { return std::to_string(major) + "." + std::to_string(minor); }

ApiVersion negotiate(std::string_view ping_api_version, const json::value& version) {
  // /_ping's header is authoritative for the maximum; /version's ApiVersion is the fallback for
  // peers (proxies) that drop headers.
  std::optional<ApiVersion> daemon_max = ApiVersion::parse(ping_api_version);
  std::optional<ApiVersion> daemon_min;
  if (const auto* o = version.if_object()) {
    if (!daemon_max)
      if (const auto* s = o->if_contains("ApiVersion"); s && s->is_string()) daemon_max = ApiVersion::parse(s->get_string());
    if (const auto* s = o->if_contains("MinAPIVersion"); s && s->is_string()) daemon_min = ApiVersion::parse(s->get_string());
  }
  if (!daemon_max)
    throw Error(Exit::precondition, "the Docker engine did not report its API version (no Api-Version header "
                                    "on /_ping, no ApiVersion in /version); is this a Docker engine?");
  ApiVersion use = std::min(kMaxApi, *daemon_max);
  if (use < kMinApi)
    throw Error(Exit::precondition, "the Docker engine speaks API " + daemon_max->str() + "; egg needs at least " +
                                        kMinApi.str() + " (Docker 20.10 or newer). Upgrade Docker.");
  if (daemon_min && use < *daemon_min)
    throw Error(Exit::precondition, "the Docker engine requires API " + daemon_min->str() +
                                        " or newer; this egg speaks at most " + kMaxApi.str() +
                                        ". Upgrade egg (or start dockerd with DOCKER_MIN_API_VERSION=" + use.str() + ").");
  return use;
}

ApiError::ApiError(std::string method, std::string path, int status, std::string engine_message)
    : Error(Exit::failed, "Docker engine: " + method + " " + path.substr(0, path.find('?')) + ": HTTP " +
                              std::to_string(status) + (engine_message.empty() ? "" : ": " + engine_message)),
      status_(status),
      engine_message_(std::move(engine_message)) {}

json::value parse_body(std::string_view body, std::string_view what) {
  std::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) throw Error(Exit::failed, "cannot parse " + std::string(what) + " as JSON: " + ec.message());
  return v;
}

std::string engine_message(std::string_view body) {
  std::error_code ec;
  json::value v = json::parse(body, ec);
  if (!ec)
    if (const auto* o = v.if_object())
      if (const auto* m = o->if_contains("message"); m && m->is_string()) return std::string(m->get_string());
  std::string s(body.substr(0, 500));
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

http::Endpoint parse_docker_host(std::string_view host) {
  http::Endpoint ep;
  if (host.rfind("unix://", 0) == 0) {
    ep.unix_socket = std::string(host.substr(7));
    if (ep.unix_socket.empty()) throw Error(Exit::usage, "DOCKER_HOST 'unix://' names no socket path");
    ep.base_url = "http://localhost";  // Host header only; the daemon ignores it
  } else if (host.rfind("tcp://", 0) == 0) {
    ep.base_url = "http://" + std::string(host.substr(6));
    while (!ep.base_url.empty() && ep.base_url.back() == '/') ep.base_url.pop_back();
  } else {
    throw Error(Exit::usage, "unsupported Docker host '" + std::string(host) +
                                 "': use unix:///path/to/docker.sock or tcp://host:port");
  }
  ep.connect_timeout = std::chrono::seconds(5);
  return ep;
}

std::string default_docker_host() {
  const char* env = std::getenv("DOCKER_HOST");
  return env && *env ? std::string(env) : "unix://" + std::string(kDefaultSocket);
}

std::string label_filter(const std::vector<std::pair<std::string, std::string>>& labels) {
  json::array arr;
  for (const auto& [k, v] : labels) arr.emplace_back(v.empty() ? k : k + "=" + v);
  json::object f;
  f["label"] = std::move(arr);
  return http::url_escape(json::serialize(f));
}

Engine Engine::connect(const std::string& docker_host) {
  Engine e(docker_host, http::Client(parse_docker_host(docker_host)));
  http::Request ping;
  ping.target = "/_ping";
  ping.timeout = std::chrono::seconds(10);
  http::Response pr;
  try {
    pr = e.client_.perform(ping);
  } catch (const http::TransportError& te) {
    e.rethrow_transport(te);
  }
  if (pr.status != 200)
    throw Error(Exit::precondition, "the Docker engine at " + docker_host + " answered /_ping with HTTP " +
                                        std::to_string(pr.status) + ": " + engine_message(pr.body));
  // /version is unversioned-safe: every daemon serves it at the bare path.
  http::Request ver;
  ver.target = "/version";
  ver.timeout = std::chrono::seconds(10);
  http::Response vr;
  try {
    vr = e.client_.perform(ver);
  } catch (const http::TransportError& te) {
    e.rethrow_transport(te);
  }
  if (vr.status != 200) throw ApiError("GET", "/version", vr.status, engine_message(vr.body));
  e.version_ = parse_body(vr.body, "the Docker engine's /version");
  e.api_ = negotiate(pr.header("Api-Version").value_or(""), e.version_);
  return e;
}

void Engine::rethrow_transport(const http::TransportError& e) const {
  if (e.connect_failed()) throw Error(Exit::precondition, unreachable_hint(host_) + " (" + e.what() + ")");
  throw Error(Exit::failed, std::string("Docker engine: ") + e.what());
}

std::string Engine::versioned(const std::string& path) const { return "/v" + api_.str() + path; }

http::Response Engine::call(const Call& c) {
  http::Request r;
  r.method = c.method;
  r.target = versioned(c.path);
  r.headers = c.headers;
  r.timeout = c.timeout;
  r.writer = c.writer;
  if (c.json) {
    r.body = json::serialize(*c.json);
    r.headers.emplace_back("Content-Type", "application/json");
  } else if (c.reader) {
    r.reader = c.reader;
    r.body_size = c.body_size;
    r.headers.emplace_back("Content-Type", c.content_type.empty() ? "application/octet-stream" : c.content_type);
  }
  http::Response resp;
  try {
    resp = client_.perform(r);
  } catch (const http::TransportError& te) {
    rethrow_transport(te);
  }
  bool ok = c.ok_statuses.empty()
                ? resp.status >= 200 && resp.status < 400
                : std::find(c.ok_statuses.begin(), c.ok_statuses.end(), resp.status) != c.ok_statuses.end();
  if (!ok) throw ApiError(c.method, c.path, resp.status, engine_message(resp.body));
  return resp;
}

std::optional<json::value> Engine::get_json(const std::string& path) {
  Call c;
  c.path = path;
  c.ok_statuses = {200, 404};
  auto r = call(c);
  if (r.status == 404) return std::nullopt;
  return parse_body(r.body, "the Docker engine's answer to GET " + path.substr(0, path.find('?')));
}

json::value Engine::post_json(const std::string& path, const std::optional<json::value>& body,
                              const std::string& method) {
  Call c;
  c.method = method;
  c.path = path;
  c.json = body;
  auto r = call(c);
  if (r.body.empty()) return nullptr;
  return parse_body(r.body, "the Docker engine's answer to " + method + " " + path.substr(0, path.find('?')));
}

std::unique_ptr<http::RawConnection> Engine::upgrade(const std::string& path, const json::value& body) {
  http::Request r;
  r.method = "POST";
  r.target = versioned(path);
  r.body = json::serialize(body);
  r.headers = {{"Content-Type", "application/json"}, {"Connection", "Upgrade"}, {"Upgrade", "tcp"}};
  r.timeout = std::chrono::seconds(30);  // for the response head; the stream has its own limit
  http::Client::Upgrade up;
  try {
    up = client_.upgrade(r);
  } catch (const http::TransportError& te) {
    rethrow_transport(te);
  }
  if (!up.conn) throw ApiError("POST", path, up.status, engine_message(up.body));
  return std::move(up.conn);
}

}  // namespace egg::engine
