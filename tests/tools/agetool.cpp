// Test-only age CLI over bundle/age, for tests/integration/age-interop.sh. Never shipped.
//   agetool keygen                      -> identity file (like age-keygen) on stdout
//   agetool encrypt -r age1...          stdin -> age file on stdout
//   agetool decrypt -i IDENTITYFILE     age file on stdin -> plaintext on stdout
// With AGETOOL_REPORT_RSS set, prints "maxrss_kib N" (peak RSS) to stderr on success.
// Exit codes are egg's (5 = corrupt/truncated/tampered, 3 = not for this identity).
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "bundle/age/age.hpp"
#include "egg/core/exit.hpp"

using namespace egg::bundle::age;

namespace {
void out(std::string_view s) {
  if (!s.empty() && std::fwrite(s.data(), 1, s.size(), stdout) != s.size())
    throw egg::Error(egg::Exit::failed, "write to stdout failed");
}
template <class F>
void pump(F&& f) {
  std::vector<char> buf(1 << 20);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), stdin)) > 0) f(std::string_view(buf.data(), n));
}
X25519Identity read_identity(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw egg::Error(egg::Exit::usage, "cannot read " + path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    return decode_identity(line);
  }
  throw egg::Error(egg::Exit::usage, "no identity in " + path);
}
}  // namespace

int main(int argc, char** argv) {
  try {
    std::vector<std::string> a(argv + 1, argv + argc);
    if (a.size() == 1 && a[0] == "keygen") {
      auto id = generate_identity();
      out("# public key: " + encode_recipient(id.public_key) + "\n" + encode_identity(id) + "\n");
    } else if (a.size() == 3 && a[0] == "encrypt" && a[1] == "-r") {
      Encryptor e(decode_recipient(a[2]), out);
      pump([&](std::string_view s) { e.write(s); });
      e.finish();
    } else if (a.size() == 3 && a[0] == "decrypt" && a[1] == "-i") {
      Decryptor d(read_identity(a[2]), out);
      pump([&](std::string_view s) { d.feed(s); });
      d.finish();
    } else {
      std::cerr << "usage: agetool keygen | encrypt -r RECIPIENT | decrypt -i IDENTITYFILE\n";
      return 2;
    }
    if (std::fflush(stdout) != 0) throw egg::Error(egg::Exit::failed, "write to stdout failed");
    if (std::getenv("AGETOOL_REPORT_RSS")) {  // peak RSS in KiB, for the interop script's memory check
      struct rusage ru {};
      getrusage(RUSAGE_SELF, &ru);
      std::cerr << "maxrss_kib " << ru.ru_maxrss << "\n";
    }
    return 0;
  } catch (const egg::Error& e) {
    std::cerr << "agetool: " << e.what() << "\n";
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << "agetool: " << e.what() << "\n";
    return 1;
  }
}
