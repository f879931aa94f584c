#pragma once
// The image manifest (docs/formats/manifest.md): which image, by digest, each component and
// flavor runs. Embedded at build time from vendor-manifest/, or read from --manifest FILE.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "egg/core/json.hpp"

namespace egg::manifest {

// Every component egg knows, in the order it starts them.
const std::vector<std::string>& component_names();

struct ImagePin {
  std::string image;                  // repository, e.g. docker.io/library/postgres
  std::string tag;                    // informational
  std::optional<std::string> digest;  // sha256:<64 hex>, or none when no authoritative pin exists
  std::string source;
  // Image ids (config digests) per platform ("linux/amd64" -> sha256:...), written by
  // `egg manifest lock`. After `images/load` the classic store keeps no RepoDigests (moby#22011),
  // so the id is what proves a loaded image is the pinned one. Empty when unknown.
  std::map<std::string, std::string> ids;

  // What egg pulls: image@digest, or image:tag for an unpinned image (only with --allow-unpinned).
  std::string reference() const;
};

struct Flavor {
  std::string name;
  ImagePin pin;
};

struct Component {
  std::string name;
  std::string default_flavor;
  std::vector<Flavor> flavors;

  const Flavor* find(const std::string& flavor) const;
};

struct Manifest {
  std::string origin;  // "embedded" or the file path
  std::vector<Component> components;
  core::json::object extra;  // keys a test manifest may add (e.g. "registry"), kept for printing

  const Component& component(const std::string& name) const;
  // The pin for a component's flavor (its default when `flavor` is empty). Throws Error(usage)
  // naming the flavors that exist.
  const ImagePin& pin(const std::string& component, const std::string& flavor = "") const;

  core::json::value to_json() const;
  // sha256 of the canonical JSON: names this exact set of pins in bundles and evidence.
  std::string digest() const;
};

// Parses and validates a whole manifest; errors (exit 2) name `origin` and the JSON pointer.
Manifest parse_manifest(const core::json::value& doc, const std::string& origin);
Manifest load_embedded();
Manifest load_file(const std::string& path);
// --manifest FILE when given, else the embedded one.
Manifest load(const std::optional<std::string>& path);

// Refuses (exit 4) to use an unpinned image unless allowed, naming the component and the fix.
void require_pinned(const ImagePin& pin, const std::string& component, bool allow_unpinned);

}  // namespace egg::manifest
