# Release build: every dependency as a static archive, linked into one fully static `egg`
# (docs/build.md). scripts/build-static.sh builds the minimal libcurl and libarchive from Debian's
# source packages and passes their install prefix as EGG_STATIC_PREFIX; everything else is Debian's
# own static archive (libboost_json.a, libsodium.a, libzstd.a, libssl.a, libcrypto.a, libcares.a,
# libz.a).
set(EGG_STATIC_PREFIX "" CACHE PATH "Prefix holding the minimal static libcurl/libarchive (scripts/build-static.sh)")
if(NOT EGG_STATIC_PREFIX OR NOT EXISTS "${EGG_STATIC_PREFIX}/lib/libcurl.a"
   OR NOT EXISTS "${EGG_STATIC_PREFIX}/lib/libarchive.a")
  message(FATAL_ERROR "EGG_STATIC=ON needs -DEGG_STATIC_PREFIX=<prefix with lib/libcurl.a and "
                      "lib/libarchive.a>; run scripts/build-static.sh, which builds them and sets it")
endif()

# Debian's static archives. Asking for the file name makes find_library never fall back to a .so.
function(egg_static_lib var file)
  find_library(${var} NAMES ${file} NO_CACHE)
  if(NOT ${var})
    message(FATAL_ERROR "${file} not found: run scripts/install-deps.sh")
  endif()
  set(${var} ${${var}} PARENT_SCOPE)
endfunction()
egg_static_lib(EGG_SODIUM_A libsodium.a)
egg_static_lib(EGG_ZSTD_A libzstd.a)
egg_static_lib(EGG_SSL_A libssl.a)
egg_static_lib(EGG_CRYPTO_A libcrypto.a)
egg_static_lib(EGG_CARES_A libcares.a)
egg_static_lib(EGG_Z_A libz.a)

set(Boost_USE_STATIC_LIBS ON)
set(Boost_NO_WARN_NEW_VERSIONS ON)  # FindBoost of CMake 3.25 predates Boost 1.81
find_package(Boost 1.81 EXACT REQUIRED COMPONENTS json)
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)

add_library(egg_deps INTERFACE)
# spdlog and fmt header-only in both builds, so the two builds log identically.
target_compile_definitions(egg_deps INTERFACE SPDLOG_HEADER_ONLY SPDLOG_FMT_EXTERNAL FMT_HEADER_ONLY)
# The prefix comes first, so the built curl/archive headers win over Debian's (which live in the
# compiler's implicit system directories, searched after every -I).
target_include_directories(egg_deps BEFORE INTERFACE "${EGG_STATIC_PREFIX}/include")
# Let --gc-sections drop the parts of egg and its archives nothing calls.
target_compile_options(egg_deps INTERFACE -ffunction-sections -fdata-sections)
# Static archives in dependency order: a library comes before everything it needs.
target_link_libraries(egg_deps INTERFACE
  "${EGG_STATIC_PREFIX}/lib/libarchive.a"
  "${EGG_STATIC_PREFIX}/lib/libcurl.a"
  "${EGG_SSL_A}" "${EGG_CRYPTO_A}" "${EGG_CARES_A}"
  "${EGG_ZSTD_A}" "${EGG_Z_A}"
  "${EGG_SODIUM_A}"
  Boost::json
  Threads::Threads ${CMAKE_DL_LIBS})
# Only the egg executable links egg_deps in this build (EGG_TESTS=OFF), so these are its link
# flags: fully static (no ELF interpreter), stripped, unused sections dropped.
target_link_options(egg_deps INTERFACE -static -s -Wl,--gc-sections)
