#!/usr/bin/env bash
# egg up against the real engine and the local test images (issue 4's tests): from nothing to
# healthy, real clients with the generated credentials, idempotent reruns, a config change,
# down/up persistence, seal and unseal, SIGKILL at many points of a first up (incl. the Vault
# init window), a leak scan of everything egg and the engine expose, and two instances side by side.
source "$(dirname "$0")/lib.sh"
need_test_images
export EGG_TEST_FAST_KDF=1   # Argon2id INTERACTIVE: the KDF is not what these tests measure

W=$(mktemp -d /tmp/egg-up-test-XXXXXX)
chmod 700 "$W"
START=$(date +%s)
cleanup() {
  for i in eggt1 eggt2; do "$EGG" --config "$W/$i.json" --state-dir "$W/$i" destroy --yes >/dev/null 2>&1; done
  rm -rf "$W"
}
trap cleanup EXIT

printf 'correct horse battery staple\n' > "$W/pass"
printf 'wrong horse battery staple\n' > "$W/wrong"
chmod 600 "$W/pass" "$W/wrong"

# Instance N: its own config, state dir and ports.
init_instance() {
  local name=$1 off=$2
  "$EGG" --config "$W/$name.json" --instance "$name" init --domain "$name.localhost" --s3-flavor seaweedfs \
    --disable forgejo --http-port $((18080 + off)) --https-port $((18443 + off)) --ssh-port $((12222 + off)) --force >/dev/null
  jq --argjson o "$off" '.ports.postgres = 15432 + $o | .ports.vault = 18200 + $o | .ports.s3 = 19000 + $o' \
    "$W/$name.json" > "$W/tmp.json" && mv "$W/tmp.json" "$W/$name.json" && chmod 600 "$W/$name.json"
}
egg1() { "$EGG" --config "$W/eggt1.json" --state-dir "$W/eggt1" --manifest "$MANIFEST" --passphrase-file "$W/pass" "$@"; }
egg2() { "$EGG" --config "$W/eggt2.json" --state-dir "$W/eggt2" --manifest "$MANIFEST" --passphrase-file "$W/pass" "$@"; }
cred() { jq -r --arg p "$1" --arg f "$2" '.secrets[$p][$f]' "$W/eggt1/credentials.json"; }

init_instance eggt1 0
init_instance eggt2 1

# --- from nothing to healthy -----------------------------------------------------------------
egg1 up > "$W/up1.out" 2> "$W/up1.err"
rc=$?
[ $rc -eq 0 ] && pass "first egg up exits 0" || { fail "first egg up exits 0 (exit $rc)"; cat "$W/up1.out" "$W/up1.err"; }
check_exit 0 "egg status exits 0 when all is healthy" egg1 status
# Inspect every exec egg ran (ids from the event stream) now, while the engine still has them.
for x in $(docker events --since "$START" --until "$(($(date +%s) + 1))" --filter label=io.egg.instance=eggt1 \
             --format '{{index .Actor.Attributes "execID"}}' | sort -u); do
  curl -s --unix-socket /var/run/docker.sock "http://localhost/exec/$x/json"
done > "$W/exec-inspect.json"
check "the recovery key is printed once" test "$(grep -c 'Recovery key (shown only this once)' "$W/up1.out")" -eq 1
check "state dir is 0700" test "$(stat -c %a "$W/eggt1")" = 700
for f in keyring.egg sealed.egg credentials.json state.json; do
  check "$f is 0600" test "$(stat -c %a "$W/eggt1/$f")" = 600
done

PGPW=$(cred postgres/superuser password)
check "psql reaches postgres as the superuser with the generated password" \
  env PGPASSWORD="$PGPW" psql -h 127.0.0.1 -p 15432 -U postgres -d postgres -tAc 'select 1'
check "the forgejo role logs in to its database with its generated password" \
  env PGPASSWORD="$(cred postgres/forgejo password)" psql -h 127.0.0.1 -p 15432 -U forgejo -d forgejo -tAc 'select 1'
check_exit 2 "a wrong postgres password is refused" env PGPASSWORD=not-the-password psql -h 127.0.0.1 -p 15432 -U postgres -d postgres -tAc 'select 1'
ROOT_TOKEN=$(egg1 secrets get vault/root-token 2>/dev/null)
check "the bao CLI reads the credentials egg wrote to Vault KV" \
  sh -c "BAO_ADDR=http://127.0.0.1:18200 BAO_TOKEN='$ROOT_TOKEN' '$TOOLS/bao' kv get -field=password foundation/postgres/superuser | grep -qx '$PGPW'"
BACKUP_TOKEN=$(cred vault/backup token)
check "the narrow backup token can take a raft snapshot" \
  sh -c "curl -sf -H 'X-Vault-Token: $BACKUP_TOKEN' http://127.0.0.1:18200/v1/sys/storage/raft/snapshot -o '$W/snap' && test -s '$W/snap'"
check "the narrow backup token cannot read KV" \
  sh -c "! curl -sf -H 'X-Vault-Token: $BACKUP_TOKEN' http://127.0.0.1:18200/v1/foundation/data/postgres/superuser"
# awscli gets the keys from a 0600 credentials file, never from env values or argv.
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$(cred s3/root access_key)" "$(cred s3/root secret_key)" > "$W/aws-credentials"
chmod 600 "$W/aws-credentials"
export AWS_SHARED_CREDENTIALS_FILE=$W/aws-credentials AWS_DEFAULT_REGION=us-east-1
check "awscli lists both buckets with the generated root keys" \
  sh -c "'$TOOLS/aws' --endpoint-url http://127.0.0.1:19000 s3 ls | grep -q foundation-backups"
check "the proxy serves the domain over HTTPS (tls internal)" \
  sh -c "curl -sk --resolve eggt1.localhost:18443:127.0.0.1 -o /dev/null -w '%{http_code}' https://eggt1.localhost:18443/ | grep -q 503"
check "Vault's admin port is bound to 127.0.0.1 only" \
  sh -c "docker inspect eggt1-vault | jq -e '.[0].HostConfig.PortBindings[\"8200/tcp\"][0].HostIp == \"127.0.0.1\"'"

# --- idempotence and change ---------------------------------------------------------------------
egg1 up > "$W/up2.out" 2>&1
check "a second egg up changes nothing and says so" grep -q "nothing to change" "$W/up2.out"
check "egg plan on a converged host shows no changes" sh -c "'$EGG' --config '$W/eggt1.json' --state-dir '$W/eggt1' --manifest '$MANIFEST' plan --json | jq -e '.changes == false'"
PG_STARTED=$(docker inspect -f '{{.State.StartedAt}}' eggt1-postgres)
jq '.ports.http = 18090' "$W/eggt1.json" > "$W/tmp.json" && mv "$W/tmp.json" "$W/eggt1.json" && chmod 600 "$W/eggt1.json"
egg1 up > "$W/up3.out" 2>&1
check "changing the http port recreates the proxy" grep -qE "recreate +container +eggt1-proxy" "$W/up3.out"
check "... and only the proxy" test "$(grep -cE '^  (create|recreate|start) ' "$W/up3.out")" -eq 1
check "postgres kept running untouched" test "$(docker inspect -f '{{.State.StartedAt}}' eggt1-postgres)" = "$PG_STARTED"

# --- down / up keeps data ---------------------------------------------------------------------------
env PGPASSWORD="$PGPW" psql -h 127.0.0.1 -p 15432 -U postgres -d postgres -qc "create table keep(v text); insert into keep values ('row-before-down')"
BAO_ADDR=http://127.0.0.1:18200 BAO_TOKEN="$ROOT_TOKEN" "$TOOLS/bao" kv put foundation/test/keep value=secret-before-down >/dev/null
egg1 down > /dev/null 2>&1
check "after egg down no container of the instance runs" test -z "$(docker ps -q --filter label=io.egg.instance=eggt1)"
check_exit 1 "egg status fails while the instance is down" egg1 status
egg1 up > "$W/up4.out" 2>&1
check_exit 0 "egg up after down brings it back healthy (unsealing Vault)" egg1 status
check "a row written before down is still there" \
  sh -c "PGPASSWORD='$PGPW' psql -h 127.0.0.1 -p 15432 -U postgres -d postgres -tAc 'select v from keep' | grep -qx row-before-down"
check "a Vault secret written before down is still there" \
  sh -c "BAO_ADDR=http://127.0.0.1:18200 BAO_TOKEN='$ROOT_TOKEN' '$TOOLS/bao' kv get -field=value foundation/test/keep | grep -qx secret-before-down"

# --- seal / unseal -----------------------------------------------------------------------------------------
docker restart eggt1-vault >/dev/null
sleep 1
check "after a Vault restart status reports it sealed" sh -c "'$EGG' --config '$W/eggt1.json' --state-dir '$W/eggt1' --manifest '$MANIFEST' status --json | jq -e '.components[] | select(.component==\"vault\") | .sealed == true'"
check_exit 1 "egg status exits 1 while Vault is sealed" egg1 status
check_exit 3 "egg unseal with a wrong passphrase exits 3" "$EGG" --config "$W/eggt1.json" --state-dir "$W/eggt1" --manifest "$MANIFEST" --passphrase-file "$W/wrong" unseal
check "... and Vault stays sealed" sh -c "curl -s http://127.0.0.1:18200/v1/sys/seal-status | jq -e '.sealed == true'"
check_exit 0 "egg unseal with the right passphrase" egg1 unseal
check_exit 0 "egg status is healthy again" egg1 status
egg1 evidence > "$W/evidence.out" 2>&1
EVIDENCE=$(sed -n 's/^evidence written: //p' "$W/evidence.out")
check "egg evidence writes a JSON file" jq -e '.healthy == true' "$EVIDENCE"

# --- leak scan -----------------------------------------------------------------------------------------------
# Every generated secret value: credentials.json, the sealed Vault keys and root token, the passphrase.
jq -r '.secrets[][]' "$W/eggt1/credentials.json" > "$W/secrets"
egg1 secrets get vault/unseal-keys 2>/dev/null | jq -r '.keys[]' >> "$W/secrets"
echo "$ROOT_TOKEN" >> "$W/secrets"
head -n1 "$W/pass" >> "$W/secrets"
# Keep only values long enough to be meaningful (usernames like "postgres" are not secret).
grep -vxE 'postgres|forgejo|.{0,11}' "$W/secrets" | sort -u > "$W/secrets.long"
{
  cat "$W"/up*.out "$W/up1.err" "$W/evidence.out"
  "$EGG" --config "$W/eggt1.json" --state-dir "$W/eggt1" --manifest "$MANIFEST" --log-level debug status 2>&1
  "$EGG" --config "$W/eggt1.json" --state-dir "$W/eggt1" --manifest "$MANIFEST" --log-level debug --passphrase-file "$W/pass" up 2>&1
  cat "$W/eggt1/state.json" "$EVIDENCE" "$W/exec-inspect.json"
  for c in $(docker ps -aq --filter label=io.egg.instance=eggt1); do docker inspect "$c"; done
  docker events --since "$START" --until "$(date +%s)" --format '{{json .}}'
} > "$W/exposed" 2>&1
LEAKS=$(grep -cFf "$W/secrets.long" "$W/exposed")
check "leak scan: none of $(wc -l < "$W/secrets.long") secret values in egg's output, docker inspect (containers, execs), events, state.json or evidence" test "$LEAKS" -eq 0
check "the leak scan searched a real corpus (exec inspections included)" grep -q '"ProcessConfig"' "$W/exposed"

# --- SIGKILL during a first up, then rerun ------------------------------------------------------------------
# Named crash points (EGG_TEST_CRASH_AT kills egg with SIGKILL exactly there), including the Vault
# init window, then kills at random moments.
for point in converge:created:postgres converge:created:s3 converge:created:vault vault-init:before-keys-durable vault-init:keys-durable converge:created:proxy; do
  "$EGG" --config "$W/eggt2.json" --state-dir "$W/eggt2" destroy --yes >/dev/null 2>&1
  EGG_TEST_CRASH_AT=$point egg2 up > "$W/crash.out" 2>&1
  rc=$?
  egg2 up > "$W/rerun.out" 2>&1
  rc2=$?
  if [ $rc -eq 137 ] && [ $rc2 -eq 0 ] && egg2 status >/dev/null 2>&1; then
    pass "SIGKILL at $point, then rerun: converges healthy"
  else
    fail "SIGKILL at $point (exit $rc), rerun exit $rc2"; tail -5 "$W/rerun.out"
  fi
  if [ "$point" = vault-init:before-keys-durable ]; then
    check "the init window: the rerun wipes the keyless Vault and says so" grep -q "wiped an initialized Vault" "$W/rerun.out"
  fi
done
for delay in 3 7 12; do
  "$EGG" --config "$W/eggt2.json" --state-dir "$W/eggt2" destroy --yes >/dev/null 2>&1
  # egg itself in the background (not the egg2 shell function, whose subshell kill would leave egg running)
  "$EGG" --config "$W/eggt2.json" --state-dir "$W/eggt2" --manifest "$MANIFEST" --passphrase-file "$W/pass" up > "$W/crash.out" 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  egg2 up > "$W/rerun.out" 2>&1
  rc2=$?
  if [ $rc2 -eq 0 ] && egg2 status >/dev/null 2>&1; then pass "kill -9 after ${delay}s of a first up, then rerun: healthy"; else fail "kill -9 after ${delay}s: rerun exit $rc2"; tail -5 "$W/rerun.out"; fi
done

# --- one egg at a time per instance -----------------------------------------------------------------
# Another process holds the instance lock (as a running egg up would): egg refuses at once.
flock "$W/eggt1/.lock" sleep 3 &
pid=$!
sleep 0.5
check_exit 4 "egg up while another egg holds the instance is refused" egg1 up
check_exit 4 "egg unseal while another egg holds the instance is refused" egg1 unseal
wait "$pid"
check_exit 0 "egg up proceeds once the lock is released" egg1 up

# --- two instances side by side -------------------------------------------------------------------------------
check_exit 0 "instance eggt2 is healthy beside eggt1" egg2 status
check_exit 0 "instance eggt1 is still healthy" egg1 status
HASHES1=$(docker ps --filter label=io.egg.instance=eggt1 --format '{{.Names}} {{.Label "io.egg.spec-hash"}} {{.RunningFor}}' | sort)
IDS1=$(docker ps -q --filter label=io.egg.instance=eggt1 | sort)
"$EGG" --config "$W/eggt2.json" --state-dir "$W/eggt2" destroy --yes > /dev/null 2>&1
check "destroying eggt2 removed all its containers, volumes and its network" \
  sh -c "test -z \"\$(docker ps -aq --filter label=io.egg.instance=eggt2)\" && test -z \"\$(docker volume ls -q --filter label=io.egg.instance=eggt2)\" && test -z \"\$(docker network ls -q --filter label=io.egg.instance=eggt2)\""
check "... and its state dir" test ! -e "$W/eggt2"
check "destroying eggt2 left eggt1's containers untouched" test "$(docker ps -q --filter label=io.egg.instance=eggt1 | sort)" = "$IDS1"
check_exit 0 "eggt1 is healthy after eggt2 is gone" egg1 status
check_exit 2 "egg destroy without --yes refuses" "$EGG" --config "$W/eggt1.json" --state-dir "$W/eggt1" destroy

finish
