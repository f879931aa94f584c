#!/usr/bin/env bash
# Checks egg's local test images (scripts/build-test-images.sh): the local registry, the digests in
# build/test-images/manifest.json, each image's contract, and a functional smoke per service.
#
# Usage: tests/integration/test-images.sh [--no-build]
#   --no-build   assume scripts/build-test-images.sh already ran (default: run it first)
# Needs root, Docker, psql (postgresql-client), curl, jq and the venv of scripts/install-deps.sh
# (aws CLI). Containers are named egg-imgtest-* and removed at exit. Last line: "N passed, N failed".
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${EGG_CACHE:-$HOME/.cache/egg}"
AWS="$CACHE/venv/bin/aws"
MANIFEST="$REPO/build/test-images/manifest.json"
REGISTRY=127.0.0.1:5000
BUILD=1
for arg in "$@"; do
  case "$arg" in
    --no-build) BUILD=0 ;;
    *) echo "usage: $0 [--no-build]" >&2; exit 2 ;;
  esac
done

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok   - $1"; }
nok() { FAIL=$((FAIL + 1)); echo "FAIL - $1${2:+: $2}"; }
check() { # description command...
  local d="$1"; shift
  local out
  if out="$("$@" 2>&1)"; then ok "$d"; else nok "$d" "$(echo "$out" | tail -n 5 | tr '\n' ' ')"; fi
}
finish() {
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" = 0 ]
  exit
}

TMP="$(mktemp -d /tmp/egg-imgtest.XXXXXX)"
chmod 755 "$TMP"
cleanup() {
  local ids
  ids="$(docker ps -aq --filter name='^egg-imgtest-' 2>/dev/null)"
  [ -z "$ids" ] || docker rm -f -v $ids >/dev/null 2>&1
  docker volume rm egg-imgtest-bao-file >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT
ids="$(docker ps -aq --filter name='^egg-imgtest-')"
[ -z "$ids" ] || docker rm -f -v $ids >/dev/null 2>&1
docker volume rm egg-imgtest-bao-file >/dev/null 2>&1

# --- build ----------------------------------------------------------------------------------------
if [ "$BUILD" = 1 ]; then
  if "$REPO/scripts/build-test-images.sh"; then ok "scripts/build-test-images.sh"; else nok "scripts/build-test-images.sh"; finish; fi
fi
if [ ! -s "$MANIFEST" ]; then nok "manifest $MANIFEST exists"; finish; fi

# --- manifest -------------------------------------------------------------------------------------
check "manifest: schema 1 with all six components" \
  jq -e '.schema == 1 and ([.components | keys[]] | sort) == ["forgejo","postgres","proxy","runner","s3","vault"]' "$MANIFEST"
check "manifest: every default_flavor is a flavor key" \
  jq -e '[.components[] | .default_flavor as $d | .flavors | has($d)] | all' "$MANIFEST"
check "manifest: digests are sha256:<64 hex> or null, images carry no tag/digest" \
  jq -e '[.components[].flavors[] | ((.digest == null) or (.digest | test("^sha256:[0-9a-f]{64}$"))) and (.image | test("[@]|:[^/]*$") | not)] | all' "$MANIFEST"
check "manifest: s3 default flavor is seaweedfs, rustfs digest null" \
  jq -e '.components.s3.default_flavor == "seaweedfs" and .components.s3.flavors.rustfs.digest == null' "$MANIFEST"
check "manifest: vault/vault, forgejo, runner, proxy/caddy-cloudflare have digest null" \
  jq -e '[.components.vault.flavors.vault, .components.forgejo.flavors.forgejo, .components.runner.flavors["forgejo-runner"], .components.proxy.flavors["caddy-cloudflare"]] | map(.digest == null) | all' "$MANIFEST"

declare -A REF
REF[postgres]="$(jq -r '.components.postgres.flavors.postgres | .image + "@" + .digest' "$MANIFEST")"
REF[openbao]="$(jq -r '.components.vault.flavors.openbao | .image + "@" + .digest' "$MANIFEST")"
REF[seaweedfs]="$(jq -r '.components.s3.flavors.seaweedfs | .image + "@" + .digest' "$MANIFEST")"
REF[caddy]="$(jq -r '.components.proxy.flavors.caddy | .image + "@" + .digest' "$MANIFEST")"
REF[registry]="$(jq -r '.registry | .image + "@" + .digest' "$MANIFEST")"
declare -A TAGOF
TAGOF[postgres]="$(jq -r '.components.postgres.flavors.postgres.tag' "$MANIFEST")"
TAGOF[openbao]="$(jq -r '.components.vault.flavors.openbao.tag' "$MANIFEST")"
TAGOF[seaweedfs]="$(jq -r '.components.s3.flavors.seaweedfs.tag' "$MANIFEST")"
TAGOF[caddy]="$(jq -r '.components.proxy.flavors.caddy.tag' "$MANIFEST")"
TAGOF[registry]="$(jq -r '.registry.tag' "$MANIFEST")"
NAMES=(postgres openbao seaweedfs caddy registry)
for n in "${NAMES[@]}"; do
  check "manifest: $n is $REGISTRY/egg-test/$n@sha256:..." \
    bash -c "[[ '${REF[$n]}' =~ ^$REGISTRY/egg-test/$n@sha256:[0-9a-f]{64}\$ ]]"
done

# --- registry -------------------------------------------------------------------------------------
check "registry container egg-test-registry is running (restart unless-stopped)" \
  bash -c '[ "$(docker inspect -f "{{.State.Running}} {{.HostConfig.RestartPolicy.Name}}" egg-test-registry)" = "true unless-stopped" ]'
check "registry: /v2/_catalog lists the five repositories" \
  bash -c "curl -fsS http://$REGISTRY/v2/_catalog | jq -e '[\"egg-test/caddy\",\"egg-test/openbao\",\"egg-test/postgres\",\"egg-test/registry\",\"egg-test/seaweedfs\"] - .repositories == []'"
head_digest() {
  { curl -fsSI -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "http://$REGISTRY/v2/$1/manifests/$2" || true; } \
    | tr -d '\r' | awk 'tolower($1)=="docker-content-digest:"{print $2}'
}
for n in "${NAMES[@]}"; do
  d="${REF[$n]#*@}"
  check "registry: tag egg-test/$n:${TAGOF[$n]} resolves to the manifest digest" \
    test "$(head_digest "egg-test/$n" "${TAGOF[$n]}")" = "$d"
  check "registry: serves egg-test/$n@$d" test "$(head_digest "egg-test/$n" "$d")" = "$d"
done

# --- pull by digest, versions ---------------------------------------------------------------------
for n in "${NAMES[@]}"; do
  check "docker pull ${REF[$n]}" docker pull -q "${REF[$n]}"
done
check "openbao: bao version (via entrypoint)" bash -c "docker run --rm '${REF[openbao]}' version | grep -q '^OpenBao v'"
check "openbao: bao on PATH, vault symlink" bash -c "docker run --rm --entrypoint sh '${REF[openbao]}' -c 'bao version && vault version && [ \"\$(readlink -f /usr/bin/vault)\" = /usr/bin/bao ]'"
check "postgres: postgres --version" bash -c "docker run --rm '${REF[postgres]}' postgres --version | grep -q 'PostgreSQL'"
check "postgres: psql pg_dump pg_dumpall pg_restore pg_isready on PATH" \
  docker run --rm --entrypoint sh "${REF[postgres]}" -c 'for t in psql pg_dump pg_dumpall pg_restore pg_isready postgres; do command -v $t >/dev/null || exit 1; done; pg_dump --version'
check "seaweedfs: weed version" bash -c "docker run --rm '${REF[seaweedfs]}' version | grep -q '^version '"
check "caddy: caddy version" bash -c "docker run --rm '${REF[caddy]}' caddy version | grep -q '^v\\?[0-9]'"
check "registry: registry --version" bash -c "docker run --rm --entrypoint /bin/registry '${REF[registry]}' --version | grep -q 'distribution'"

# --- image configuration (contract) ---------------------------------------------------------------
cfg() { docker image inspect -f "$2" "$1"; }
check "postgres: Entrypoint/Cmd/StopSignal/ExposedPorts/PGDATA/Volume" bash -c "
  [ '$(cfg "${REF[postgres]}" '{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{.Config.StopSignal}} {{json .Config.ExposedPorts}} {{json .Config.Volumes}}')' = \
    '[\"docker-entrypoint.sh\"] [\"postgres\"] SIGINT {\"5432/tcp\":{}} {\"/var/lib/postgresql/data\":{}}' ] &&
  docker image inspect -f '{{json .Config.Env}}' '${REF[postgres]}' | grep -q 'PGDATA=/var/lib/postgresql/data'"
check "postgres: user postgres is uid/gid 999" bash -c "[ \"\$(docker run --rm --entrypoint sh '${REF[postgres]}' -c 'id -u postgres; id -g postgres' | tr '\n' ' ')\" = '999 999 ' ]"
check "openbao: USER openbao (100:1000), Cmd server -dev -dev-no-store-token, port 8200" bash -c "
  [ '$(cfg "${REF[openbao]}" '{{.Config.User}} {{json .Config.Entrypoint}} {{json .Config.Cmd}} {{json .Config.ExposedPorts}}')' = \
    'openbao [\"docker-entrypoint.sh\"] [\"server\",\"-dev\",\"-dev-no-store-token\"] {\"8200/tcp\":{}}' ] &&
  [ \"\$(docker run --rm --entrypoint id '${REF[openbao]}')\" = 'uid=100(openbao) gid=1000(openbao) groups=1000(openbao)' ] &&
  [ \"\$(docker run --rm --entrypoint stat '${REF[openbao]}' -c '%u:%g' /openbao/config /openbao/file /openbao/logs | tr '\n' ' ')\" = '100:1000 100:1000 100:1000 ' ]"
check "seaweedfs: Entrypoint /entrypoint.sh, VOLUME /data, port 8333" bash -c "
  [ '$(cfg "${REF[seaweedfs]}" '{{json .Config.Entrypoint}} {{json .Config.Volumes}} {{.Config.WorkingDir}}')' = '[\"/entrypoint.sh\"] {\"/data\":{}} /data' ] &&
  docker image inspect -f '{{json .Config.ExposedPorts}}' '${REF[seaweedfs]}' | grep -q '8333/tcp'"
check "caddy: Cmd, XDG dirs, ports 80 443 443/udp 2019, curl" bash -c "
  [ '$(cfg "${REF[caddy]}" '{{json .Config.Cmd}} {{.Config.WorkingDir}}')' = '[\"caddy\",\"run\",\"--config\",\"/etc/caddy/Caddyfile\",\"--adapter\",\"caddyfile\"] /srv' ] &&
  [ '$(cfg "${REF[caddy]}" '{{json .Config.ExposedPorts}}')' = '{\"2019/tcp\":{},\"443/tcp\":{},\"443/udp\":{},\"80/tcp\":{}}' ] &&
  docker image inspect -f '{{json .Config.Env}}' '${REF[caddy]}' | grep -q 'XDG_DATA_HOME=/data' &&
  docker image inspect -f '{{json .Config.Env}}' '${REF[caddy]}' | grep -q 'XDG_CONFIG_HOME=/config' &&
  docker run --rm '${REF[caddy]}' sh -c 'test -d /data/caddy && test -d /config/caddy && test -f /etc/caddy/Caddyfile && curl --version >/dev/null'"
check "registry: Entrypoint/Cmd/VOLUME/port like the official image" bash -c "
  [ '$(cfg "${REF[registry]}" '{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{json .Config.Volumes}} {{json .Config.ExposedPorts}}')' = \
    '[\"/entrypoint.sh\"] [\"/etc/docker/registry/config.yml\"] {\"/var/lib/registry\":{}} {\"5000/tcp\":{}}' ]"

# --- postgres smoke -------------------------------------------------------------------------------
host_port() { docker port "$1" "$2" | grep -m1 '^127\.0\.0\.1:' | cut -d: -f2; }
wait_for() { # seconds command...
  local n="$1"; shift
  local i
  for ((i = 0; i < n * 2; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  return 1
}

check "postgres: refuses an empty data dir without a password" bash -c "
  out=\$(docker run --rm --name egg-imgtest-pg-nopw '${REF[postgres]}' 2>&1); rc=\$?
  [ \$rc -ne 0 ] && echo \"\$out\" | grep -q 'superuser password is not specified'"

PGPW='p@ss w0rd-egg'
printf '%s' "$PGPW" >"$TMP/pg-password"
chmod 600 "$TMP/pg-password" # root-only, like a Docker secret: the entrypoint reads it as root
mkdir -p "$TMP/initdb"
echo 'CREATE TABLE egg_init_marker (id int); INSERT INTO egg_init_marker VALUES (42);' >"$TMP/initdb/10-marker.sql"
printf '#!/bin/sh\necho "init.sh ran as $(id -un)" > /tmp/init-sh-ran\n' >"$TMP/initdb/20-marker.sh"
chmod 755 "$TMP/initdb/20-marker.sh"
chmod 644 "$TMP/initdb/10-marker.sql"
if docker run -d --name egg-imgtest-pg \
    -e POSTGRES_PASSWORD_FILE=/run/secrets/pgpw -e POSTGRES_USER=egg -e POSTGRES_DB=eggdb \
    -e POSTGRES_INITDB_ARGS='--data-checksums' \
    -v "$TMP/pg-password:/run/secrets/pgpw:ro" -v "$TMP/initdb:/docker-entrypoint-initdb.d:ro" \
    -p 127.0.0.1::5432 "${REF[postgres]}" >/dev/null; then
  ok "postgres: container started with POSTGRES_PASSWORD_FILE"
  check "postgres: pg_isready -h 127.0.0.1 inside the container" \
    wait_for 60 docker exec egg-imgtest-pg pg_isready -h 127.0.0.1 -U egg -d eggdb
  PGPORT_HOST="$(host_port egg-imgtest-pg 5432/tcp)"
  check "postgres: host psql connects over 127.0.0.1:$PGPORT_HOST with the password (scram)" bash -c "
    [ \"\$(PGPASSWORD='$PGPW' PGCONNECT_TIMEOUT=5 psql 'host=127.0.0.1 port=$PGPORT_HOST user=egg dbname=eggdb sslmode=disable' -Atc 'SELECT id FROM egg_init_marker')\" = 42 ]"
  check "postgres: wrong password is rejected" bash -c "
    ! PGPASSWORD=wrong PGCONNECT_TIMEOUT=5 psql 'host=127.0.0.1 port=$PGPORT_HOST user=egg dbname=eggdb sslmode=disable' -Atc 'SELECT 1'"
  check "postgres: pg_hba has 'host all all all scram-sha-256', data checksums on" bash -c "
    docker exec egg-imgtest-pg sh -c 'tail -n1 \$PGDATA/pg_hba.conf' | grep -qx 'host all all all scram-sha-256' &&
    [ \"\$(docker exec -u postgres egg-imgtest-pg psql -U egg -d eggdb -Atc 'SHOW data_checksums')\" = on ]"
  check "postgres: *.sh init script ran as postgres" bash -c "[ \"\$(docker exec egg-imgtest-pg cat /tmp/init-sh-ran)\" = 'init.sh ran as postgres' ]"
  check "postgres: server runs as uid 999" bash -c "docker exec egg-imgtest-pg awk '/^Uid:/{print \$2}' /proc/1/status | grep -qx 999"
  check "postgres: pg_dumpall --globals-only and pg_dump -Fc by exec as postgres" bash -c "
    docker exec -u postgres egg-imgtest-pg pg_dumpall -U egg --globals-only | grep -q 'CREATE ROLE egg' &&
    docker exec -u postgres egg-imgtest-pg pg_dump -U egg -Fc eggdb > '$TMP/eggdb.dump' &&
    docker exec -i -u postgres egg-imgtest-pg pg_restore --list < '$TMP/eggdb.dump' | grep -q egg_init_marker"
  check "postgres: restart keeps the data (no re-init)" bash -c "
    docker restart -t 20 egg-imgtest-pg >/dev/null &&
    for i in \$(seq 60); do docker exec egg-imgtest-pg pg_isready -h 127.0.0.1 -U egg -d eggdb -q && break; sleep 0.5; done &&
    docker logs egg-imgtest-pg 2>&1 | grep -q 'appears to contain a database; Skipping initialization' &&
    docker logs egg-imgtest-pg 2>&1 | grep -q 'received fast shutdown request'"
else
  nok "postgres: container started with POSTGRES_PASSWORD_FILE"
fi

# --- openbao smoke --------------------------------------------------------------------------------
cat >"$TMP/raft.hcl" <<'EOF'
storage "raft" {
  path    = "/openbao/file/raft"
  node_id = "egg-imgtest"
}
listener "tcp" {
  address     = "0.0.0.0:8200"
  tls_disable = true
}
api_addr      = "http://127.0.0.1:8200"
cluster_addr  = "http://127.0.0.1:8201"
disable_mlock = true
EOF
chmod 644 "$TMP/raft.hcl"
if docker run -d --name egg-imgtest-bao -v "$TMP/raft.hcl:/openbao/config/raft.hcl:ro" \
    -v egg-imgtest-bao-file:/openbao/file -p 127.0.0.1::8200 "${REF[openbao]}" server >/dev/null; then
  ok "openbao: container started with \`server\` and a raft config"
  BAOPORT="$(host_port egg-imgtest-bao 8200/tcp)"
  check "openbao: /v1/sys/seal-status answers (raft, uninitialized, sealed)" bash -c "
    for i in \$(seq 60); do curl -fsS http://127.0.0.1:$BAOPORT/v1/sys/seal-status > '$TMP/seal.json' 2>/dev/null && break; sleep 0.5; done
    jq -e '.storage_type == \"raft\" and .initialized == false and .sealed == true' '$TMP/seal.json'"
  check "openbao: init + unseal over the API" bash -c "
    curl -fsS -X PUT -d '{\"secret_shares\":1,\"secret_threshold\":1}' http://127.0.0.1:$BAOPORT/v1/sys/init > '$TMP/init.json' &&
    key=\$(jq -r '.keys[0]' '$TMP/init.json') &&
    curl -fsS -X PUT -d \"{\\\"key\\\":\\\"\$key\\\"}\" http://127.0.0.1:$BAOPORT/v1/sys/unseal | jq -e '.sealed == false'"
  check "openbao: server process is uid 100, raft data owned by openbao" bash -c "
    docker top egg-imgtest-bao -eo pid,uid,comm | awk '\$3==\"bao\"{print \$2}' | grep -qx 100 &&
    [ \"\$(docker exec egg-imgtest-bao stat -c %u:%g /openbao/file/raft)\" = 100:1000 ]"
else
  nok "openbao: container started with \`server\` and a raft config"
fi

# --- seaweedfs smoke ------------------------------------------------------------------------------
S3AK=EGGIMGTESTACCESS
S3SK=eggimgtestsecret0123456789abcdef
jq -n --arg ak "$S3AK" --arg sk "$S3SK" \
  '{identities: [{name: "egg", credentials: [{accessKey: $ak, secretKey: $sk}], actions: ["Admin","Read","List","Tagging","Write"]}]}' >"$TMP/s3.json"
chmod 644 "$TMP/s3.json"
if docker run -d --name egg-imgtest-weed -v "$TMP/s3.json:/etc/seaweedfs/s3.json:ro" -p 127.0.0.1::8333 \
    "${REF[seaweedfs]}" server -s3 -s3.port=8333 -s3.config=/etc/seaweedfs/s3.json \
    -master.volumePreallocate=false -master.volumeSizeLimitMB=64 >/dev/null; then
  ok "seaweedfs: container started with server -s3 -s3.config"
  S3PORT="$(host_port egg-imgtest-weed 8333/tcp)"
  s3() { AWS_ACCESS_KEY_ID="$S3AK" AWS_SECRET_ACCESS_KEY="$S3SK" AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
    "$AWS" --endpoint-url "http://127.0.0.1:$S3PORT" "$@"; }
  check "seaweedfs: S3 endpoint answers" wait_for 60 s3 s3api list-buckets
  echo "egg object $$" >"$TMP/obj.txt"
  check "seaweedfs: S3 create bucket, put, get" bash -c "
    $(declare -f s3); AWS='$AWS' S3AK='$S3AK' S3SK='$S3SK' S3PORT='$S3PORT'
    s3 s3 mb s3://egg-imgtest && s3 s3 cp '$TMP/obj.txt' s3://egg-imgtest/dir/obj.txt >/dev/null &&
    s3 s3 cp s3://egg-imgtest/dir/obj.txt '$TMP/obj.back' >/dev/null && cmp '$TMP/obj.txt' '$TMP/obj.back'"
  check "seaweedfs: wrong secret is rejected" bash -c "
    ! AWS_ACCESS_KEY_ID='$S3AK' AWS_SECRET_ACCESS_KEY=wrong AWS_DEFAULT_REGION=us-east-1 '$AWS' --endpoint-url http://127.0.0.1:$S3PORT s3 ls s3://egg-imgtest"
else
  nok "seaweedfs: container started with server -s3 -s3.config"
fi

# --- caddy smoke ----------------------------------------------------------------------------------
if docker run -d --name egg-imgtest-caddy -p 127.0.0.1::80 "${REF[caddy]}" >/dev/null; then
  ok "caddy: container started with the default command"
  CPORT="$(host_port egg-imgtest-caddy 80/tcp)"
  check "caddy: serves the default site on :80" bash -c "
    for i in \$(seq 40); do curl -fsS http://127.0.0.1:$CPORT/ 2>/dev/null | grep -qi caddy && exit 0; sleep 0.5; done; exit 1"
  check "caddy: admin API on localhost:2019 inside the container" \
    docker exec egg-imgtest-caddy curl -fsS http://localhost:2019/config/
else
  nok "caddy: container started with the default command"
fi

finish
