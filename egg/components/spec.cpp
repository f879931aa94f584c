#include "egg/core/sha256.hpp"
#include "egg/components/spec.hpp"


#include <set>

#include "egg/engine/archive.hpp"

namespace egg::components {

namespace {

std::string sha256_hex(std::string_view data) { return core::hex(core::sha256(data)); }

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace

json::object healthcheck(std::vector<std::string> test, int interval_s, int timeout_s, int retries, int start_period_s) {
  constexpr std::int64_t kSecond = 1'000'000'000;
  return json::object{{"Test", strings(test)},
                      {"Interval", interval_s * kSecond},
                      {"Timeout", timeout_s * kSecond},
                      {"Retries", retries},
                      {"StartPeriod", start_period_s * kSecond}};
}

json::object Spec::create_body(const std::string& network, const json::object& labels) const {
  json::object body{{"Image", local_image.empty() ? pin.reference() : local_image}, {"Labels", labels}};
  if (!cmd.empty()) body["Cmd"] = strings(cmd);
  if (!env.empty()) body["Env"] = strings(env);
  if (!user.empty()) body["User"] = user;
  if (!stop_signal.empty()) body["StopSignal"] = stop_signal;
  if (!healthcheck.empty()) body["Healthcheck"] = healthcheck;

  json::object host{{"RestartPolicy", json::object{{"Name", "unless-stopped"}}}};
  json::array mounts;
  for (const auto& v : volumes)
    mounts.push_back(json::object{{"Type", "volume"}, {"Source", v.volume}, {"Target", v.target}});
  if (!mounts.empty()) host["Mounts"] = std::move(mounts);
  if (!ports.empty()) {
    json::object exposed, bindings;
    for (const auto& p : ports) {
      std::string key = std::to_string(p.container_port) + "/tcp";
      exposed[key] = json::object{};
      bindings[key] = json::array{json::object{{"HostIp", p.host_ip}, {"HostPort", std::to_string(p.host_port)}}};
    }
    body["ExposedPorts"] = std::move(exposed);
    host["PortBindings"] = std::move(bindings);
  }
  if (!cap_add.empty()) host["CapAdd"] = strings(cap_add);
  body["HostConfig"] = std::move(host);
  body["NetworkingConfig"] = json::object{
      {"EndpointsConfig", json::object{{network, json::object{{"Aliases", json::array{json::value(component)}}}}}}};
  return body;
}

std::string Spec::hash(const std::string& network) const {
  Spec pinned = *this;
  pinned.local_image.clear();
  std::string text = json::serialize(pinned.create_body(network, {}));
  for (const auto& f : files)
    text += "\n" + f.path + " " + std::to_string(f.uid) + ":" + std::to_string(f.gid) + " " +
            std::to_string(f.mode) + " " + sha256_hex(f.content);
  return sha256_hex(text);
}

std::string Spec::files_tar() const {
  std::vector<engine::TarEntry> entries;
  std::set<std::string> dirs;
  for (const auto& f : files) {
    std::string rel = f.path.substr(1);  // tar paths are relative to "/"
    // egg's own directory (/egg) is created here, owned like the file so a non-root service can
    // enter it; any other parent (/etc/caddy, /openbao/config) belongs to the image and must
    // exist there, its owner and mode untouched.
    for (auto pos = rel.find('/'); rel.rfind("egg/", 0) == 0 && pos != std::string::npos; pos = rel.find('/', pos + 1)) {
      std::string dir = rel.substr(0, pos);
      if (dirs.insert(dir).second) {
        engine::TarEntry d;
        d.path = dir;
        d.directory = true;
        d.mode = 0755;
        d.uid = f.uid;
        d.gid = f.gid;
        entries.push_back(d);
      }
    }
    engine::TarEntry e;
    e.path = rel;
    e.data = f.content;
    e.mode = f.mode;
    e.uid = f.uid;
    e.gid = f.gid;
    entries.push_back(std::move(e));
  }
  return engine::build_tar(entries);
}

}  // namespace egg::components
