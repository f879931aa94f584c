#include "egg/vault/client.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include "egg/core/exit.hpp"
#include "egg/core/redact.hpp"

namespace egg::vault {
namespace json = core::json;
namespace http = core::http;

namespace {

std::string errors_of(const std::string& body) {
  // Vault errors: {"errors":["..."]}. Anything else is shown as is (truncated).
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (!ec && v.is_object()) {
    if (auto* errs = v.as_object().if_contains("errors"); errs && errs->is_array()) {
      std::string out;
      for (const auto& e : errs->as_array())
        if (e.is_string()) out += (out.empty() ? "" : "; ") + std::string(e.as_string());
      if (!out.empty()) return out;
    }
  }
  return body.substr(0, 300);
}

int int_of(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_int64() ? static_cast<int>(v->as_int64()) : 0;
}

std::string str_of(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

Client::Client(std::string address, std::string token)
    : address_(std::move(address)), token_(std::move(token)), http_(http::Endpoint{address_, "", "", std::chrono::seconds(5)}) {
  core::register_secret(token_);
}

void Client::set_token(std::string token) {
  core::register_secret(token);
  token_ = std::move(token);
}

http::Response Client::call(const std::string& method, const std::string& path, const std::string& body) {
  http::Request req;
  req.method = method;
  req.target = "/v1/" + path;
  if (!token_.empty()) req.headers.push_back({"X-Vault-Token", token_});
  if (!body.empty()) {
    req.headers.push_back({"Content-Type", "application/json"});
    req.body = body;
  }
  req.timeout = std::chrono::seconds(60);
  try {
    return http_.perform(req);
  } catch (const http::TransportError& e) {
    throw Error(e.code(), "Vault at " + address_ + " did not answer " + method + " /v1/" + path + ": " + e.what());
  }
}

json::value Client::call_json(const std::string& method, const std::string& path, const std::string& body,
                              std::initializer_list<int> ok) {
  auto resp = call(method, path, body);
  if (std::find(ok.begin(), ok.end(), resp.status) == ok.end()) {
    Exit code = resp.status == 403 ? Exit::auth : Exit::failed;
    throw Error(code, "Vault " + method + " /v1/" + path + " failed (HTTP " + std::to_string(resp.status) +
                          "): " + errors_of(resp.body));
  }
  if (resp.body.empty()) return nullptr;
  return core::parse_json(resp.body, "Vault response to " + method + " /v1/" + path);
}

SealStatus Client::seal_status() {
  auto v = call_json("GET", "sys/seal-status");
  const auto& o = v.as_object();
  SealStatus s;
  s.initialized = o.at("initialized").as_bool();
  s.sealed = o.at("sealed").as_bool();
  s.shares = int_of(o, "n");
  s.threshold = int_of(o, "t");
  s.progress = int_of(o, "progress");
  s.version = str_of(o, "version");
  s.cluster_id = str_of(o, "cluster_id");
  s.type = str_of(o, "type");
  return s;
}

bool Client::wait_until_responding(int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (true) {
    try {
      seal_status();
      return true;
    } catch (const Error&) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }
}

InitResult Client::init(int shares, int threshold) {
  json::object req{{"secret_shares", shares}, {"secret_threshold", threshold}};
  auto v = call_json("PUT", "sys/init", json::serialize(req));
  InitResult r;
  const auto& o = v.as_object();
  for (const auto& k : o.at("keys").as_array()) {
    r.keys.emplace_back(k.as_string());
    core::register_secret(r.keys.back());
  }
  if (auto* b64 = o.if_contains("keys_base64"); b64 && b64->is_array())
    for (const auto& k : b64->as_array()) core::register_secret(std::string(k.as_string()));
  r.root_token = std::string(o.at("root_token").as_string());
  core::register_secret(r.root_token);
  return r;
}

SealStatus Client::unseal(const std::vector<std::string>& keys) {
  SealStatus s = seal_status();
  if (!s.sealed) return s;
  call_json("PUT", "sys/unseal", R"({"reset":true})");
  auto foreign = [&](const std::string& detail) {
    return Error(Exit::auth, "Vault at " + address_ + " stayed sealed: the unseal keys do not belong to this "
                             "Vault's current seal (" + detail + ")");
  };
  for (const auto& key : keys) {
    core::register_secret(key);
    auto resp = call("PUT", "sys/unseal", json::serialize(json::object{{"key", key}}));
    // A wrong combination of shares is refused with HTTP 400 once the threshold is reached.
    if (resp.status == 400) throw foreign(errors_of(resp.body));
    if (resp.status != 200)
      throw Error(Exit::failed, "Vault unseal failed (HTTP " + std::to_string(resp.status) + "): " + errors_of(resp.body));
    auto v = core::parse_json(resp.body, "Vault unseal response");
    if (!v.as_object().at("sealed").as_bool()) {
      wait_until_active(60);
      return seal_status();
    }
  }
  throw foreign(std::to_string(keys.size()) + " keys submitted");
}

void Client::wait_until_active(int seconds) {
  // sys/health answers 200 only on an unsealed, active node (429 standby, 503 sealed, 501 not
  // initialised); raft needs a moment after unseal to elect itself.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (true) {
    int status = 0;
    try {
      status = call("GET", "sys/health").status;
    } catch (const Error&) {
    }
    if (status == 200) return;
    if (std::chrono::steady_clock::now() >= deadline)
      throw Error(Exit::failed, "Vault at " + address_ + " did not become active within " + std::to_string(seconds) +
                                    " s (last sys/health status " + std::to_string(status) + ")");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

bool Client::has_mount(const std::string& path) {
  auto v = call_json("GET", "sys/mounts");
  const auto& o = v.as_object();
  std::string key = path + "/";
  if (o.if_contains(key)) return true;
  auto* data = o.if_contains("data");
  return data && data->is_object() && data->as_object().if_contains(key);
}

void Client::mount_kv2(const std::string& path) {
  json::object req{{"type", "kv"}, {"options", json::object{{"version", "2"}}}};
  call_json("POST", "sys/mounts/" + path, json::serialize(req));
}

void Client::kv_put(const std::string& mount, const std::string& path,
                    const std::map<std::string, std::string>& data) {
  json::object d;
  for (const auto& [k, v] : data) {
    core::register_secret(v);
    d[k] = v;
  }
  std::string body = json::serialize(json::object{{"data", std::move(d)}});
  // Right after a KV v2 mount, writes fail for a moment with "Upgrading from non-versioned to
  // versioned data" (docs/vault.md): retry for a few seconds.
  for (int attempt = 0;; ++attempt) {
    auto resp = call("POST", mount + "/data/" + path, body);
    if (resp.status == 200 || resp.status == 204) return;
    bool upgrading = resp.body.find("pgrading") != std::string::npos;
    if (!upgrading || attempt >= 40)
      throw Error(resp.status == 403 ? Exit::auth : Exit::failed,
                  "Vault write " + mount + "/" + path + " failed (HTTP " + std::to_string(resp.status) +
                      "): " + errors_of(resp.body));
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

std::optional<std::map<std::string, std::string>> Client::kv_get(const std::string& mount, const std::string& path) {
  auto resp = call("GET", mount + "/data/" + path);
  if (resp.status == 404) return std::nullopt;
  if (resp.status != 200)
    throw Error(resp.status == 403 ? Exit::auth : Exit::failed,
                "Vault read " + mount + "/" + path + " failed (HTTP " + std::to_string(resp.status) +
                    "): " + errors_of(resp.body));
  auto v = core::parse_json(resp.body, "Vault KV response");
  std::map<std::string, std::string> out;
  for (const auto& kv : v.at("data").at("data").as_object()) {
    std::string value = kv.value().is_string() ? std::string(kv.value().as_string()) : json::serialize(kv.value());
    core::register_secret(value);
    out[std::string(kv.key())] = value;
  }
  return out;
}

std::vector<std::string> Client::kv_list(const std::string& mount, const std::string& path) {
  auto resp = call("LIST", mount + "/metadata/" + path);
  if (resp.status == 404) return {};
  if (resp.status != 200)
    throw Error(Exit::failed, "Vault list " + mount + "/" + path + " failed (HTTP " + std::to_string(resp.status) +
                                  "): " + errors_of(resp.body));
  std::vector<std::string> keys;
  auto v = core::parse_json(resp.body, "Vault list response");
  for (const auto& k : v.at("data").at("keys").as_array()) keys.emplace_back(k.as_string());
  return keys;
}

void Client::put_policy(const std::string& name, const std::string& hcl) {
  call_json("PUT", "sys/policies/acl/" + name, json::serialize(json::object{{"policy", hcl}}));
}

std::string Client::create_token(const std::vector<std::string>& policies, const std::string& display_name,
                                 const std::string& period) {
  json::array pol;
  for (const auto& p : policies) pol.emplace_back(p);
  json::object req{{"policies", std::move(pol)}, {"display_name", display_name}, {"period", period},
                   {"no_default_policy", true}, {"renewable", true}};
  auto v = call_json("POST", "auth/token/create-orphan", json::serialize(req));
  std::string token(v.at("auth").at("client_token").as_string());
  core::register_secret(token);
  return token;
}

bool Client::token_valid() {
  auto resp = call("GET", "auth/token/lookup-self");
  return resp.status == 200;
}

void Client::renew_self() { call_json("POST", "auth/token/renew-self", "{}"); }

void Client::snapshot(const http::BodyWriter& writer) {
  http::Request req;
  req.target = "/v1/sys/storage/raft/snapshot";
  req.headers.push_back({"X-Vault-Token", token_});
  req.writer = writer;
  req.timeout = std::chrono::milliseconds(0);
  auto resp = http_.perform(req);
  if (resp.status != 200)
    throw Error(resp.status == 403 ? Exit::auth : Exit::failed,
                "Vault raft snapshot failed (HTTP " + std::to_string(resp.status) + "): " + errors_of(resp.body));
}

void Client::restore_snapshot(const http::BodyReader& reader, std::uint64_t size, bool force) {
  http::Request req;
  req.method = "POST";
  req.target = force ? "/v1/sys/storage/raft/snapshot-force" : "/v1/sys/storage/raft/snapshot";
  req.headers.push_back({"X-Vault-Token", token_});
  req.headers.push_back({"Content-Type", "application/octet-stream"});
  req.reader = reader;
  req.body_size = size;
  req.timeout = std::chrono::milliseconds(0);
  auto resp = http_.perform(req);
  if (resp.status != 200 && resp.status != 204)
    throw Error(Exit::failed, "Vault raft snapshot restore failed (HTTP " + std::to_string(resp.status) +
                                  "): " + errors_of(resp.body));
}

}  // namespace egg::vault
