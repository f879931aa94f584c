#pragma once
// Syntax rules for the names egg.json holds. Each returns an empty string when `s` is fine, else
// what is wrong with it, so the caller can put the JSON pointer (or flag) in front.
#include <string>
#include <string_view>

namespace egg::config {

// Instance name: prefixes every Docker object, so it stays short and DNS/Docker-safe.
std::string check_instance_name(std::string_view s);
// RFC 1123 host name, lowercase, with a dot unless it is "localhost"; no IP addresses.
std::string check_hostname(std::string_view s);
std::string check_email(std::string_view s);
// Forgejo user or organization name, including Forgejo's reserved names (models/user/user.go).
std::string check_forgejo_name(std::string_view s);
// S3 bucket naming rules (AWS "general purpose bucket naming rules").
std::string check_bucket_name(std::string_view s);
// An image repository (no tag, no digest) and a digest "sha256:<64 lowercase hex>".
std::string check_image_repository(std::string_view s);
std::string check_digest(std::string_view s);
// A path to a file egg reads a secret or certificate from. The value itself is never echoed:
// an operator who pastes a token here must not find it in logs.
std::string check_secret_file_path(std::string_view s);

}  // namespace egg::config
