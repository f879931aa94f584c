// The S3 store: RustFS (default) or SeaweedFS, by flavor (docs/contracts/). Root keys are
// generated and handed over as files; buckets are created through the S3 API (SigV4).
#include "egg/components/component.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/random.hpp"
#include "egg/core/template.hpp"
#include "egg/s3/client.hpp"

namespace egg::components {
namespace {

constexpr uid_t kRustfsUid = 10001;  // rustfs/rustfs USER

int service_port(const Context& ctx) { return ctx.cfg.components.s3.flavor == "seaweedfs" ? 8333 : 9000; }

const state::Secret& root_keys(Context& ctx) {
  return ctx.creds.ensure("s3/root", {{"access_key", core::random_token(20)}, {"secret_key", core::random_token(40)}});
}

}  // namespace

// The S3 endpoint egg itself uses: the container's address on the instance network.
s3::Endpoint s3_endpoint(Context& ctx) {
  const auto& keys = root_keys(ctx);
  s3::Endpoint ep;
  ep.url = "http://" + ctx.container_ip("s3") + ":" + std::to_string(service_port(ctx));
  ep.credentials.access_key_id = keys.at("access_key");
  ep.credentials.secret_access_key = core::SecretBytes(keys.at("secret_key"));
  return ep;
}

Component s3() {
  Component c;
  c.name = "s3";
  c.spec = [](Context& ctx) {
    const auto& keys = root_keys(ctx);
    Spec s;
    s.component = "s3";
    s.name = ctx.object_name("s3");
    s.pin = config::image_pin(ctx.cfg, ctx.manifest, "s3");
    s.volumes = {{ctx.object_name("s3"), "/data"}};
    int port = service_port(ctx);
    if (ctx.cfg.ports.s3) s.ports = {{port, "127.0.0.1", *ctx.cfg.ports.s3}};
    if (ctx.cfg.components.s3.flavor == "seaweedfs") {
      s.cmd = {"server", "-s3", "-s3.port=8333", "-s3.config=/egg/s3.json",
               // Upstream's defaults preallocate 1 GiB volumes (7 GB for one bucket, measured).
               "-master.volumePreallocate=false", "-master.volumeSizeLimitMB=64"};
      s.files = {{"/egg/s3.json",
                  core::render_embedded("templates/s3/seaweedfs-s3.json",
                                        {{"access_key", keys.at("access_key")}, {"secret_key", keys.at("secret_key")}}),
                  0600, 0, 0}};
    } else {
      // Without keys RustFS starts with rustfsadmin/rustfsadmin: the *_FILE pair is always set.
      s.env = {"RUSTFS_ACCESS_KEY_FILE=/egg/s3-access-key", "RUSTFS_SECRET_KEY_FILE=/egg/s3-secret-key",
               "RUSTFS_VOLUMES=/data", "RUSTFS_ADDRESS=:9000", "RUSTFS_CONSOLE_ENABLE=false"};
      s.files = {{"/egg/s3-access-key", keys.at("access_key"), 0400, kRustfsUid, kRustfsUid},
                 {"/egg/s3-secret-key", keys.at("secret_key"), 0400, kRustfsUid, kRustfsUid}};
    }
    return s;
  };
  c.wait_ready = [](Context& ctx) { wait_http(ctx, "s3", service_port(ctx), 120); };
  c.init = [](Context& ctx, bool) -> std::vector<std::string> {
    s3::Client client(s3_endpoint(ctx));
    std::vector<std::string> changes;
    for (const auto& bucket : {ctx.cfg.components.s3.buckets.forgejo, ctx.cfg.components.s3.buckets.backups}) {
      if (client.bucket_exists(bucket)) continue;
      client.ensure_bucket(bucket);
      changes.push_back("bucket " + bucket + " created");
    }
    return changes;
  };
  return c;
}

}  // namespace egg::components
