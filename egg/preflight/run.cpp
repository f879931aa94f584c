// preflight::run: measure (host.hpp, the engine's read-only endpoints) and judge (checks.hpp).
#include <optional>

#include "egg/engine/client.hpp"
#include "egg/engine/containers.hpp"
#include "egg/engine/images.hpp"
#include "egg/preflight/checks.hpp"
#include "egg/preflight/host.hpp"

namespace egg::preflight {
namespace json = core::json;

namespace {

std::string str_at(const json::value& v, const char* key) {
  const auto* o = v.if_object();
  const auto* s = o ? o->if_contains(key) : nullptr;
  return s && s->is_string() ? std::string(s->get_string()) : "";
}

std::vector<Result> engine_checks(const std::string& docker_host, const std::string& instance,
                                  engine::Engine* e, const config::Config& c, const manifest::Manifest& m,
                                  std::vector<json::value>& own, std::vector<json::value>& all) {
  std::vector<Result> out;
  // Disk at the engine's root: only meaningful when the engine runs on this host.
  double before = now_seconds();
  auto info = e->get_json("/info").value_or(json::value(nullptr));
  double after = now_seconds();
  std::string root = str_at(info, "DockerRootDir");
  if (docker_host.starts_with("unix://") && !root.empty()) {
    auto d = disk_free(root);
    out.push_back(disk_result("disk:engine", "engine root", d.path, d.free, d.error));
  } else {
    out.push_back({"disk:engine", Status::warn,
                   "engine root " + (root.empty() ? std::string("unknown") : root) + " is not on this host; not measured"});
  }
  if (auto t = str_at(info, "SystemTime"); !t.empty()) out.push_back(clock_result((before + after) / 2, t));

  own = engine::list_containers(*e, {{"io.egg.instance", instance}});
  all = engine::list_containers(*e, {});

  // Architecture: the engine's, the pins' platforms, and images already present.
  std::string arch = str_at(e->version(), "Arch");
  std::size_t arch_line = out.size();
  out.push_back(arch == "amd64" || arch == "arm64"
                    ? Result{"arch", Status::ok, "engine runs linux/" + arch}
                    : Result{"arch", Status::warn, "engine architecture '" + arch +
                                                       "': egg's images are published for amd64 and arm64 only"});
  std::string local_ok;
  for (const auto& name : manifest::component_names()) {
    if (!config::enabled(c, name)) continue;
    auto pin = config::image_pin(c, m, name);
    std::string platform = "linux/" + arch;
    std::optional<std::string> id;
    std::string have;
    for (const auto& [p, i] : pin.ids) {
      have += (have.empty() ? "" : ", ") + p;
      if (p == platform || p.starts_with(platform + "/")) id = i;
    }
    if (!pin.ids.empty() && !id) {
      out.push_back({"arch:" + name, Status::fail,
                     pin.image + "@" + pin.digest.value_or("?") + " has no " + platform + " image (it has " + have + ")"});
      continue;
    }
    auto img = engine::inspect_image(*e, id ? *id : pin.reference());
    if (!img) continue;  // not local yet: `up` pulls the engine's platform
    std::string img_arch = str_at(*img, "Architecture");
    if (!img_arch.empty() && img_arch != arch)
      out.push_back({"arch:" + name, Status::fail,
                     "local image " + pin.reference() + " is " + img_arch + ", the engine runs " + arch});
    else
      local_ok += (local_ok.empty() ? "" : ", ") + name;
  }
  out[arch_line].detail += local_ok.empty() ? "; no pinned image is local yet" : "; local images fit: " + local_ok;
  return out;
}

}  // namespace

std::vector<Result> run(const config::Config& c, const manifest::Manifest& m, const Options& o) {
  std::vector<Result> out;
  std::optional<engine::Engine> e;
  try {
    e.emplace(engine::Engine::connect(o.docker_host));
    const auto& v = e->version();
    out.push_back({"engine", Status::ok,
                   "Docker " + str_at(v, "Version") + ", API " + e->api_version().str() + " (daemon speaks " +
                       str_at(v, "MinAPIVersion") + "-" + str_at(v, "ApiVersion") + ") at " + e->host()});
  } catch (const Error& err) {
    out.push_back({"engine", Status::fail, err.what()});
  }

  auto sd = disk_free(o.state_dir);
  out.push_back(disk_result("disk:state", "state dir", sd.path, sd.free, sd.error));

  std::vector<json::value> own, all;
  std::vector<Result> engine_results;
  if (e) {
    try {
      engine_results = engine_checks(o.docker_host, c.instance, &*e, c, m, own, all);
    } catch (const Error& err) {
      engine_results.push_back({"engine", Status::fail, std::string("engine query failed: ") + err.what()});
    }
  }
  out.insert(out.end(), engine_results.begin(), engine_results.end());

  struct P {
    const char* name;
    std::optional<int> port;
    const char* ip;
  };
  const P ports[] = {{"http", c.ports.http, "0.0.0.0"},          {"https", c.ports.https, "0.0.0.0"},
                     {"ssh", c.ports.ssh, "0.0.0.0"},            {"postgres", c.ports.postgres, "127.0.0.1"},
                     {"vault", c.ports.vault, "127.0.0.1"},      {"s3", c.ports.s3, "127.0.0.1"}};
  for (const auto& p : ports) {
    if (!p.port) continue;
    std::string mine = port_publisher(own, *p.port, p.ip);
    std::string other = port_publisher(all, *p.port, p.ip);
    if (other == mine) other.clear();  // `all` includes our own containers
    out.push_back(port_result(p.name, p.ip, *p.port, try_bind(p.ip, *p.port), mine, other, e.has_value()));
  }

  auto sync = clock_sync();
  out.push_back({"ntp", sync.synchronized ? Status::ok : Status::warn, sync.how});

  std::vector<std::string> hosts = {c.domain};
  if (c.hostnames.vault) hosts.push_back(*c.hostnames.vault);
  if (c.hostnames.s3) hosts.push_back(*c.hostnames.s3);
  for (const auto& h : hosts) {
    if (needs_no_dns(h)) {
      out.push_back({"dns", Status::ok, h + " needs no DNS"});
      continue;
    }
    auto r = resolve(h);
    out.push_back(r.address.empty()
                      ? Result{"dns", Status::warn, h + " " + r.error + " (clients and ACME need it to)"}
                      : Result{"dns", Status::ok, h + " resolves to " + r.address});
  }

  auto pins = pin_results(c, m, o.allow_unpinned);
  out.insert(out.end(), pins.begin(), pins.end());
  return out;
}

}  // namespace egg::preflight
