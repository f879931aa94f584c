#!/usr/bin/dumb-init /bin/bash
# Entrypoint of egg's local OpenBao test image; behaves like upstream's
# .release/docker/docker-entrypoint.sh (openbao/openbao) for the parts egg relies on:
#   - `server ARGS`  ->  bao server -config=/openbao/config -dev-root-token-id=$BAO_DEV_ROOT_TOKEN_ID
#                        -dev-listen-address=${BAO_DEV_LISTEN_ADDRESS:-0.0.0.0:8200} ARGS
#     (the -dev-* flags only matter with -dev), so `server` alone runs the config in /openbao/config
#   - a first argument starting with `-`, `version`, or any bao subcommand runs `bao ...`
#   - BAO_LOCAL_CONFIG (JSON) is written to /openbao/config/local.json
#   - when started as root: chown /openbao/{config,logs,file} (unless SKIP_CHOWN) and drop to
#     user openbao (unless BAO_SKIP_DROP_ROOT); the image itself runs as USER openbao (>= 2.6)
# dumb-init is PID 1 and reaps zombies / forwards signals, as upstream.
# Not supported here: BAO_REDIRECT_INTERFACE / BAO_CLUSTER_INTERFACE (need iproute2 + gawk).
set -e
ulimit -c 0

BAO_CONFIG_DIR=/openbao/config
if [ -n "${BAO_LOCAL_CONFIG:-}" ]; then
  printf '%s\n' "$BAO_LOCAL_CONFIG" >"$BAO_CONFIG_DIR/local.json"
fi

if [ "${1:0:1}" = - ]; then
  set -- bao "$@"
fi

if [ "$1" = server ]; then
  shift
  set -- bao server \
    -config="$BAO_CONFIG_DIR" \
    -dev-root-token-id="${BAO_DEV_ROOT_TOKEN_ID:-}" \
    -dev-listen-address="${BAO_DEV_LISTEN_ADDRESS:-0.0.0.0:8200}" \
    "$@"
elif [ "$1" = version ]; then
  set -- bao "$@"
elif bao --help "$1" 2>&1 | grep -q "bao $1"; then
  set -- bao "$@"
fi

if [ "$1" = bao ]; then
  if [ -z "${SKIP_CHOWN:-}" ] && [ "$(id -u)" = 0 ]; then
    for d in /openbao/config /openbao/logs /openbao/file; do
      if [ "$(stat -c %u "$d")" != "$(id -u openbao)" ]; then
        chown -R openbao:openbao "$d" || echo "Could not chown $d (may not have appropriate permissions)"
      fi
    done
  fi
  if [ "$(id -u)" = 0 ] && [ -z "${BAO_SKIP_DROP_ROOT:-}" ]; then
    set -- setpriv --reuid=openbao --regid=openbao --init-groups "$@"
  fi
fi

exec "$@"
