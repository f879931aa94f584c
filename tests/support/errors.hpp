#pragma once
// Test support: the exit code (and message) an egg::Error carries, or Exit::ok if none is thrown.
#include <string>

#include "egg/core/exit.hpp"

namespace egg::test {

inline Exit code_of(auto&& fn, std::string* msg = nullptr) {
  try {
    fn();
  } catch (const Error& e) {
    if (msg) *msg = e.what();
    return e.code();
  }
  return Exit::ok;
}

}  // namespace egg::test
