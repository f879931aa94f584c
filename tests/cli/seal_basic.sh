#!/usr/bin/env bash
# The keyring, sealed store and passphrase commands end to end: sources, errors and exit codes,
# permissions, tampering, and that no secret reaches any output under --log-level debug.
source "$(dirname "$0")/lib.sh" "$@"

S="$T/state"
P1="first master passphrase 1"
P2="second master passphrase 2"
V1="sealed-value-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
PF1=$(secret_file p1 "$P1"$'\n')   # one trailing newline: stripped
PF2=$(secret_file p2 "$P2")
VF=$(secret_file v1 "$V1")
ALL="$T/all-output"   # everything egg printed, for the redaction check at the end
: >"$ALL"
run() { # run CODE DESC args... : egg with debug logging, output collected
  local want=$1 what=$2
  shift 2
  expect "$want" "$what" -- egg_notty --log-level debug --state-dir "$S" "$@"
  # `secrets get` prints the value on stdout on purpose: only its stderr is checked.
  [[ ${SKIP_OUT:-} == 1 ]] || cat "$T/out" >>"$ALL"
  cat "$T/err" >>"$ALL"
}

# --- no source, short passphrase, help
run 2 "create with no passphrase source and no terminal" keyring create
grep -q "EGG_PASSPHRASE_FILE" "$T/err" && grep -q "passphrase-file" "$T/err" && grep -q "egg-passphrase" "$T/err" \
  || fail "the no-source message names the sources"
SHORT=$(secret_file short "short pass")
run 2 "create refuses a passphrase under 12 characters" --passphrase-file "$SHORT" keyring create
for c in "keyring create" "keyring status" "passphrase change" "secrets list" "secrets get" "secrets put"; do
  $EGG $c --help >"$T/out" 2>&1 || fail "egg $c --help"
done
ok "--help of every seal command"

# --- create
# The recovery key is printed on stdout once, on purpose: only create's stderr is checked.
SKIP_OUT=1 run 0 "keyring create" --passphrase-file "$PF1" keyring create
cp "$T/out" "$T/create-out"
RK=$(grep -Eo '([0-9A-Z]{5}-){12}[0-9A-Z]{5}' "$T/create-out")
[[ -n "$RK" ]] || fail "create printed a recovery key"
grep -qi "write it down" "$T/create-out" || fail "create says to write the key down"
RKF=$(secret_file rk "$RK"$'\n')
[[ $(stat -c %a "$S") == 700 ]] || fail "state dir is 0700"
[[ $(stat -c %a "$S/keyring.egg") == 600 && $(stat -c %a "$S/sealed.egg") == 600 ]] || fail "files are 0600"
run 4 "create refuses when keyring.egg exists" --passphrase-file "$PF1" keyring create

# --- status: no passphrase needed, no secrets
run 0 "keyring status" keyring status
grep -q "passphrase" "$T/out" && grep -q "recovery" "$T/out" || fail "status lists both slots"
run 0 "keyring status --json" keyring status --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["slots"])==2 and d["format_version"]==1' "$T/out" \
  || fail "status --json shape"

# --- sources: flag, env, systemd credential; exactly one newline stripped
run 0 "secrets put via --passphrase-file" --passphrase-file "$PF1" secrets put app/token --value-file "$VF"
run 0 "secrets list --json" --passphrase-file "$PF1" secrets list --json
grep -q '"app/token"' "$T/out" || fail "list --json names the secret"
EGG_PASSPHRASE_FILE="$PF1" egg_notty --state-dir "$S" secrets list >"$T/out" 2>&1 && grep -q app/token "$T/out" \
  && ok "EGG_PASSPHRASE_FILE source" || fail "EGG_PASSPHRASE_FILE source"
mkdir -p "$T/creds" && cp -p "$PF1" "$T/creds/egg-passphrase"
CREDENTIALS_DIRECTORY="$T/creds" egg_notty --state-dir "$S" secrets list >"$T/out" 2>&1 && grep -q app/token "$T/out" \
  && ok "systemd credential source" || fail "systemd credential source"
TWO=$(secret_file two "$P1"$'\n\n')
run 3 "only one trailing newline is stripped" --passphrase-file "$TWO" secrets list
LOOSE=$(secret_file loose "$P1") && chmod 644 "$LOOSE"
run 4 "a group-readable passphrase file is refused" --passphrase-file "$LOOSE" secrets list
grep -q "chmod 600" "$T/err" || fail "the refusal says chmod 600"

# --- get, wrong passphrase, recovery key
SKIP_OUT=1 run 0 "secrets get" --passphrase-file "$PF1" secrets get app/token
[[ $(cat "$T/out") == "$V1" ]] || fail "secrets get prints the stored value exactly"
run 1 "secrets get of a missing name" --passphrase-file "$PF1" secrets get nope
run 3 "wrong passphrase" --passphrase-file "$PF2" secrets list
grep -q "the passphrase does not open $S/keyring.egg" "$T/err" || fail "wrong passphrase message"
run 0 "recovery key opens" secrets list --recovery-key-file "$RKF"
TYPO=$(secret_file typo "$(python3 -c 'import sys; k=sys.argv[1]; print(k[:7] + ("X" if k[7] != "X" else "Y") + k[8:])' "$RK")")
run 2 "a typo in the recovery key is caught before any crypto" secrets list --recovery-key-file "$TYPO"
grep -q "typo in group 2" "$T/err" || fail "typo message names group 2"

# --- passphrase change; the old one stops working, the recovery key keeps working
run 0 "passphrase change" --passphrase-file "$PF1" passphrase change --new-passphrase-file "$PF2"
run 3 "old passphrase no longer opens" --passphrase-file "$PF1" secrets list
run 0 "new passphrase opens" --passphrase-file "$PF2" secrets list
run 0 "recovery key opens after a change" secrets list --recovery-key-file "$RKF"
run 2 "change to the current passphrase is refused" --passphrase-file "$PF2" passphrase change --new-passphrase-file "$PF2"
P3="third master passphrase 3"
PF3=$(secret_file p3 "$P3")
run 0 "passphrase change with the recovery key" passphrase change --recovery-key-file "$RKF" --new-passphrase-file "$PF3"
run 3 "previous passphrase no longer opens" --passphrase-file "$PF2" secrets list
SKIP_OUT=1 run 0 "passphrase set via recovery key opens" --passphrase-file "$PF3" secrets get app/token
run 0 "status after changes" keyring status
[[ $(grep -c "passphrase  Argon2id" "$T/out") == 1 ]] || fail "exactly one passphrase slot remains"

# --- permissions, tampering, newer version
chmod 640 "$S/keyring.egg"
run 4 "a group-readable keyring is refused" --passphrase-file "$PF3" secrets list
grep -q "chmod 600 $S/keyring.egg" "$T/err" || fail "refusal names the fix"
chmod 600 "$S/keyring.egg"
chmod 604 "$S/sealed.egg"
run 4 "a world-readable sealed.egg is refused" --passphrase-file "$PF3" secrets list
chmod 600 "$S/sealed.egg"
cp -p "$S/keyring.egg" "$T/keyring.bak"
python3 - "$S/keyring.egg" <<'PY'
import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[60]^=1; open(p,'wb').write(b)
PY
run 3 "a modified keyring" --passphrase-file "$PF3" secrets list
grep -q "$S/keyring.egg is corrupt or was modified" "$T/err" || fail "corrupt message"
run 3 "status also detects it" keyring status
python3 - "$T/keyring.bak" "$S/keyring.egg" <<'PY'
import sys, hashlib
b=bytearray(open(sys.argv[1],'rb').read()); b[8:10]=(9).to_bytes(2,'big')
b[-32:]=hashlib.blake2b(bytes(b[:-32]),digest_size=32).digest(); open(sys.argv[2],'wb').write(b)
PY
run 2 "a newer keyring version" keyring status
grep -q "version 9" "$T/err" || fail "newer version is named"
cp -p "$T/keyring.bak" "$S/keyring.egg"
head -c -1 "$S/sealed.egg" >"$T/trunc" && cp "$T/trunc" "$S/sealed.egg" && chmod 600 "$S/sealed.egg"
run 3 "a truncated sealed.egg" --passphrase-file "$PF3" secrets list
grep -q "sealed.egg is corrupt or was modified" "$T/err" || fail "truncated sealed message"

# --- nothing secret in any output
for s in "$P1" "$P2" "$P3" "$RK" "${RK//-/}" "$V1"; do
  if grep -qF -- "$s" "$ALL"; then fail "a secret appeared in egg's output: ${s:0:4}..."; fi
done
grep -q "debug" "$ALL" || fail "debug logging was on"
ok "no passphrase, recovery key or stored value in $(wc -l <"$ALL") lines of output"
finish
