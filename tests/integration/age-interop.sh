#!/usr/bin/env bash
# age interop both ways between egg's bundle/age (via tests/tools/agetool) and the stock `age`
# CLI (Debian's age 1.1.1): egg-encrypted files open with `age -d -i`, `age -r` files open with
# egg; sizes around the 64 KiB chunk boundaries and ~10 MiB random; sha256 compared. Also checks
# that egg rejects tampered/truncated/extended files with exit 5 and a foreign file with exit 3,
# and that memory stays bounded on a 256 MiB stream.
# Usage: tests/integration/age-interop.sh [path/to/agetool]   Last line: "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
AGETOOL=${1:-}
if [[ -z $AGETOOL ]]; then
  for c in "$ROOT"/build/*/tests/tools/agetool; do [[ -x $c ]] && AGETOOL=$c && break; done
fi

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok   - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
finish() { echo "$PASS passed, $FAIL failed"; [[ $FAIL -eq 0 ]]; exit $?; }

for tool in "$AGETOOL" "$(command -v age || true)" "$(command -v age-keygen || true)"; do
  if [[ -z $tool || ! -x $tool ]]; then bad "missing tool '${tool:-agetool/age}' (build tests/tools; apt-get install age)"; finish; fi
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
sha() { sha256sum "$1" | cut -d' ' -f1; }

# Keys: one made by egg, one by age-keygen; each side uses the other's.
"$AGETOOL" keygen >"$TMP/egg.key" || { bad "agetool keygen"; finish; }
EGG_R=$(sed -n 's/^# public key: //p' "$TMP/egg.key")
age-keygen -o "$TMP/age.key" 2>/dev/null
AGE_R=$(age-keygen -y "$TMP/age.key")
[[ $(age-keygen -y "$TMP/egg.key" 2>/dev/null) == "$EGG_R" ]] && ok "age-keygen -y derives egg's recipient from egg's identity" \
  || bad "age-keygen -y disagrees with egg's recipient"

K=65536
for n in 0 1 $((K - 1)) $K $((K + 1)) $((3 * K)) $((10 * 1024 * 1024 + 12345)); do
  head -c "$n" /dev/urandom >"$TMP/p"
  want=$(sha "$TMP/p")
  # egg -> age
  if "$AGETOOL" encrypt -r "$AGE_R" <"$TMP/p" >"$TMP/e.age" && age -d -i "$TMP/age.key" "$TMP/e.age" >"$TMP/o1" &&
    [[ $(sha "$TMP/o1") == "$want" ]]; then ok "egg encrypt -> age -d, $n bytes"; else bad "egg encrypt -> age -d, $n bytes"; fi
  # age -> egg
  if age -r "$EGG_R" -o "$TMP/a.age" "$TMP/p" && "$AGETOOL" decrypt -i "$TMP/egg.key" <"$TMP/a.age" >"$TMP/o2" &&
    [[ $(sha "$TMP/o2") == "$want" ]]; then ok "age -r -> egg decrypt, $n bytes"; else bad "age -r -> egg decrypt, $n bytes"; fi
  # age's own file and egg's file have the same size for the same plaintext (same format overhead)
  [[ $(stat -c %s "$TMP/e.age") == $(stat -c %s "$TMP/a.age") ]] && ok "same ciphertext size as age, $n bytes" \
    || bad "ciphertext size differs from age's, $n bytes"
done

# Rejections on an age-made file of 3 chunks + 100 bytes.
head -c $((3 * K + 100)) /dev/urandom >"$TMP/p"
age -r "$EGG_R" -o "$TMP/a.age" "$TMP/p"
SIZE=$(stat -c %s "$TMP/a.age")
HL=$(grep -abo -- '^--- ' "$TMP/a.age" | head -1 | cut -d: -f1)
HL=$((HL + 48))          # "--- " + 43 + LF
P0=$((HL + 16))
expect_code() {  # expect_code CODE DESCRIPTION FILE
  "$AGETOOL" decrypt -i "$TMP/egg.key" <"$3" >/dev/null 2>"$TMP/err"
  local rc=$?
  if [[ $rc == "$1" ]]; then ok "$2 -> exit $rc ($(head -c 120 "$TMP/err"))"; else bad "$2 -> exit $rc, want $1 ($(cat "$TMP/err"))"; fi
}
for off in 0 5 21 $((HL - 20)) $((HL - 2)) $((HL + 3)) $P0 $((P0 + K)) $((P0 + K + 16)) $((P0 + 2 * (K + 16) + 7)) $((SIZE - 1)) $((SIZE - 20)); do
  cp "$TMP/a.age" "$TMP/t"
  b=$(od -An -tu1 -j "$off" -N1 "$TMP/t" | tr -d ' ')
  printf "$(printf '\\%03o' $(((b ^ 1) & 255)))" | dd of="$TMP/t" bs=1 seek="$off" conv=notrunc status=none
  expect_code 5 "flip byte at $off of $SIZE" "$TMP/t"
done
for len in 0 10 $((HL - 1)) $HL $((P0 - 1)) $P0 $((P0 + K + 16)) $((P0 + 2 * (K + 16))) $((P0 + 3 * (K + 16))) $((SIZE - 1)); do
  head -c "$len" "$TMP/a.age" >"$TMP/t"
  expect_code 5 "truncate to $len of $SIZE" "$TMP/t"
done
{ cat "$TMP/a.age"; printf 'x'; } >"$TMP/t"
expect_code 5 "one byte appended after the (short) final chunk" "$TMP/t"
head -c $K /dev/urandom | age -r "$EGG_R" >"$TMP/full.age"
{ cat "$TMP/full.age"; printf 'x'; } >"$TMP/t"
expect_code 5 "one byte appended after a full-size final chunk" "$TMP/t"
{ head -c "$P0" "$TMP/a.age"; tail -c +$((P0 + K + 16 + 1)) "$TMP/a.age" | head -c $((K + 16)); tail -c +$((P0 + 1)) "$TMP/a.age" | head -c $((K + 16));
  tail -c +$((P0 + 2 * (K + 16) + 1)) "$TMP/a.age"; } >"$TMP/t"
[[ $(stat -c %s "$TMP/t") == "$SIZE" ]] || bad "swap construction"
expect_code 5 "chunks 0 and 1 swapped" "$TMP/t"
age -r "$AGE_R" -o "$TMP/t" "$TMP/p"
expect_code 3 "a file for another recipient" "$TMP/t"
# And age itself rejects egg's truncated file (egg writes the final-chunk flag age expects).
"$AGETOOL" encrypt -r "$AGE_R" <"$TMP/p" | head -c $((P0 + 2 * (K + 16))) >"$TMP/t"
if age -d -i "$TMP/age.key" -o /dev/null "$TMP/t" 2>/dev/null; then bad "age accepted egg's file cut at a chunk boundary"
else ok "age rejects egg's file cut at a chunk boundary"; fi

# Bounded memory: 256 MiB through each direction; peak RSS (KiB) must stay small.
# agetool's own peak RSS (getrusage RUSAGE_SELF, KiB), reported on stderr with AGETOOL_REPORT_RSS.
rss() { sed -n 's/^maxrss_kib //p' "$1"; }
head -c 268435456 /dev/zero | AGETOOL_REPORT_RSS=1 "$AGETOOL" encrypt -r "$EGG_R" >"$TMP/big.age" 2>"$TMP/rss1"
AGETOOL_REPORT_RSS=1 "$AGETOOL" decrypt -i "$TMP/egg.key" <"$TMP/big.age" 2>"$TMP/rss2" | sha256sum >"$TMP/big.sum"
R1=$(rss "$TMP/rss1")
R2=$(rss "$TMP/rss2")
WANT=$(head -c 268435456 /dev/zero | sha256sum)
[[ $(cat "$TMP/big.sum") == "$WANT" ]] && ok "256 MiB round trip" || bad "256 MiB round trip"
[[ ${R1:-999999} -lt 20000 ]] && ok "encrypt 256 MiB peak RSS ${R1} KiB (< 20 MiB)" || bad "encrypt peak RSS ${R1} KiB"
[[ ${R2:-999999} -lt 20000 ]] && ok "decrypt 256 MiB peak RSS ${R2} KiB (< 20 MiB)" || bad "decrypt peak RSS ${R2} KiB"

finish
