#!/usr/bin/env bash
# Entrypoint of egg's local postgres test image. It implements the documented environment contract
# of the official image (docker-library/postgres, 15/bookworm/docker-entrypoint.sh); see
# docs/contracts/postgres.md. Written for this kit, not copied from upstream.
#
#   POSTGRES_PASSWORD / POSTGRES_PASSWORD_FILE   superuser password (required on an empty PGDATA
#                                                unless POSTGRES_HOST_AUTH_METHOD=trust)
#   POSTGRES_USER (postgres), POSTGRES_DB (= user), POSTGRES_INITDB_ARGS, POSTGRES_INITDB_WALDIR
#                                                (each also as *_FILE)
#   POSTGRES_HOST_AUTH_METHOD                    method of the appended `host all all all` line
#                                                (default: password_encryption, scram-sha-256)
#   PGDATA                                       /var/lib/postgresql/data
#   /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz|*.sql.xz|*.sql.zst  run once on an empty PGDATA
set -Eeo pipefail

# VAR or VAR_FILE (not both) -> exported VAR; VAR_FILE is unset afterwards.
env_or_file() {
  local name="$1" default="${2:-}" file_name="${1}_FILE"
  local value="${!name:-}" file="${!file_name:-}"
  if [ -n "$value" ] && [ -n "$file" ]; then
    echo "error: both $name and $file_name are set (but are exclusive)" >&2
    exit 1
  fi
  if [ -n "$file" ]; then
    value="$(<"$file")"
  fi
  export "$name"="${value:-$default}"
  unset "$file_name"
}

load_env() {
  env_or_file POSTGRES_PASSWORD
  env_or_file POSTGRES_USER postgres
  env_or_file POSTGRES_DB "$POSTGRES_USER"
  env_or_file POSTGRES_INITDB_ARGS
  env_or_file POSTGRES_INITDB_WALDIR
  : "${POSTGRES_HOST_AUTH_METHOD:=}"
  : "${PGDATA:=/var/lib/postgresql/data}"
  export PGDATA
  DATA_EXISTS=
  if [ -s "$PGDATA/PG_VERSION" ]; then DATA_EXISTS=1; fi
}

prepare_dirs() {
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA" 2>/dev/null || :
  mkdir -p /var/run/postgresql 2>/dev/null || :
  chmod 3775 /var/run/postgresql 2>/dev/null || :
  if [ -n "$POSTGRES_INITDB_WALDIR" ]; then
    mkdir -p "$POSTGRES_INITDB_WALDIR"
    [ "$(id -u)" != 0 ] || find "$POSTGRES_INITDB_WALDIR" ! -user postgres -exec chown postgres '{}' +
    chmod 700 "$POSTGRES_INITDB_WALDIR"
  fi
  if [ "$(id -u)" = 0 ]; then
    find "$PGDATA" ! -user postgres -exec chown postgres '{}' +
    find /var/run/postgresql ! -user postgres -exec chown postgres '{}' +
  fi
}

require_password() {
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    cat >&2 <<'EOF'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
       connections without a password. This is *not* recommended.
EOF
    exit 1
  fi
  if [ "$POSTGRES_HOST_AUTH_METHOD" = trust ]; then
    echo "WARNING: POSTGRES_HOST_AUTH_METHOD=trust lets anyone who reaches the port in without a password." >&2
  fi
}

run_initdb() {
  local args=()
  if [ -n "$POSTGRES_INITDB_WALDIR" ]; then args+=(--waldir "$POSTGRES_INITDB_WALDIR"); fi
  # POSTGRES_INITDB_ARGS is a shell-quoted string (as upstream: evaluated, not split on spaces only).
  eval 'initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") '"$POSTGRES_INITDB_ARGS"' "${args[@]}"'
}

append_hba() {
  [ "${1:-}" != postgres ] || shift
  local method
  method="$(postgres -C password_encryption "$@")"
  : "${POSTGRES_HOST_AUTH_METHOD:=$method}"
  printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"
}

sql() {
  local cmd=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
  [ -z "$POSTGRES_DB" ] || cmd+=(--dbname "$POSTGRES_DB")
  PGHOST= PGHOSTADDR= "${cmd[@]}" "$@"
}

temp_server_start() {
  [ "${1:-}" != postgres ] || shift
  # Unix socket only: nothing can connect over TCP before initialisation is finished.
  set -- "$@" -c listen_addresses='' -p "${PGPORT:-5432}"
  PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -o "$(printf '%q ' "$@")" -w start
}

temp_server_stop() {
  PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -m fast -w stop
}

create_db() {
  local exists
  exists="$(POSTGRES_DB= sql --dbname postgres --set db="$POSTGRES_DB" --tuples-only <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")"
  if [ -z "$exists" ]; then
    POSTGRES_DB= sql --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
  fi
}

run_init_files() {
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    [ -e "$f" ] || continue
    case "$f" in
      *.sh)
        if [ -x "$f" ]; then echo "$0: running $f"; "$f"; else echo "$0: sourcing $f"; . "$f"; fi ;;
      *.sql)     echo "$0: running $f"; sql -f "$f" ;;
      *.sql.gz)  echo "$0: running $f"; gunzip -c "$f" | sql ;;
      *.sql.xz)  echo "$0: running $f"; xzcat "$f" | sql ;;
      *.sql.zst) echo "$0: running $f"; zstd -dc "$f" | sql ;;
      *)         echo "$0: ignoring $f" ;;
    esac
  done
}

wants_help() {
  local a
  for a; do
    case "$a" in -'?'|--help|--describe-config|-V|--version) return 0 ;; esac
  done
  return 1
}

main() {
  if [ "${1:0:1}" = - ]; then set -- postgres "$@"; fi
  if [ "$1" = postgres ] && ! wants_help "$@"; then
    load_env
    prepare_dirs
    if [ "$(id -u)" = 0 ]; then
      # Drop to postgres (uid/gid 999) and start over; setpriv is util-linux's gosu.
      exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
    fi
    if [ -z "$DATA_EXISTS" ]; then
      require_password
      ls /docker-entrypoint-initdb.d/ >/dev/null
      run_initdb
      append_hba "$@"
      export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
      temp_server_start "$@"
      create_db
      run_init_files
      temp_server_stop
      unset PGPASSWORD
      printf '\nPostgreSQL init process complete; ready for start up.\n\n'
    else
      printf '\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n'
    fi
  fi
  exec "$@"
}

main "$@"
