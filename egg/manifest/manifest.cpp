#include "egg/core/sha256.hpp"
#include "egg/manifest/manifest.hpp"


#include <algorithm>
#include <regex>

#include "egg/core/embedded.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"

namespace egg::manifest {
namespace json = core::json;

namespace {

[[noreturn]] void bad(const std::string& origin, const std::string& pointer, const std::string& what) {
  throw Error(Exit::usage, "manifest " + origin + ": " + (pointer.empty() ? "/" : pointer) + ": " + what);
}

const json::object& as_object(const json::value& v, const std::string& origin, const std::string& ptr) {
  if (!v.is_object()) bad(origin, ptr, "must be an object");
  return v.get_object();
}

std::string required_string(const json::object& o, const char* key, const std::string& origin,
                            const std::string& ptr) {
  auto* v = o.if_contains(key);
  if (!v) bad(origin, ptr + "/" + key, "is required");
  if (!v->is_string() || v->get_string().empty()) bad(origin, ptr + "/" + key, "must be a non-empty string");
  return std::string(v->get_string());
}

ImagePin parse_pin(const json::value& v, const std::string& origin, const std::string& ptr) {
  const auto& o = as_object(v, origin, ptr);
  for (const auto& kv : o) {
    static const char* known[] = {"image", "tag", "digest", "source", "ids"};
    if (std::none_of(std::begin(known), std::end(known), [&](const char* k) { return kv.key() == k; }))
      bad(origin, ptr + "/" + core::pointer_token(kv.key()), "unknown key; allowed: image, tag, digest, source, ids");
  }
  ImagePin pin;
  pin.image = required_string(o, "image", origin, ptr);
  auto colon = pin.image.find_last_of(':');
  auto slash = pin.image.find_last_of('/');
  bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  if (has_tag || pin.image.find('@') != std::string::npos)
    bad(origin, ptr + "/image", "must be a repository without tag or digest (put those in tag/digest)");
  pin.tag = required_string(o, "tag", origin, ptr);
  auto* d = o.if_contains("digest");
  if (!d) bad(origin, ptr + "/digest", "is required (a sha256 digest, or null when none is known)");
  static const std::regex digest_re("^sha256:[0-9a-f]{64}$");
  if (!d->is_null()) {
    if (!d->is_string() || !std::regex_match(std::string(d->get_string()), digest_re))
      bad(origin, ptr + "/digest", "must be \"sha256:\" followed by 64 lowercase hex digits, or null");
    pin.digest = std::string(d->get_string());
  }
  if (auto* s = o.if_contains("source")) {
    if (!s->is_string()) bad(origin, ptr + "/source", "must be a string");
    pin.source = std::string(s->get_string());
  }
  if (auto* ids = o.if_contains("ids")) {
    const auto& io = as_object(*ids, origin, ptr + "/ids");
    static const std::regex platform_re("^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$");
    for (const auto& kv : io) {
      std::string iptr = ptr + "/ids/" + core::pointer_token(kv.key());
      if (!std::regex_match(std::string(kv.key()), platform_re))
        bad(origin, iptr, "must be a platform such as linux/amd64 or linux/arm64/v8");
      if (!kv.value().is_string() || !std::regex_match(std::string(kv.value().get_string()), digest_re))
        bad(origin, iptr, "must be \"sha256:\" followed by 64 lowercase hex digits (the image id)");
      pin.ids[std::string(kv.key())] = std::string(kv.value().get_string());
    }
    if (!pin.ids.empty() && !pin.digest) bad(origin, ptr + "/ids", "needs a digest: ids describe the pinned digest");
  }
  return pin;
}

Component parse_component(const std::string& name, const json::value& v, const std::string& origin,
                          const std::string& ptr) {
  const auto& o = as_object(v, origin, ptr);
  Component c;
  c.name = name;
  for (const auto& kv : o) {
    if (kv.key() != "default_flavor" && kv.key() != "flavors" && kv.key() != "component")
      bad(origin, ptr + "/" + core::pointer_token(kv.key()), "unknown key; allowed: default_flavor, flavors");
  }
  if (auto* comp = o.if_contains("component"); comp && (!comp->is_string() || comp->get_string() != name))
    bad(origin, ptr + "/component", "must be \"" + name + "\"");
  c.default_flavor = required_string(o, "default_flavor", origin, ptr);
  auto* flavors = o.if_contains("flavors");
  if (!flavors) bad(origin, ptr + "/flavors", "is required");
  const auto& fo = as_object(*flavors, origin, ptr + "/flavors");
  if (fo.empty()) bad(origin, ptr + "/flavors", "must list at least one flavor");
  for (const auto& kv : fo) {
    std::string fptr = ptr + "/flavors/" + core::pointer_token(kv.key());
    c.flavors.push_back({std::string(kv.key()), parse_pin(kv.value(), origin, fptr)});
  }
  if (!c.find(c.default_flavor))
    bad(origin, ptr + "/default_flavor", "names flavor '" + c.default_flavor + "', which is not listed under flavors");
  return c;
}

std::string sha256_hex(std::string_view data) { return core::hex(core::sha256(data)); }

}  // namespace

const std::vector<std::string>& component_names() {
  static const std::vector<std::string> names = {"postgres", "vault", "s3", "forgejo", "proxy", "runner"};
  return names;
}

std::string ImagePin::reference() const { return digest ? image + "@" + *digest : image + ":" + tag; }

const Flavor* Component::find(const std::string& flavor) const {
  for (const auto& f : flavors)
    if (f.name == flavor) return &f;
  return nullptr;
}

const Component& Manifest::component(const std::string& name) const {
  for (const auto& c : components)
    if (c.name == name) return c;
  throw Error(Exit::usage, "manifest " + origin + " has no component '" + name + "'");
}

const ImagePin& Manifest::pin(const std::string& component_name, const std::string& flavor) const {
  const Component& c = component(component_name);
  const std::string& want = flavor.empty() ? c.default_flavor : flavor;
  if (const Flavor* f = c.find(want)) return f->pin;
  std::string known;
  for (const auto& f : c.flavors) known += (known.empty() ? "" : ", ") + f.name;
  throw Error(Exit::usage, "manifest " + origin + " has no flavor '" + want + "' for " + component_name +
                               "; it lists: " + known);
}

json::value Manifest::to_json() const {
  json::object comps;
  for (const auto& c : components) {
    json::object flavors;
    for (const auto& f : c.flavors) {
      json::object pin{{"image", f.pin.image}, {"tag", f.pin.tag}};
      pin["digest"] = f.pin.digest ? json::value(*f.pin.digest) : json::value(nullptr);
      if (!f.pin.source.empty()) pin["source"] = f.pin.source;
      // Only when known, so a manifest without ids keeps its digest().
      if (!f.pin.ids.empty()) {
        json::object ids;
        for (const auto& [platform, id] : f.pin.ids) ids[platform] = id;
        pin["ids"] = std::move(ids);
      }
      flavors[f.name] = std::move(pin);
    }
    comps[c.name] = json::object{{"default_flavor", c.default_flavor}, {"flavors", std::move(flavors)}};
  }
  json::object doc{{"schema", 1}, {"components", std::move(comps)}};
  for (const auto& kv : extra) doc[kv.key()] = kv.value();
  return doc;
}

std::string Manifest::digest() const { return "sha256:" + sha256_hex(json::serialize(to_json())); }

Manifest parse_manifest(const json::value& doc, const std::string& origin) {
  const auto& o = as_object(doc, origin, "");
  auto* schema = o.if_contains("schema");
  if (!schema) bad(origin, "/schema", "is required (1)");
  if (!schema->is_int64() || schema->as_int64() != 1)
    bad(origin, "/schema", "is " + json::serialize(*schema) +
                               "; this egg reads manifest schema 1 only (a newer egg wrote this file?)");
  auto* comps = o.if_contains("components");
  if (!comps) bad(origin, "/components", "is required");
  const auto& co = as_object(*comps, origin, "/components");
  Manifest m;
  m.origin = origin;
  for (const auto& kv : co) {
    std::string name(kv.key());
    const auto& names = component_names();
    if (std::find(names.begin(), names.end(), name) == names.end())
      bad(origin, "/components/" + core::pointer_token(name),
          "unknown component; allowed: postgres, vault, s3, forgejo, proxy, runner");
  }
  for (const auto& name : component_names()) {
    auto* c = co.if_contains(name);
    if (!c) bad(origin, "/components/" + name, "is required: a manifest lists all six components");
    m.components.push_back(parse_component(name, *c, origin, "/components/" + name));
  }
  for (const auto& kv : o)
    if (kv.key() != "schema" && kv.key() != "components") m.extra[kv.key()] = kv.value();
  return m;
}

Manifest load_embedded() {
  json::object comps;
  for (const auto& name : component_names()) {
    std::string path = "vendor-manifest/" + name + ".json";
    auto data = embedded::find(path);
    if (!data) throw Error(Exit::failed, "this egg binary carries no " + path + " (a broken build)");
    comps[name] = core::parse_json(*data, path);
  }
  return parse_manifest(json::object{{"schema", 1}, {"components", std::move(comps)}}, "embedded");
}

Manifest load_file(const std::string& path) {
  std::string text;
  try {
    text = core::read_file(path);
  } catch (const Error& e) {
    throw Error(Exit::usage, std::string(e.what()) + " (given with --manifest)");
  }
  return parse_manifest(core::parse_json(text, "manifest " + path), path);
}

Manifest load(const std::optional<std::string>& path) { return path ? load_file(*path) : load_embedded(); }

void require_pinned(const ImagePin& pin, const std::string& component, bool allow_unpinned) {
  if (pin.digest || allow_unpinned) return;
  throw Error(Exit::precondition,
              component + " image " + pin.image + ":" + pin.tag +
                  " has no pinned digest in the manifest; egg starts only images it can verify. "
                  "Pin it (egg manifest lock --registry URL, then --manifest FILE) or pass --allow-unpinned");
}

}  // namespace egg::manifest
