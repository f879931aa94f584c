#include "egg/backup/manifest.hpp"

#include "egg/core/build_info.hpp"
#include "egg/core/json.hpp"

namespace egg::backup {

namespace json = core::json;


std::string bundle_manifest(components::Context& ctx, const std::string& id, std::int64_t time, const PublicKeys& keys) {
  json::object comps;
  for (const auto& name : manifest::component_names()) {
    if (!config::enabled(ctx.cfg, name)) continue;
    auto pin = config::image_pin(ctx.cfg, ctx.manifest, name);
    json::object c{{"image", pin.reference()}, {"tag", pin.tag}, {"flavor", config::flavor(ctx.cfg, name)}};
    // What the running container was created from, when egg recorded it.
    if (auto it = ctx.st.components.find(name); it != ctx.st.components.end())
      if (const auto* img = it->second.if_contains("image")) c["running_image"] = *img;
    comps[name] = std::move(c);
  }
  json::value vault = nullptr;
  if (ctx.st.vault)
    vault = json::object{{"flavor", ctx.cfg.components.vault.flavor},
                         {"cluster_id", ctx.st.vault->cluster_id},
                         {"shares", ctx.st.vault->shares},
                         {"threshold", ctx.st.vault->threshold}};
  json::array order;
  for (const char* s : kRestoreOrder) order.emplace_back(s);
  json::object m{{"format", "egg-bundle"},
                 {"version", kBundleFormatVersion},
                 {"bundle_id", id},
                 {"time", state::utc_iso(time)},
                 {"unix_time", time},
                 {"instance", ctx.instance()},
                 {"instance_id", ctx.st.instance_id},
                 {"egg", json::object{{"version", core::kVersion}, {"commit", core::kCommit}}},
                 {"manifest_digest", ctx.manifest.digest()},
                 {"components", std::move(comps)},
                 {"vault", std::move(vault)},
                 {"consistency", config::to_string(ctx.cfg.backup.consistency)},
                 {"keys", json::object{{"recipient", bundle::age::encode_recipient(keys.recipient)},
                                       {"signer", signer_hex(keys.signer)}}},
                 {"restore_order", std::move(order)}};
  return core::pretty_json(m);
}

}  // namespace egg::backup
