#include "egg/registry/client.hpp"


#include "egg/core/exit.hpp"
#include "egg/core/redact.hpp"
#include "egg/core/sha256.hpp"

namespace egg::registry {
namespace json = core::json;
namespace http = core::http;

namespace {

std::string sha256_digest(std::string_view data) { return "sha256:" + core::hex(core::sha256(data)); }

bool valid_digest(const std::string& d) {
  if (d.size() != 71 || !d.starts_with("sha256:")) return false;
  for (char c : d.substr(7))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// "https://auth.docker.io/token" → base "https://auth.docker.io", path "/token".
std::pair<std::string, std::string> split_url(const std::string& url) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return {url, "/"};
  return {url.substr(0, slash), url.substr(slash)};
}

std::string str(const json::value* v) { return v && v->is_string() ? std::string(v->get_string()) : ""; }

}  // namespace

std::map<std::string, std::string> parse_bearer_challenge(std::string_view h) {
  std::map<std::string, std::string> out;
  while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
  if (h.size() < 7 || (h.substr(0, 7) != "Bearer " && h.substr(0, 7) != "bearer ")) return out;
  h.remove_prefix(7);
  while (!h.empty()) {
    while (!h.empty() && (h.front() == ' ' || h.front() == ',')) h.remove_prefix(1);
    auto eq = h.find('=');
    if (eq == std::string_view::npos) break;
    std::string key(h.substr(0, eq));
    h.remove_prefix(eq + 1);
    std::string value;
    if (!h.empty() && h.front() == '"') {
      h.remove_prefix(1);
      auto end = h.find('"');
      value = std::string(h.substr(0, end));
      h.remove_prefix(end == std::string_view::npos ? h.size() : end + 1);
    } else {
      auto end = h.find(',');
      value = std::string(h.substr(0, end));
      h.remove_prefix(end == std::string_view::npos ? h.size() : end);
    }
    out[key] = value;
  }
  return out;
}

Client::Client(std::string base_url) : base_(std::move(base_url)), http_(http::Endpoint{base_, "", "", {}}) {}

http::Response Client::get(const std::string& name, const std::string& target, const std::string& method,
                           const std::string& accept) {
  std::string scope = "repository:" + name + ":pull";
  for (int attempt = 0; attempt < 2; ++attempt) {
    http::Request req;
    req.method = method;
    req.target = target;
    req.timeout = std::chrono::seconds(30);
    if (!accept.empty()) req.headers.emplace_back("Accept", accept);
    if (auto t = tokens_.find(scope); t != tokens_.end())
      req.headers.emplace_back("Authorization", "Bearer " + t->second);
    http::Response r;
    try {
      r = http_.perform(req);
    } catch (const http::TransportError& e) {
      throw Error(Exit::precondition, "registry " + base_ + " is unreachable: " + e.what() +
                                          " (run where the registry is reachable, or pass --registry URL)");
    }
    if (r.status != 401 || attempt == 1) return r;
    auto challenge = parse_bearer_challenge(r.header("WWW-Authenticate").value_or(""));
    if (!challenge.count("realm"))
      throw Error(Exit::failed, "registry " + base_ + " wants credentials for " + name +
                                    "; egg manifest lock reads public images only (anonymous or anonymous bearer token)");
    // The token endpoint may live on another host (Docker Hub: auth.docker.io).
    auto [auth_base, auth_path] = split_url(challenge["realm"]);
    std::string query = "scope=" + http::url_escape(challenge.count("scope") ? challenge["scope"] : scope);
    if (challenge.count("service")) query += "&service=" + http::url_escape(challenge["service"]);
    http::Client auth(http::Endpoint{auth_base, "", "", {}});
    http::Request treq;
    treq.target = auth_path + (auth_path.find('?') == std::string::npos ? "?" : "&") + query;
    treq.timeout = std::chrono::seconds(30);
    http::Response tr;
    try {
      tr = auth.perform(treq);
    } catch (const http::TransportError& e) {
      throw Error(Exit::precondition, "registry token service " + auth_base + " is unreachable: " + e.what());
    }
    if (tr.status != 200)
      throw Error(Exit::failed, "registry token service " + auth_base + " answered HTTP " +
                                    std::to_string(tr.status) + " for " + name);
    auto doc = core::parse_json(tr.body, "registry token response");
    const auto* o = doc.if_object();
    std::string token = o ? str(o->if_contains("token")) : "";
    if (token.empty() && o) token = str(o->if_contains("access_token"));
    if (token.empty()) throw Error(Exit::failed, "registry token service " + auth_base + " returned no token");
    core::register_secret(token);  // a pull token is still a credential: never print it
    tokens_[scope] = token;
  }
  throw Error(Exit::failed, "internal: registry auth loop");
}

std::optional<std::string> Client::head_digest(const std::string& name, const std::string& tag) {
  std::string target = "/v2/" + name + "/manifests/" + http::url_escape(tag);
  auto r = get(name, target, "HEAD", kManifestAccept);
  if (r.status == 404) return std::nullopt;
  if (r.status != 200)
    throw Error(Exit::failed, "registry " + base_ + ": HEAD " + target + " answered HTTP " + std::to_string(r.status));
  auto digest = r.header("Docker-Content-Digest");
  if (digest && valid_digest(*digest)) return digest;
  // Not every registry sends the header on HEAD; the digest is then the hash of the bytes.
  auto g = get(name, target, "GET", kManifestAccept);
  if (g.status != 200)
    throw Error(Exit::failed, "registry " + base_ + ": GET " + target + " answered HTTP " + std::to_string(g.status));
  return sha256_digest(g.body);
}

std::string Client::fetch(const std::string& name, const std::string& kind, const std::string& digest,
                          std::string* content_type) {
  std::string target = "/v2/" + name + "/" + kind + "/" + digest;
  auto r = get(name, target, "GET", kind == "manifests" ? kManifestAccept : "");
  if (r.status != 200)
    throw Error(Exit::failed, "registry " + base_ + ": GET " + target + " answered HTTP " + std::to_string(r.status));
  if (sha256_digest(r.body) != digest)
    throw Error(Exit::failed, "registry " + base_ + ": " + target + " does not hash to its digest");
  if (content_type) *content_type = r.header("Content-Type").value_or("");
  return r.body;
}

std::optional<Resolved> Client::resolve(const std::string& name, const std::string& tag) {
  auto digest = head_digest(name, tag);
  if (!digest) return std::nullopt;
  Resolved out{*digest, {}};
  std::string type;
  auto doc = core::parse_json(fetch(name, "manifests", *digest, &type), "registry manifest " + *digest);
  const auto& o = doc.as_object();
  if (auto mt = str(o.if_contains("mediaType")); !mt.empty()) type = mt;
  // Reads one image manifest's config: its digest is the image id, its os/architecture the platform.
  auto add_image = [&](const json::object& manifest, std::string platform) {
    const auto* cfg = manifest.if_contains("config");
    std::string id = cfg && cfg->is_object() ? str(cfg->as_object().if_contains("digest")) : "";
    if (!valid_digest(id)) return;
    if (platform.empty()) {
      auto c = core::parse_json(fetch(name, "blobs", id), "image config " + id);
      const auto& co = c.as_object();
      platform = str(co.if_contains("os")) + "/" + str(co.if_contains("architecture"));
      if (auto v = str(co.if_contains("variant")); !v.empty()) platform += "/" + v;
    }
    out.ids[platform] = id;
  };
  if (const auto* list = o.if_contains("manifests"); list && list->is_array()) {
    for (const auto& entry : list->get_array()) {
      const auto& e = entry.as_object();
      const auto* p = e.if_contains("platform");
      if (!p || !p->is_object()) continue;
      const auto& po = p->as_object();
      std::string os = str(po.if_contains("os")), arch = str(po.if_contains("architecture"));
      if (os == "unknown" || os.empty() || arch.empty()) continue;  // attestations, not images
      std::string platform = os + "/" + arch;
      if (auto v = str(po.if_contains("variant")); !v.empty()) platform += "/" + v;
      std::string d = str(e.if_contains("digest"));
      if (!valid_digest(d)) continue;
      auto m = core::parse_json(fetch(name, "manifests", d), "registry manifest " + d);
      add_image(m.as_object(), platform);
    }
  } else {
    add_image(o, "");
  }
  return out;
}

}  // namespace egg::registry
