// Test-only: signs one S3 request with egg's SigV4 code and prints it for curl, so the signer is
// proven against a real S3 peer independently of egg's HTTP layer (tests/integration/s3-sigv4-peer.sh).
//
//   s3sign --endpoint URL --creds FILE [--region R] [--query k[=v]]... [--header 'N: v']...
//          [--payload FILE] [--unsigned] [--part N=ETAG... --body-out FILE] METHOD RAW_PATH
//
// --part/--body-out: writes egg's own CompleteMultipartUpload body to FILE and signs it.
// --creds FILE holds the access key id on line 1 and the secret on line 2 (fake test keys only).
// Output: "URL <url>" then one "H <name>: <value>" line per header to send, Authorization last.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sodium.h>

#include "egg/core/exit.hpp"
#include "egg/s3/request.hpp"

namespace {

int usage() {
  std::cerr << "usage: s3sign --endpoint URL --creds FILE [--region R] [--query k[=v]]... "
               "[--header 'N: v']... [--payload FILE] [--unsigned] METHOD RAW_PATH\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  egg::s3::Endpoint ep;
  std::vector<std::pair<std::string, std::string>> query;
  egg::s3::Headers headers;
  std::string payload_file, creds_file, body_out;
  std::vector<egg::s3::Part> parts;
  bool unsigned_payload = false;
  std::vector<std::string> pos;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw egg::Error(egg::Exit::usage, a + " needs a value");
      return argv[++i];
    };
    if (a == "--endpoint") ep.url = next();
    else if (a == "--region") ep.region = next();
    else if (a == "--creds") creds_file = next();
    else if (a == "--payload") payload_file = next();
    else if (a == "--unsigned") unsigned_payload = true;
    else if (a == "--body-out") body_out = next();
    else if (a == "--part") {
      std::string p = next();
      auto eq = p.find('=');
      if (eq == std::string::npos) return usage();
      parts.push_back({std::stoi(p.substr(0, eq)), p.substr(eq + 1)});
    }
    else if (a == "--query") {
      std::string q = next();
      auto eq = q.find('=');
      query.emplace_back(q.substr(0, eq), eq == std::string::npos ? "" : q.substr(eq + 1));
    } else if (a == "--header") {
      std::string h = next();
      auto colon = h.find(':');
      if (colon == std::string::npos) return usage();
      std::string v = h.substr(colon + 1);
      v.erase(0, v.find_first_not_of(' '));
      headers.emplace_back(h.substr(0, colon), v);
    } else pos.push_back(a);
  }
  if (pos.size() != 2 || ep.url.empty() || creds_file.empty()) return usage();
  try {
    std::ifstream cf(creds_file);
    std::string id, secret;
    if (!std::getline(cf, id) || !std::getline(cf, secret))
      throw egg::Error(egg::Exit::usage, "credentials file needs two lines");
    ep.credentials = {id, egg::core::SecretBytes(std::string_view(secret))};

    egg::s3::Payload payload{std::string(egg::s3::kEmptySha256), std::nullopt};
    if (!parts.empty()) {
      if (body_out.empty()) return usage();
      std::ofstream(body_out, std::ios::binary) << egg::s3::complete_multipart_body(parts);
      payload_file = body_out;
    }
    if (!payload_file.empty()) {
      std::ifstream in(payload_file, std::ios::binary);
      if (!in) throw egg::Error(egg::Exit::usage, "cannot read " + payload_file);
      egg::s3::Sha256 h;
      std::uint64_t n = 0;
      std::vector<char> buf(1 << 16);
      while (in.read(buf.data(), buf.size()) || in.gcount() > 0) {
        h.update({buf.data(), static_cast<std::size_t>(in.gcount())});
        n += in.gcount();
      }
      payload = {h.hex_digest(), n};
    }
    if (unsigned_payload) payload.sha256 = std::string(egg::s3::kUnsignedPayload);
    auto r = egg::s3::build(ep, pos[0], pos[1], query, headers, {}, payload,
                            egg::s3::Clock::now());
    std::cout << "URL " << r.url << "\n";
    for (const auto& [k, v] : r.headers) std::cout << "H " << k << ": " << v << "\n";
  } catch (const egg::Error& e) {
    std::cerr << "s3sign: " << e.what() << "\n";
    return static_cast<int>(e.code());
  }
  return 0;
}
