// The Vault client against a real OpenBao server (the official `bao` binary), on loopback.
#include <doctest/doctest.h>

#include <fstream>

#include "egg/core/exit.hpp"
#include "egg/core/redact.hpp"
#include "egg/vault/client.hpp"
#include "tests/support/process.hpp"

using namespace egg;

namespace {

struct BaoServer {
  test::TempDir dir;
  int port = test::free_port();
  int cluster_port = test::free_port();
  std::string address = "http://127.0.0.1:" + std::to_string(port);
  std::unique_ptr<test::Process> proc;

  BaoServer() {
    std::filesystem::create_directories(dir.path / "raft");
    write_config();
    start();
  }
  void restart() {
    proc->stop();
    start();
  }

 private:
  void start() {
    proc = std::make_unique<test::Process>(
        std::vector<std::string>{test::tool("bao").string(), "server", "-config=" + (dir.path / "config.hcl").string()},
        (dir.path / "server.log").string());
    vault::Client c(address);
    REQUIRE_MESSAGE(c.wait_until_responding(30), "bao server did not start; see its log");
  }
  void write_config() {
    std::ofstream(dir.path / "config.hcl") << "storage \"raft\" {\n  path = \"" << (dir.path / "raft").string()
                                           << "\"\n  node_id = \"n1\"\n}\n"
                                           << "listener \"tcp\" {\n  address = \"127.0.0.1:" << port
                                           << "\"\n  tls_disable = true\n}\n"
                                           << "api_addr = \"" << address << "\"\n"
                                           << "cluster_addr = \"http://127.0.0.1:" << cluster_port << "\"\n"
                                           << "disable_mlock = true\n";
  }
};

// Initialises and unseals a fresh server; returns the init result.
vault::InitResult init_and_unseal(vault::Client& c, int shares, int threshold) {
  auto init = c.init(shares, threshold);
  std::vector<std::string> some(init.keys.begin(), init.keys.begin() + threshold);
  auto st = c.unseal(some);
  REQUIRE_FALSE(st.sealed);
  c.set_token(init.root_token);
  CHECK(c.token_valid());
  return init;
}

}  // namespace

TEST_CASE("vault: init 5/3, unseal, KV v2, narrow snapshot token, secrets registered for redaction" *
          doctest::test_suite("vault")) {
  BaoServer server;
  vault::Client c(server.address);
  auto st = c.seal_status();
  CHECK_FALSE(st.initialized);

  auto init = init_and_unseal(c, 5, 3);
  CHECK(init.keys.size() == 5);
  CHECK(core::redact("token " + init.root_token) == "token [redacted]");
  CHECK(core::redact(init.keys[4]) == "[redacted]");
  st = c.seal_status();
  CHECK(st.initialized);
  CHECK(st.shares == 5);
  CHECK(st.threshold == 3);

  CHECK_FALSE(c.has_mount("foundation"));
  c.mount_kv2("foundation");
  CHECK(c.has_mount("foundation"));
  c.kv_put("foundation", "postgres/superuser", {{"username", "postgres"}, {"password", "pw-0123456789"}});
  c.kv_put("foundation", "s3/root", {{"access_key", "AK"}, {"secret_key", "sk-0123456789"}});
  auto got = c.kv_get("foundation", "postgres/superuser");
  REQUIRE(got);
  CHECK(got->at("password") == "pw-0123456789");
  CHECK_FALSE(c.kv_get("foundation", "nope/missing"));
  auto keys = c.kv_list("foundation", "");
  CHECK(keys == std::vector<std::string>{"postgres/", "s3/"});

  c.put_policy("egg-backup", "path \"sys/storage/raft/snapshot\" { capabilities = [\"read\"] }\n");
  std::string backup_token = c.create_token({"egg-backup"}, "egg-backup", "768h");
  vault::Client narrow(server.address, backup_token);
  std::string snap;
  narrow.snapshot([&](std::string_view chunk) { snap.append(chunk); });
  REQUIRE(snap.size() > 100);
  CHECK(static_cast<unsigned char>(snap[0]) == 0x1f);  // gzip
  CHECK(static_cast<unsigned char>(snap[1]) == 0x8b);
  // The narrow token reads snapshots and nothing else.
  try {
    narrow.kv_get("foundation", "postgres/superuser");
    FAIL("the backup token must not read KV");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::auth);
  }
}

TEST_CASE("vault: unseal with keys of another Vault fails with an auth error" * doctest::test_suite("vault")) {
  BaoServer a, b;
  vault::Client ca(a.address), cb(b.address);
  auto ia = ca.init(3, 2);
  cb.init(3, 2);
  try {
    cb.unseal({ia.keys[0], ia.keys[1], ia.keys[2]});
    FAIL("foreign keys must not unseal");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::auth);
  }
  CHECK(cb.seal_status().sealed);
}

TEST_CASE("vault: a snapshot restored by force into a fresh Vault answers to the original keys and token" *
          doctest::test_suite("vault")) {
  BaoServer src, dst;
  vault::Client a(src.address);
  auto orig = init_and_unseal(a, 3, 2);
  a.mount_kv2("foundation");
  a.kv_put("foundation", "forgejo/admin", {{"password", "admin-pw-987654"}});
  std::string snap;
  a.snapshot([&](std::string_view chunk) { snap.append(chunk); });

  vault::Client b(dst.address);
  init_and_unseal(b, 1, 1);  // throwaway init, only to get a token
  std::size_t off = 0;
  b.restore_snapshot(
      [&](char* buf, std::size_t max) {
        std::size_t n = std::min(max, snap.size() - off);
        std::memcpy(buf, snap.data() + off, n);
        off += n;
        return n;
      },
      snap.size(), true);
  // The restored cluster runs on the snapshot's keyring: its seal is the original one, so the
  // original keys unseal it after a restart and the original root token is valid.
  bool sealed = false;
  for (int i = 0; i < 100 && !sealed; ++i) {
    sealed = b.seal_status().sealed;
    if (!sealed) ::usleep(100000);
  }
  REQUIRE_MESSAGE(sealed, "after snapshot-force the node reseals under the snapshot's keyring");
  // The running node still holds the throwaway 1-of-1 seal config in memory; a restart reads the
  // restored one (the original shape), after which the original keys unseal it.
  dst.restart();
  auto st = b.seal_status();
  CHECK(st.shares == 3);
  CHECK(st.threshold == 2);
  b.unseal({orig.keys[0], orig.keys[1]});
  b.set_token(orig.root_token);
  auto got = b.kv_get("foundation", "forgejo/admin");
  REQUIRE(got);
  CHECK(got->at("password") == "admin-pw-987654");
}
