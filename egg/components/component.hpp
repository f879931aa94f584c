#pragma once
// A component is data plus small hooks: its container spec, how to tell it is ready after a
// start, and its init steps (which check before they act, so every rerun is safe). Adding a
// component is adding one file and one line in component.cpp.
#include <functional>
#include <string>
#include <vector>

#include "egg/components/context.hpp"
#include "egg/components/spec.hpp"
#include "egg/s3/request.hpp"
#include "egg/vault/client.hpp"

namespace egg::components {

struct Component {
  std::string name;
  // Empty when egg can run it; otherwise why not (shown when the config enables it).
  std::string unavailable;
  std::function<Spec(Context&)> spec;
  // Blocks until the started container serves (or throws Error with what was seen).
  std::function<void(Context&)> wait_ready;
  // Init steps after ready. `fresh`: the container was created or recreated in this run.
  // Returns what it changed, one line each; empty when all was already in place.
  std::function<std::vector<std::string>(Context&, bool fresh)> init;
};

// In start order: postgres, s3, vault, forgejo, proxy, runner.
const std::vector<Component>& all();
const Component& find(const std::string& name);

Component postgres();
Component s3();
Component vault();
Component proxy();
Component forgejo();
Component runner();

// How egg itself reaches a running component, on the instance network.
s3::Endpoint s3_endpoint(Context& ctx);  // root keys
vault::Client vault_client(Context& ctx, const std::string& token = "");
std::string vault_data_dir(const Context& ctx);  // the raft directory in the container

// Waits until the container's Docker health is "healthy" (it must define a healthcheck).
void wait_healthy(Context& ctx, const std::string& component, int timeout_s);
// Waits until http://<container ip>:<port>/ answers anything at all.
void wait_http(Context& ctx, const std::string& component, int port, int timeout_s);
// Waits until the container has kept running for `seconds` without a restart.
void wait_running(Context& ctx, const std::string& component, int seconds);

}  // namespace egg::components
