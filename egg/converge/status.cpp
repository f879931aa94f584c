#include "egg/converge/status.hpp"

#include "egg/components/component.hpp"
#include "egg/core/exit.hpp"
#include "egg/engine/containers.hpp"
#include "egg/engine/images.hpp"
#include "egg/vault/client.hpp"

namespace egg::converge {
namespace json = core::json;

std::vector<ComponentStatus> collect_status(components::Context& ctx) {
  std::vector<ComponentStatus> out;
  for (const auto& c : components::all()) {
    ComponentStatus s;
    s.component = c.name;
    s.enabled = config::enabled(ctx.cfg, c.name);
    s.container = ctx.object_name(c.name);
    if (!s.enabled) {
      s.state = "disabled";
      s.healthy = true;
      out.push_back(s);
      continue;
    }
    if (c.unavailable.empty()) s.pinned = config::image_pin(ctx.cfg, ctx.manifest, c.name).reference();
    auto inspect = engine::inspect_container(ctx.engine, s.container);
    if (!inspect) {
      s.state = "missing";
      s.detail = "run egg up";
      out.push_back(s);
      continue;
    }
    auto st = engine::state_of(*inspect);
    s.state = st.status;
    s.health = st.health;
    s.running_image = std::string(inspect->at("Image").as_string());
    if (!s.pinned.empty()) {
      if (auto img = engine::inspect_image(ctx.engine, s.pinned))
        s.digest_matches = std::string(img->at("Id").as_string()) == s.running_image;
    }
    s.healthy = st.running && (st.health == "healthy" || st.health == "none" || st.health.empty()) &&
                s.digest_matches.value_or(false);
    if (s.digest_matches && !*s.digest_matches) s.detail = "runs another image than the pinned one: run egg up";
    if (st.health == "starting") s.detail = "health check starting: retry in a few seconds";
    if (st.health == "unhealthy") s.detail = "unhealthy: see docker logs " + s.container;
    if (c.name == "vault" && st.running) {
      try {
        vault::Client v("http://" + ctx.container_ip("vault") + ":8200");
        auto seal = v.seal_status();
        s.sealed = seal.sealed;
        if (!seal.initialized) {
          s.healthy = false;
          s.detail = "not initialized: run egg up";
        } else if (seal.sealed) {
          s.healthy = false;
          s.detail = "sealed: run egg unseal";
        }
      } catch (const Error& e) {
        s.healthy = false;
        s.detail = std::string("API not answering: ") + e.what();
      }
    }
    out.push_back(s);
  }
  return out;
}

bool all_healthy(const std::vector<ComponentStatus>& all) {
  for (const auto& s : all)
    if (!s.healthy) return false;
  return true;
}

json::value to_json(const ComponentStatus& s) {
  json::object o{{"component", s.component}, {"enabled", s.enabled}, {"container", s.container},
                 {"state", s.state},         {"health", s.health},   {"healthy", s.healthy}};
  if (!s.pinned.empty()) o["pinned"] = s.pinned;
  if (!s.running_image.empty()) o["running_image"] = s.running_image;
  o["digest_matches"] = s.digest_matches ? json::value(*s.digest_matches) : json::value(nullptr);
  if (s.component == "vault") o["sealed"] = s.sealed ? json::value(*s.sealed) : json::value(nullptr);
  if (!s.detail.empty()) o["detail"] = s.detail;
  return o;
}

}  // namespace egg::converge
