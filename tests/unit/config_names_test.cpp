#include <doctest/doctest.h>

#include "egg/config/names.hpp"

using namespace egg::config;

TEST_CASE("host names follow RFC 1123, lowercase, with a dot") {
  CHECK(check_hostname("forge.example.org").empty());
  CHECK(check_hostname("localhost").empty());
  CHECK(check_hostname("a-1.b2.example").empty());
  CHECK_FALSE(check_hostname("").empty());
  CHECK_FALSE(check_hostname("forge").empty());
  CHECK_FALSE(check_hostname("forge.example.org.").empty());
  CHECK_FALSE(check_hostname("-forge.example.org").empty());
  CHECK_FALSE(check_hostname("forge..example.org").empty());
  CHECK_FALSE(check_hostname("192.168.1.10").empty());
  CHECK_FALSE(check_hostname(std::string(64, 'a') + ".org").empty());
  CHECK(check_hostname(std::string(63, 'a') + ".org").empty());
}

TEST_CASE("instance names") {
  CHECK(check_instance_name("egg").empty());
  CHECK(check_instance_name("drill-2").empty());
  CHECK_FALSE(check_instance_name("2egg").empty());
  CHECK_FALSE(check_instance_name("egg-").empty());
  CHECK_FALSE(check_instance_name("egg_x").empty());
}

TEST_CASE("Forgejo names and reserved words") {
  CHECK(check_forgejo_name("egg-admin").empty());
  CHECK(check_forgejo_name("Platform.Team").empty());
  for (const char* reserved : {"admin", "Admin", "api", "assets", "ghost", "user", "org", "explore", "login"})
    CHECK_FALSE(check_forgejo_name(reserved).empty());
  CHECK_FALSE(check_forgejo_name("me.keys").empty());
  CHECK_FALSE(check_forgejo_name("a--b").empty());
  CHECK_FALSE(check_forgejo_name("-a").empty());
}

TEST_CASE("buckets, e-mail, images, digests and secret paths") {
  CHECK(check_bucket_name("foundation-backups").empty());
  CHECK_FALSE(check_bucket_name("ab").empty());
  CHECK_FALSE(check_bucket_name("192.168.0.1").empty());
  CHECK(check_email("ops@example.org").empty());
  CHECK(check_email("egg-admin@localhost").empty());
  CHECK_FALSE(check_email("ops@@example.org").empty());
  CHECK(check_image_repository("127.0.0.1:5000/egg/openbao").empty());
  CHECK_FALSE(check_image_repository("docker.io/hashicorp/vault:1.20").empty());
  CHECK(check_digest("sha256:" + std::string(64, '0')).empty());
  CHECK_FALSE(check_digest("sha256:" + std::string(64, 'A')).empty());
  CHECK(check_secret_file_path("/etc/egg/token").empty());
  auto why = check_secret_file_path("cf-abcdef-secret");
  CHECK_FALSE(why.empty());
  CHECK(why.find("cf-abcdef-secret") == std::string::npos);
}
