#pragma once
// Containers: the create body is the Engine API's own (Image, Cmd, Env, Labels, HostConfig,
// NetworkingConfig, ...), built by the components layer; these calls add names, states and
// error handling. Never put a secret in Env or Cmd: both are readable by any API client.
#include <optional>
#include <string>
#include <vector>

#include "egg/engine/networks.hpp"

namespace egg::engine {

// Creates a container; returns its id. A taken name is ApiError 409; a missing image 404.
std::string create_container(Engine& e, const std::string& name, const json::object& config);
// Starts a container; already running is not an error.
void start_container(Engine& e, const std::string& id);
// Stops (SIGTERM, then SIGKILL after `timeout_s`); already stopped is not an error.
void stop_container(Engine& e, const std::string& id, int timeout_s = 10);
// Removes a container (force: kill it first; volumes: its anonymous volumes too). False if missing.
bool remove_container(Engine& e, const std::string& id, bool force = false, bool volumes = false);
void pause_container(Engine& e, const std::string& id);
void unpause_container(Engine& e, const std::string& id);
std::optional<json::value> inspect_container(Engine& e, const std::string& name_or_id);
// Containers (running or not) carrying every one of `labels`: the /containers/json summaries.
std::vector<json::value> list_containers(Engine& e, const Labels& labels);

struct ContainerState {
  std::string status;  // created, running, paused, restarting, removing, exited, dead
  bool running = false;
  int exit_code = 0;
  std::string health;  // none (no healthcheck), starting, healthy, unhealthy
};
// The state of an inspected container.
ContainerState state_of(const json::value& inspect);
std::optional<ContainerState> container_state(Engine& e, const std::string& name_or_id);

// Waits for `condition` (not-running, next-exit, removed) and returns the exit status. For a
// one-shot container, call wait with next-exit before start so a fast exit is not missed.
// `timeout` zero: no limit.
int wait_container(Engine& e, const std::string& id, const std::string& condition = "not-running",
                   std::chrono::milliseconds timeout = std::chrono::milliseconds(0));

}  // namespace egg::engine
