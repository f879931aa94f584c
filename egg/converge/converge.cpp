#include "egg/converge/converge.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "egg/core/http.hpp"
#include "egg/core/random.hpp"
#include "egg/engine/archive.hpp"
#include "egg/engine/containers.hpp"
#include "egg/engine/images.hpp"
#include "egg/engine/networks.hpp"
#include "egg/engine/streams.hpp"
#include "egg/engine/volumes.hpp"

namespace egg::converge {

namespace json = core::json;
using components::Context;
using components::Spec;

std::string to_string(Action a) {
  switch (a) {
    case Action::create: return "create";
    case Action::recreate: return "recreate";
    case Action::start: return "start";
    case Action::unchanged: return "unchanged";
    case Action::remove: return "remove";
  }
  return "?";
}

bool Plan::changes() const {
  for (const auto& d : decisions)
    if (d.action != Action::unchanged) return true;
  return false;
}

namespace {

constexpr const char* kInstanceLabel = "io.egg.instance";
constexpr const char* kHashLabel = "io.egg.spec-hash";

bool ours(const json::value& inspect, const std::string& instance) {
  auto labels = engine::labels_of(inspect);
  auto it = labels.find(kInstanceLabel);
  return it != labels.end() && it->second == instance;
}

[[noreturn]] void foreign(const std::string& kind, const std::string& name, const std::string& instance) {
  throw Error(Exit::precondition, "a " + kind + " named " + name + " exists but does not carry the label " +
                                      kInstanceLabel + "=" + instance +
                                      "; egg never touches objects it does not own. Rename or remove it, or choose "
                                      "another --instance");
}

// Reports one step: "  create     container  egg-postgres          missing  (1.2 s)".
class Step {
 public:
  Step(std::string action, std::string kind, std::string name, std::string reason)
      : action_(std::move(action)), kind_(std::move(kind)), name_(std::move(name)), reason_(std::move(reason)),
        t0_(std::chrono::steady_clock::now()) {}
  void done() {
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    std::printf("  %-10s %-10s %-26s %s (%.1f s)\n", action_.c_str(), kind_.c_str(), name_.c_str(), reason_.c_str(), s);
    std::fflush(stdout);
  }

 private:
  std::string action_, kind_, name_, reason_;
  std::chrono::steady_clock::time_point t0_;
};

void pull_image(Context& ctx, const manifest::ImagePin& pin) {
  if (pin.digest) {
    engine::pull(ctx.engine, pin.image, *pin.digest);
    return;
  }
  // --allow-unpinned: by tag, so there is no digest to verify; the operator asked for this.
  engine::JsonLines lines("pull of " + pin.reference(), [](const json::object&) {});
  engine::Engine::Call c;
  c.method = "POST";
  c.path = "/images/create?fromImage=" + core::http::url_escape(pin.image) + "&tag=" + core::http::url_escape(pin.tag);
  c.writer = [&](std::string_view chunk) { lines.feed(chunk); };
  c.timeout = std::chrono::milliseconds(0);
  c.ok_statuses = {200};
  ctx.engine.call(c);
  lines.finish();
}

std::vector<std::string> volumes_of(const Spec& s) {
  std::vector<std::string> v;
  for (const auto& m : s.volumes) v.push_back(m.volume);
  return v;
}

void remove_container(Context& ctx, const std::string& name) {
  engine::stop_container(ctx.engine, name, 30);
  engine::remove_container(ctx.engine, name, true);
}

// Files go in before every start (the archive API writes into a created or stopped container), so
// a service never starts without its config, even when egg died between create and start.
void put_files_and_start(Context& ctx, const Spec& spec, const std::string& id) {
  if (!spec.files.empty()) engine::put_archive(ctx.engine, id, "/", spec.files_tar());
  engine::start_container(ctx.engine, id);
}

void create_and_start(Context& ctx, const Spec& spec) {
  auto labels = engine::to_json(ctx.labels(spec.component));
  labels[kHashLabel] = spec.hash(ctx.network());
  auto body = spec.create_body(ctx.network(), labels);
  std::string id;
  try {
    id = engine::create_container(ctx.engine, spec.name, body);
  } catch (const engine::ApiError& e) {
    // 409: the name appeared after the plan was made — a create sent by an egg that was killed
    // can land late. If it is ours it never got its files: replace it; otherwise refuse.
    if (e.status() != 409) throw;
    auto existing = engine::inspect_container(ctx.engine, spec.name);
    if (!existing || !ours(*existing, ctx.instance())) foreign("container", spec.name, ctx.instance());
    spdlog::warn("container {} appeared after the plan (left by an interrupted run); replacing it", spec.name);
    remove_container(ctx, spec.name);
    id = engine::create_container(ctx.engine, spec.name, body);
  }
  core::crash_point("converge:created:" + spec.component);
  put_files_and_start(ctx, spec, id);
}

}  // namespace

Plan make_plan(Context& ctx) {
  Plan plan;
  const std::string& inst = ctx.instance();
  for (const auto& c : components::all()) {
    if (!config::enabled(ctx.cfg, c.name)) continue;
    if (!c.unavailable.empty()) throw Error(Exit::precondition, "components." + c.name + ": " + c.unavailable);
    Spec s = c.spec(ctx);
    manifest::require_pinned(s.pin, c.name, ctx.globals.allow_unpinned);
    plan.specs.push_back(std::move(s));
  }

  auto net = engine::inspect_network(ctx.engine, ctx.network());
  if (net && !ours(*net, inst)) foreign("network", ctx.network(), inst);
  plan.decisions.push_back({"network", "", ctx.network(), net ? Action::unchanged : Action::create, net ? "" : "missing"});

  for (auto& s : plan.specs) {
    for (const auto& v : volumes_of(s)) {
      auto vol = engine::inspect_volume(ctx.engine, v);
      if (vol && !ours(*vol, inst)) foreign("volume", v, inst);
      plan.decisions.push_back({"volume", s.component, v, vol ? Action::unchanged : Action::create, vol ? "" : "missing"});
    }
    bool have_image = engine::inspect_image(ctx.engine, s.pin.reference()).has_value();
    if (!have_image && s.pin.digest) {
      // Loaded from an archive: found by the image id `egg manifest lock` recorded for this
      // engine's platform (docs/airgap.md).
      const auto& v = ctx.engine.version();
      std::string platform = std::string(v.at("Os").as_string()) + "/" + std::string(v.at("Arch").as_string());
      if (auto it = s.pin.ids.find(platform); it != s.pin.ids.end() && engine::inspect_image(ctx.engine, it->second)) {
        s.local_image = it->second;
        have_image = true;
      }
    }
    plan.decisions.push_back({"image", s.component, s.pin.reference(), have_image ? Action::unchanged : Action::create,
                              have_image ? "" : "not present: pull"});
    auto existing = engine::inspect_container(ctx.engine, s.name);
    Decision d{"container", s.component, s.name, Action::unchanged, ""};
    if (!existing) {
      d.action = Action::create;
      d.reason = "missing";
    } else {
      if (!ours(*existing, inst)) foreign("container", s.name, inst);
      auto labels = engine::labels_of(*existing);
      auto st = engine::state_of(*existing);
      if (labels[kHashLabel] != s.hash(ctx.network())) {
        d.action = Action::recreate;
        d.reason = "spec changed";
      } else if (!st.running) {
        d.action = Action::start;
        d.reason = st.status;
      }
    }
    plan.decisions.push_back(d);
  }

  // Containers of this instance whose component is now disabled: removed, volumes kept.
  for (const auto& summary : engine::list_containers(ctx.engine, {{kInstanceLabel, inst}})) {
    auto labels = engine::labels_of(summary);
    std::string comp = labels["io.egg.component"];
    if (comp.empty() || config::enabled(ctx.cfg, comp)) continue;
    std::string name = ctx.object_name(comp);
    plan.decisions.push_back({"container", comp, name, Action::remove, "component disabled (volumes kept)"});
  }
  return plan;
}

Summary apply(Context& ctx, const Plan& plan) {
  Summary sum;
  // Credentials first: a service must never hold a value egg has not written down.
  ctx.creds.save_if_changed();
  if (ctx.st.instance_id.empty()) {
    ctx.st.instance_id = core::random_hex(16);
    ctx.st.instance = ctx.instance();
    ctx.st.created_at = state::utc_now_iso();
  }
  ctx.st.save(ctx.state_dir());

  auto decision = [&](const std::string& kind, const std::string& name) -> const Decision& {
    for (const auto& d : plan.decisions)
      if (d.kind == kind && d.name == name) return d;
    throw Error(Exit::failed, "internal: no plan decision for " + kind + " " + name);
  };
  auto count = [&](Action a) {
    switch (a) {
      case Action::create: ++sum.created; break;
      case Action::recreate: ++sum.recreated; break;
      case Action::start: ++sum.started; break;
      case Action::unchanged: ++sum.unchanged; break;
      case Action::remove: ++sum.removed; break;
    }
  };

  const auto& net = decision("network", ctx.network());
  if (net.action == Action::create) {
    Step step("create", "network", ctx.network(), "");
    try {
      engine::create_network(ctx.engine, ctx.network(), ctx.labels(""));
    } catch (const engine::ApiError& e) {
      // Created meanwhile by an interrupted run's late request: fine if it is ours.
      auto existing = engine::inspect_network(ctx.engine, ctx.network());
      if (e.status() != 409 || !existing) throw;
      if (!ours(*existing, ctx.instance())) foreign("network", ctx.network(), ctx.instance());
    }
    step.done();
  }
  count(net.action);

  auto ensure_volumes = [&](const Spec& s) {
    for (const auto& v : volumes_of(s)) {
      const auto& d = decision("volume", v);
      if (d.action == Action::create) {
        Step step("create", "volume", v, "");
        engine::create_volume(ctx.engine, v, ctx.labels(s.component), {{kInstanceLabel, ctx.instance()}});
        step.done();
      }
      count(d.action);
    }
  };

  ctx.wipe_and_recreate = [&](const std::string& component) {
    for (const auto& s : plan.specs) {
      if (s.component != component) continue;
      Step step("wipe", "container", s.name, "remove container and volumes, create afresh");
      remove_container(ctx, s.name);
      for (const auto& v : volumes_of(s)) {
        engine::remove_volume(ctx.engine, v, true);
        engine::create_volume(ctx.engine, v, ctx.labels(s.component), {{kInstanceLabel, ctx.instance()}});
      }
      create_and_start(ctx, s);
      components::find(component).wait_ready(ctx);
      step.done();
    }
  };

  for (const auto& s : plan.specs) {
    const auto& comp = components::find(s.component);
    ensure_volumes(s);
    const auto& img = decision("image", s.pin.reference());
    if (img.action == Action::create) {
      Step step("pull", "image", s.pin.reference(), "");
      pull_image(ctx, s.pin);
      step.done();
    }
    const auto& d = decision("container", s.name);
    bool fresh = d.action == Action::create || d.action == Action::recreate;
    if (d.action != Action::unchanged) {
      Step step(to_string(d.action), "container", s.name, d.reason);
      if (d.action == Action::recreate) remove_container(ctx, s.name);
      if (fresh)
        create_and_start(ctx, s);
      else
        put_files_and_start(ctx, s, s.name);
      comp.wait_ready(ctx);
      step.done();
    } else {
      // Unchanged and running, but maybe still starting (a previous run died right after
      // starting it): readiness checks return at once when the service is up.
      comp.wait_ready(ctx);
    }
    count(d.action);
    auto t0 = std::chrono::steady_clock::now();
    auto changes = comp.init(ctx, fresh);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // One line per change; the init's duration once, on the last line.
    for (std::size_t i = 0; i < changes.size(); ++i) {
      if (i + 1 < changes.size())
        std::printf("  %-10s %-10s %-26s %s\n", "init", s.component.c_str(), s.name.c_str(), changes[i].c_str());
      else
        std::printf("  %-10s %-10s %-26s %s (%.1f s)\n", "init", s.component.c_str(), s.name.c_str(), changes[i].c_str(), secs);
    }
    std::fflush(stdout);
    sum.init_steps += static_cast<int>(changes.size());
    // `up` ends with every component healthy, not merely started (instant when it already is).
    if (!s.healthcheck.empty()) components::wait_healthy(ctx, s.component, 120);
    ctx.creds.save_if_changed();
    auto& rec = ctx.st.components[s.component];
    rec["spec_hash"] = s.hash(ctx.network());
    rec["image"] = s.pin.reference();
    ctx.st.save(ctx.state_dir());
  }

  for (const auto& d : plan.decisions) {
    if (d.action != Action::remove) continue;
    Step step("remove", "container", d.name, d.reason);
    remove_container(ctx, d.name);
    ctx.st.components.erase(d.component);
    ctx.st.save(ctx.state_dir());
    step.done();
    count(d.action);
  }
  return sum;
}

}  // namespace egg::converge
