#!/usr/bin/env bash
# Release build: one fully static, stripped `egg` (docs/build.md).
#
# Debian's own libcurl.a and libarchive.a cannot be linked statically (they pull in krb5, ldap,
# libpsl, nghttp2, acl, xml2, ...), so this script builds minimal ones from Debian's *source*
# packages (`apt-get source`, adding a deb-src entry when none exists):
#   libcurl    HTTP/HTTPS (OpenSSL), unix sockets, c-ares resolver (no glibc NSS at run time), zlib
#   libarchive tar + zstd (+ gzip via zlib), nothing else
# Both go into a prefix under ${EGG_CACHE:-$HOME/.cache/egg}/static/ keyed by the source
# versions and the configure flags, so a rerun with nothing changed skips straight to egg.
#
# Usage: scripts/build-static.sh            # prints the path of the stripped binary at the end
# Env:   EGG_CACHE (cache root), EGG_JOBS (parallel jobs, default nproc),
#        EGG_STATIC_BUILD_DIR (default <repo>/build/static)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_ROOT="${EGG_CACHE:-$HOME/.cache/egg}"
CACHE="$CACHE_ROOT/static"
JOBS="${EGG_JOBS:-$(nproc)}"
BUILD_DIR="${EGG_STATIC_BUILD_DIR:-$REPO/build/static}"
START=$SECONDS

log() { echo "build-static: $*" >&2; }
die() { echo "build-static: error: $*" >&2; exit 1; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || die "not root and no sudo: needed to add the deb-src entry"
  SUDO=(sudo)
fi

for tool in apt-get dpkg-source autoreconf make cmake ninja strip file; do
  command -v "$tool" >/dev/null || die "$tool missing: run scripts/install-deps.sh"
done
for lib in libssl.a libcrypto.a libcares.a libz.a libzstd.a libsodium.a libboost_json.a; do
  [ -f "/usr/lib/$(gcc -print-multiarch)/$lib" ] || die "/usr/lib/$(gcc -print-multiarch)/$lib missing: run scripts/install-deps.sh"
done

# ---------------------------------------------------------------- deb-src entry
# Debian 12 keeps its sources in deb822 form (debian.sources, `Types: deb`). When no deb-src is
# configured anywhere we add our own file mirroring those URIs and refresh the indexes once.
DEBSRC_FILE=/etc/apt/sources.list.d/egg-deb-src.sources
have_debsrc() {
  grep -rqsE --include='*.list' --include='*.sources' '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' \
    /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}
CODENAME=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
apt_updated=0
if ! have_debsrc; then
  log "adding $DEBSRC_FILE and running apt-get update"
  main_uri=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  sec_uri=$(awk '/^URIs:/ && $2 ~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  "${SUDO[@]}" tee "$DEBSRC_FILE" >/dev/null <<EOF
# Added by egg's scripts/build-static.sh: source packages for the static libcurl and libarchive.
Types: deb-src
URIs: ${main_uri:-http://deb.debian.org/debian}
Suites: $CODENAME $CODENAME-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: ${sec_uri:-http://deb.debian.org/debian-security}
Suites: $CODENAME-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  "${SUDO[@]}" apt-get update -qq
  apt_updated=1
fi

# Version apt would fetch for a source package (from the local index, no network).
src_version() {
  local v
  v=$(apt-get source --print-uris -qq "$1" 2>/dev/null | awk -v p="$1_" '$2 ~ /\.dsc$/ && index($2, p) == 1 {sub(p, "", $2); sub(/\.dsc$/, "", $2); print $2; exit}')
  if [ -z "$v" ] && [ "$apt_updated" = 0 ]; then
    # deb-src configured but its index is missing (e.g. lists cleaned): refresh once.
    "${SUDO[@]}" apt-get update -qq >&2
    apt_updated=1
    v=$(apt-get source --print-uris -qq "$1" 2>/dev/null | awk -v p="$1_" '$2 ~ /\.dsc$/ && index($2, p) == 1 {sub(p, "", $2); sub(/\.dsc$/, "", $2); print $2; exit}')
  fi
  [ -n "$v" ] || die "apt-get source cannot find $1 (deb-src entry / apt-get update?)"
  echo "$v"
}
CURL_VERSION=$(src_version curl)
ARCHIVE_VERSION=$(src_version libarchive)

# ---------------------------------------------------------------- configure flags (cache key)
CFLAGS_DEPS="-O2 -fPIC -ffunction-sections -fdata-sections"

CURL_FLAGS=(
  --disable-shared --enable-static --with-pic
  --with-openssl --enable-ares --with-zlib
  --enable-http --enable-unix-sockets --enable-ipv6 --enable-proxy --enable-cookies
  --disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp --disable-dict
  --disable-telnet --disable-tftp --disable-pop3 --disable-imap --disable-smtp --disable-gopher
  --disable-mqtt --disable-smb --disable-ntlm --disable-ntlm-wb
  --disable-netrc --disable-alt-svc --disable-hsts --disable-doh --disable-tls-srp
  --disable-manual --disable-libcurl-option --disable-threaded-resolver --disable-pthreads
  --disable-websockets --disable-openssl-auto-load-config --disable-dependency-tracking
  --disable-versioned-symbols --without-zsh-functions-dir --without-fish-functions-dir
  --without-gssapi --without-libpsl --without-brotli --without-zstd --without-libidn2
  --without-nghttp2 --without-nghttp3 --without-ngtcp2 --without-quiche --without-msh3
  --without-libssh --without-libssh2 --without-wolfssh --without-librtmp --without-hyper
  --without-libgsasl --without-gnutls --without-nss --without-wolfssl --without-mbedtls
  --without-rustls --without-bearssl --without-ca-fallback
  --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt --with-ca-path=/etc/ssl/certs
)
ARCHIVE_FLAGS=(
  --disable-shared --enable-static --with-pic
  --with-zstd --with-zlib
  --disable-bsdtar --disable-bsdcat --disable-bsdcpio --disable-acl --disable-xattr
  --without-xml2 --without-expat --without-openssl --without-nettle --without-mbedtls
  --without-lz4 --without-lzma --without-bz2lib --without-libb2 --without-lzo2 --without-iconv
  --without-libiconv-prefix --without-cng
  --disable-dependency-tracking
)

RECIPE=1   # bump when fetch()/build() change in a way that alters the built libraries
KEY=$(printf '%s\n' "recipe=$RECIPE" "curl=$CURL_VERSION" "libarchive=$ARCHIVE_VERSION" "cflags=$CFLAGS_DEPS" \
        "${CURL_FLAGS[@]}" -- "${ARCHIVE_FLAGS[@]}" "cc=$(gcc -dumpfullversion)" \
        "openssl=$(dpkg-query -W -f='${Version}' libssl-dev)" \
        "cares=$(dpkg-query -W -f='${Version}' libc-ares-dev)" | sha256sum | cut -c1-16)
PREFIX="$CACHE/prefix-$KEY"
STAGE="$CACHE/stage-$KEY"   # make install DESTDIR: the prefix appears only when complete

# ---------------------------------------------------------------- fetch + build one package
# fetch PKG VERSION -> prints the unpacked source tree under $CACHE/PKG-VERSION/
fetch() {
  local pkg=$1 ver=$2 dir="$CACHE/$1-$2"
  if [ ! -f "$dir/.unpacked" ]; then
    log "apt-get source $pkg=$ver -> $dir"
    rm -rf "$dir" && mkdir -p "$dir"
    # apt-get source downloads and unpacks with dpkg-source (Debian's patches applied).
    (cd "$dir" && apt-get source -qq "$pkg=$ver" >apt-get-source.log 2>&1) ||
      { cat "$dir/apt-get-source.log" >&2; die "apt-get source $pkg failed"; }
    local src
    src=$(find "$dir" -mindepth 1 -maxdepth 1 -type d -name "$pkg-*" | head -1)
    if [ "$pkg" = curl ]; then
      # dpkg-source applies the whole series, whose last two patches turn the tree into the GnuTLS
      # and NSS flavours (renamed libcurl-gnutls / libcurl-nss). debian/rules pops them for the
      # OpenSSL flavour; so do we.
      for p in 99_nss.patch 90_gnutls.patch; do
        if grep -qx "$p" "$src/debian/patches/series"; then
          patch -d "$src" -R -p1 -s <"$src/debian/patches/$p" || die "cannot revert curl's $p"
        fi
      done
    fi
    touch "$dir/.unpacked"
  fi
  find "$dir" -mindepth 1 -maxdepth 1 -type d -name "$pkg-*" | head -1
}

# build NAME SRCDIR REGEN CONFIGURE_ARGS... : regenerate the autotools files with REGEN (Debian's
# patches touch configure.ac / Makefile.am, and debian/rules regenerates too), configure out of
# tree, make, and install into the staging copy of $PREFIX (moved into place once all is well).
build() {
  local name=$1 src=$2 regen=$3; shift 3
  local bdir
  bdir="$(dirname "$src")/build-$KEY"
  log "building $name in $bdir (log: $bdir/build.log)"
  rm -rf "$bdir" && mkdir -p "$bdir"
  # One && chain: `set -e` does not apply inside a subshell whose status is being tested.
  (
    cd "$src" &&
    { [ -f .egg-regenerated ] || { $regen && touch .egg-regenerated; }; } &&
    cd "$bdir" &&
    CFLAGS="$CFLAGS_DEPS" "$src/configure" --prefix="$PREFIX" "$@" &&
    make -j"$JOBS" &&
    make install DESTDIR="$STAGE"
  ) >"$bdir/build.log" 2>&1 || { tail -40 "$bdir/build.log" >&2; die "$name build failed (see $bdir/build.log)"; }
  # Keep the logs with the prefix, drop the objects (the unpacked source stays for a rebuild).
  mkdir -p "$STAGE$PREFIX/logs"
  cp "$bdir/build.log" "$STAGE$PREFIX/logs/$name-build.log"
  cp "$bdir/config.log" "$STAGE$PREFIX/logs/$name-config.log"
  rm -rf "$bdir"
}

if [ -f "$PREFIX/.complete" ]; then
  log "cached deps: $PREFIX (curl $CURL_VERSION, libarchive $ARCHIVE_VERSION)"
else
  mkdir -p "$CACHE"
  rm -rf "$STAGE"
  CURL_SRC=$(fetch curl "$CURL_VERSION")
  ARCHIVE_SRC=$(fetch libarchive "$ARCHIVE_VERSION")
  build curl "$CURL_SRC" "autoreconf -fi" "${CURL_FLAGS[@]}"            # = curl's ./buildconf
  build libarchive "$ARCHIVE_SRC" "sh build/autogen.sh" "${ARCHIVE_FLAGS[@]}"  # as debian/rules
  # Only the static archives and headers matter; drop the .la files and docs.
  rm -rf "$STAGE$PREFIX/share" "$STAGE$PREFIX/bin"
  find "$STAGE$PREFIX/lib" -name '*.la' -delete

  # The whole point: nothing in the built archives may need krb5, ldap, acl, xattr, xml2, ...
  bad=$(nm -u "$STAGE$PREFIX/lib/libcurl.a" "$STAGE$PREFIX/lib/libarchive.a" | awk '$1 == "U" {print $2}' |
        grep -E '^(acl_|gss_|krb5_|ldap_|ber_|psl_|nghttp2_|idn2_|Brotli|lzma_|BZ2_|LZ4_|xml|XML_|iconv|libssh|ssh_|[lf]?(get|set|list|remove)xattr$|getaddrinfo$)' |
        sort -u || true)
  [ -z "$bad" ] || die "built libraries still reference excluded features:
$bad"
  printf 'curl %s\nlibarchive %s\nkey %s\n' "$CURL_VERSION" "$ARCHIVE_VERSION" "$KEY" >"$STAGE$PREFIX/VERSIONS"
  touch "$STAGE$PREFIX/.complete"
  rm -rf "$PREFIX" && mv "$STAGE$PREFIX" "$PREFIX" && rm -rf "$STAGE"
  log "deps built into $PREFIX ($((SECONDS - START)) s)"
fi

# ---------------------------------------------------------------- egg itself
log "configuring egg in $BUILD_DIR"
cmake -S "$REPO" -B "$BUILD_DIR" -G Ninja -DEGG_STATIC=ON -DEGG_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=Release -DEGG_STATIC_PREFIX="$PREFIX" >/dev/null
# glibc warns "Using 'X' in statically linked applications requires at run time the shared
# libraries from the glibc version used for linking" for every NSS / dlopen entry point that ends
# up in the binary. These come from code egg never runs (docs/build.md, "Link warnings"):
#   dlopen                          OpenSSL's DSO loader (engines/provider modules; egg loads none,
#                                   and libcurl is built not to read openssl.cnf)
#   getaddrinfo, gethostbyname      OpenSSL's BIO_lookup / BIO_gethostbyname (curl opens its own
#                                   sockets and resolves with c-ares)
#   getservbyname, getservbyport_r  c-ares' service-name lookups (curl passes numeric ports)
# Anything else (getpwnam, getgrnam, iconv_open, ...) is new and means a code path that would
# misbehave on another distribution: the script flags it and tests/integration/static-binary.sh fails.
EXPECTED_WARNINGS="dlopen getaddrinfo gethostbyname getservbyname getservbyport_r"
if ! ninja -C "$BUILD_DIR" -j"$JOBS" egg 2>&1 | tee "$BUILD_DIR/build-output.log"; then
  die "ninja failed (see $BUILD_DIR/build-output.log)"
fi
if grep -q 'Linking CXX executable egg/egg' "$BUILD_DIR/build-output.log"; then
  grep -oE "warning: Using '[^']+' in statically linked" "$BUILD_DIR/build-output.log" |
    sed -E "s/warning: Using '([^']+)'.*/\\1/" | sort -u >"$BUILD_DIR/static-link-warnings.txt" || true
fi

# The link already strips (-s in static-deps.cmake); strip again so the promise never depends on it.
OUT="$BUILD_DIR/egg/egg"
strip --strip-all "$OUT"

if [ -s "$BUILD_DIR/static-link-warnings.txt" ]; then
  log "glibc static-link warnings (expected ones are unreached library paths): $(tr '\n' ' ' <"$BUILD_DIR/static-link-warnings.txt")"
  while read -r sym; do
    case " $EXPECTED_WARNINGS " in
      *" $sym "*) ;;
      *) log "WARNING: egg now links '$sym', which needs glibc NSS/dlopen at run time and breaks on other distributions (docs/build.md)" ;;
    esac
  done <"$BUILD_DIR/static-link-warnings.txt"
fi
file "$OUT"
log "size $(stat -c %s "$OUT") bytes ($(du -h "$OUT" | cut -f1)), total $((SECONDS - START)) s"
echo "$OUT"
