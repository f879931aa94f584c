#pragma once
// What an instance is doing now, per component: shared by `egg status` and `egg evidence`.
#include <optional>
#include <string>
#include <vector>

#include "egg/components/context.hpp"
#include "egg/core/json.hpp"

namespace egg::converge {

struct ComponentStatus {
  std::string component;
  bool enabled = false;
  std::string container;       // name
  std::string state;           // missing, created, running, exited, ...
  std::string health;          // healthy, unhealthy, starting, none
  std::string pinned;          // the reference egg would run
  std::string running_image;   // the image id the container runs
  std::optional<bool> digest_matches;  // running image == pinned image (unknown if not local)
  std::optional<bool> sealed;  // vault only
  std::string detail;
  bool healthy = false;        // what `status` exits on
};

std::vector<ComponentStatus> collect_status(components::Context& ctx);
bool all_healthy(const std::vector<ComponentStatus>& all);
core::json::value to_json(const ComponentStatus& s);

}  // namespace egg::converge
