#include "egg/state/state.hpp"

#include <ctime>

#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"

namespace egg::state {
namespace json = core::json;

std::string utc_iso(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string utc_now_iso() { return utc_iso(std::time(nullptr)); }

namespace {
std::string str(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}
}  // namespace

State State::load(const std::filesystem::path& dir) {
  State s;
  auto path = dir / "state.json";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return s;
  auto doc = core::parse_json(core::read_file(path), path.string());
  if (!doc.is_object() || !doc.as_object().if_contains("schema") || !doc.at("schema").is_int64())
    throw Error(Exit::usage, path.string() + " is not an egg state file (no schema)");
  if (doc.at("schema").as_int64() != 1)
    throw Error(Exit::usage, path.string() + " has schema " + json::serialize(doc.at("schema")) +
                                 "; this egg reads schema 1 (written by a newer egg?)");
  for (const auto& kv : doc.as_object()) {
    const auto& key = kv.key();
    const auto& v = kv.value();
    if (key == "schema") continue;
    if (key == "instance_id") s.instance_id = std::string(v.as_string());
    else if (key == "instance") s.instance = std::string(v.as_string());
    else if (key == "created_at") s.created_at = std::string(v.as_string());
    else if (key == "components") {
      for (const auto& c : v.as_object()) s.components[std::string(c.key())] = c.value().as_object();
    } else if (key == "vault") {
      if (v.is_null()) continue;
      const auto& o = v.as_object();
      VaultRecord r;
      r.cluster_id = str(o, "cluster_id");
      r.initialized_at = str(o, "initialized_at");
      r.kv_digest = str(o, "kv_digest");
      if (auto* n = o.if_contains("shares")) r.shares = static_cast<int>(n->as_int64());
      if (auto* t = o.if_contains("threshold")) r.threshold = static_cast<int>(t->as_int64());
      s.vault = r;
    } else {
      s.extra[key] = v;
    }
  }
  return s;
}

json::value State::to_json() const {
  json::object comps;
  for (const auto& [k, v] : components) comps[k] = v;
  json::object doc{{"schema", 1}, {"instance_id", instance_id}, {"instance", instance}, {"created_at", created_at},
                   {"components", std::move(comps)}};
  if (vault)
    doc["vault"] = json::object{{"cluster_id", vault->cluster_id}, {"shares", vault->shares},
                                {"threshold", vault->threshold}, {"initialized_at", vault->initialized_at},
                                {"kv_digest", vault->kv_digest}};
  else
    doc["vault"] = nullptr;
  for (const auto& kv : extra) doc[kv.key()] = kv.value();
  return doc;
}

void State::save(const std::filesystem::path& dir) const {
  core::ensure_private_dir(dir);
  core::write_file_atomic(dir / "state.json", core::pretty_json(to_json()), 0600);
}

}  // namespace egg::state
