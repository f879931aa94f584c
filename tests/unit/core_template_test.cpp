#include <doctest/doctest.h>

#include "egg/core/exit.hpp"
#include "egg/core/template.hpp"

using namespace egg;

TEST_CASE("templates substitute every placeholder") {
  CHECK(core::render_template("t", "host {{ domain }}:{{port}}\n", {{"domain", "a.example"}, {"port", "443"}}) ==
        "host a.example:443\n");
  CHECK(core::render_template("t", "no placeholders", {}) == "no placeholders");
}

TEST_CASE("a missing value, an unused value and an unclosed placeholder are errors naming the template") {
  auto message = [](auto fn) {
    try {
      fn();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(message([] { core::render_template("templates/x", "{{a}}", {}); }).find("templates/x: no value for {{a}}") !=
        std::string::npos);
  CHECK(message([] { core::render_template("templates/x", "", {{"b", "1"}}); }).find("does not use the value 'b'") !=
        std::string::npos);
  CHECK(message([] { core::render_template("templates/x", "{{a", {{"a", "1"}}); }).find("unclosed") !=
        std::string::npos);
}
