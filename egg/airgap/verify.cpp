#include "egg/airgap/verify.hpp"

#include <set>

#include "egg/engine/images.hpp"

namespace egg::airgap {
namespace json = core::json;

std::string to_string(Verdict v) {
  switch (v) {
    case Verdict::match: return "match";
    case Verdict::unverified: return "unverified";
    case Verdict::mismatch: return "mismatch";
    case Verdict::not_in_manifest: return "not-in-manifest";
  }
  return "?";
}

namespace {

// "repo:tag" → {familiar repo, tag}; a ref without a tag (an id) gives an empty repo.
std::pair<std::string, std::string> split_tag(const std::string& ref) {
  auto colon = ref.rfind(':');
  auto slash = ref.rfind('/');
  if (ref.starts_with("sha256:") || colon == std::string::npos || (slash != std::string::npos && colon < slash))
    return {"", ""};
  return {engine::familiar_name(ref.substr(0, colon)), ref.substr(colon + 1)};
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

Check check_loaded(const std::string& ref, const std::string& id, const json::value& inspect,
                   const manifest::Manifest& m) {
  Check c{ref, id, Verdict::not_in_manifest, {}, ""};
  // Every repo:tag the engine now gives this image, plus the one the load reported.
  std::set<std::pair<std::string, std::string>> tags;
  if (auto t = split_tag(ref); !t.first.empty()) tags.insert(t);
  if (const auto* o = inspect.if_object())
    if (const auto* rt = o->if_contains("RepoTags"); rt && rt->is_array())
      for (const auto& v : rt->get_array())
        if (v.is_string())
          if (auto t = split_tag(std::string(v.get_string())); !t.first.empty()) tags.insert(t);

  std::vector<std::string> strong, same_tag_known_ids, same_tag_unknown_ids, same_repo;
  std::string how;
  for (const auto& comp : m.components)
    for (const auto& f : comp.flavors) {
      const auto& pin = f.pin;
      std::string name = comp.name + "/" + f.name;
      if (pin.digest && id == *pin.digest) {
        // The containerd image store names an image by its manifest (index) digest.
        strong.push_back(name), how = "by id (= the pinned digest)";
        continue;
      }
      bool by_id = false;
      for (const auto& [platform, pid] : pin.ids)
        if (pid == id) by_id = true, how = "by id (" + platform + ")";
      if (by_id) {
        strong.push_back(name);
        continue;
      }
      if (pin.digest && engine::has_repo_digest(inspect, pin.image, *pin.digest)) {
        strong.push_back(name), how = "by digest " + *pin.digest;
        continue;
      }
      std::string repo = engine::familiar_name(pin.image);
      for (const auto& [r, t] : tags) {
        if (r != repo) continue;
        if (t == pin.tag) {
          (pin.ids.empty() ? same_tag_unknown_ids : same_tag_known_ids).push_back(name);
        } else {
          same_repo.push_back(name + " (pinned tag " + pin.tag + ")");
        }
      }
    }

  if (!strong.empty()) {
    c.verdict = Verdict::match, c.pins = strong;
    c.detail = "matches the " + join(strong) + " pin " + how;
  } else if (!same_tag_known_ids.empty()) {
    // The manifest says which ids this tag may have; this is none of them.
    c.verdict = Verdict::mismatch, c.pins = same_tag_known_ids;
    c.detail = "has the tag of the " + join(same_tag_known_ids) + " pin but id " + id +
               " is none of the ids the manifest records for it: not the pinned image";
  } else if (!same_tag_unknown_ids.empty()) {
    c.verdict = Verdict::unverified, c.pins = same_tag_unknown_ids;
    c.detail = "tag matches the " + join(same_tag_unknown_ids) + " pin, but the digest cannot be verified after a load "
               "(no RepoDigests, moby#22011) and the manifest records no ids (lock it with `egg manifest lock`): id " + id;
  } else {
    c.detail = same_repo.empty() ? "not in the manifest" : "not in the manifest: same repository as " + join(same_repo);
  }
  return c;
}

}  // namespace egg::airgap
