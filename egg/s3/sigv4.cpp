#include "egg/s3/sigv4.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include "egg/core/exit.hpp"

namespace egg::s3 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

using Mac = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;

Mac hmac(const unsigned char* key, std::size_t key_len, std::string_view msg) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key, key_len);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(msg.data()),
                                msg.size());
  Mac out;
  crypto_auth_hmacsha256_final(&st, out.data());
  sodium_memzero(&st, sizeof st);
  return out;
}

// "Trimall": leading and trailing whitespace dropped, inner runs collapsed to one space.
std::string trim_all(std::string_view v) {
  std::string out;
  bool pending_space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

// RFC 3986 remove_dot_segments plus collapsing of empty segments, as the generic signers do;
// a trailing '/' survives so "/a/" and "/a" stay distinct.
std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::string_view last;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view seg = path.substr(i, j - i);
    last = seg;
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
    } else if (!seg.empty() && seg != ".") {
      out.push_back(seg);
    }
    i = j + 1;
  }
  std::string result;
  for (auto seg : out) {
    result += '/';
    result += seg;
  }
  if (result.empty() || last.empty() || last == "." || last == "..") result += '/';
  return result;
}

void check_header_text(std::string_view s) {
  if (s.find_first_of("\r\n") != std::string_view::npos)
    throw Error(Exit::failed, "S3 signing: header contains a line break");
}

}  // namespace

std::string hex(const unsigned char* data, std::size_t n) { return core::hex(data, n); }

std::string sha256_hex(std::string_view data) { return core::hex(core::sha256(data)); }

std::string uri_encode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (unreserved(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
        hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string canonical_uri(std::string_view path, UriMode mode) {
  if (path.empty()) return "/";
  // S3: decode then encode once, so a path the caller already encoded is not encoded twice.
  if (mode == UriMode::s3) return uri_encode(percent_decode(path), true);
  return uri_encode(normalize_path(path), true);
}

std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  std::size_t i = 0;
  while (i <= query.size()) {
    std::size_t j = query.find('&', i);
    if (j == std::string_view::npos) j = query.size();
    std::string_view part = query.substr(i, j - i);
    if (!part.empty()) {
      std::size_t eq = part.find('=');
      std::string_view k = part.substr(0, eq);
      std::string_view v = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
      params.emplace_back(uri_encode(percent_decode(k), false),
                          uri_encode(percent_decode(v), false));
    }
    i = j + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += k;
    out += '=';  // a valueless parameter is written "key=" (curl 7.88 gets this wrong)
    out += v;
  }
  return out;
}

std::pair<std::string, std::string> canonical_headers(const Headers& headers) {
  std::map<std::string, std::string> merged;  // sorted by lowercase name
  for (const auto& [name, value] : headers) {
    check_header_text(name);
    check_header_text(value);
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    lower = trim_all(lower);
    auto [it, fresh] = merged.try_emplace(lower, trim_all(value));
    if (!fresh) it->second += "," + trim_all(value);  // repeated headers keep their order
  }
  std::string block, names;
  for (const auto& [name, value] : merged) {
    block += name + ":" + value + "\n";
    if (!names.empty()) names += ';';
    names += name;
  }
  return {block, names};
}

std::string canonical_request(const SignInput& in, UriMode mode) {
  auto [block, names] = canonical_headers(in.headers);
  return in.method + "\n" + canonical_uri(in.path, mode) + "\n" + canonical_query(in.query) +
         "\n" + block + "\n" + names + "\n" + in.payload_hash;
}

std::string string_to_sign(std::string_view creq, const Scope& scope) {
  std::string out(kAlgorithm);
  out += "\n" + scope.amz_date + "\n" + scope.amz_date.substr(0, 8) + "/" + scope.region + "/" +
         scope.service + "/aws4_request\n" + sha256_hex(creq);
  return out;
}

std::array<unsigned char, 32> signing_key(const core::SecretBytes& secret, std::string_view date,
                                          std::string_view region, std::string_view service) {
  core::SecretBytes k_secret(4 + secret.size());
  std::copy_n(reinterpret_cast<const unsigned char*>("AWS4"), 4, k_secret.data());
  std::copy_n(secret.data(), secret.size(), k_secret.data() + 4);
  Mac k_date = hmac(k_secret.data(), k_secret.size(), date);
  Mac k_region = hmac(k_date.data(), k_date.size(), region);
  Mac k_service = hmac(k_region.data(), k_region.size(), service);
  Mac k_signing = hmac(k_service.data(), k_service.size(), "aws4_request");
  sodium_memzero(k_date.data(), k_date.size());
  sodium_memzero(k_region.data(), k_region.size());
  sodium_memzero(k_service.data(), k_service.size());
  return k_signing;
}

Signature sign(const SignInput& in, const Credentials& creds, const Scope& scope) {
  if (scope.amz_date.size() != 16 || scope.amz_date[8] != 'T' || scope.amz_date[15] != 'Z')
    throw Error(Exit::failed, "S3 signing: bad x-amz-date '" + scope.amz_date + "'");
  if (scope.region.empty() || scope.service.empty() || creds.access_key_id.empty())
    throw Error(Exit::failed, "S3 signing: region, service and access key id are required");
  if (in.payload_hash.empty())
    throw Error(Exit::failed, "S3 signing: payload hash missing");
  Signature s;
  s.canonical_request = canonical_request(in, scope.mode);
  s.signed_headers = canonical_headers(in.headers).second;
  s.string_to_sign = string_to_sign(s.canonical_request, scope);
  std::string date = scope.amz_date.substr(0, 8);
  auto key = signing_key(creds.secret_access_key, date, scope.region, scope.service);
  Mac sig = hmac(key.data(), key.size(), s.string_to_sign);
  sodium_memzero(key.data(), key.size());
  s.signature = hex(sig.data(), sig.size());
  s.authorization = std::string(kAlgorithm) + " Credential=" + creds.access_key_id + "/" + date +
                    "/" + scope.region + "/" + scope.service +
                    "/aws4_request, SignedHeaders=" + s.signed_headers +
                    ", Signature=" + s.signature;
  return s;
}

std::string amz_date(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[17];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

}  // namespace egg::s3
