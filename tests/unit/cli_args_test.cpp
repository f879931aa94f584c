#include <doctest/doctest.h>

#include "egg/cli/args.hpp"
#include "egg/core/exit.hpp"

using namespace egg;

namespace {
std::vector<cli::Command> table() {
  cli::Command backup;
  backup.words = {"backup"};
  backup.options = {{"json-summary", "", "x"}};
  cli::Command backup_list;
  backup_list.words = {"backup", "list"};
  cli::Command get;
  get.words = {"secrets", "get"};
  get.min_args = get.max_args = 1;
  get.options = {{"recovery-key-file", "F", "x"}, {"tag", "T", "x", true}};
  return {backup, backup_list, get};
}
Exit code_of(const std::vector<std::string>& argv) {
  try {
    cli::parse_args(argv, table());
  } catch (const Error& e) {
    return e.code();
  }
  return Exit::ok;
}
}  // namespace

TEST_CASE("command words are matched greedily, the rest are arguments") {
  auto cmds = table();
  auto p = cli::parse_args({"secrets", "get", "vault/root"}, cmds);
  REQUIRE(p.command);
  CHECK(p.command->name() == "secrets get");
  CHECK(p.invocation.args == std::vector<std::string>{"vault/root"});
  auto b = cli::parse_args({"backup", "list"}, cmds);
  CHECK(b.command->name() == "backup list");
  auto b2 = cli::parse_args({"backup"}, cmds);
  CHECK(b2.command->name() == "backup");
}

TEST_CASE("global flags stand anywhere; command options after the words") {
  auto cmds = table();
  auto p = cli::parse_args({"--state-dir", "/tmp/s", "secrets", "get", "--json", "x",
                            "--recovery-key-file=/k", "--instance", "b", "--tag", "1", "--tag", "2"},
                           cmds);
  CHECK(p.invocation.globals.state_dir == "/tmp/s");
  CHECK(p.invocation.globals.json);
  CHECK(p.invocation.globals.instance == "b");
  CHECK(p.invocation.value("recovery-key-file") == "/k");
  CHECK(p.invocation.values("tag") == std::vector<std::string>{"1", "2"});
}

TEST_CASE("bad command lines are usage errors") {
  CHECK(code_of({"frobnicate"}) == Exit::usage);
  CHECK(code_of({"secrets"}) == Exit::usage);                       // group without subcommand
  CHECK(code_of({"secrets", "get"}) == Exit::usage);                // missing argument
  CHECK(code_of({"secrets", "get", "a", "b"}) == Exit::usage);      // too many
  CHECK(code_of({"secrets", "get", "a", "--nope"}) == Exit::usage); // unknown option
  CHECK(code_of({"secrets", "get", "a", "--recovery-key-file"}) == Exit::usage);  // missing value
  CHECK(code_of({"secrets", "get", "a", "--recovery-key-file", "x", "--recovery-key-file", "y"}) == Exit::usage);
  CHECK(code_of({"backup", "--json-summary=yes"}) == Exit::usage);  // flag with a value
  CHECK(code_of({"--log-format", "xml", "backup"}) == Exit::usage);
  CHECK(code_of({"backup", "list", "--json"}) == Exit::ok);
}

TEST_CASE("--help is recorded, not an error, even without a full command") {
  auto p = cli::parse_args({"secrets", "--help"}, table());
  CHECK(p.help);
  CHECK(p.command == nullptr);
}
