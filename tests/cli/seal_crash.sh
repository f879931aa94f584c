#!/usr/bin/env bash
# SIGKILL during `egg passphrase change`, at each named crash point and at random moments:
# afterwards the old or the new passphrase must open the keyring, never neither.
source "$(dirname "$0")/lib.sh" "$@"

OLD=$(secret_file old "the old master passphrase")
NEW=$(secret_file new "the new master passphrase")
TEMPLATE="$T/template"
egg_notty --state-dir "$TEMPLATE" --passphrase-file "$OLD" keyring create >/dev/null 2>&1 || { fail "create"; finish; }

opens() { egg_notty --state-dir "$1" --passphrase-file "$2" secrets list >/dev/null 2>&1; }

check_state() { # DIR DESCRIPTION
  local o=no n=no
  opens "$1" "$OLD" && o=yes
  opens "$1" "$NEW" && n=yes
  if [[ $o == no && $n == no ]]; then fail "$2: neither passphrase opens"; else ok "$2: old=$o new=$n"; fi
  # Rerunning the change from whichever works must finish the job.
  if [[ $o == yes ]]; then
    egg_notty --state-dir "$1" --passphrase-file "$OLD" passphrase change --new-passphrase-file "$NEW" >/dev/null 2>&1 \
      || fail "$2: rerun of the change"
    opens "$1" "$NEW" && ! opens "$1" "$OLD" || fail "$2: after the rerun only the new passphrase opens"
  fi
}

for point in opened added verified removed; do
  D="$T/crash-$point"
  cp -a "$TEMPLATE" "$D"
  EGG_TEST_CRASH_AT="passphrase-change:$point" egg_notty --state-dir "$D" --passphrase-file "$OLD" \
    passphrase change --new-passphrase-file "$NEW" >/dev/null 2>&1
  rc=$?
  [[ $rc == 137 ]] || fail "crash point $point was not reached (exit $rc)"
  check_state "$D" "SIGKILL at passphrase-change:$point"
done

# Random moments: measure one full change, then kill at random points within it.
D="$T/timing"
cp -a "$TEMPLATE" "$D"
start=$(date +%s%N)
egg_notty --state-dir "$D" --passphrase-file "$OLD" passphrase change --new-passphrase-file "$NEW" >/dev/null 2>&1
span_ms=$((($(date +%s%N) - start) / 1000000))
echo "one passphrase change takes ${span_ms} ms"
for i in $(seq 1 12); do
  D="$T/random-$i"
  cp -a "$TEMPLATE" "$D"
  delay_ms=$((RANDOM % (span_ms + 1)))
  setsid "$EGG" --state-dir "$D" --passphrase-file "$OLD" passphrase change --new-passphrase-file "$NEW" \
    >/dev/null 2>&1 </dev/null &
  pid=$!
  sleep "$(awk -v ms="$delay_ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  check_state "$D" "kill -9 after ${delay_ms} ms"
  ls -a "$D" | grep -q '\.tmp-' && ok "(a temp file was left behind, harmless)"
done
finish
