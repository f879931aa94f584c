#!/usr/bin/env bash
# Test fixtures for the engine tests (tests/unit/engine_real_test.cpp). Uses the docker CLI,
# which egg itself never does; the tests need objects made by something other than egg.
#
#   engine-fixture.sh image
#       Makes egg-test/busybox:latest (Debian's busybox-static: /bin/busybox plus a symlink per
#       applet, /tmp, /etc/passwd) with `docker import`, unless an image of the same input exists.
#       Prints the image id. Needs busybox-static (scripts/install-deps.sh).
#   engine-fixture.sh registry-start DIR PORT
#       Runs Debian's docker-registry on 127.0.0.1:PORT with storage under DIR, detached; prints
#       its pid once /v2/ answers. The engine treats 127.0.0.0/8 as an insecure registry.
#   engine-fixture.sh unique DST
#       Imports a one-file image unlike any other (random content) as DST, pushes it, removes it
#       locally; prints the pushed manifest digest. For pulls that must download.
#   engine-fixture.sh push SRC DST
#       Tags SRC as DST, pushes it, untags DST locally; prints the pushed manifest digest.
set -euo pipefail

IMAGE=egg-test/busybox:latest
BUSYBOX=/bin/busybox

case "${1:-}" in
  image)
    [[ -x $BUSYBOX ]] && "$BUSYBOX" --list >/dev/null 2>&1 ||
      { echo "engine-fixture: $BUSYBOX missing: apt-get install busybox-static" >&2; exit 1; }
    key=$(sha256sum "$BUSYBOX" | cut -c1-16)-v1
    have=$(docker image inspect --format '{{index .Config.Labels "org.egg.test-image.input"}}' "$IMAGE" 2>/dev/null || true)
    if [[ $have != "$key" ]]; then
      root=$(mktemp -d)
      trap 'rm -rf "$root"' EXIT
      mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/root"
      chmod 1777 "$root/tmp"
      cp "$BUSYBOX" "$root/bin/busybox"
      for applet in $("$BUSYBOX" --list); do
        [[ $applet == busybox ]] || ln -sf busybox "$root/bin/$applet"
      done
      printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$root/etc/passwd"
      printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
      tar -C "$root" --numeric-owner --owner=0 --group=0 -c . |
        docker import --change 'CMD ["sh"]' --change 'ENV PATH=/bin' \
          --change "LABEL org.egg.test-image.input=$key" - "$IMAGE" >/dev/null
    fi
    docker image inspect --format '{{.Id}}' "$IMAGE"
    ;;
  registry-start)
    dir=$2 port=$3
    mkdir -p "$dir/data"
    cat >"$dir/config.yml" <<CFG
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $dir/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port}
CFG
    setsid docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 </dev/null &
    pid=$!
    for _ in $(seq 100); do
      if curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1; then echo "$pid"; exit 0; fi
      sleep 0.1
    done
    echo "engine-fixture: registry on 127.0.0.1:$port did not start: $(cat "$dir/log")" >&2
    kill "$pid" 2>/dev/null || true
    exit 1
    ;;
  unique)
    dst=$2
    root=$(mktemp -d)
    trap 'rm -rf "$root"' EXIT
    head -c 4096 /dev/urandom >"$root/unique"
    tar -C "$root" --numeric-owner --owner=0 --group=0 -c unique | docker import - "$dst" >/dev/null
    "$0" push "$dst" "$dst"
    ;;
  push)
    src=$2 dst=$3
    docker tag "$src" "$dst"
    docker push -q "$dst" >/dev/null
    digest=$(docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$dst" | grep -F "${dst%:*}@" | head -1)
    docker rmi "$dst" >/dev/null
    [[ $src == "$dst" ]] || true
    echo "${digest#*@}"
    ;;
  *)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
