#pragma once
// Exec in a running container with stdin attached: the way egg hands secrets to a process
// (stdin is never recorded; Cmd, Env and User are, in exec inspect and the event stream).
//
// Create with AttachStdin/Stdout/Stderr and Tty false, start on a hijacked connection
// (Connection: Upgrade, Upgrade: tcp → 101), write stdin raw then half-close, demultiplex the
// framed stdout/stderr until the engine closes, then read ExitCode from GET /exec/{id}/json.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "egg/engine/client.hpp"

namespace egg::engine {

struct ExecOptions {
  std::string user;              // "uid[:gid]" or a name; empty: the container's
  std::vector<std::string> env;  // "K=V"; visible in exec inspect: never secrets
  std::string workdir;
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};  // zero: none
};

struct ExecResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `cmd` with `stdin_data` on its stdin and returns its exit code and output. A non-zero exit
// is a result, not an error; errors are a missing or stopped container (ApiError 404/409), a
// broken stream, or a timeout (Exit::failed).
ExecResult exec(Engine& e, const std::string& container, const std::vector<std::string>& cmd,
                std::string_view stdin_data = {}, const ExecOptions& options = {});

// The same, streaming: output goes to `on_out`/`on_err` as it arrives (large dumps). Returns the
// exit code.
int exec_stream(Engine& e, const std::string& container, const std::vector<std::string>& cmd,
                std::string_view stdin_data, const std::function<void(std::string_view)>& on_out,
                const std::function<void(std::string_view)>& on_err, const ExecOptions& options = {});

// The same with stdin streamed from `stdin_reader` (returns 0 at its end): a dump restored or
// checked without holding it in memory.
int exec_stream(Engine& e, const std::string& container, const std::vector<std::string>& cmd,
                const core::http::BodyReader& stdin_reader, const std::function<void(std::string_view)>& on_out,
                const std::function<void(std::string_view)>& on_err, const ExecOptions& options = {});

// For tests and diagnostics: the id of the last exec this thread started.
const std::string& last_exec_id();

}  // namespace egg::engine
