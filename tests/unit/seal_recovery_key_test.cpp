// The recovery key's text form: round trip, and every typo an operator can make is caught by the
// per-group check before any cryptography runs, naming the group.
#include <doctest/doctest.h>

#include <string>

#include "egg/core/exit.hpp"
#include "egg/seal/recovery_key.hpp"

using namespace egg;

namespace {

const std::string kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

std::string error_of(const std::string& text) {
  try {
    seal::parse_recovery_key(text);
  } catch (const Error& e) {
    CHECK(e.code() == Exit::usage);
    return e.what();
  }
  return "";
}

int group_of(std::size_t pos) { return static_cast<int>(pos / 6) + 1; }  // 5 chars + '-'

}  // namespace

TEST_CASE("recovery key: round trip, shape, lenient input") {
  for (int i = 0; i < 50; ++i) {
    auto key = seal::new_recovery_key();
    auto text = seal::format_recovery_key(key);
    CHECK(text.size() == 13 * 5 + 12);
    CHECK(seal::parse_recovery_key(text) == key);
    std::string lower;
    for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    CHECK(seal::parse_recovery_key(lower + "\n") == key);
    std::string spaced;
    for (char c : text) spaced += (c == '-' ? ' ' : c);
    CHECK(seal::parse_recovery_key(spaced) == key);
  }
}

TEST_CASE("recovery key: every single-character substitution is caught and names its group") {
  auto key = seal::new_recovery_key();
  auto text = seal::format_recovery_key(key);
  int caught = 0;
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    if (text[pos] == '-') continue;
    for (char sub : kAlphabet) {
      if (sub == text[pos]) continue;
      std::string typo = text;
      typo[pos] = sub;
      auto msg = error_of(typo);
      REQUIRE_MESSAGE(msg.find("typo in group " + std::to_string(group_of(pos))) != std::string::npos,
                      "pos " << pos << " -> " << sub << ": " << msg);
      ++caught;
    }
  }
  CHECK(caught == 65 * 31);
}

TEST_CASE("recovery key: transpositions within a group and across a separator are caught") {
  for (int round = 0; round < 20; ++round) {
    auto text = seal::format_recovery_key(seal::new_recovery_key());
    for (std::size_t g = 0; g < 13; ++g) {
      for (std::size_t i = 0; i < 5; ++i)
        for (std::size_t j = i + 1; j < 5; ++j) {
          std::string t = text;
          std::swap(t[g * 6 + i], t[g * 6 + j]);
          if (t == text) continue;
          CHECK(error_of(t).find("typo in group " + std::to_string(g + 1)) != std::string::npos);
        }
      if (g + 1 < 13) {  // last character of a group swapped with the first of the next
        std::string t = text;
        std::swap(t[g * 6 + 4], t[g * 6 + 6]);
        if (t != text) CHECK(error_of(t).find("typo in group") != std::string::npos);
        std::string swapped = text;  // two whole groups in the wrong order
        std::swap_ranges(swapped.begin() + g * 6, swapped.begin() + g * 6 + 5, swapped.begin() + (g + 1) * 6);
        if (swapped != text) CHECK(error_of(swapped).find("typo in group") != std::string::npos);
      }
    }
  }
}

TEST_CASE("recovery key: wrong lengths and foreign characters") {
  auto text = seal::format_recovery_key(seal::new_recovery_key());
  CHECK(error_of(text.substr(0, text.size() - 1)).find("typo in group 13") != std::string::npos);
  CHECK(error_of(text.substr(0, 20)).find("expected 65") != std::string::npos);
  std::string bad = text;
  bad[7] = 'U';
  CHECK(error_of(bad).find("typo in group 2") != std::string::npos);
  CHECK(error_of("").find("expected 65") != std::string::npos);
}

TEST_CASE("recovery key: an error message never contains the key's characters") {
  auto text = seal::format_recovery_key(seal::new_recovery_key());
  std::string typo = text;
  typo[3] = typo[3] == 'A' ? 'B' : 'A';
  auto msg = error_of(typo);
  CHECK(msg.find(text.substr(0, 5)) == std::string::npos);
  CHECK(msg.find(typo.substr(0, 5)) == std::string::npos);
}
