#pragma once
// The age v1 header (C2SP age.md, "Header"): version line, recipient stanzas, MAC line.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace egg::bundle::age {

inline constexpr std::string_view kVersionLine = "age-encryption.org/v1\n";

struct Stanza {
  std::vector<std::string> args;  // args[0] is the type, e.g. "X25519"
  std::vector<unsigned char> body;
};

struct Header {
  std::vector<Stanza> stanzas;
  std::array<unsigned char, 32> mac{};
  std::string mac_input;  // the header bytes up to and including "---"
};

// One stanza as text: "-> args...\n" then the base64 body wrapped at 64 columns, always ending
// with a line shorter than 64 characters (an empty line when the body fills whole lines).
std::string serialize_stanza(const Stanza& stanza);

// Outcome of looking for a complete header at the start of `data`.
struct HeaderParse {
  bool complete = false;      // false: need more bytes (no error seen yet)
  Header header;
  std::size_t consumed = 0;   // bytes of `data` the header took, including the MAC line's LF
};
// Parses strictly per the ABNF; throws egg::Error(Exit::verify, "age header: ...") on malformed
// input (an unsupported version is reported as such). Incomplete input returns complete=false.
HeaderParse parse_header(std::string_view data);

}  // namespace egg::bundle::age
