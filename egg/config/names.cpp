#include "egg/config/names.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace egg::config {
namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string check_instance_name(std::string_view s) {
  if (s.empty()) return "is empty";
  if (s.size() > 31) return "is longer than 31 characters";
  if (s[0] < 'a' || s[0] > 'z') return "must start with a lowercase letter";
  for (char c : s)
    if (!lower_alnum(c) && c != '-') return "may hold only lowercase letters, digits and '-'";
  if (s.back() == '-') return "must not end with '-'";
  return "";
}

std::string check_hostname(std::string_view s) {
  if (s.empty()) return "is empty";
  if (s.size() > 253) return "is longer than 253 characters";
  if (s.back() == '.') return "must not end with a dot";
  if (std::any_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
    return "must be lowercase";
  if (s.find('.') == std::string_view::npos && s != "localhost")
    return "must be a fully qualified name with at least one dot (or \"localhost\")";
  std::string_view last;
  for (std::size_t start = 0; start <= s.size();) {
    auto end = s.find('.', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view label = s.substr(start, end - start);
    if (label.empty()) return "has an empty label (two dots in a row or a leading dot)";
    if (label.size() > 63) return "has a label longer than 63 characters";
    for (char c : label)
      if (!lower_alnum(c) && c != '-') return "may hold only letters, digits, '-' and '.'";
    if (label.front() == '-' || label.back() == '-') return "has a label that starts or ends with '-'";
    last = label;
    start = end + 1;
  }
  if (all_digits(last)) return "is an IP address or ends in a numeric label; give a DNS name";
  return "";
}

std::string check_email(std::string_view s) {
  auto at = s.find('@');
  if (at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos)
    return "must be one address of the form name@host";
  std::string_view local = s.substr(0, at);
  if (local.empty() || local.size() > 64) return "must have 1 to 64 characters before '@'";
  static constexpr std::string_view kLocalExtra = ".!#$%&'*+/=?^_`{|}~-";
  for (char c : local)
    if (!alnum(c) && kLocalExtra.find(c) == std::string_view::npos)
      return "has a character not allowed before '@'";
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return "has a misplaced dot before '@'";
  if (auto why = check_hostname(s.substr(at + 1)); !why.empty()) return "has a host part that " + why;
  return "";
}

std::string check_forgejo_name(std::string_view s) {
  // Forgejo models/user/user.go reservedUsernames and reservedUserPatterns.
  static constexpr std::array<std::string_view, 36> kReserved = {
      ".", "..", ".well-known", "admin", "api", "assets", "attachments", "avatar", "avatars",
      "captcha", "commits", "debug", "error", "explore", "favicon.ico", "ghost", "issues", "login",
      "manifest.json", "metrics", "milestones", "new", "notifications", "org", "pulls", "raw", "repo",
      "repo-avatars", "robots.txt", "search", "serviceworker.js", "ssh_info", "swagger.v1.json",
      "user", "v2", "gitea-actions"};
  static constexpr std::array<std::string_view, 5> kReservedSuffixes = {".keys", ".gpg", ".rss",
                                                                         ".atom", ".png"};
  if (s.empty()) return "is empty";
  if (s.size() > 40) return "is longer than 40 characters";
  auto special = [](char c) { return c == '-' || c == '_' || c == '.'; };
  for (char c : s)
    if (!alnum(c) && !special(c)) return "may hold only letters, digits, '-', '_' and '.'";
  if (!alnum(s.front()) || !alnum(s.back())) return "must start and end with a letter or digit";
  for (std::size_t i = 1; i < s.size(); ++i)
    if (special(s[i]) && special(s[i - 1])) return "must not have two of '-', '_', '.' in a row";
  std::string lower(s);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (std::find(kReserved.begin(), kReserved.end(), lower) != kReserved.end())
    return "is a name Forgejo reserves";
  for (auto suffix : kReservedSuffixes)
    if (lower.size() > suffix.size() && lower.ends_with(suffix)) return "ends in a suffix Forgejo reserves";
  return "";
}

std::string check_bucket_name(std::string_view s) {
  if (s.size() < 3 || s.size() > 63) return "must be 3 to 63 characters long";
  for (char c : s)
    if (!lower_alnum(c) && c != '-' && c != '.') return "may hold only lowercase letters, digits, '-' and '.'";
  if (!lower_alnum(s.front()) || !lower_alnum(s.back())) return "must start and end with a letter or digit";
  if (s.find("..") != std::string_view::npos) return "must not hold two dots in a row";
  if (s.starts_with("xn--") || s.ends_with("-s3alias")) return "uses a prefix or suffix S3 reserves";
  bool ip_like = std::count(s.begin(), s.end(), '.') == 3 &&
                 std::all_of(s.begin(), s.end(), [](char c) { return c == '.' || (c >= '0' && c <= '9'); });
  if (ip_like) return "must not look like an IP address";
  return "";
}

std::string check_image_repository(std::string_view s) {
  if (s.empty()) return "is empty";
  for (char c : s)
    if (!lower_alnum(c) && c != '.' && c != '_' && c != '-' && c != '/' && c != ':')
      return "may hold only lowercase letters, digits and . _ - / : (registry port)";
  if (s.front() == '/' || s.back() == '/') return "must not start or end with '/'";
  auto colon = s.find_last_of(':');
  auto slash = s.find_last_of('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash))
    return "must not carry a tag (put it in \"tag\")";
  return "";
}

std::string check_digest(std::string_view s) {
  if (s.size() != 71 || !s.starts_with("sha256:")) return "must be \"sha256:\" followed by 64 hex digits";
  for (char c : s.substr(7))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return "must be \"sha256:\" followed by 64 lowercase hex digits";
  return "";
}

std::string check_secret_file_path(std::string_view s) {
  if (s.empty() || s.front() != '/')
    return "must be an absolute path to a file holding the value, not the value itself (what was "
           "given is not shown, in case it is the secret)";
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20) return "must not hold control characters";
  return "";
}

}  // namespace egg::config
