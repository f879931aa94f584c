// egg install-units: writes egg-backup.service and egg-backup.timer (templates/systemd/) so a
// systemd timer backs up this very instance every night, then enables the timer. docs/units.md.
#include <spawn.h>
#include <sys/wait.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "egg/commands/registry.hpp"
#include "egg/config/config.hpp"
#include "egg/core/exit.hpp"
#include "egg/core/files.hpp"
#include "egg/core/log.hpp"
#include "egg/core/template.hpp"

extern char** environ;

namespace egg::commands {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDefaultDir = "/etc/systemd/system";
constexpr const char* kDefaultDockerHost = "unix:///var/run/docker.sock";
constexpr const char* kService = "egg-backup.service";
constexpr const char* kTimer = "egg-backup.timer";

// A unit file is line-based: a newline (or any other control character) in a value would end the
// directive and start another, so such a value is refused rather than escaped.
void require_printable(const std::string& what, const std::string& value) {
  for (unsigned char ch : value)
    if (ch < 0x20 || ch == 0x7f)
      throw Error(Exit::usage, what + " contains a " +
                                   (ch == '\n' ? std::string("newline") : "control character") +
                                   "; a systemd unit cannot carry it. Use a path without one");
}

// One word in systemd's syntax (systemd.service(5) "Command lines", systemd.unit(5) "Specifiers"):
// `%` is a specifier everywhere and is written `%%`; in Exec lines `$` starts a variable and is
// written `$$`. A word with anything but plain path characters is double-quoted, with `\` and `"`
// backslash-escaped inside the quotes.
std::string systemd_word(std::string_view v, bool exec_line) {
  auto plain = [](unsigned char ch) {
    return std::isalnum(ch) || (ch != 0 && std::strchr("/._:+,=@%$~-", ch) != nullptr);
  };
  bool quote = v.empty();
  std::string body;
  for (char ch : v) {
    if (!plain(static_cast<unsigned char>(ch))) quote = true;
    if (ch == '%') body += "%%";
    else if (ch == '$' && exec_line) body += "$$";
    else if (ch == '\\' || ch == '"') body += std::string("\\") + ch;
    else body += ch;
  }
  return quote ? "\"" + body + "\"" : body;
}

fs::path absolute_path(const std::string& p) { return fs::absolute(p).lexically_normal(); }

// Is `p` (or what it resolves to) at or below `top`?
bool under(const fs::path& p, const fs::path& top) {
  auto inside = [&](const fs::path& q) {
    auto rel = q.lexically_relative(top);
    return !rel.empty() && *rel.begin() != "..";
  };
  std::error_code ec;
  fs::path real = fs::weakly_canonical(p, ec);
  return inside(p) || (!ec && inside(real));
}

fs::path running_binary() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec)
    throw Error(Exit::precondition, "cannot read /proc/self/exe to find this egg binary: " + ec.message());
  if (exe.string().ends_with(" (deleted)"))
    throw Error(Exit::precondition, "this egg binary (" + exe.string() +
                                        ") was deleted or replaced while running; run install-units from "
                                        "the installed binary");
  return exe;
}

struct Units {
  std::string service;
  std::string timer;
  std::vector<std::string> warnings;
};

Units render(const cli::Invocation& inv) {
  const auto& g = inv.globals;
  config::Config cfg = config::load(g);
  Units u;

  const fs::path binary = running_binary();
  const fs::path config_path = absolute_path(g.config_path);
  const fs::path state_dir = absolute_path(g.state_dir);
  std::optional<fs::path> manifest;
  if (g.manifest_path) manifest = absolute_path(*g.manifest_path);

  // ExecStart: this binary with this invocation's instance-selecting globals, so the timer backs
  // up the same instance. Never --passphrase-file: a backup encrypts to a public key only.
  std::vector<std::pair<std::string, std::string>> argv = {
      {"the egg binary path", binary.string()},
      {"", "--config"},       {"--config", config_path.string()},
      {"", "--state-dir"},    {"--state-dir", state_dir.string()},
      {"", "--instance"},     {"--instance", cfg.instance},
  };
  if (manifest) {
    argv.push_back({"", "--manifest"});
    argv.push_back({"--manifest", manifest->string()});
  }
  if (g.docker_host != kDefaultDockerHost) {
    argv.push_back({"", "--docker-host"});
    argv.push_back({"--docker-host", g.docker_host});
  }
  argv.push_back({"", "backup"});
  std::string exec_start;
  for (const auto& [what, value] : argv) {
    if (!what.empty()) require_printable(what, value);
    exec_start += (exec_start.empty() ? "" : " ") + systemd_word(value, true);
  }

  // Writable: the state dir (keyring, state.json, local backups, the lock) and every directory
  // destination. A missing destination ("-") is skipped so a detached offsite disk fails only
  // its own copy, not the whole unit; the state dir must exist for any backup.
  std::vector<std::string> writable = {systemd_word(state_dir.string(), false)};
  std::set<fs::path> seen = {state_dir};
  std::vector<fs::path> touched = {binary, config_path, state_dir};
  if (cfg.manifest) touched.push_back(*cfg.manifest);
  for (const auto& d : cfg.backup.destinations) {
    for (const auto* f : {&d.access_key_file, &d.secret_key_file})
      if (!f->empty()) touched.push_back(*f);
    if (d.type != config::BackupType::directory) continue;
    fs::path p = fs::path(d.path).lexically_normal();
    require_printable("backup destination path " + d.path, d.path);
    touched.push_back(p);
    if (!seen.insert(p).second) continue;
    writable.push_back(systemd_word("-" + p.string(), false));
    std::error_code ec;
    if (!fs::is_directory(p, ec))
      u.warnings.push_back("backup destination " + p.string() +
                           " does not exist; the timer's backups cannot write there until it does "
                           "(create it, owned by root; the next run picks it up)");
  }
  for (const auto* f : {&cfg.tls.cert_file, &cfg.tls.key_file, &cfg.tls.cloudflare_token_file})
    if (*f) touched.push_back(**f);
  if (g.docker_host.starts_with("unix://")) touched.push_back(g.docker_host.substr(7));
  if (std::error_code ec; !fs::is_directory(state_dir, ec))
    u.warnings.push_back("state dir " + state_dir.string() +
                         " does not exist yet; the backup unit fails until 'egg up' has created it");

  // The sandbox hides /home, /root, /run/user and the real /tmp; relax exactly the one that
  // would hide something this backup needs (a trial instance under /tmp or a home directory).
  auto any_under = [&](std::initializer_list<const char*> tops) {
    for (const auto& p : touched)
      for (const char* t : tops)
        if (under(p, t)) return true;
    return false;
  };
  bool in_home = any_under({"/home", "/root", "/run/user"});
  bool in_tmp = any_under({"/tmp", "/var/tmp"});
  if (in_home)
    u.warnings.push_back("a path the backup needs is under /home, /root or /run/user: "
                         "ProtectHome=read-only instead of yes");
  if (in_tmp)
    u.warnings.push_back("a path the backup needs is under /tmp or /var/tmp: PrivateTmp=no "
                         "(a trial setup; use /etc and /var/lib for real ones)");

  std::string rw;
  for (const auto& w : writable) rw += (rw.empty() ? "" : " ") + w;
  u.service = core::render_embedded("templates/systemd/egg-backup.service",
                                    {{"instance", cfg.instance},
                                     {"exec_start", exec_start},
                                     {"read_write_paths", rw},
                                     {"protect_home", in_home ? "read-only" : "yes"},
                                     {"private_tmp", in_tmp ? "no" : "yes"}});
  u.timer = core::render_embedded("templates/systemd/egg-backup.timer", {{"instance", cfg.instance}});
  return u;
}

// Runs a fixed argv (no shell), inheriting stdout/stderr; a non-zero exit is Error(failed).
void run_systemctl(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string shown;
  for (const auto& a : args) {
    argv.push_back(const_cast<char*>(a.c_str()));
    shown += (shown.empty() ? "" : " ") + a;
  }
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  if (rc != 0) throw Error(Exit::failed, "cannot run '" + shown + "': " + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw Error(Exit::failed, "waiting for '" + shown + "': " + std::strerror(errno));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  std::string how = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                    : WIFSIGNALED(status) ? "was killed by signal " + std::to_string(WTERMSIG(status))
                                          : "failed";
  throw Error(Exit::failed,
              "'" + shown + "' " + how + "; the units are written: fix that and run it by hand");
}

}  // namespace

cli::Command install_units_command() {
  cli::Command c;
  c.words = {"install-units"};
  c.summary = "install the systemd timer that backs up this instance every night";
  c.description =
      "Writes egg-backup.service and egg-backup.timer into --dir (default /etc/systemd/system),\n"
      "mode 0644, then runs 'systemctl daemon-reload' and 'systemctl enable --now egg-backup.timer'.\n"
      "With --no-enable, or a --dir other than the default, nothing is enabled. --print shows both\n"
      "units on stdout and writes nothing.\n"
      "\n"
      "The timer fires daily (randomized within an hour; a run missed while the machine was off\n"
      "happens at the next boot). The service runs this egg binary, by its absolute path, with the\n"
      "--config, --state-dir, --instance (and --manifest, --docker-host) this command was given, so\n"
      "the timer backs up the same instance: run install-units with the same global flags as egg up.\n"
      "The backup needs no passphrase (it encrypts to the instance's public key), so the unit names\n"
      "no passphrase source. It runs sandboxed: no capabilities, the whole file system read-only\n"
      "except the state dir and the config's directory-type backup destinations, idle priority.\n"
      "Rerun install-units after changing those destinations, moving the binary or the state dir.\n"
      "\n"
      "Check it:\n"
      "  systemctl list-timers egg-backup.timer     next and last run\n"
      "  systemctl start egg-backup.service         back up now\n"
      "  journalctl -u egg-backup                   what the backups said\n"
      "docs/units.md explains every line of the units.";
  c.options = {
      {"dir", "DIR", "where to write the units (default /etc/systemd/system; must exist)"},
      {"no-enable", "", "write the units but do not run systemctl"},
      {"print", "", "print both units to stdout and write nothing"},
  };
  c.run = [](const cli::Invocation& inv) {
    const fs::path dir = absolute_path(inv.value("dir").value_or(kDefaultDir));
    Units u = render(inv);
    const fs::path service = dir / kService, timer = dir / kTimer;
    std::error_code ec;
    if (inv.has("print")) {
      for (const auto& w : u.warnings) spdlog::warn("{}", w);
      std::cout << "# " << service.string() << "\n"
                << u.service << "\n# " << timer.string() << "\n"
                << u.timer;
      return 0;
    }
    if (!fs::is_directory(dir, ec))
      throw Error(Exit::precondition, "--dir " + dir.string() +
                                          (fs::exists(dir, ec) ? " is not a directory" : " does not exist") +
                                          "; give an existing directory (systemd reads /etc/systemd/system)");
    for (const auto& w : u.warnings) spdlog::warn("{}", w);
    core::write_file_atomic(service, u.service, 0644);
    core::write_file_atomic(timer, u.timer, 0644);
    std::cout << "wrote " << service.string() << "\nwrote " << timer.string() << "\n";

    bool default_dir = fs::weakly_canonical(dir, ec) == fs::path(kDefaultDir) || dir == fs::path(kDefaultDir);
    if (inv.has("no-enable") || !default_dir) {
      std::cout << "not enabled"
                << (default_dir ? "" : " (--dir is not " + std::string(kDefaultDir) + ")")
                << "; to use them: "
                << (default_dir ? "" : "copy them to " + std::string(kDefaultDir) + ", then ")
                << "systemctl daemon-reload && systemctl enable --now " << kTimer << "\n";
      return 0;
    }
    run_systemctl({"systemctl", "daemon-reload"});
    run_systemctl({"systemctl", "enable", "--now", kTimer});
    std::cout << "enabled " << kTimer << "; check it with: systemctl list-timers " << kTimer
              << "; logs: journalctl -u egg-backup\n";
    return 0;
  };
  return c;
}

}  // namespace egg::commands
