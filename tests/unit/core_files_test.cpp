#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>

#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "tests/support/process.hpp"

using namespace egg;
namespace fs = std::filesystem;

namespace {
using test::TempDir;
mode_t mode_of(const fs::path& p) {
  struct stat st {};
  stat(p.c_str(), &st);
  return st.st_mode & 07777;
}
}  // namespace

TEST_CASE("write_file_atomic writes the content with the mode and leaves no temp file") {
  TempDir t;
  auto f = t.path / "state.json";
  core::write_file_atomic(f, "first");
  core::write_file_atomic(f, "second", 0640);
  CHECK(core::read_file(f) == "second");
  CHECK(mode_of(f) == 0640);
  int entries = 0;
  for (auto& e : fs::directory_iterator(t.path)) entries += e.exists() ? 1 : 0;
  CHECK(entries == 1);
}

TEST_CASE("write_file_atomic into a missing directory fails with the path named") {
  TempDir t;
  try {
    core::write_file_atomic(t.path / "nope" / "x", "data");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find((t.path / "nope").string()) != std::string::npos);
  }
}

TEST_CASE("ensure_private_dir creates 0700 and tightens an open directory") {
  TempDir t;
  auto d = t.path / "state";
  core::ensure_private_dir(d);
  CHECK(mode_of(d) == 0700);
  chmod(d.c_str(), 0755);
  core::ensure_private_dir(d);
  CHECK(mode_of(d) == 0700);
}

TEST_CASE("require_private_file refuses group- or world-readable files with the fix") {
  TempDir t;
  auto f = t.path / "sealed.egg";
  core::write_file_atomic(f, "x", 0600);
  CHECK_NOTHROW(core::require_private_file(f));
  chmod(f.c_str(), 0644);
  try {
    core::require_private_file(f);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == Exit::precondition);
    CHECK(std::string(e.what()).find("chmod 600 " + f.string()) != std::string::npos);
  }
}

TEST_CASE("read_file of a missing file names it") {
  try {
    core::read_file("/nonexistent/egg/file");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("/nonexistent/egg/file does not exist") != std::string::npos);
  }
}
