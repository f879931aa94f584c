// The bundle's inner layer: spool files and their compression decision, zstd members, the pax tar
// through age (writer and reader), index.json checks, member paths, and bundle ids
// (bundle/, egg/backup/collect.hpp and destination.hpp; docs/formats/bundle.md).
#include <doctest/doctest.h>
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "bundle/age/age.hpp"
#include "bundle/reader.hpp"
#include "bundle/spool.hpp"
#include "bundle/writer.hpp"
#include "bundle/zstd.hpp"
#include "egg/backup/collect.hpp"
#include "egg/backup/destination.hpp"
#include "egg/core/files.hpp"
#include "egg/engine/archive.hpp"
#include "tests/support/errors.hpp"
#include "tests/support/process.hpp"

using namespace egg;
using egg::test::code_of;
namespace fs = std::filesystem;

namespace {

std::string random_bytes(std::size_t n) {
  std::string s(n, '\0');
  randombytes_buf(s.data(), s.size());
  return s;
}

std::string text_bytes(std::size_t n) {
  std::string s;
  for (int i = 0; s.size() < n; ++i) s += "row " + std::to_string(i) + ",alpha,beta,gamma\n";
  s.resize(n);
  return s;
}

std::string sha_hex(std::string_view s) {
  core::Sha256 h;
  h.update(s);
  return core::hex(h.digest());
}

// Reads a whole bundle into path -> content.
std::map<std::string, std::string> read_all(const fs::path& p, const bundle::age::X25519Identity& id,
                                            bundle::BundleContents* out = nullptr) {
  std::map<std::string, std::string> m;
  auto c = bundle::read_bundle(p, id, [&](const std::string& path, std::uint64_t, const bundle::MemberData& data) {
    std::string buf(4096, '\0'), all;
    for (std::size_t n; (n = data(buf.data(), buf.size())) > 0;) all.append(buf.data(), n);
    m[path] = all;
  });
  if (out) *out = c;
  return m;
}

// A bundle made by hand (any tar), to test what the reader refuses.
void write_raw_bundle(const fs::path& p, const bundle::age::PublicKey& r, const std::vector<engine::TarEntry>& entries) {
  std::string tar = engine::build_tar(entries), out;
  bundle::age::Encryptor e(r, [&](std::string_view s) { out.append(s); });
  e.write(tar);
  e.finish();
  core::write_file_atomic(p, out);
}

std::string index_for(const std::vector<std::pair<std::string, std::string>>& members) {
  std::vector<bundle::MemberRecord> recs;
  for (const auto& [path, data] : members) {
    bundle::MemberRecord r{path, data.size(), {}};
    crypto_hash_sha256(r.sha256.data(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
    recs.push_back(r);
  }
  return bundle::index_json(recs);
}

}  // namespace

TEST_CASE("zstd members round-trip and a truncated or corrupt frame is exit 5") {
  std::string plain = text_bytes(3 << 20), packed, back;
  bundle::ZstdCompressor c([&](std::string_view s) { packed.append(s); }, 3, 2);
  for (std::size_t i = 0; i < plain.size(); i += 100000) c.write(std::string_view(plain).substr(i, 100000));
  c.finish();
  CHECK(packed.size() < plain.size() / 4);
  bundle::ZstdDecompressor d([&](std::string_view s) { back.append(s); }, "m");
  d.feed(packed);
  d.finish();
  CHECK(back == plain);

  bundle::ZstdDecompressor t([](std::string_view) {}, "m");
  CHECK(code_of([&] {
          t.feed(std::string_view(packed).substr(0, packed.size() / 2));
          t.finish();
        }) == Exit::verify);
  std::string bad = packed;
  bad[bad.size() / 2] ^= 0x55;
  bundle::ZstdDecompressor b([](std::string_view) {}, "m");
  CHECK(code_of([&] {
          b.feed(bad);
          b.finish();
        }) == Exit::verify);
}

TEST_CASE("a spool compresses what pays, stores what does not, and hashes the raw bytes") {
  test::TempDir dir;
  struct Case {
    bundle::Compress mode;
    std::string data;
    bool compressed;
  };
  std::vector<Case> cases{{bundle::Compress::if_it_pays, text_bytes(5 << 20), true},
                          {bundle::Compress::if_it_pays, random_bytes(3 << 20), false},
                          {bundle::Compress::if_it_pays, text_bytes(1000), true},
                          {bundle::Compress::if_it_pays, "", false},
                          {bundle::Compress::never, text_bytes(2 << 20), false},
                          {bundle::Compress::always, random_bytes(100000), true}};
  for (const auto& c : cases) {
    fs::path file;
    {
      bundle::Spool s(dir.path, c.mode);
      for (std::size_t i = 0; i < c.data.size(); i += 77777) s.write(std::string_view(c.data).substr(i, 77777));
      s.finish();
      file = s.path();
      CHECK(s.compressed() == c.compressed);
      CHECK(s.raw_size() == c.data.size());
      CHECK(core::hex(s.raw_sha256()) == sha_hex(c.data));
      CHECK(fs::file_size(file) == s.stored_size());
      CHECK((fs::status(file).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
      std::string stored = core::read_file(file), back;
      if (c.compressed) {
        bundle::ZstdDecompressor d([&](std::string_view x) { back.append(x); }, "spool");
        d.feed(stored);
        d.finish();
      } else {
        back = stored;
      }
      CHECK(back == c.data);
    }
    CHECK_FALSE(fs::exists(file));  // a spool deletes its file
  }
}

TEST_CASE("a bundle round-trips: manifest first, members in order, index last and matching") {
  test::TempDir dir;
  auto id = bundle::age::generate_identity();
  fs::path p = dir.path / "b.egg";
  std::string big = random_bytes((3 << 20) + 123), manifest = "{\"format\":\"egg-bundle\"}";
  fs::path src = dir.path / "big.bin";
  core::write_file_atomic(src, big);
  bundle::CiphertextDigest digest;
  {
    bundle::BundleWriter w(p, id.public_key, 1764547200);
    w.add(bundle::kManifestMember, manifest);
    w.add("postgres/globals.sql", "CREATE ROLE x;\n");
    w.add_file("s3/forgejo/objects/a%20b/c.bin", src, big.size());
    w.add("state/empty", "");
    digest = w.finish();
  }
  CHECK((fs::status(p).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
  auto file = bundle::hash_file(p);
  CHECK(file.length == digest.length);
  CHECK(file.sha256 == digest.sha256);

  bundle::BundleContents c;
  auto m = read_all(p, id, &c);
  CHECK(c.manifest == manifest);
  CHECK(m.at("postgres/globals.sql") == "CREATE ROLE x;\n");
  CHECK(m.at("s3/forgejo/objects/a%20b/c.bin") == big);
  CHECK(m.at("state/empty").empty());
  CHECK_FALSE(m.count("index.json"));
  REQUIRE(c.members.size() == 4);
  CHECK(c.members[0].path == "manifest.json");
  CHECK(c.members[2].size == big.size());
  CHECK(c.ciphertext.length == digest.length);
  CHECK(c.ciphertext.sha256 == digest.sha256);

  // Another identity: exit 3, not a verify failure.
  auto other = bundle::age::generate_identity();
  CHECK(code_of([&] { bundle::read_bundle(p, other); }) == Exit::auth);
}

TEST_CASE("a writer that is not finished leaves no file") {
  test::TempDir dir;
  auto id = bundle::age::generate_identity();
  fs::path p = dir.path / "b.egg";
  {
    bundle::BundleWriter w(p, id.public_key, 0);
    w.add(bundle::kManifestMember, "{}");
    CHECK(fs::exists(p));
  }
  CHECK_FALSE(fs::exists(p));
  CHECK(code_of([&] {
          bundle::BundleWriter w(p, id.public_key, 0);
          w.add("../escape", "x");
        }) == Exit::failed);
  CHECK_FALSE(fs::exists(p));
}

TEST_CASE("the reader refuses bundles whose structure or index is wrong (exit 5)") {
  test::TempDir dir;
  auto id = bundle::age::generate_identity();
  fs::path p = dir.path / "b.egg";
  std::string man = "{}", a = "alpha";
  auto reg = [](std::string path, std::string data) { return engine::TarEntry{path, data, 0600, 0, 0, false}; };
  struct Case {
    const char* name;
    std::vector<engine::TarEntry> entries;
    const char* says;
  };
  std::vector<Case> cases{
      {"no index", {reg("manifest.json", man), reg("a", a)}, "no index.json"},
      {"manifest not first", {reg("a", a), reg("manifest.json", man), reg("index.json", index_for({{"a", a}, {"manifest.json", man}}))}, "not manifest.json"},
      {"index not last", {reg("manifest.json", man), reg("index.json", index_for({{"manifest.json", man}})), reg("a", a)}, "follows index.json"},
      {"member modified", {reg("manifest.json", man), reg("a", "alphA"), reg("index.json", index_for({{"manifest.json", man}, {"a", a}}))}, "does not match index.json"},
      {"member missing from index", {reg("manifest.json", man), reg("a", a), reg("index.json", index_for({{"manifest.json", man}}))}, "lists 1 members"},
      {"member renamed", {reg("manifest.json", man), reg("b", a), reg("index.json", index_for({{"manifest.json", man}, {"a", a}}))}, "index.json says a"},
      {"unsafe path", {reg("manifest.json", man), reg("x/../../etc", a), reg("index.json", index_for({{"manifest.json", man}, {"x/../../etc", a}}))}, "segment"},
      {"a directory", {reg("manifest.json", man), engine::TarEntry{"d", "", 0700, 0, 0, true}, reg("index.json", index_for({{"manifest.json", man}}))}, "not a regular file"},
      {"index garbage", {reg("manifest.json", man), reg("index.json", "not json")}, "malformed"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    fs::remove(p);
    write_raw_bundle(p, id.public_key, c.entries);
    std::string msg;
    CHECK(code_of([&] { read_all(p, id); }, &msg) == Exit::verify);
    CHECK(msg.find(c.says) != std::string::npos);
  }
  // And the well-formed version of the same passes.
  fs::remove(p);
  write_raw_bundle(p, id.public_key, {reg("manifest.json", man), reg("a", a), reg("index.json", index_for({{"manifest.json", man}, {"a", a}}))});
  CHECK(read_all(p, id).at("a") == a);
}

TEST_CASE("member paths: names become safe, distinct segments") {
  using backup::member_segment;
  CHECK(member_segment("plain-name_1.txt", true) == "plain-name_1.txt");
  CHECK(member_segment("a b/c", true) == "a%20b/c");
  CHECK(member_segment("a/b", false) == "a%2Fb");
  CHECK(member_segment("../x", true) == "%2E%2E/x");
  CHECK(member_segment("a/./b", true) == "a/%2E/b");
  CHECK(member_segment("/lead", true) == "%2Flead");
  CHECK(member_segment("a//b", true) == "a/%2Fb");
  CHECK(member_segment("trail/", true) == "trail%2F");
  CHECK(member_segment("ü", true) == "%C3%BC");
  CHECK(member_segment("%", true) == "%25");
  CHECK(member_segment("", true) == "%00empty");
  for (const char* k : {"a b/c", "../x", "a//b", "trail/", "x/./y", "..", "."})
    CHECK(code_of([&] { bundle::check_member_path("s3/b/objects/" + member_segment(k, true)); }) == Exit::ok);
}

TEST_CASE("bundle ids: made for an instance and recognised only for it") {
  auto id = backup::make_bundle_id("egg", 1764547200);  // 2025-12-01T00:00:00Z
  CHECK(id.starts_with("egg-20251201T000000Z-"));
  CHECK(id.size() == std::string("egg-20251201T000000Z-").size() + 8);
  CHECK(backup::bundle_id_of(id + ".egg", "egg") == id);
  CHECK(backup::bundle_id_of(id, "egg") == id);
  CHECK_FALSE(backup::bundle_id_of(id + ".egg", "eg").has_value());
  CHECK_FALSE(backup::bundle_id_of("egg2-20251201T000000Z-abcdef01.egg", "egg").has_value());
  CHECK_FALSE(backup::bundle_id_of("egg-20251201T000000Z-ABCDEF01.egg", "egg").has_value());
  CHECK_FALSE(backup::bundle_id_of("egg-20251201X000000Z-abcdef01.egg", "egg").has_value());
  CHECK(backup::make_bundle_id("egg", 1) != backup::make_bundle_id("egg", 1));
}
