#include "egg/core/http.hpp"

#include <unistd.h>

#include <curl/curl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cctype>
#include <exception>
#include <mutex>

namespace egg::core::http {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return std::string(s);
}

// The path without its query: what is safe to log and to put in an error message.
std::string_view path_only(std::string_view target) { return target.substr(0, target.find('?')); }

// Parses "HTTP/1.1 200 OK" into 200; 0 if it is not a status line.
int parse_status_line(std::string_view line) {
  if (line.substr(0, 5) != "HTTP/") return 0;
  auto sp = line.find(' ');
  if (sp == std::string_view::npos || sp + 4 > line.size()) return 0;
  int status = 0;
  for (std::size_t i = sp + 1; i < sp + 4; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(line[i]))) return 0;
    status = status * 10 + (line[i] - '0');
  }
  return status;
}

void add_header_line(Headers& headers, std::string_view line) {
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return;
  headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
}

bool is_connect_failure(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return true;
    default:
      return false;
  }
}

std::string describe(const Endpoint& ep, std::string_view method, std::string_view target) {
  std::string where = ep.unix_socket.empty() ? ep.base_url : "unix://" + ep.unix_socket;
  return std::string(method) + " " + where + std::string(path_only(target));
}

[[noreturn]] void throw_curl(CURLcode rc, const char* errbuf, const Endpoint& ep,
                             std::string_view method, std::string_view target) {
  std::string detail = errbuf && *errbuf ? errbuf : curl_easy_strerror(rc);
  throw TransportError(describe(ep, method, target) + ": " + detail, is_connect_failure(rc));
}

// The system's CA bundle. The static binary's libcurl was built with Debian's path compiled in;
// other distributions keep the bundle elsewhere, so egg looks for the usual places itself.
const char* system_ca_bundle() {
  static const char* found = [] () -> const char* {
    for (const char* p : {"/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Arch, Alpine
                          "/etc/pki/tls/certs/ca-bundle.crt",                   // Fedora, RHEL
                          "/etc/ssl/ca-bundle.pem",                             // openSUSE
                          "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"}) // RHEL 7+
      if (::access(p, R_OK) == 0) return p;
    return nullptr;
  }();
  return found;
}

// Options shared by normal requests and upgrades: where to connect and how long to try.
void set_endpoint(CURL* h, const Endpoint& ep, const std::string& url, char* errbuf) {
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM from the resolver in a multi-threaded program
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(ep.connect_timeout.count()));
  if (!ep.unix_socket.empty()) curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, ep.unix_socket.c_str());
  if (!ep.ca_file.empty())
    curl_easy_setopt(h, CURLOPT_CAINFO, ep.ca_file.c_str());
  else if (const char* bundle = system_ca_bundle())
    curl_easy_setopt(h, CURLOPT_CAINFO, bundle);
  // Secrets travel in headers and bodies; never let a redirect carry them elsewhere.
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  // Send the path byte for byte: squashing "/./" or "/../" would break S3 signatures.
  curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
}

std::string host_header(const Endpoint& ep) {
  std::string_view u = ep.base_url;
  auto p = u.find("://");
  if (p != std::string_view::npos) u.remove_prefix(p + 3);
  return std::string(u.substr(0, u.find('/')));
}

// State shared with curl's C callbacks; exceptions are parked here and rethrown after perform,
// since they must not unwind through libcurl.
struct Transfer {
  const Request* req = nullptr;
  Response* resp = nullptr;
  std::exception_ptr error;
  std::size_t body_sent = 0;
};

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  std::string_view line(data, size * n);
  if (int status = parse_status_line(line)) {
    // A new status line (after 100 Continue, say) starts a new header set.
    t->resp->status = status;
    t->resp->headers.clear();
  } else {
    add_header_line(t->resp->headers, line);
  }
  return size * n;
}

std::size_t on_write(char* data, std::size_t size, std::size_t n, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  std::string_view chunk(data, size * n);
  int s = t->resp->status;
  if (t->req->writer && s >= 200 && s < 300) {
    try {
      t->req->writer(chunk);
    } catch (...) {
      t->error = std::current_exception();
      return 0;  // aborts the transfer
    }
  } else if (!t->req->writer || t->resp->body.size() < (1u << 20)) {
    // Error bodies of streamed requests are kept (bounded) for the error message.
    t->resp->body.append(chunk);
  }
  return size * n;
}

std::size_t on_read(char* buf, std::size_t size, std::size_t n, void* userp) {
  auto* t = static_cast<Transfer*>(userp);
  try {
    return t->req->reader(buf, size * n);
  } catch (...) {
    t->error = std::current_exception();
    return CURL_READFUNC_ABORT;
  }
}

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

Slist build_headers(const Headers& headers) {
  curl_slist* list = nullptr;
  bool has_content_type = false;
  for (const auto& [k, v] : headers) {
    if (iequals(k, "Content-Type")) has_content_type = true;
    list = curl_slist_append(list, (k + ": " + v).c_str());
  }
  // Without these curl would add a form Content-Type to every POST and an Expect: 100-continue
  // (a one-second stall on peers that ignore it) to large uploads.
  if (!has_content_type) list = curl_slist_append(list, "Content-Type:");
  list = curl_slist_append(list, "Expect:");
  return Slist(list);
}

}  // namespace

std::optional<std::string> find_header(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return std::nullopt;
}

std::string url_escape(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Client

struct Client::Impl {
  CURL* h = nullptr;
  Impl() {
    global_init();
    h = curl_easy_init();
    if (!h) throw Error(Exit::failed, "libcurl: curl_easy_init failed");
  }
  ~Impl() { curl_easy_cleanup(h); }
};

Client::Client(Endpoint endpoint) : endpoint_(std::move(endpoint)), impl_(std::make_unique<Impl>()) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Response Client::perform(const Request& req) {
  CURL* h = impl_->h;
  curl_easy_reset(h);  // keeps the connection cache, drops the previous request's options
  char errbuf[CURL_ERROR_SIZE] = {0};
  std::string url = endpoint_.base_url + req.target;
  set_endpoint(h, endpoint_, url, errbuf);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));

  Response resp;
  Transfer t{&req, &resp, nullptr, 0};
  Slist headers = build_headers(req.headers);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);

  if (req.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (req.reader) {
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &t);
    if (req.body_size) curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(*req.body_size));
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  } else if (req.method != "GET" || !req.body.empty()) {
    // POSTFIELDS with a custom method sends the body (possibly empty, Content-Length: 0) for any verb.
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }

  CURLcode rc = curl_easy_perform(h);
  if (t.error) std::rethrow_exception(t.error);
  if (rc != CURLE_OK) throw_curl(rc, errbuf, endpoint_, req.method, req.target);
  spdlog::debug("http: {} {} -> {}", req.method, path_only(req.target), resp.status);
  return resp;
}

// ---------------------------------------------------------------------------------------------
// Upgrade and raw connections

struct RawConnection::Impl {
  CURL* h = nullptr;
  curl_socket_t fd = CURL_SOCKET_BAD;
  std::string pending;  // bytes read past the response head
  Endpoint ep;
  std::string what;  // method and path, for error messages
  ~Impl() {
    if (h) curl_easy_cleanup(h);
  }

  // Waits until the socket is readable or writable; false on timeout.
  bool wait(short events, int timeout_ms) {
    pollfd p{fd, events, 0};
    int r;
    do r = ::poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r < 0) throw TransportError(what + ": poll: " + std::strerror(errno), false);
    return r > 0;
  }

  void send_all(std::string_view data, int timeout_ms) {
    while (!data.empty()) {
      std::size_t n = 0;
      CURLcode rc = curl_easy_send(h, data.data(), data.size(), &n);
      if (rc == CURLE_AGAIN) {
        if (!wait(POLLOUT, timeout_ms)) throw TransportError(what + ": timed out sending", false);
        continue;
      }
      if (rc != CURLE_OK) throw TransportError(what + ": send: " + curl_easy_strerror(rc), false);
      data.remove_prefix(n);
    }
  }

  // Reads what is available (after waiting up to timeout_ms); appends to out. Returns false at EOF.
  bool recv_some(std::string& out, int timeout_ms) {
    char buf[65536];
    for (;;) {
      std::size_t n = 0;
      CURLcode rc = curl_easy_recv(h, buf, sizeof buf, &n);
      if (rc == CURLE_OK) {
        if (n == 0) return false;
        out.append(buf, n);
        return true;
      }
      if (rc != CURLE_AGAIN) throw TransportError(what + ": receive: " + curl_easy_strerror(rc), false);
      if (!wait(POLLIN, timeout_ms)) throw TransportError(what + ": timed out waiting for the peer", false);
    }
  }
};

RawConnection::RawConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RawConnection::~RawConnection() = default;

Client::Upgrade Client::upgrade(const Request& req) {
  if (req.reader) throw Error(Exit::failed, "http: an upgrade request needs a string body");
  auto raw = std::make_unique<RawConnection::Impl>();
  global_init();
  raw->h = curl_easy_init();
  if (!raw->h) throw Error(Exit::failed, "libcurl: curl_easy_init failed");
  raw->ep = endpoint_;
  raw->what = describe(endpoint_, req.method, req.target);
  char errbuf[CURL_ERROR_SIZE] = {0};
  std::string url = endpoint_.base_url + req.target;
  set_endpoint(raw->h, endpoint_, url, errbuf);
  curl_easy_setopt(raw->h, CURLOPT_CONNECT_ONLY, 1L);
  CURLcode rc = curl_easy_perform(raw->h);
  if (rc != CURLE_OK) throw_curl(rc, errbuf, endpoint_, req.method, req.target);
  if (curl_easy_getinfo(raw->h, CURLINFO_ACTIVESOCKET, &raw->fd) != CURLE_OK || raw->fd == CURL_SOCKET_BAD)
    throw TransportError(raw->what + ": no socket after connect", true);

  int timeout_ms = req.timeout.count() > 0 ? static_cast<int>(req.timeout.count()) : -1;
  std::string head = req.method + " " + req.target + " HTTP/1.1\r\nHost: " + host_header(endpoint_) + "\r\n";
  for (const auto& [k, v] : req.headers) head += k + ": " + v + "\r\n";
  head += "Content-Length: " + std::to_string(req.body.size()) + "\r\n\r\n";
  raw->send_all(head, timeout_ms);
  raw->send_all(req.body, timeout_ms);

  // Read the response head; whatever follows it already belongs to the raw stream.
  std::string in;
  std::size_t end;
  while ((end = in.find("\r\n\r\n")) == std::string::npos) {
    if (in.size() > (64u << 10)) throw TransportError(raw->what + ": response head too large", false);
    if (!raw->recv_some(in, timeout_ms))
      throw TransportError(raw->what + ": connection closed before a response", false);
  }
  Upgrade up;
  std::string_view headv(in.data(), end);
  auto eol = headv.find("\r\n");
  up.status = parse_status_line(headv.substr(0, eol));
  if (up.status == 0) throw TransportError(raw->what + ": malformed response status line", false);
  while (eol != std::string_view::npos) {
    headv.remove_prefix(eol + 2);
    eol = headv.find("\r\n");
    add_header_line(up.headers, headv.substr(0, eol));
  }
  raw->pending = in.substr(end + 4);
  spdlog::debug("http: {} {} -> {} (upgrade)", req.method, path_only(req.target), up.status);

  if (up.status == 101 || up.status == 200) {
    up.conn = std::make_unique<RawConnection>(std::move(raw));
    return up;
  }
  // Not upgraded: an ordinary (error) response. Read its body for the caller's message.
  std::string body = std::move(raw->pending);
  auto cl = find_header(up.headers, "Content-Length");
  std::size_t want = cl ? std::strtoull(cl->c_str(), nullptr, 10) : (1u << 20);
  try {
    while (body.size() < want && raw->recv_some(body, timeout_ms)) {
    }
  } catch (const TransportError&) {
    // Partial error bodies are still worth showing.
  }
  up.body = body.substr(0, want);
  return up;
}

void RawConnection::pump(std::string_view input, const std::function<void(std::string_view)>& on_data,
                         std::chrono::milliseconds timeout) {
  bool given = false;
  pump(
      [&](char* buf, std::size_t max) -> std::size_t {
        if (given) return 0;
        std::size_t n = std::min(max, input.size());
        std::copy_n(input.data(), n, buf);
        input.remove_prefix(n);
        given = input.empty();
        return n;
      },
      on_data, timeout);
}

void RawConnection::pump(const BodyReader& input, const std::function<void(std::string_view)>& on_data,
                         std::chrono::milliseconds timeout) {
  Impl& c = *impl_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto remaining_ms = [&]() -> int {
    if (timeout.count() <= 0) return -1;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw TransportError(c.what + ": timed out", false);
    return static_cast<int>(left.count());
  };
  if (!c.pending.empty()) {
    on_data(c.pending);
    c.pending.clear();
  }
  bool write_open = true;
  auto close_write = [&] {
    // The peer reads this as end of stdin (docker's client does the same: CloseWrite).
    ::shutdown(c.fd, SHUT_WR);
    write_open = false;
  };
  // Input waiting to be sent: refilled from the reader, which returns 0 at its end.
  std::string pending_in(65536, '\0');
  std::size_t in_off = 0, in_len = 0;
  auto refill = [&] {
    if (in_off < in_len || !write_open) return;
    in_off = 0;
    in_len = input(pending_in.data(), pending_in.size());
    if (in_len == 0) close_write();
  };
  refill();

  char buf[65536];
  for (;;) {
    // Drain first: curl may hold decrypted bytes the socket no longer shows as readable.
    for (;;) {
      std::size_t n = 0;
      CURLcode rc = curl_easy_recv(c.h, buf, sizeof buf, &n);
      if (rc == CURLE_AGAIN) break;
      if (rc != CURLE_OK) throw TransportError(c.what + ": receive: " + curl_easy_strerror(rc), false);
      if (n == 0) return;  // peer closed: the stream is complete
      on_data(std::string_view(buf, n));
    }
    pollfd p{c.fd, static_cast<short>(POLLIN | (write_open ? POLLOUT : 0)), 0};
    int r = ::poll(&p, 1, remaining_ms());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw TransportError(c.what + ": poll: " + std::strerror(errno), false);
    if (r == 0) throw TransportError(c.what + ": timed out", false);
    if (write_open && (p.revents & POLLOUT)) {
      std::size_t n = 0;
      CURLcode rc = curl_easy_send(c.h, pending_in.data() + in_off, in_len - in_off, &n);
      if (rc == CURLE_OK) {
        in_off += n;
        refill();
      } else if (rc != CURLE_AGAIN) {
        // The process stopped reading (exited early); its output and exit code still matter.
        spdlog::debug("http: {}: peer stopped reading input ({})", c.what, curl_easy_strerror(rc));
        write_open = false;
      }
    }
  }
}

}  // namespace egg::core::http
