#include "egg/backup/destination.hpp"

#include <algorithm>
#include <ctime>

#include "egg/components/component.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "egg/core/random.hpp"
#include "egg/core/redact.hpp"

namespace egg::backup {

namespace fs = std::filesystem;

std::string to_string(BundleState s) {
  switch (s) {
    case BundleState::good:
      return "good";
    case BundleState::incomplete:
      return "incomplete";
    case BundleState::bad:
      return "bad";
  }
  return "bad";
}

StoredBundle judge_bundle(const std::string& id, std::uint64_t length, bool has_signature,
                          const std::function<bundle::SignedFacts()>& verify) {
  StoredBundle b;
  b.id = id;
  b.length = length;
  if (!has_signature) {
    b.detail = "no signature: the bundle is incomplete";
    return b;
  }
  try {
    auto f = verify();
    if (f.bundle_id != id) throw Error(Exit::verify, "the signature is for bundle " + f.bundle_id);
    if (f.length != length)
      throw Error(Exit::verify, "its length " + std::to_string(length) + " differs from the signed " + std::to_string(f.length));
    b.state = BundleState::good;
    b.time = f.time;
  } catch (const Error& err) {
    if (err.code() != Exit::verify) throw;
    b.state = BundleState::bad;
    b.detail = err.what();
  }
  return b;
}

void sort_newest_first(std::vector<StoredBundle>& bundles) {
  std::sort(bundles.begin(), bundles.end(), [](const auto& a, const auto& b) { return a.id > b.id; });
}

std::string make_bundle_id(const std::string& instance, std::int64_t unix_time) {
  std::time_t t = static_cast<std::time_t>(unix_time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return instance + "-" + buf + "-" + core::random_hex(4);
}

std::optional<std::string> bundle_id_of(const std::string& name, const std::string& instance) {
  std::string id = name.ends_with(".egg") ? name.substr(0, name.size() - 4) : name;
  // <instance>-YYYYMMDDTHHMMSSZ-xxxxxxxx
  if (!id.starts_with(instance + "-") || id.size() != instance.size() + 1 + 16 + 1 + 8) return std::nullopt;
  std::string_view rest(id);
  rest.remove_prefix(instance.size() + 1);
  for (std::size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    bool ok = i == 8 ? c == 'T' : i == 15 ? c == 'Z' : i == 16 ? c == '-' : i < 15 ? (c >= '0' && c <= '9')
                                                                                  : std::isxdigit(static_cast<unsigned char>(c)) && !std::isupper(static_cast<unsigned char>(c));
    if (!ok) return std::nullopt;
  }
  return id;
}

namespace {

std::string read_key_file(const std::string& path) {
  core::require_private_file(path);
  std::string v = core::read_file(path);
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r' || v.back() == ' ')) v.pop_back();
  if (v.empty()) throw Error(Exit::usage, path + " is empty: it must hold the S3 key");
  return v;
}

}  // namespace

std::unique_ptr<Destination> open_destination(components::Context& ctx, const config::Destination& d) {
  switch (d.type) {
    case config::BackupType::local:
      return directory_destination("local", fs::path(ctx.state_dir()) / d.path, ctx.instance());
    case config::BackupType::directory:
      return directory_destination("directory", d.path, ctx.instance());
    case config::BackupType::s3_store:
      return s3_destination("s3-store", components::s3_endpoint(ctx), ctx.cfg.components.s3.buckets.backups, d.prefix,
                            ctx.instance());
    case config::BackupType::s3: {
      if (!d.path_style)
        throw Error(Exit::usage, "backup destination " + d.endpoint + "/" + d.bucket +
                                     ": path_style false (virtual-hosted URLs) is not supported by this egg; set it to "
                                     "true (every S3 server egg knows accepts path-style requests)");
      s3::Endpoint ep;
      ep.url = d.endpoint;
      ep.region = d.region.empty() ? "us-east-1" : d.region;
      ep.credentials.access_key_id = read_key_file(d.access_key_file);
      std::string secret = read_key_file(d.secret_key_file);
      core::register_secret(secret);
      ep.credentials.secret_access_key = core::SecretBytes(secret);
      return s3_destination("s3", std::move(ep), d.bucket, d.prefix, ctx.instance());
    }
  }
  throw Error(Exit::usage, "unknown backup destination type");
}

std::string describe(const components::Context& ctx, const config::Destination& d) {
  switch (d.type) {
    case config::BackupType::local:
      return "local " + (fs::path(ctx.state_dir()) / d.path).string();
    case config::BackupType::directory:
      return "directory " + d.path;
    case config::BackupType::s3_store:
      return "s3-store " + ctx.cfg.components.s3.buckets.backups + "/" + d.prefix;
    case config::BackupType::s3:
      return "s3 " + d.endpoint + "/" + d.bucket + "/" + d.prefix;
  }
  return "?";
}

}  // namespace egg::backup
