#include "egg/engine/networks.hpp"

namespace egg::engine {

json::object to_json(const Labels& labels) {
  json::object o;
  for (const auto& [k, v] : labels) o[k] = v;
  return o;
}

Labels labels_of(const json::value& v) {
  Labels out;
  const auto* o = v.if_object();
  if (!o) return out;
  const json::value* l = o->if_contains("Labels");
  if (!l || l->is_null())
    if (const auto* c = o->if_contains("Config"); c && c->is_object()) l = c->get_object().if_contains("Labels");
  if (l && l->is_object())
    for (const auto& [k, val] : l->get_object())
      if (val.is_string()) out[std::string(k)] = std::string(val.get_string());
  return out;
}

std::vector<std::pair<std::string, std::string>> filter_pairs(const Labels& labels) {
  return {labels.begin(), labels.end()};
}

std::string create_network(Engine& e, const std::string& name, const Labels& labels, bool internal) {
  json::object body{{"Name", name}, {"Driver", "bridge"}, {"Internal", internal}, {"CheckDuplicate", true},
                    {"Labels", to_json(labels)}};
  json::value r = e.post_json("/networks/create", json::value(std::move(body)));
  return std::string(r.at("Id").as_string());
}

std::optional<json::value> inspect_network(Engine& e, const std::string& name_or_id) {
  return e.get_json("/networks/" + core::http::url_escape(name_or_id));
}

bool remove_network(Engine& e, const std::string& name_or_id) {
  Engine::Call c;
  c.method = "DELETE";
  c.path = "/networks/" + core::http::url_escape(name_or_id);
  c.ok_statuses = {204, 200, 404};
  return e.call(c).status != 404;
}

std::vector<json::value> list_networks(Engine& e, const Labels& labels) {
  auto v = e.get_json("/networks?filters=" + label_filter(filter_pairs(labels)));
  std::vector<json::value> out;
  if (v && v->is_array())
    for (auto& n : v->get_array()) out.push_back(n);
  return out;
}

}  // namespace egg::engine
