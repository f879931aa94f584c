#include "egg/state/credentials.hpp"


#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "egg/core/json.hpp"
#include "egg/core/redact.hpp"
#include "egg/core/sha256.hpp"

namespace egg::state {
namespace json = core::json;

namespace {
// Names, not secrets: registering "postgres" would redact every container name.
bool is_secret_field(const std::string& field) { return field != "username" && field != "database"; }
}  // namespace

Credentials Credentials::load(const std::filesystem::path& state_dir) {
  Credentials c;
  c.path_ = state_dir / "credentials.json";
  std::error_code ec;
  if (!std::filesystem::exists(c.path_, ec)) return c;
  core::require_private_file(c.path_);
  auto doc = core::parse_json(core::read_file(c.path_), c.path_.string());
  try {
    if (doc.at("schema").as_int64() != 1)
      throw Error(Exit::usage, c.path_.string() + " has schema " + json::serialize(doc.at("schema")) +
                                   "; this egg reads schema 1 (written by a newer egg?)");
    for (const auto& kv : doc.at("secrets").as_object()) {
      Secret s;
      for (const auto& f : kv.value().as_object()) {
        std::string v(f.value().as_string());
        if (is_secret_field(std::string(f.key()))) core::register_secret(v);
        s[std::string(f.key())] = std::move(v);
      }
      c.secrets_[std::string(kv.key())] = std::move(s);
    }
  } catch (const std::exception& e) {
    if (auto* err = dynamic_cast<const Error*>(&e)) throw *err;
    throw Error(Exit::usage, c.path_.string() + " is not a valid credentials file: " + e.what());
  }
  return c;
}

const Secret& Credentials::ensure(const std::string& path, const std::map<std::string, std::string>& defaults) {
  auto& s = secrets_[path];
  for (const auto& [field, value] : defaults) {
    if (s.count(field)) continue;
    if (is_secret_field(field)) core::register_secret(value);
    s[field] = value;
    dirty_ = true;
  }
  return s;
}

const Secret* Credentials::find(const std::string& path) const {
  auto it = secrets_.find(path);
  return it == secrets_.end() ? nullptr : &it->second;
}

void Credentials::set(const std::string& path, Secret secret) {
  for (const auto& kv : secret)
    if (is_secret_field(kv.first)) core::register_secret(kv.second);
  if (secrets_[path] != secret) dirty_ = true;
  secrets_[path] = std::move(secret);
}

static json::object to_json(const std::map<std::string, Secret>& secrets) {
  json::object all;
  for (const auto& [path, fields] : secrets) {
    json::object o;
    for (const auto& [k, v] : fields) o[k] = v;
    all[path] = std::move(o);
  }
  return json::object{{"schema", 1}, {"secrets", std::move(all)}};
}

void Credentials::save_if_changed() {
  if (!dirty_) return;
  core::ensure_private_dir(path_.parent_path());
  core::write_file_atomic(path_, core::pretty_json(to_json(secrets_)), 0600);
  dirty_ = false;
}

std::string Credentials::digest() const {
  return core::hex(core::sha256(json::serialize(to_json(secrets_))));
}

}  // namespace egg::state
