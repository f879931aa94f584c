// The engine client against the real Docker engine at /var/run/docker.sock (or $DOCKER_HOST).
// These tests fail, never skip, when the engine is unreachable. Every object they make is named
// eggtest-<pid>-... and labelled io.egg.test=eggtest-<pid>, and removed at the end of each case
// even when it fails. The test image egg-test/busybox:latest comes from
// tests/integration/engine-fixture.sh (docker import of busybox-static).
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <future>
#include <string>
#include <thread>

#include "egg/engine/archive.hpp"
#include "egg/engine/containers.hpp"
#include "egg/engine/exec.hpp"
#include "egg/engine/images.hpp"
#include "egg/engine/networks.hpp"
#include "egg/engine/volumes.hpp"

namespace engine = egg::engine;
namespace json = boost::json;
using engine::Engine;
using engine::Labels;

namespace {

const std::string kImage = "egg-test/busybox:latest";
const std::string kFixture = std::string(EGG_SOURCE_DIR) + "/tests/integration/engine-fixture.sh";

// Runs a shell command; its stdout, trimmed. A non-zero exit fails the test.
std::string sh(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE_MESSAGE(p, "popen failed: " << cmd);
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int st = ::pclose(p);
  REQUIRE_MESSAGE(WIFEXITED(st), "command died: " << cmd);
  REQUIRE_MESSAGE(WEXITSTATUS(st) == 0, "command failed (" << WEXITSTATUS(st) << "): " << cmd);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

const std::string& test_image_id() {
  static std::string id = sh(kFixture + " image");
  return id;
}

// One engine connection plus everything a test case made, removed by label on the way out.
struct Ctx {
  std::string tag = "eggtest-" + std::to_string(::getpid());
  Labels labels{{"io.egg.test", tag}};
  Engine e;
  std::vector<std::string> images_to_remove;
  static inline int seq = 0;

  Ctx() : e(Engine::connect()) { test_image_id(); }
  ~Ctx() {
    try {
      for (auto& c : engine::list_containers(e, labels))
        engine::remove_container(e, std::string(c.at("Id").as_string()), true, true);
      for (auto& v : engine::list_volumes(e, labels)) engine::remove_volume(e, std::string(v.at("Name").as_string()), true);
      for (auto& n : engine::list_networks(e, labels)) engine::remove_network(e, std::string(n.at("Id").as_string()));
      for (auto& i : images_to_remove) engine::remove_image(e, i, false);
    } catch (const std::exception& ex) {
      MESSAGE("cleanup failed: " << ex.what());
    }
  }
  std::string name(const std::string& what) { return tag + "-" + what + "-" + std::to_string(++seq); }

  // A running container that sleeps, with the test labels.
  std::string sleeper(json::object extra = {}) {
    json::object cfg{{"Image", kImage}, {"Cmd", json::array{"sleep", "600"}}, {"Labels", engine::to_json(labels)}};
    for (auto& [k, v] : extra) cfg[k] = v;
    std::string id = engine::create_container(e, name("c"), cfg);
    engine::start_container(e, id);
    return id;
  }
};

int expect_api_status(const std::function<void()>& f) {
  try {
    f();
  } catch (const engine::ApiError& err) {
    return err.status();
  }
  return 0;
}

}  // namespace

TEST_SUITE("engine") {

TEST_CASE("engine: connect negotiates min(egg max, daemon) and reads /version") {
  Ctx c;
  auto daemon = engine::ApiVersion::parse(c.e.version().at("ApiVersion").as_string());
  REQUIRE(daemon);
  CHECK(c.e.api_version() == std::min(engine::kMaxApi, *daemon));
  CHECK(c.e.api_version() >= engine::kMinApi);
  CHECK_FALSE(c.e.version().at("Version").as_string().empty());
  MESSAGE("engine " << std::string(c.e.version().at("Version").as_string()) << ", API " << c.e.api_version().str());
  // A request on the negotiated version works; a bogus path is an ApiError with the status.
  CHECK(c.e.get_json("/info"));
  CHECK(expect_api_status([&] { c.e.post_json("/containers/" + c.name("missing") + "/start"); }) == 404);
}

TEST_CASE("engine: network create, inspect, label-filtered list, duplicate, remove") {
  Ctx c;
  Labels labels = c.labels;
  labels["io.egg.instance"] = c.tag + "-a";
  std::string name = c.name("net");
  std::string id = engine::create_network(c.e, name, labels);
  auto info = engine::inspect_network(c.e, name);
  REQUIRE(info);
  CHECK(info->at("Id").as_string() == id);
  CHECK(engine::labels_of(*info) == labels);
  CHECK(expect_api_status([&] { engine::create_network(c.e, name, labels); }) == 409);

  auto mine = engine::list_networks(c.e, {{"io.egg.instance", c.tag + "-a"}});
  REQUIRE(mine.size() == 1);
  CHECK(mine[0].at("Name").as_string() == name);
  CHECK(engine::list_networks(c.e, {{"io.egg.instance", c.tag + "-b"}}).empty());

  CHECK(engine::remove_network(c.e, name));
  CHECK_FALSE(engine::remove_network(c.e, name));
  CHECK_FALSE(engine::inspect_network(c.e, name));
}

TEST_CASE("engine: volume create is idempotent for egg's own and refuses a foreign volume") {
  Ctx c;
  Labels labels = c.labels;
  labels["io.egg.instance"] = c.tag;
  Labels required{{"io.egg.instance", c.tag}};
  std::string name = c.name("vol");
  auto v = engine::create_volume(c.e, name, labels, required);
  CHECK(v.at("Name").as_string() == name);
  CHECK(engine::labels_of(v) == labels);
  // Same name again: the existing volume comes back, accepted since it carries the label.
  CHECK(engine::create_volume(c.e, name, labels, required).at("Name").as_string() == name);

  // A volume someone else made with that name: the engine returns it without egg's labels.
  std::string foreign = c.name("foreign");
  engine::create_volume(c.e, foreign, c.labels, {});
  try {
    engine::create_volume(c.e, foreign, labels, required);
    FAIL("expected refusal of a foreign volume");
  } catch (const egg::Error& err) {
    CHECK(err.code() == egg::Exit::precondition);
    CHECK(std::string(err.what()).find(foreign) != std::string::npos);
  }
  CHECK(engine::labels_of(*engine::inspect_volume(c.e, foreign)) == c.labels);  // untouched

  auto listed = engine::list_volumes(c.e, required);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].at("Name").as_string() == name);
  CHECK(engine::list_volumes(c.e, c.labels).size() == 2);

  CHECK(engine::remove_volume(c.e, name));
  CHECK_FALSE(engine::remove_volume(c.e, name));
  CHECK_FALSE(engine::inspect_volume(c.e, name));
}

TEST_CASE("engine: container create, start, inspect, pause, stop, wait, remove") {
  Ctx c;
  std::string net = c.name("net");
  engine::create_network(c.e, net, c.labels);
  std::string name = c.name("c");
  json::object cfg{{"Image", kImage},
                   {"Cmd", json::array{"sleep", "600"}},
                   {"Labels", engine::to_json(c.labels)},
                   {"HostConfig", json::object{{"RestartPolicy", json::object{{"Name", "no"}}}}},
                   {"NetworkingConfig",
                    json::object{{"EndpointsConfig", json::object{{net, json::object{{"Aliases", json::array{"db"}}}}}}}}};
  std::string id = engine::create_container(c.e, name, cfg);
  CHECK(engine::container_state(c.e, name)->status == "created");
  CHECK(expect_api_status([&] { engine::create_container(c.e, name, cfg); }) == 409);

  engine::start_container(c.e, id);
  engine::start_container(c.e, id);  // already running: not an error
  auto info = engine::inspect_container(c.e, id);
  REQUIRE(info);
  auto st = engine::state_of(*info);
  CHECK(st.running);
  CHECK(st.status == "running");
  CHECK(st.health == "none");
  CHECK(info->at("NetworkSettings").at("Networks").as_object().contains(net));
  // Image labels merge into the container's; ours must all be there.
  for (auto& [k, v] : c.labels) CHECK(engine::labels_of(*info)[k] == v);

  auto listed = engine::list_containers(c.e, c.labels);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].at("Id").as_string() == id);

  engine::pause_container(c.e, id);
  CHECK(engine::container_state(c.e, id)->status == "paused");
  engine::unpause_container(c.e, id);
  CHECK(engine::container_state(c.e, id)->status == "running");

  // sleep as PID 1 ignores SIGTERM, so stop ends with SIGKILL after the grace period: 137.
  engine::stop_container(c.e, id, 1);
  engine::stop_container(c.e, id, 1);  // already stopped: not an error
  CHECK(engine::wait_container(c.e, id) == 137);
  st = *engine::container_state(c.e, id);
  CHECK_FALSE(st.running);
  CHECK(st.exit_code == 137);

  CHECK(engine::remove_container(c.e, id));
  CHECK_FALSE(engine::remove_container(c.e, id));
  CHECK_FALSE(engine::inspect_container(c.e, id));
  CHECK(expect_api_status([&] {
          engine::create_container(c.e, c.name("noimg"),
                                   json::object{{"Image", "egg-test/no-such-image:none"}, {"Labels", engine::to_json(c.labels)}});
        }) == 404);
}

TEST_CASE("engine: one-shot container: wait next-exit (second connection) before start") {
  Ctx c;
  std::string id = engine::create_container(
      c.e, c.name("once"),
      json::object{{"Image", kImage}, {"Cmd", json::array{"sh", "-c", "exit 3"}}, {"Labels", engine::to_json(c.labels)}});
  Engine waiter = Engine::connect();
  auto code = std::async(std::launch::async, [&] {
    return engine::wait_container(waiter, id, "next-exit", std::chrono::seconds(60));
  });
  // wait is registered once its request reached the engine; give it a moment.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  engine::start_container(c.e, id);
  CHECK(code.get() == 3);
  CHECK(engine::wait_container(c.e, id) == 3);  // not-running: immediate for an exited container
}

TEST_CASE("engine: health status follows the healthcheck") {
  Ctx c;
  json::object hc{{"Test", json::array{"CMD-SHELL", "test -f /tmp/ready"}},
                  {"Interval", 300'000'000},
                  {"Timeout", 2'000'000'000},
                  {"Retries", 1}};
  std::string id = c.sleeper({{"Healthcheck", hc}});
  auto wait_for = [&](const std::string& want) {
    for (int i = 0; i < 100; ++i) {
      if (engine::container_state(c.e, id)->health == want) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  };
  CHECK(wait_for("unhealthy"));
  CHECK(engine::exec(c.e, id, {"touch", "/tmp/ready"}).exit_code == 0);
  CHECK(wait_for("healthy"));
}

TEST_CASE("engine: exec with stdin: 1 MiB through cat, exit codes, stderr, user, env, workdir") {
  Ctx c;
  std::string id = c.sleeper();

  std::string mib(1 << 20, '\0');
  for (std::size_t i = 0; i < mib.size(); ++i) mib[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  auto r = engine::exec(c.e, id, {"cat"}, mib);
  CHECK(r.exit_code == 0);
  CHECK(r.out.size() == mib.size());
  CHECK(r.out == mib);
  CHECK(r.err.empty());

  CHECK(engine::exec(c.e, id, {"sh", "-c", "exit 7"}).exit_code == 7);
  // Input the process never reads: still a clean result.
  CHECK(engine::exec(c.e, id, {"sh", "-c", "exit 9"}, std::string(300000, 'x')).exit_code == 9);

  r = engine::exec(c.e, id, {"sh", "-c", "echo out1; echo err1 >&2; echo out2; echo err2 >&2; exit 1"});
  CHECK(r.exit_code == 1);
  CHECK(r.out == "out1\nout2\n");
  CHECK(r.err == "err1\nerr2\n");

  engine::ExecOptions opt;
  opt.user = "1234:2345";
  opt.env = {"FOO=bar"};
  opt.workdir = "/tmp";
  r = engine::exec(c.e, id, {"sh", "-c", "id -u; id -g; echo $FOO; pwd"}, {}, opt);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "1234\n2345\nbar\n/tmp\n");

  // A command that does not exist: the engine's own exit code for it (126/127), not a hang.
  r = engine::exec(c.e, id, {"/no/such/binary"});
  CHECK(r.exit_code >= 126);

  engine::stop_container(c.e, id, 0);
  CHECK(expect_api_status([&] { engine::exec(c.e, id, {"true"}); }) == 409);
  CHECK(expect_api_status([&] { engine::exec(c.e, c.name("missing"), {"true"}); }) == 404);
}

TEST_CASE("engine: a secret sent on exec stdin appears in no inspect and no event") {
  Ctx c;
  std::string id = c.sleeper();
  auto since = std::to_string(std::time(nullptr) - 1);
  std::string secret = "eggtest-secret-" + std::to_string(::getpid()) + "-Zq8v3Xr";
  auto r = engine::exec(c.e, id, {"sh", "-c", "cat > /tmp/x"}, secret);
  REQUIRE(r.exit_code == 0);
  std::string exec_id = engine::last_exec_id();
  CHECK(engine::read_file(c.e, id, "/tmp/x") == secret);  // it was delivered

  auto exec_info = c.e.get_json("/exec/" + exec_id + "/json");
  REQUIRE(exec_info);
  CHECK(json::serialize(*exec_info).find(secret) == std::string::npos);
  CHECK(json::serialize(*engine::inspect_container(c.e, id)).find(secret) == std::string::npos);

  std::string events;
  engine::Engine::Call ev;
  ev.path = "/events?since=" + since + "&until=" + std::to_string(std::time(nullptr) + 1) +
            "&filters=" + egg::core::http::url_escape(R"({"container":[")" + id + R"("]})");
  ev.writer = [&](std::string_view s) { events.append(s); };
  c.e.call(ev);
  CHECK(events.find("exec_start") != std::string::npos);  // the events were there to search
  CHECK(events.find(secret) == std::string::npos);
}

TEST_CASE("engine: archive put lands files with owner and mode; get reads them back") {
  Ctx c;
  std::string id = c.sleeper();
  std::string tar = engine::build_tar({{"conf", "", 0750, 1234, 2345, true},
                                       {"conf/app.ini", "[x]\nk=v\n", 0640, 1234, 2345, false},
                                       {"conf/big", std::string(2 << 20, 'b'), 0600, 0, 0, false}});
  engine::put_archive(c.e, id, "/tmp", tar);
  auto r = engine::exec(c.e, id, {"stat", "-c", "%u %g %a %s %n", "/tmp/conf", "/tmp/conf/app.ini", "/tmp/conf/big"});
  CHECK(r.exit_code == 0);
  auto nl = r.out.find('\n');
  std::string dir_line = r.out.substr(0, nl);
  CHECK(dir_line.rfind("1234 2345 750 ", 0) == 0);
  CHECK(dir_line.substr(dir_line.rfind(' ')) == " /tmp/conf");
  CHECK(r.out.substr(nl + 1) == "1234 2345 640 8 /tmp/conf/app.ini\n0 0 600 2097152 /tmp/conf/big\n");
  r = engine::exec(c.e, id, {"ls", "-ln", "/tmp/conf/app.ini"});
  CHECK(r.out.find("-rw-r-----    1 1234     2345") == 0);

  CHECK(engine::read_file(c.e, id, "/tmp/conf/app.ini") == "[x]\nk=v\n");
  std::string got;
  REQUIRE(engine::get_archive(c.e, id, "/tmp/conf", [&](std::string_view s) { got.append(s); }));
  auto entries = engine::read_tar(got);
  bool found = false;
  for (auto& t : entries)
    if (t.path == "conf/app.ini") {
      found = true;
      CHECK(t.uid == 1234);
      CHECK(t.gid == 2345);
      CHECK(t.mode == 0640);
    }
  CHECK(found);
  CHECK_FALSE(engine::read_file(c.e, id, "/tmp/nope"));
  CHECK(expect_api_status([&] { engine::put_archive(c.e, id, "/no/such/dir", tar); }) == 404);
  // Not a directory: 400 in the spec; Docker 20.10 answers 500. Either way an ApiError.
  CHECK(expect_api_status([&] { engine::put_archive(c.e, id, "/tmp/conf/app.ini", tar); }) >= 400);

  // Into a created, never started container (what egg does before first start).
  std::string fresh = engine::create_container(
      c.e, c.name("fresh"),
      json::object{{"Image", kImage}, {"Cmd", json::array{"cat", "/tmp/conf/app.ini"}}, {"Labels", engine::to_json(c.labels)}});
  engine::put_archive(c.e, fresh, "/tmp", tar);
  engine::start_container(c.e, fresh);
  CHECK(engine::wait_container(c.e, fresh) == 0);
  CHECK(sh("docker logs " + fresh) == "[x]\nk=v");
}

TEST_CASE("engine: images/load returns the loaded refs and ids") {
  Ctx c;
  std::string ref = c.tag + "/busybox:load";
  std::string dir = sh("mktemp -d");
  std::string tar = dir + "/img.tar";
  sh("docker tag " + kImage + " " + ref + " && docker save -o " + tar + " " + ref + " && docker rmi " + ref + " >/dev/null");
  c.images_to_remove.push_back(ref);
  int progress = 0;
  auto loaded = engine::load_images(c.e, std::filesystem::path(tar), [&](const json::object&) { ++progress; });
  sh("rm -rf " + dir);
  REQUIRE(loaded.size() == 1);
  CHECK(loaded[0].ref == ref);
  CHECK(loaded[0].id == test_image_id());
  CHECK(progress >= 1);

  // Garbage is refused by the engine (an error status or an error line: both are errors).
  std::string junk(4096, 'j');
  std::size_t off = 0;
  egg::core::http::BodyReader rd = [&](char* b, std::size_t m) {
    std::size_t n = std::min(m, junk.size() - off);
    std::memcpy(b, junk.data() + off, n);
    off += n;
    return n;
  };
  CHECK_THROWS_AS(engine::load_images(c.e, rd, junk.size()), egg::Error);
}

TEST_CASE("engine: pull by digest from a registry, verified; a missing digest is a clear error") {
  Ctx c;
  // A registry of our own on a free port; 127.0.0.0/8 is insecure-by-default for the engine.
  int port = 20000 + ::getpid() % 20000;
  std::string dir = sh("mktemp -d");
  std::string pid = sh(kFixture + " registry-start " + dir + " " + std::to_string(port));
  struct Stop {
    std::string pid, dir;
    ~Stop() {
      ::kill(std::stoi(pid), SIGTERM);
      std::system(("rm -rf " + dir).c_str());
    }
  } stop{pid, dir};

  std::string repo = "127.0.0.1:" + std::to_string(port) + "/" + c.tag + "/busybox";
  std::string digest = sh(kFixture + " push " + kImage + " " + repo + ":latest");
  REQUIRE(digest.rfind("sha256:", 0) == 0);
  c.images_to_remove.push_back(repo + "@" + digest);

  int lines = 0;
  std::string id = engine::pull(c.e, repo, digest, [&](const json::object&) { ++lines; });
  CHECK(id == test_image_id());
  CHECK(lines >= 1);
  CHECK(engine::has_repo_digest(*engine::inspect_image(c.e, repo + "@" + digest), repo, digest));
  // Again, already present: same answer.
  CHECK(engine::pull(c.e, repo, digest) == id);

  std::string missing = "sha256:" + std::string(64, '0');
  try {
    engine::pull(c.e, repo, missing);
    FAIL("expected pull of a missing digest to fail");
  } catch (const egg::Error& err) {
    CHECK(err.code() == egg::Exit::failed);
    std::string m = err.what();
    MESSAGE("missing digest: " << std::string(m));
    CHECK(m.find(std::string(64, '0')) != std::string::npos);
  }
  CHECK_THROWS_AS(engine::pull(c.e, repo, "sha256:abc"), egg::Error);

  // An error after the HTTP 200 went out: the manifest resolves, then a layer download fails
  // (its blob deleted from the registry's storage). Reported only inside the progress stream.
  std::string urepo = "127.0.0.1:" + std::to_string(port) + "/" + c.tag + "/unique";
  std::string udigest = sh(kFixture + " unique " + urepo + ":latest");
  egg::core::http::Client reg({"http://127.0.0.1:" + std::to_string(port), "", "", std::chrono::seconds(5)});
  egg::core::http::Request mreq;
  mreq.target = "/v2/" + c.tag + "/unique/manifests/" + udigest;
  mreq.headers = {{"Accept", "application/vnd.docker.distribution.manifest.v2+json"}};
  auto mresp = reg.perform(mreq);  // plain TCP through the same HTTP layer
  REQUIRE(mresp.status == 200);
  CHECK(mresp.header("Docker-Content-Digest") == udigest);
  std::string layer(json::parse(mresp.body).at("layers").at(0).at("digest").as_string());
  std::string hex = layer.substr(7);
  sh("rm -f " + dir + "/data/docker/registry/v2/blobs/sha256/" + hex.substr(0, 2) + "/" + hex + "/data");
  std::vector<std::string> statuses;
  try {
    engine::pull(c.e, urepo, udigest, [&](const json::object& o) {
      if (auto* s = o.if_contains("status")) statuses.emplace_back(s->as_string());
    });
    FAIL("expected the pull to fail inside the stream");
  } catch (const egg::Error& err) {
    std::string m = err.what();
    MESSAGE("in-stream error: " << m);
    CHECK(m.find("pull of " + urepo + "@" + udigest + " failed") != std::string::npos);
    CHECK_FALSE(statuses.empty());  // progress came first: the HTTP 200 had gone out
  }
  CHECK_FALSE(engine::inspect_image(c.e, urepo + "@" + udigest));

  // The shared test registry on 127.0.0.1:5000 (or nothing listening there): a clear error too.
  try {
    engine::pull(c.e, "127.0.0.1:5000/egg-test/does-not-exist", missing);
    FAIL("expected pull from 127.0.0.1:5000 to fail");
  } catch (const egg::Error& err) {
    CHECK(err.code() == egg::Exit::failed);
    MESSAGE("127.0.0.1:5000: " << std::string(err.what()));
    CHECK(std::string(err.what()).find("127.0.0.1:5000/egg-test/does-not-exist") != std::string::npos);
  }
}

}  // TEST_SUITE
