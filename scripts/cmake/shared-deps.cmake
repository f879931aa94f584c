# Dev build: Debian's shared libraries.
find_package(PkgConfig REQUIRED)
find_package(Boost 1.81.0 EXACT REQUIRED COMPONENTS json CONFIG)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(ARCHIVE REQUIRED IMPORTED_TARGET libarchive)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)  # libcrypto: SHA-256 (egg/core/sha256.hpp); curl links it for TLS anyway

add_library(egg_deps INTERFACE)
# spdlog and fmt header-only in both builds, so the two builds log identically.
target_compile_definitions(egg_deps INTERFACE SPDLOG_HEADER_ONLY SPDLOG_FMT_EXTERNAL FMT_HEADER_ONLY)
target_link_libraries(egg_deps INTERFACE
  Boost::json PkgConfig::SODIUM PkgConfig::ARCHIVE PkgConfig::ZSTD PkgConfig::CURL OpenSSL::Crypto Threads::Threads)
