#pragma once
// A read-only registry v2 API client: resolve a tag to its manifest digest, and read the image
// ids (config digests) per platform behind that digest. Anonymous access, plus the anonymous
// bearer-token flow Docker Hub, quay.io and ghcr.io use for public images
// (401 + WWW-Authenticate: Bearer realm=...,service=...,scope=... → GET realm → retry).
// Registries that need credentials are out of scope: their 401 is reported as such.
#include <map>
#include <optional>
#include <string>

#include "egg/core/http.hpp"
#include "egg/core/json.hpp"

namespace egg::registry {

// Manifest types the HEAD/GET ask for: indexes first, so the digest is the multi-platform one
// that `docker pull` resolves (a registry answers with the stored type that fits).
inline constexpr const char* kManifestAccept =
    "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json";

struct Resolved {
  std::string digest;                      // the tag's manifest (or index) digest
  std::map<std::string, std::string> ids;  // platform → image id (config digest)
};

// The parameters of a WWW-Authenticate: Bearer challenge; empty when it is not one.
std::map<std::string, std::string> parse_bearer_challenge(std::string_view header);

class Client {
 public:
  explicit Client(std::string base_url);

  const std::string& base_url() const { return base_; }
  // HEAD /v2/<name>/manifests/<tag>: the Docker-Content-Digest. std::nullopt if the registry
  // does not have the repository or tag (404). Unreachable: Error(Exit::precondition).
  std::optional<std::string> head_digest(const std::string& name, const std::string& tag);
  // The tag's digest plus the image id of every platform behind it (attestation entries skipped).
  std::optional<Resolved> resolve(const std::string& name, const std::string& tag);

 private:
  core::http::Response get(const std::string& name, const std::string& target, const std::string& method,
                           const std::string& accept);
  // A manifest or blob by digest, its bytes checked against the digest.
  std::string fetch(const std::string& name, const std::string& kind, const std::string& digest,
                    std::string* content_type = nullptr);

  std::string base_;
  core::http::Client http_;
  std::map<std::string, std::string> tokens_;  // scope → bearer token
};

}  // namespace egg::registry
