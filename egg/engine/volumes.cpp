#include "egg/engine/volumes.hpp"

namespace egg::engine {

json::value create_volume(Engine& e, const std::string& name, const Labels& labels, const Labels& required_labels) {
  json::object body{{"Name", name}, {"Driver", "local"}, {"Labels", to_json(labels)}};
  json::value v = e.post_json("/volumes/create", json::value(std::move(body)));
  Labels have = labels_of(v);
  for (const auto& [k, val] : required_labels) {
    auto it = have.find(k);
    if (it == have.end() || it->second != val) {
      std::string got;
      for (const auto& [hk, hv] : have) got += (got.empty() ? "" : ", ") + hk + "=" + hv;
      throw Error(Exit::precondition, "volume '" + name + "' exists but is not egg's (label " + k + "=" + val +
                                          " missing; it has: " + (got.empty() ? "no labels" : got) +
                                          "). Remove or rename it, or pick another --instance.");
    }
  }
  return v;
}

std::optional<json::value> inspect_volume(Engine& e, const std::string& name) {
  return e.get_json("/volumes/" + core::http::url_escape(name));
}

bool remove_volume(Engine& e, const std::string& name, bool force) {
  Engine::Call c;
  c.method = "DELETE";
  c.path = "/volumes/" + core::http::url_escape(name) + (force ? "?force=1" : "");
  c.ok_statuses = {204, 404};
  return e.call(c).status != 404;
}

std::vector<json::value> list_volumes(Engine& e, const Labels& labels) {
  auto v = e.get_json("/volumes?filters=" + label_filter(filter_pairs(labels)));
  std::vector<json::value> out;
  if (v && v->is_object())
    if (const auto* vs = v->get_object().if_contains("Volumes"); vs && vs->is_array())
      for (auto& x : vs->get_array()) out.push_back(x);
  return out;
}

}  // namespace egg::engine
