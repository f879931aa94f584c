#!/usr/bin/env bash
# The main job on this machine, from nothing: install dependencies, build egg, build the local
# test images (no registry is reachable here), then `egg up` with the default config on this
# machine's Docker, and `egg status`. Rerunning it is a fast no-op `egg up`.
#
# Two substitutions, because their images cannot be obtained on this machine:
#   - the S3 store runs the SeaweedFS flavor (RustFS, the default, has no image here);
#   - the forge (Forgejo) is disabled.
# Everything else is the default config `egg init` writes. Config and state live in build/demo/;
# remove the instance with: build/dev/egg/egg --config build/demo/egg.json --state-dir build/demo/state destroy --yes
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

step() { printf '\n==> %s\n' "$*"; }

step "installing dependencies"
scripts/install-deps.sh
# ccache hits across clones: paths relative to the checkout, build dir not hashed.
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
step "building egg (dev build)"
cmake -S . -B build/dev -G Ninja -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
ninja -C build/dev egg
EGG=$ROOT/build/dev/egg/egg
step "building the local test images and registry (127.0.0.1:5000)"
scripts/build-test-images.sh

DEMO=$ROOT/build/demo
mkdir -p "$DEMO"
chmod 700 "$DEMO"
G=(--config "$DEMO/egg.json" --state-dir "$DEMO/state" --manifest "$ROOT/build/test-images/manifest.json")

if [ ! -f "$DEMO/egg.json" ]; then
  step "egg init (default config; S3 flavor seaweedfs and forge disabled: their images cannot be obtained here)"
  "$EGG" "${G[@]}" init --domain egg.localhost --s3-flavor seaweedfs --disable forgejo
fi
"$EGG" "${G[@]}" config check >/dev/null

if [ ! -f "$DEMO/passphrase" ]; then
  # A real operator types the passphrase (or uses a systemd credential); the demo makes one.
  head -c 24 /dev/urandom | base64 > "$DEMO/passphrase"
  chmod 600 "$DEMO/passphrase"
fi

step "egg preflight"
"$EGG" "${G[@]}" preflight || { echo "preflight failed: fix the above (ports in use?) and rerun"; exit 4; }

step "egg up (test images from 127.0.0.1:5000, pulled by digest)"
"$EGG" "${G[@]}" --passphrase-file "$DEMO/passphrase" up

step "egg status"
"$EGG" "${G[@]}" status
echo
echo "demo: the foundation runs as instance 'egg'. Config $DEMO/egg.json, state $DEMO/state,"
echo "passphrase $DEMO/passphrase. Try: $EGG ${G[*]} plan"
