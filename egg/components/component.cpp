#include "egg/components/component.hpp"

#include <chrono>
#include <ctime>
#include <thread>

#include "egg/core/exit.hpp"
#include "egg/core/http.hpp"
#include "egg/engine/containers.hpp"

namespace egg::components {

const std::vector<Component>& all() {
  static const std::vector<Component> list = {postgres(), s3(), vault(), forgejo(), proxy(), runner()};
  return list;
}

const Component& find(const std::string& name) {
  for (const auto& c : all())
    if (c.name == name) return c;
  throw Error(Exit::usage, "unknown component '" + name + "'");
}

namespace {
using clock = std::chrono::steady_clock;

engine::ContainerState must_state(Context& ctx, const std::string& component) {
  auto st = engine::container_state(ctx.engine, ctx.object_name(component));
  if (!st) throw Error(Exit::failed, "container " + ctx.object_name(component) + " disappeared");
  if (st->status == "exited" || st->status == "dead")
    throw Error(Exit::failed, "container " + ctx.object_name(component) + " stopped (exit code " +
                                  std::to_string(st->exit_code) + "); see: docker logs " + ctx.object_name(component));
  return *st;
}
}  // namespace

void wait_healthy(Context& ctx, const std::string& component, int timeout_s) {
  auto deadline = clock::now() + std::chrono::seconds(timeout_s);
  std::string health;
  while (clock::now() < deadline) {
    health = must_state(ctx, component).health;
    if (health == "healthy") return;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  throw Error(Exit::failed, ctx.object_name(component) + " is not healthy after " + std::to_string(timeout_s) +
                                " s (health: " + health + "); see: docker logs " + ctx.object_name(component));
}

void wait_http(Context& ctx, const std::string& component, int port, int timeout_s) {
  auto deadline = clock::now() + std::chrono::seconds(timeout_s);
  std::string last;
  while (clock::now() < deadline) {
    must_state(ctx, component);
    try {
      core::http::Client client(core::http::Endpoint{"http://" + ctx.container_ip(component) + ":" + std::to_string(port),
                                                     "", "", std::chrono::seconds(2)});
      core::http::Request req;
      req.timeout = std::chrono::seconds(3);
      client.perform(req);
      return;
    } catch (const Error& e) {
      last = e.what();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  throw Error(Exit::failed, ctx.object_name(component) + " does not answer HTTP on port " + std::to_string(port) +
                                " after " + std::to_string(timeout_s) + " s (" + last + ")");
}

void wait_running(Context& ctx, const std::string& component, int seconds) {
  // Counted from the container's own start (State.StartedAt), so a container that has been up
  // for a while passes at once.
  auto until = clock::now() + std::chrono::seconds(seconds);
  while (true) {
    auto st = must_state(ctx, component);
    if (st.status == "restarting")
      throw Error(Exit::failed, ctx.object_name(component) + " keeps restarting; see: docker logs " +
                                    ctx.object_name(component));
    auto inspect = engine::inspect_container(ctx.engine, ctx.object_name(component));
    std::string started(inspect->at("State").at("StartedAt").as_string());
    std::tm tm{};
    if (strptime(started.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) != nullptr) {
      auto up_for = std::time(nullptr) - timegm(&tm);
      if (up_for >= seconds) return;
    }
    if (clock::now() >= until) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

Component forgejo() {
  Component c;
  c.name = "forgejo";
  c.unavailable =
      "this egg cannot run the forge yet (its Forgejo bootstrap is not built); disable it: set "
      "components.forgejo.enabled to false (egg init --disable forgejo)";
  return c;
}

Component runner() {
  Component c;
  c.name = "runner";
  c.unavailable =
      "this egg cannot run the Forgejo runner yet; disable it: set components.runner.enabled to false";
  return c;
}

}  // namespace egg::components
