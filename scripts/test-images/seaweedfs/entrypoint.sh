#!/bin/sh
# Entrypoint of egg's local SeaweedFS test image; same dispatch as upstream docker/entrypoint.sh
# (seaweedfs/seaweedfs): the first argument selects the role and the data dir is /data.
#   server ARGS  -> weed -logtostderr=true server -dir=/data -volume.max=0
#                   -master.volumePreallocate -master.volumeSizeLimitMB=1024 ARGS
#                   (-volume.max=0 is left out when ARGS set -volume.max)
#   master|volume|filer|s3 ARGS -> the same role with upstream's defaults
#   anything else -> weed ARGS      (e.g. `version`, `mini -dir=/data`)
# egg runs:  server -s3 -s3.port=8333 -s3.config=/etc/seaweedfs/s3.json   (s3.json bind-mounted)
set -e

has_arg() {
  a="$1"; shift
  for p in "$@"; do
    case "$p" in "$a"|"$a"=*) return 0 ;; esac
  done
  return 1
}

case "${1:-}" in
  master)
    shift
    exec /usr/bin/weed -logtostderr=true master -mdir=/data -volumePreallocate -volumeSizeLimitMB=1024 "$@" ;;
  volume)
    shift
    if has_arg -max "$@"; then set -- -dir=/data "$@"; else set -- -dir=/data -max=0 "$@"; fi
    exec /usr/bin/weed -logtostderr=true volume "$@" ;;
  server)
    shift
    if has_arg -volume.max "$@"; then
      set -- -dir=/data -master.volumePreallocate -master.volumeSizeLimitMB=1024 "$@"
    else
      set -- -dir=/data -volume.max=0 -master.volumePreallocate -master.volumeSizeLimitMB=1024 "$@"
    fi
    exec /usr/bin/weed -logtostderr=true server "$@" ;;
  filer)
    shift
    exec /usr/bin/weed -logtostderr=true filer "$@" ;;
  s3)
    shift
    exec /usr/bin/weed -logtostderr=true s3 "$@" ;;
  *)
    exec /usr/bin/weed "$@" ;;
esac
