#pragma once
// Converge: the desired state (component specs) against what the engine runs, as decisions
// (plan), then acted on in start order (apply). Only objects carrying this instance's label are
// ever touched; a foreign object in the way is a precondition error.
#include <functional>
#include <string>
#include <vector>

#include "egg/components/component.hpp"

namespace egg::converge {

enum class Action { create, recreate, start, unchanged, remove };
std::string to_string(Action a);

struct Decision {
  std::string kind;       // network, volume, image, container
  std::string component;  // empty for the network
  std::string name;       // Docker object name (or image reference)
  Action action = Action::unchanged;
  std::string reason;     // why (missing, spec changed, stopped, disabled, ...)
};

struct Plan {
  std::vector<Decision> decisions;
  std::vector<components::Spec> specs;  // enabled components, start order
  bool changes() const;
};

// Computes the plan. Reads the engine; changes nothing (credentials a first run would generate
// exist in memory only). Refuses (exit 4) an enabled component egg cannot run or an unpinned
// image without --allow-unpinned, before anything changes.
Plan make_plan(components::Context& ctx);

struct Summary {
  int created = 0, recreated = 0, started = 0, unchanged = 0, removed = 0, init_steps = 0;
};

// Acts on the plan, reporting each step and its duration on stdout, then runs every component's
// init steps. Saves credentials before anything uses them and state after each component.
Summary apply(components::Context& ctx, const Plan& plan);

}  // namespace egg::converge
