#include "egg/registry/reference.hpp"

#include "egg/core/exit.hpp"

namespace egg::registry {

Repository split_repository(std::string_view image) {
  auto slash = image.find('/');
  if (slash != std::string_view::npos) {
    std::string_view first = image.substr(0, slash);
    if (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
        first == "localhost") {
      Repository r{std::string(first), std::string(image.substr(slash + 1))};
      if (r.registry == "index.docker.io" || r.registry == "registry-1.docker.io") r.registry = "docker.io";
      if (r.registry == "docker.io" && r.name.find('/') == std::string::npos) r.name = "library/" + r.name;
      return r;
    }
    return {"docker.io", std::string(image)};
  }
  return {"docker.io", "library/" + std::string(image)};
}

namespace {
bool is_loopback(const std::string& registry) {
  std::string host = registry;
  if (host.starts_with("[")) host = host.substr(0, host.find(']') + 1);
  else if (auto colon = host.rfind(':'); colon != std::string::npos) host = host.substr(0, colon);
  return host == "localhost" || host.starts_with("127.") || host == "[::1]";
}
}  // namespace

std::string base_url(const std::string& registry, const std::optional<std::string>& override_url) {
  std::string url;
  if (override_url) {
    url = *override_url;
    if (url.find("://") == std::string::npos) url = "https://" + url;
    if (!url.starts_with("http://") && !url.starts_with("https://"))
      throw Error(Exit::usage, "--registry " + *override_url + ": use http://HOST[:PORT] or https://HOST[:PORT]");
  } else if (registry == "docker.io") {
    url = "https://registry-1.docker.io";
  } else {
    url = (is_loopback(registry) ? "http://" : "https://") + registry;
  }
  while (url.ends_with("/")) url.pop_back();
  return url;
}

}  // namespace egg::registry
