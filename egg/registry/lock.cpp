#include "egg/registry/lock.hpp"

#include <map>
#include <memory>

#include "egg/registry/reference.hpp"

namespace egg::registry {

manifest::Manifest lock(const manifest::Manifest& m, const Resolver& resolve, std::vector<LockResult>& report,
                        const std::string& source) {
  manifest::Manifest out = m;
  for (auto& comp : out.components) {
    for (auto& f : comp.flavors) {
      LockResult r{comp.name, f.name, f.pin.image + ":" + f.pin.tag, LockResult::Status::missing, f.pin.digest, {}};
      if (auto found = resolve(f.pin.image, f.pin.tag)) {
        r.new_digest = found->digest;
        r.status = found->digest == f.pin.digest ? LockResult::Status::unchanged : LockResult::Status::changed;
        f.pin.digest = found->digest;
        f.pin.ids = found->ids;
        f.pin.source = source;
      } else {
        r.new_digest = f.pin.digest;
      }
      report.push_back(std::move(r));
    }
  }
  return out;
}

Resolver registry_resolver(const std::optional<std::string>& override_url) {
  // One client per registry URL, so a bearer token and the connection are reused.
  auto clients = std::make_shared<std::map<std::string, std::unique_ptr<Client>>>();
  return [clients, override_url](const std::string& image, const std::string& tag) {
    Repository repo = split_repository(image);
    std::string url = base_url(repo.registry, override_url);
    auto& c = (*clients)[url];
    if (!c) c = std::make_unique<Client>(url);
    return c->resolve(repo.name, tag);
  };
}

}  // namespace egg::registry
