#!/bin/sh
# mmdebstrap customize hook for the postgres rootfs; $1 is the chroot directory.
# Mirrors what docker-library/postgres does in its Dockerfile: user/group postgres with uid/gid 999,
# and no cluster created by the Debian packaging (the entrypoint runs initdb on an empty PGDATA).
set -eu
root="$1"
# Debian's postinst created the default cluster 15/main; the image must not carry one.
chroot "$root" pg_dropcluster 15 main 2>/dev/null || rm -rf "$root/etc/postgresql/15/main" "$root/var/lib/postgresql/15/main"
old_uid=$(chroot "$root" id -u postgres)
old_gid=$(chroot "$root" id -g postgres)
if [ "$old_uid" != 999 ] || [ "$old_gid" != 999 ]; then
  if chroot "$root" getent passwd 999 >/dev/null || chroot "$root" getent group 999 >/dev/null; then
    echo "postgres-customize: uid/gid 999 already taken in the rootfs" >&2
    exit 1
  fi
  chroot "$root" groupmod -g 999 postgres
  chroot "$root" usermod -u 999 -g 999 postgres
  chroot "$root" find / -xdev -uid "$old_uid" -exec chown -h 999 '{}' +
  chroot "$root" find / -xdev -gid "$old_gid" -exec chgrp -h 999 '{}' +
fi
chroot "$root" sh -c 'test "$(id -u postgres):$(id -g postgres)" = 999:999'
# Keep the data tree of the packaging out of the image; PGDATA is created by the Dockerfile.
rm -rf "$root/var/lib/postgresql/15"
