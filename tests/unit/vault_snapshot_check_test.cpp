// The raft snapshot self-check (egg/vault/snapshot_check.hpp) on gzipped tars laid out as
// hashicorp/raft-snapshot writes them; a real OpenBao snapshot is checked in tests/integration/backup.sh.
#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <sodium.h>

#include <string>
#include <vector>

#include "egg/core/sha256.hpp"
#include "egg/vault/snapshot_check.hpp"
#include "tests/support/errors.hpp"

using namespace egg;

namespace {

la_ssize_t append(archive*, void* out, const void* buf, size_t n) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

std::string sha(const std::string& s) {
  core::Sha256 h;
  h.update(s);
  return core::hex(h.digest());
}

std::string snapshot(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_add_filter_gzip(a);
  archive_write_set_format_pax_restricted(a);
  archive_write_open(a, &out, nullptr, append, nullptr);
  for (const auto& [name, data] : files) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0600);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_write_header(a, e);
    archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

Exit check(const std::string& snap, std::string* msg = nullptr) {
  std::size_t off = 0;
  return test::code_of(
      [&] {
        vault::check_snapshot(
            [&](char* buf, std::size_t max) {
              std::size_t n = std::min(max, snap.size() - off);
              std::copy_n(snap.data() + off, n, buf);
              off += n;
              return n;
            },
            "vault/raft.snap");
      },
      msg);
}

}  // namespace

TEST_CASE("a raft snapshot passes when SHA256SUMS matches and fails naming the file that does not") {
  std::string meta = "{\"Index\":42}", state(100000, 's');
  std::string sums = sha(meta) + "  meta.json\n" + sha(state) + "  state.bin\n";
  CHECK(check(snapshot({{"meta.json", meta}, {"state.bin", state}, {"SHA256SUMS", sums}, {"SHA256SUMS.sealed", "x"}})) ==
        Exit::ok);

  std::string msg;
  std::string state2 = state;
  state2[500] = 't';
  CHECK(check(snapshot({{"meta.json", meta}, {"state.bin", state2}, {"SHA256SUMS", sums}}), &msg) == Exit::verify);
  CHECK(msg.find("state.bin does not match") != std::string::npos);
  CHECK(check(snapshot({{"meta.json", meta}, {"SHA256SUMS", sums}}), &msg) == Exit::verify);
  CHECK(check(snapshot({{"meta.json", meta}, {"state.bin", state}}), &msg) == Exit::verify);
  CHECK(msg.find("SHA256SUMS") != std::string::npos);
  CHECK(check("not a snapshot at all") == Exit::verify);
  // Cut inside state.bin (random, so it fills the gzip stream): the tar reader sees it end early.
  std::string random_state(200000, '\0');
  randombytes_buf(random_state.data(), random_state.size());
  auto good = snapshot({{"meta.json", meta}, {"state.bin", random_state},
                        {"SHA256SUMS", sha(meta) + "  meta.json\n" + sha(random_state) + "  state.bin\n"}});
  CHECK(check(good) == Exit::ok);
  CHECK(check(good.substr(0, good.size() / 2)) == Exit::verify);
}
