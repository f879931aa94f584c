#pragma once
// Where an image repository lives: its registry and its name inside that registry, as the
// registry v2 API addresses them (distribution/reference normalisation, reduced to what egg needs).
#include <optional>
#include <string>
#include <string_view>

namespace egg::registry {

struct Repository {
  std::string registry;  // "docker.io", "quay.io", "127.0.0.1:5000"
  std::string name;      // "library/postgres", "openbao/openbao", "egg-test/postgres"
};

// "postgres" → docker.io + library/postgres; "quay.io/openbao/openbao" → quay.io + openbao/openbao.
// A first component with '.' or ':' or equal to "localhost" is a registry host (as Docker decides).
Repository split_repository(std::string_view image);

// The v2 API base URL for a registry: Docker Hub is served at registry-1.docker.io; loopback
// hosts are spoken to over plain http (Docker treats 127.0.0.0/8 as insecure by default); every
// other registry over https. `override_url` (--registry) wins: "http://host:port", "https://host"
// or a bare "host:port" (https).
std::string base_url(const std::string& registry, const std::optional<std::string>& override_url);

}  // namespace egg::registry
