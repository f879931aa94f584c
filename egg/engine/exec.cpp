#include "egg/engine/exec.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "egg/engine/streams.hpp"

namespace egg::engine {
namespace {

thread_local std::string g_last_exec_id;

json::array to_array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace

const std::string& last_exec_id() { return g_last_exec_id; }

int exec_stream(Engine& e, const std::string& container, const std::vector<std::string>& cmd,
                std::string_view stdin_data, const std::function<void(std::string_view)>& on_out,
                const std::function<void(std::string_view)>& on_err, const ExecOptions& options) {
  return exec_stream(
      e, container, cmd,
      [&](char* buf, std::size_t max) {
        std::size_t n = std::min(max, stdin_data.size());
        std::copy_n(stdin_data.data(), n, buf);
        stdin_data.remove_prefix(n);
        return n;
      },
      on_out, on_err, options);
}

int exec_stream(Engine& e, const std::string& container, const std::vector<std::string>& cmd,
                const core::http::BodyReader& stdin_reader, const std::function<void(std::string_view)>& on_out,
                const std::function<void(std::string_view)>& on_err, const ExecOptions& options) {
  if (cmd.empty()) throw Error(Exit::failed, "exec in " + container + ": empty command");
  json::object create{{"AttachStdin", true}, {"AttachStdout", true}, {"AttachStderr", true},
                      {"Tty", false},        {"Cmd", to_array(cmd)}};
  if (!options.env.empty()) create["Env"] = to_array(options.env);
  if (!options.user.empty()) create["User"] = options.user;
  if (!options.workdir.empty()) create["WorkingDir"] = options.workdir;
  json::value created = e.post_json("/containers/" + core::http::url_escape(container) + "/exec", json::value(create));
  std::string id(created.at("Id").as_string());
  g_last_exec_id = id;

  auto conn = e.upgrade("/exec/" + id + "/start", json::object{{"Detach", false}, {"Tty", false}});
  FrameDemuxer demux([&](FrameDemuxer::Stream s, std::string_view data) {
    (s == FrameDemuxer::Stream::stdout_ ? on_out : on_err)(data);
  });
  try {
    conn->pump(stdin_reader, [&](std::string_view bytes) { demux.feed(bytes); }, options.timeout);
    demux.finish();
  } catch (const Error& err) {
    throw Error(err.code(), "exec " + cmd.front() + " in " + container + ": " + err.what());
  }
  conn.reset();

  // The stream closes when the process's output closes, which can be a moment before the engine
  // records the exit: poll briefly while Running is still true.
  for (int i = 0;; ++i) {
    auto info = e.get_json("/exec/" + id + "/json");
    if (!info) throw Error(Exit::failed, "exec " + id + " in " + container + " vanished before its exit code was read");
    const auto& o = info->as_object();
    bool running = o.contains("Running") && o.at("Running").is_bool() && o.at("Running").get_bool();
    if (!running) {
      const auto& ec = o.at("ExitCode");
      if (ec.is_null()) throw Error(Exit::failed, "exec " + cmd.front() + " in " + container + ": no exit code");
      return static_cast<int>(ec.to_number<std::int64_t>());
    }
    if (i >= 200) throw Error(Exit::failed, "exec " + cmd.front() + " in " + container + ": still running after its output closed");
    std::this_thread::sleep_for(std::chrono::milliseconds(10 + i));
  }
}

ExecResult exec(Engine& e, const std::string& container, const std::vector<std::string>& cmd,
                std::string_view stdin_data, const ExecOptions& options) {
  ExecResult r;
  r.exit_code = exec_stream(
      e, container, cmd, stdin_data, [&](std::string_view s) { r.out.append(s); },
      [&](std::string_view s) { r.err.append(s); }, options);
  return r;
}

}  // namespace egg::engine
