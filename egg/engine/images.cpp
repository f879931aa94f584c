#include "egg/engine/images.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "egg/engine/streams.hpp"

namespace egg::engine {
namespace {

bool is_domain(std::string_view first) {
  return first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
         first == "localhost";
}

// References keep '/', ':' and '@' as they are: the engine routes /images/{name:.*}/json.
std::string image_path(const std::string& ref) {
  std::string path = "/images/";
  for (char ch : ref)
    path += (ch == '/' || ch == ':' || ch == '@') ? std::string(1, ch) : core::http::url_escape(std::string(1, ch));
  return path;
}

}  // namespace

std::string familiar_name(std::string_view repo) {
  for (std::string_view p : {"docker.io/", "index.docker.io/", "registry-1.docker.io/"})
    if (repo.substr(0, p.size()) == p) {
      repo.remove_prefix(p.size());
      break;
    }
  // "library/x" is how Hub names official images; only without a registry domain in front.
  auto slash = repo.find('/');
  if (slash != std::string_view::npos && !is_domain(repo.substr(0, slash)) && repo.substr(0, 8) == "library/" &&
      repo.find('/', 8) == std::string_view::npos)
    repo.remove_prefix(8);
  return std::string(repo);
}

bool has_repo_digest(const json::value& inspect, const std::string& repo, const std::string& digest) {
  std::string want = familiar_name(repo) + "@" + digest;
  const auto* o = inspect.if_object();
  const auto* rd = o ? o->if_contains("RepoDigests") : nullptr;
  if (!rd || !rd->is_array()) return false;
  for (const auto& d : rd->get_array()) {
    if (!d.is_string()) continue;
    std::string_view s = d.get_string();
    auto at = s.rfind('@');
    if (at == std::string_view::npos) continue;
    if (familiar_name(s.substr(0, at)) + std::string(s.substr(at)) == want) return true;
  }
  return false;
}

std::string pull(Engine& e, const std::string& repo, const std::string& digest, const ProgressFn& progress,
                 const PullOptions& options) {
  if (digest.rfind("sha256:", 0) != 0 || digest.size() != 71)
    throw Error(Exit::usage, "pull of " + repo + ": '" + digest + "' is not a sha256:<64 hex> digest");
  std::string ref = repo + "@" + digest;
  JsonLines lines("pull of " + ref, [&](const json::object& o) {
    if (progress) progress(o);
  });
  Engine::Call c;
  c.method = "POST";
  c.path = "/images/create?fromImage=" + core::http::url_escape(repo) + "&tag=" + core::http::url_escape(digest);
  if (!options.platform.empty()) c.path += "&platform=" + core::http::url_escape(options.platform);
  if (!options.registry_auth.empty()) c.headers.emplace_back("X-Registry-Auth", options.registry_auth);
  c.writer = [&](std::string_view chunk) { lines.feed(chunk); };
  c.timeout = std::chrono::milliseconds(0);  // large images take what they take
  c.ok_statuses = {200};
  e.call(c);
  lines.finish();

  auto img = inspect_image(e, ref);
  if (!img) throw Error(Exit::failed, "Docker engine: pull of " + ref + " reported success but no such image exists");
  if (!has_repo_digest(*img, repo, digest))
    throw Error(Exit::failed, "Docker engine: pulled " + ref + " but the image's RepoDigests (" +
                                  json::serialize(img->as_object().contains("RepoDigests")
                                                      ? img->at("RepoDigests")
                                                      : json::value(nullptr)) +
                                  ") do not include that digest");
  return std::string(img->at("Id").as_string());
}

std::optional<json::value> inspect_image(Engine& e, const std::string& ref) {
  return e.get_json(image_path(ref) + "/json");
}

bool remove_image(Engine& e, const std::string& ref, bool force) {
  Engine::Call c;
  c.method = "DELETE";
  c.path = image_path(ref) + "?force=" + (force ? "1" : "0");
  c.ok_statuses = {200, 404};
  return e.call(c).status != 404;
}

std::vector<LoadedImage> load_images(Engine& e, const core::http::BodyReader& reader,
                                     std::optional<std::uint64_t> size, const ProgressFn& progress) {
  std::vector<std::string> refs;
  JsonLines lines("image load", [&](const json::object& o) {
    if (progress) progress(o);
    // "Loaded image: name:tag" or "Loaded image ID: sha256:..." (moby image/tarexport/load.go).
    if (const auto* s = o.if_contains("stream"); s && s->is_string()) {
      std::string_view text = s->get_string();
      while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
      for (std::string_view p : {"Loaded image ID: ", "Loaded image: "})
        if (text.substr(0, p.size()) == p) {
          refs.emplace_back(text.substr(p.size()));
          break;
        }
    }
  });
  Engine::Call c;
  c.method = "POST";
  c.path = "/images/load?quiet=1";
  c.reader = reader;
  c.body_size = size;
  c.content_type = "application/x-tar";
  c.writer = [&](std::string_view chunk) { lines.feed(chunk); };
  c.timeout = std::chrono::milliseconds(0);
  c.ok_statuses = {200};
  e.call(c);
  lines.finish();
  if (refs.empty()) throw Error(Exit::failed, "Docker engine: image load reported no loaded image");
  std::vector<LoadedImage> out;
  for (auto& r : refs) {
    auto img = inspect_image(e, r);
    if (!img) throw Error(Exit::failed, "Docker engine: loaded image " + r + " cannot be inspected");
    out.push_back({r, std::string(img->at("Id").as_string())});
  }
  return out;
}

std::vector<LoadedImage> load_images(Engine& e, const std::filesystem::path& tar, const ProgressFn& progress) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(tar.c_str(), "rb"), &std::fclose);
  if (!f) throw Error(Exit::failed, "cannot open image tar " + tar.string() + ": " + std::strerror(errno));
  std::error_code ec;
  auto size = std::filesystem::file_size(tar, ec);
  core::http::BodyReader reader = [&](char* buf, std::size_t max) -> std::size_t {
    std::size_t n = std::fread(buf, 1, max, f.get());
    if (n == 0 && std::ferror(f.get())) throw Error(Exit::failed, "reading image tar " + tar.string() + " failed");
    return n;
  };
  return load_images(e, reader, ec ? std::nullopt : std::optional<std::uint64_t>(size), progress);
}

}  // namespace egg::engine
