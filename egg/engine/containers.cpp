#include "egg/engine/containers.hpp"

namespace egg::engine {
namespace {

std::string esc(const std::string& s) { return core::http::url_escape(s); }

void post_expect(Engine& e, const std::string& path, std::vector<int> ok, std::chrono::milliseconds timeout =
                                                                              std::chrono::minutes(5)) {
  Engine::Call c;
  c.method = "POST";
  c.path = path;
  c.ok_statuses = std::move(ok);
  c.timeout = timeout;
  e.call(c);
}

}  // namespace

std::string create_container(Engine& e, const std::string& name, const json::object& config) {
  json::value r = e.post_json("/containers/create?name=" + esc(name), json::value(config));
  return std::string(r.at("Id").as_string());
}

void start_container(Engine& e, const std::string& id) {
  post_expect(e, "/containers/" + esc(id) + "/start", {204, 304});  // 304: already running
}

void stop_container(Engine& e, const std::string& id, int timeout_s) {
  // The call blocks until the container stopped, so allow the grace period on top.
  post_expect(e, "/containers/" + esc(id) + "/stop?t=" + std::to_string(timeout_s), {204, 304},
              std::chrono::seconds(timeout_s + 60));
}

bool remove_container(Engine& e, const std::string& id, bool force, bool volumes) {
  Engine::Call c;
  c.method = "DELETE";
  c.path = "/containers/" + esc(id) + "?force=" + (force ? "1" : "0") + "&v=" + (volumes ? "1" : "0");
  c.ok_statuses = {204, 404};
  return e.call(c).status != 404;
}

void pause_container(Engine& e, const std::string& id) { post_expect(e, "/containers/" + esc(id) + "/pause", {204}); }
void unpause_container(Engine& e, const std::string& id) {
  post_expect(e, "/containers/" + esc(id) + "/unpause", {204});
}

std::optional<json::value> inspect_container(Engine& e, const std::string& name_or_id) {
  return e.get_json("/containers/" + esc(name_or_id) + "/json");
}

std::vector<json::value> list_containers(Engine& e, const Labels& labels) {
  auto v = e.get_json("/containers/json?all=1&filters=" + label_filter(filter_pairs(labels)));
  std::vector<json::value> out;
  if (v && v->is_array())
    for (auto& c : v->get_array()) out.push_back(c);
  return out;
}

ContainerState state_of(const json::value& inspect) {
  ContainerState s;
  const auto* o = inspect.if_object();
  const auto* st = o ? o->if_contains("State") : nullptr;
  if (!st || !st->is_object()) return s;
  const auto& so = st->get_object();
  if (const auto* v = so.if_contains("Status"); v && v->is_string()) s.status = v->get_string();
  if (const auto* v = so.if_contains("Running"); v && v->is_bool()) s.running = v->get_bool();
  if (const auto* v = so.if_contains("ExitCode"); v && v->is_int64()) s.exit_code = static_cast<int>(v->get_int64());
  s.health = "none";
  if (const auto* h = so.if_contains("Health"); h && h->is_object())
    if (const auto* v = h->get_object().if_contains("Status"); v && v->is_string()) s.health = v->get_string();
  return s;
}

std::optional<ContainerState> container_state(Engine& e, const std::string& name_or_id) {
  auto v = inspect_container(e, name_or_id);
  if (!v) return std::nullopt;
  return state_of(*v);
}

int wait_container(Engine& e, const std::string& id, const std::string& condition, std::chrono::milliseconds timeout) {
  Engine::Call c;
  c.method = "POST";
  c.path = "/containers/" + esc(id) + "/wait?condition=" + esc(condition);
  c.ok_statuses = {200};
  c.timeout = timeout;
  auto r = e.call(c);
  json::value v = parse_body(r.body, "the Docker engine's answer to container wait");
  const auto& o = v.as_object();
  if (const auto* err = o.if_contains("Error"); err && err->is_object())
    if (const auto* m = err->get_object().if_contains("Message"); m && m->is_string() && !m->get_string().empty())
      throw Error(Exit::failed, "Docker engine: waiting for container " + id + ": " + std::string(m->get_string()));
  return static_cast<int>(o.at("StatusCode").to_number<std::int64_t>());
}

}  // namespace egg::engine
