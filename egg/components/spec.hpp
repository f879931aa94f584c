#pragma once
// A component's desired container, as data: the Engine API create body plus the files egg copies
// in before the first start. Rendered from config + embedded templates + manifest + credentials;
// its hash (io.egg.spec-hash) tells converge whether the running container is still what the
// config asks for.
#include <sys/types.h>

#include <string>
#include <vector>

#include "egg/core/json.hpp"
#include "egg/manifest/manifest.hpp"

namespace egg::components {

namespace json = core::json;

struct File {
  std::string path;  // absolute path in the container, e.g. /egg/postgres-password
  std::string content;
  mode_t mode = 0644;
  uid_t uid = 0;
  gid_t gid = 0;
};

struct VolumeMount {
  std::string volume;  // full volume name, <instance>-<component>[-suffix]
  std::string target;
};

struct PortBinding {
  int container_port = 0;
  std::string host_ip;  // 127.0.0.1 for admin ports, 0.0.0.0 for public ones
  int host_port = 0;
};

struct Spec {
  std::string component;
  std::string name;  // container name, <instance>-<component>
  manifest::ImagePin pin;
  std::vector<std::string> cmd;
  std::vector<std::string> env;  // never a secret: visible to any API client
  std::string user;
  std::vector<VolumeMount> volumes;
  std::vector<PortBinding> ports;
  json::object healthcheck;  // Engine API Healthcheck, or empty
  std::string stop_signal;
  std::vector<std::string> cap_add;
  std::vector<File> files;
  // How the engine finds the image, when not by pin.reference(): the id of an image loaded from
  // an archive (egg images load), whose RepoDigests are empty after a load (moby#22011). Not part
  // of the hash: the pin is what the container runs, however the engine locates it.
  std::string local_image;

  // The Engine API create body for this spec on `network`, with `labels`.
  json::object create_body(const std::string& network, const json::object& labels) const;
  // sha256 (hex) over the create body (labels excluded) and every file's path, owner, mode and
  // content hash. Stable across runs; changes exactly when the container must be recreated.
  std::string hash(const std::string& network) const;
  // The tar egg PUTs at "/" before the first start (directories included, owners and modes set).
  std::string files_tar() const;
};

// Healthcheck {Test, Interval, Timeout, Retries, StartPeriod} with durations in seconds.
json::object healthcheck(std::vector<std::string> test, int interval_s, int timeout_s, int retries, int start_period_s);

}  // namespace egg::components
