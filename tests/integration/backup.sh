#!/usr/bin/env bash
# egg backup against the real stack from the test images (issue 5's tests): a populated instance
# backed up with no passphrase source at all to four destinations (local, directory, the S3 store,
# an offsite SeaweedFS); verify and verify --deep; the bundle opened with age, tar, zstd and
# pg_restore alone; byte flips, truncations and swapped signatures (exit 5); the offsite copy
# fetched with awscli; a run killed midway through the offsite upload; retention; a failing
# destination and a failing member (exit 1, nothing complete-looking left); the status warning;
# and a leak scan of everything the runs printed, wrote and showed the engine.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/weed-fixture.sh"
need_test_images
export EGG_TEST_FAST_KDF=1

W=$(mktemp -d /tmp/egg-backup-test-XXXXXX)
chmod 700 "$W"
START=$(date +%s)
WEED_PID=
cleanup() {
  "$EGG" --config "$W/egg.json" --state-dir "$W/state" destroy --yes >/dev/null 2>&1
  [[ -n $WEED_PID ]] && kill "$WEED_PID" 2>/dev/null && wait "$WEED_PID" 2>/dev/null
  rm -rf "$W"
}
trap cleanup EXIT

printf 'correct horse battery staple\n' > "$W/pass"
chmod 600 "$W/pass"
OUT=$W/all-output   # everything egg printed, for the leak scan
: > "$OUT"
# egg without any passphrase source: no flag, no env, no credential dir, no terminal.
eggnp() {
  env -u EGG_PASSPHRASE_FILE -u CREDENTIALS_DIRECTORY setsid "$EGG" --config "$W/egg.json" --state-dir "$W/state" \
    --manifest "$MANIFEST" "$@" < /dev/null
}
eggp() { "$EGG" --config "$W/egg.json" --state-dir "$W/state" --manifest "$MANIFEST" --passphrase-file "$W/pass" "$@"; }
run() { # run WANT DESC CMD...: checks the exit code, keeps the output
  local want=$1 what=$2
  shift 2
  "$@" > "$W/out" 2> "$W/err"
  local got=$?
  cat "$W/out" "$W/err" >> "$OUT"
  if [[ $got -eq $want ]]; then pass "$what (exit $got)"; else fail "$what (exit $got, want $want)"; sed 's/^/    /' "$W/err" | tail -5; fi
}
cred() { jq -r --arg p "$1" --arg f "$2" '.secrets[$p][$f]' "$W/state/credentials.json"; }

# --- the offsite S3 endpoint: a SeaweedFS of this test's own -------------------------------------
OFF_AK=EGGOFFSITEKEY01
OFF_SK=offsite-secret-$RANDOM$RANDOM$RANDOM
start_weed "$W/offsite" "$OFF_AK" "$OFF_SK" || { fail "offsite SeaweedFS starts"; finish; exit 1; }
printf '%s\n' "$OFF_AK" > "$W/off-ak"
printf '%s\n' "$OFF_SK" > "$W/off-sk"
chmod 600 "$W/off-ak" "$W/off-sk"
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$OFF_AK" "$OFF_SK" > "$W/aws-off"
chmod 600 "$W/aws-off"
awsoff() { AWS_SHARED_CREDENTIALS_FILE=$W/aws-off AWS_DEFAULT_REGION=us-east-1 "$TOOLS/aws" --endpoint-url "$WEED_EP" "$@"; }
awsoff s3 mb s3://offsite-bundles > /dev/null || fail "offsite bucket created"

# --- an instance with four destinations ----------------------------------------------------------
"$EGG" --config "$W/egg.json" --instance eggbk init --domain eggbk.localhost --s3-flavor seaweedfs --disable forgejo \
  --http-port 48080 --https-port 48443 --ssh-port 42222 --force > /dev/null
jq --arg ep "$WEED_EP" --arg ak "$W/off-ak" --arg sk "$W/off-sk" --arg dir "$W/nas" '
  .ports.postgres = 45432 | .ports.vault = 48200 | .ports.s3 = 49000 |
  .backup.retention = {"keep_last": 3, "keep_daily": 0, "keep_weekly": 0, "keep_monthly": 0} |
  .backup.destinations += [{"type": "directory", "path": $dir},
                           {"type": "s3", "endpoint": $ep, "bucket": "offsite-bundles", "prefix": "eggbk/",
                            "access_key_file": $ak, "secret_key_file": $sk}]' "$W/egg.json" > "$W/t.json" &&
  mv "$W/t.json" "$W/egg.json" && chmod 600 "$W/egg.json"
run 0 "egg up" eggp up
[[ $FAILED -eq 0 ]] || { cat "$W/err"; finish; exit 1; }
check "up created the backup keys: recipient and signer in state.json" \
  jq -e '(.backup.recipient | startswith("age1")) and (.backup.signer | length == 64)' "$W/state/state.json"
check "the host signing key is in credentials.json, not in Vault KV" \
  sh -c "jq -e '.secrets[\"egg/backup-signing\"].ed25519 | length == 128' '$W/state/credentials.json' &&
         ! BAO_ADDR=http://127.0.0.1:48200 BAO_TOKEN=\$('$EGG' --config '$W/egg.json' --state-dir '$W/state' --passphrase-file '$W/pass' secrets get vault/root-token) \
           '$TOOLS/bao' kv get foundation/egg/backup-signing >/dev/null 2>&1"

# --- data in every part --------------------------------------------------------------------------
export PGPASSWORD
PGPASSWORD=$(cred postgres/superuser password)
psql() { command psql -h 127.0.0.1 -p 45432 -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
psql -d postgres -c "CREATE DATABASE app1" -c "CREATE DATABASE \"app two\"" &&
  psql -d app1 -c "CREATE TABLE items(id int primary key, body text); INSERT INTO items SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 20000) g" &&
  psql -d "app two" -c "CREATE TABLE notes(n text); INSERT INTO notes VALUES ('two'), ('databases')" ||
  fail "postgres data written"
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$(cred s3/root access_key)" "$(cred s3/root secret_key)" > "$W/aws-store"
chmod 600 "$W/aws-store"
awsstore() { AWS_SHARED_CREDENTIALS_FILE=$W/aws-store AWS_DEFAULT_REGION=us-east-1 "$TOOLS/aws" --endpoint-url http://127.0.0.1:49000 "$@"; }
seq 1 200000 > "$W/text.txt"
head -c 1048576 /dev/urandom > "$W/random-1m.bin"
head -c 12582912 /dev/urandom > "$W/random-12m.bin"   # > one 8 MiB part: the offsite upload is multipart
awsstore s3 cp "$W/text.txt" "s3://forgejo/lfs/text file.txt" > /dev/null &&
  awsstore s3 cp "$W/random-1m.bin" s3://forgejo/attachments/a.bin > /dev/null &&
  awsstore s3 cp "$W/random-12m.bin" s3://forgejo/packages/big.bin > /dev/null || fail "s3 objects written"
ROOT_TOKEN=$(eggp secrets get vault/root-token 2> /dev/null)
BAO_ADDR=http://127.0.0.1:48200 BAO_TOKEN=$ROOT_TOKEN "$TOOLS/bao" kv put foundation/app/api key=kv-value-42 > /dev/null ||
  fail "vault KV secret written"

# --- backup, no passphrase source at all ---------------------------------------------------------
run 0 "egg backup with no passphrase source, no terminal" eggnp backup --json
cp "$W/out" "$W/backup1.json"
ID=$(jq -r .id "$W/backup1.json")
B=$W/state/backups/$ID.egg
check "the summary names four destinations, all ok" jq -e '(.destinations | length == 4) and all(.destinations[]; .ok)' "$W/backup1.json"
check "the bundle and its signature are in the local dir, 0600" \
  test "$(stat -c %a "$B")" = 600 -a "$(stat -c %a "$B.sig")" = 600
check "the directory destination holds the same bundle" cmp "$B" "$W/nas/$ID.egg"
check "nothing is left in the work dir" test ! -e "$W/state/backup-work"
run 0 "egg backup list --json" eggnp backup list --json
cp "$W/out" "$W/list1.json"
check "every destination lists the bundle as good" \
  jq -e --arg id "$ID" '(.destinations | length == 4) and all(.destinations[]; any(.bundles[]; .id == $id and .state == "good"))' "$W/list1.json"
run 0 "egg backup list --hash re-hashes local copies" eggnp backup list --hash
grep -q "good (hashed)" "$W/out" && pass "list --hash says hashed" || fail "list --hash says hashed"
run 0 "egg backup verify (no passphrase)" eggnp backup verify "$B"
run 0 "egg backup verify by id" eggnp backup verify "$ID"
run 0 "egg backup verify --deep (passphrase)" eggp backup verify --deep "$B"
cp "$W/out" "$W/deep.out"
grep -q "pg_restore --list reads" "$W/deep.out" && grep -q "app%20two.dump" "$W/deep.out" &&
  pass "deep verify ran pg_restore --list on every dump" || fail "deep verify ran pg_restore --list on every dump"
grep -q "raft.snap: [0-9]* files match the snapshot's SHA256SUMS" "$W/deep.out" &&
  pass "deep verify checked the OpenBao snapshot's SHA256SUMS" || fail "deep verify checked the OpenBao snapshot's SHA256SUMS"
grep -q "s3: 3 objects match 1 listings" "$W/deep.out" && pass "deep verify matched every object to its listing" ||
  fail "deep verify matched every object to its listing"
run 0 "egg backup verify --deep --json" eggp --json backup verify --deep "$B"
check "--json deep report lists its checks" jq -e '.deep.checked | length >= 5' "$W/out"

# --- stock tools alone: age, tar, zstd, pg_restore -----------------------------------------------
run 0 "egg keyring export-identity --output" eggp keyring export-identity --output "$W/identity.txt"
check "the identity file is 0600" test "$(stat -c %a "$W/identity.txt")" = 600
mkdir -p "$W/x"
if age -d -i "$W/identity.txt" "$B" | tar -x -C "$W/x"; then pass "age -d | tar -x opens the bundle"; else fail "age -d | tar -x opens the bundle"; fi
check "manifest.json names the bundle, seal shape and restore order" \
  jq -e --arg id "$ID" '.bundle_id == $id and .vault.shares == 5 and .vault.threshold == 3 and .restore_order[0] == "vault"' "$W/x/manifest.json"
check "the first tar member is manifest.json, the last index.json" \
  sh -c "age -d -i '$W/identity.txt' '$B' | tar -t | sed -n '1p;\$p' | tr '\n' ' ' | grep -qx 'manifest.json index.json '"
check "zstd -d and pg_restore --list read the dump from the bundle" \
  sh -c "zstd -qdc '$W/x/postgres/db/app1.dump.zst' > '$W/app1.dump' && pg_restore --list '$W/app1.dump' | grep -q 'TABLE public items'"
check "zstd -d yields the globals with the forgejo role" sh -c "zstd -dc '$W/x/postgres/globals.sql.zst' | grep -q 'CREATE ROLE forgejo'"
check "the 12 MiB random object is stored as is and matches" cmp "$W/random-12m.bin" "$W/x/s3/forgejo/objects/packages/big.bin"
check "the text object is zstd-compressed and matches" sh -c "zstd -dc '$W/x/s3/forgejo/objects/lfs/text%20file.txt.zst' | cmp - '$W/text.txt'"
check "the S3 listing carries each object's sha256" \
  sh -c "jq -r '.objects[] | select(.key == \"attachments/a.bin\") | .sha256' '$W/x/s3/forgejo/listing.json' | grep -qx \$(sha256sum '$W/random-1m.bin' | cut -d' ' -f1)"
check "the backup bucket itself is not in the bundle" test ! -e "$W/x/s3/foundation-backups"
check "index.json lists every other member with its sha256" \
  sh -c "cd '$W/x' && jq -r '.members[] | \"\(.sha256)  \(.path)\"' index.json | sha256sum -c --quiet"
check "the state copies are there" sh -c "cd '$W/x/state' && cmp keyring.egg '$W/state/keyring.egg' && cmp sealed.egg '$W/state/sealed.egg' && cmp egg.json '$W/egg.json'"
check "the proxy volume archive holds Caddy's data" sh -c "zstd -dc '$W/x/volumes/proxy-data.tar.zst' 2>/dev/null | tar -t | grep -q '^data/' || tar -tf '$W/x/volumes/proxy-data.tar' | grep -q '^data/'"

# --- on a terminal: a progress line with bytes and rate ----------------------------------------
script -qec "env -u EGG_PASSPHRASE_FILE '$EGG' --config '$W/egg.json' --state-dir '$W/state' --manifest '$MANIFEST' backup" \
  "$W/typescript" > /dev/null 2>&1 < /dev/null
check "on a terminal egg backup draws a progress line (bytes, rate)" grep -qE 'backup: [0-9.]+ (B|KiB|MiB|GiB) +[0-9.]+ (B|KiB|MiB|GiB)/s' "$W/typescript"
check "and ends with its summary line" grep -q "egg backup: eggbk-" "$W/typescript"
cat "$W/typescript" >> "$OUT"

# --- tampering: every damage is exit 5 -----------------------------------------------------------
T=$W/tamper
mkdir -p "$T"
LEN=$(stat -c %s "$B")
flips=0
for off in 0 1 30 200 $((LEN / 3)) $((LEN / 2)) $((LEN - 20)) $((LEN - 1)) $(shuf -i 0-$((LEN - 1)) -n 12); do
  cp "$B" "$T/$ID.egg"
  cp "$B.sig" "$T/$ID.egg.sig"
  printf "$(printf '\\x%02x' $(( ($(od -An -tu1 -j "$off" -N1 "$B") ^ 0x20) )))" | dd of="$T/$ID.egg" bs=1 seek="$off" conv=notrunc status=none
  eggnp backup verify "$T/$ID.egg" > /dev/null 2>&1
  [[ $? -eq 5 ]] && flips=$((flips + 1)) || echo "    flip at $off not detected"
done
[[ $flips -eq 20 ]] && pass "a flipped byte at 20 offsets fails verify (exit 5)" || fail "a flipped byte at 20 offsets fails verify ($flips/20)"
cuts=0
for len in 0 1 100 4096 $((LEN / 2)) $((LEN - 1)); do
  head -c "$len" "$B" > "$T/$ID.egg"
  cp "$B.sig" "$T/$ID.egg.sig"
  eggnp backup verify "$T/$ID.egg" > /dev/null 2>&1
  [[ $? -eq 5 ]] && cuts=$((cuts + 1))
done
cp "$B" "$T/$ID.egg" && printf 'x' >> "$T/$ID.egg"
eggnp backup verify "$T/$ID.egg" > /dev/null 2>&1
[[ $? -eq 5 ]] && cuts=$((cuts + 1))
[[ $cuts -eq 7 ]] && pass "truncated at 6 lengths or appended to: verify fails (exit 5)" || fail "truncation/append detected ($cuts/7)"
cp "$B" "$T/$ID.egg"
rm -f "$T/$ID.egg.sig"
run 5 "a bundle without its signature is incomplete" eggnp backup verify "$T/$ID.egg"
grep -q "incomplete" "$W/err" && pass "the message says incomplete" || fail "the message says incomplete"

# --- a second backup; signatures swapped between bundles -----------------------------------------
run 0 "a second backup" eggnp backup --json
ID2=$(jq -r .id "$W/out")
B2=$W/state/backups/$ID2.egg
cp "$B" "$T/$ID.egg" && cp "$B2.sig" "$T/$ID.egg.sig"
run 5 "bundle 1 with bundle 2's signature fails verify" eggnp backup verify "$T/$ID.egg"
cp "$B2" "$T/$ID.egg" && cp "$B2.sig" "$T/$ID.egg.sig"
run 5 "bundle 2 renamed to bundle 1's name (with its own signature) fails verify" eggnp backup verify "$T/$ID.egg"
cp "$B" "$T/$ID.egg" && sed 's/^unix .*/unix 1/' "$B.sig" > "$T/$ID.egg.sig"
run 5 "an edited signature field fails verify" eggnp backup verify "$T/$ID.egg"

# --- the offsite copy, fetched with awscli -------------------------------------------------------
mkdir -p "$W/fetched"
awsoff s3 cp "s3://offsite-bundles/eggbk/$ID.egg" "$W/fetched/" > /dev/null &&
  awsoff s3 cp "s3://offsite-bundles/eggbk/$ID.egg.sig" "$W/fetched/" > /dev/null || fail "awscli downloads the offsite bundle"
run 0 "the offsite copy downloaded with awscli verifies" eggnp backup verify "$W/fetched/$ID.egg"

# --- killed midway through the offsite upload ----------------------------------------------------
N_OFF=$(awsoff s3 ls s3://offsite-bundles/eggbk/ | grep -c '\.egg$')
EGG_TEST_CRASH_AT=backup:s3-upload-midway eggnp backup > /dev/null 2>&1
rc=$?
[[ $rc -eq 137 ]] && pass "backup killed midway through the offsite upload (SIGKILL)" || fail "backup killed midway (exit $rc, want 137)"
eggnp backup list --json > "$W/list-killed.json" 2> /dev/null
check "offsite: the killed run left no bundle listed as good there" \
  jq -e --argjson n "$N_OFF" '[.destinations[] | select(.destination | startswith("s3 http://127.0.0.1")) | .bundles[] | select(.state == "good")] | length == $n' "$W/list-killed.json"
n=$(awsoff s3 ls s3://offsite-bundles/eggbk/ | grep -c '\.egg$')
[[ $n -eq $N_OFF ]] && pass "offsite: no object appeared for the interrupted upload" || fail "offsite: $n bundle objects, want $N_OFF"
run 0 "the next backup succeeds" eggnp backup --json
ID3=$(jq -r .id "$W/out")
check "and it is good offsite" sh -c "'$EGG' --config '$W/egg.json' --state-dir '$W/state' --json backup list | jq -e --arg id '$ID3' '[.destinations[] | .bundles[] | select(.id == \$id and .state == \"good\")] | length == 4'"
check "the work dir of the killed run was cleaned" test ! -e "$W/state/backup-work"

# --- retention: keep_last 3 per destination ------------------------------------------------------
run 0 "a fourth backup" eggnp backup --json
cp "$W/out" "$W/backup4.json"
check "retention pruned in every destination" jq -e 'all(.destinations[]; .pruned | length == 1)' "$W/backup4.json"
ID4=$(jq -r .id "$W/backup4.json")
eggnp backup list --json > "$W/list4.json" 2> /dev/null
check "each destination now holds exactly its 3 newest good bundles" \
  jq -e --arg a "$ID3" --arg b "$ID4" 'all(.destinations[]; ([.bundles[] | select(.state == "good")] | length) == 3 and
    ([.bundles[] | select(.state == "good") | .id] | index($a) != null and index($b) != null))' "$W/list4.json"
check "the pruned bundle and its signature are gone from disk" test ! -e "$B" -a ! -e "$B.sig" -a ! -e "$W/nas/$ID.egg"

# --- Vault sealed: its raft directory instead of a snapshot ---------------------------------------
docker restart eggbk-vault > /dev/null
for _ in $(seq 1 60); do
  curl -s http://127.0.0.1:48200/v1/sys/seal-status | jq -e '.sealed' > /dev/null 2>&1 && break
  sleep 0.5
done
run 0 "a backup while Vault is sealed" eggnp backup --json
IDS=$(jq -r .id "$W/out")
check "the summary says Vault was sealed" jq -e '.captured | any(test("Vault was sealed"))' "$W/out"
check "the sealed bundle carries the raft directory, not a snapshot" \
  sh -c "age -d -i '$W/identity.txt' '$W/state/backups/$IDS.egg' | tar -t | grep -q '^volumes/vault-data.tar' &&
         ! age -d -i '$W/identity.txt' '$W/state/backups/$IDS.egg' | tar -t | grep -q '^vault/raft.snap'"
run 0 "verify --deep passes on the sealed-Vault bundle" eggp backup verify --deep "$W/state/backups/$IDS.egg"
run 0 "egg unseal" eggp unseal

# --- failures: exit 1, nothing complete-looking left ---------------------------------------------
jq '.backup.destinations += [{"type": "directory", "path": "/proc/egg-not-writable"}]' "$W/egg.json" > "$W/bad-dest.json"
chmod 600 "$W/bad-dest.json"
before=$(ls "$W/state/backups" | wc -l)
"$EGG" --config "$W/bad-dest.json" --state-dir "$W/state" --manifest "$MANIFEST" backup --json > "$W/out" 2> "$W/err" < /dev/null
rc=$?
cat "$W/out" "$W/err" >> "$OUT"
[[ $rc -eq 1 ]] && pass "a failing destination fails the run (exit 1)" || fail "a failing destination fails the run (exit $rc)"
check "the summary names the failed destination and the four good ones" \
  jq -e '([.destinations[] | select(.ok)] | length == 4) and ([.destinations[] | select(.ok | not) | .destination] == ["directory /proc/egg-not-writable"])' "$W/out"
cp "$W/state/credentials.json" "$W/creds.bak"
jq '.secrets["vault/backup"].token = "not-a-valid-token"' "$W/creds.bak" > "$W/state/credentials.json"
before=$(find "$W/state/backups" "$W/nas" -type f | sort | md5sum)
run 1 "a failing member (Vault snapshot refused) fails the run" eggnp backup
grep -q "no bundle was written" "$W/err" && pass "the error says no bundle was written" || fail "the error says no bundle was written"
after=$(find "$W/state/backups" "$W/nas" -type f | sort | md5sum)
check "and no file was added to any directory destination" test "$before" = "$after"
check "no partial or spool file is left" sh -c "! find '$W/state' '$W/nas' -name '*.partial' -o -name '.spool-*' | grep -q ."
cp "$W/creds.bak" "$W/state/credentials.json"
chmod 600 "$W/state/credentials.json"

# --- status warns while no offsite destination is configured ------------------------------------
eggnp status > "$W/out" 2>&1
! grep -q "no offsite backup destination" "$W/out" && pass "status: no warning with offsite destinations" ||
  fail "status: no warning with offsite destinations"
jq '.backup.destinations = [{"type": "local", "path": "backups"}, {"type": "s3-store", "prefix": ""}]' "$W/egg.json" > "$W/no-off.json"
chmod 600 "$W/no-off.json"
"$EGG" --config "$W/no-off.json" --state-dir "$W/state" --manifest "$MANIFEST" status > "$W/out" 2>&1
grep -q "warning: no offsite backup destination" "$W/out" && pass "status warns when only local and the S3 store hold bundles" ||
  fail "status warns when only local and the S3 store hold bundles"
check "status --json carries the failed last backup and the warning" \
  sh -c "'$EGG' --config '$W/no-off.json' --state-dir '$W/state' --json status | jq -e '(.last_backup.ok == false) and (.last_backup.error | test(\"no bundle was written\")) and (.warnings | length == 1)'"

# --- a destination that cannot be read does not hide the others ---------------------------------
docker stop eggbk-s3 > /dev/null
eggnp backup list --json > "$W/out" 2> "$W/err"
rc=$?
cat "$W/out" "$W/err" >> "$OUT"
[[ $rc -eq 1 ]] && pass "backup list with the S3 store stopped exits 1" || fail "backup list with the S3 store stopped (exit $rc, want 1)"
check "and still lists the local and directory bundles, naming the unreachable store" \
  jq -e '([.destinations[] | select(.error) | .destination] | length == 1 and (.[0] | startswith("s3-store"))) and
         ([.destinations[] | select(.destination | startswith("local")) | .bundles[] | select(.state == "good")] | length >= 3)' "$W/out"
run 4 "backup with the S3 store stopped is a precondition failure, naming the container" eggnp backup
grep -q "eggbk-s3 is not running" "$W/err" && pass "the error names the stopped container" || fail "the error names the stopped container"
docker start eggbk-s3 > /dev/null

# --- leak scan -----------------------------------------------------------------------------------
for x in $(docker events --since "$START" --until "$(($(date +%s) + 1))" --filter label=io.egg.instance=eggbk \
  --format '{{index .Actor.Attributes "execID"}}' | sort -u); do
  curl -s --unix-socket /var/run/docker.sock "http://localhost/exec/$x/json"
done > "$W/exec-inspect.json"
docker events --since "$START" --until "$(($(date +%s) + 1))" --filter label=io.egg.instance=eggbk --format '{{json .}}' > "$W/events.json"
cat "$W"/state/evidence/*.json "$W/state/state.json" "$W/exec-inspect.json" "$W/events.json" >> "$OUT"
secrets=("$(cred postgres/superuser password)" "$(cred postgres/forgejo password)" "$(cred s3/root secret_key)"
  "$(cred vault/backup token)" "$(cred egg/backup-signing ed25519)" "$ROOT_TOKEN" "$OFF_SK"
  "$(grep AGE-SECRET-KEY "$W/identity.txt")")
for k in $(eggp secrets get vault/unseal-keys 2> /dev/null | jq -r '.keys[]'); do secrets+=("$k"); done
leaks=0
for s in "${secrets[@]}"; do
  [[ -n $s && $s != null ]] || { fail "a secret to scan for is empty"; continue; }
  grep -qF -- "$s" "$OUT" && { leaks=$((leaks + 1)); echo "    leaked: ${s:0:4}..."; }
done
[[ $leaks -eq 0 ]] && pass "no generated secret (${#secrets[@]} values) in egg's output, evidence, state.json, exec inspect or events" ||
  fail "$leaks secrets leaked"

finish
