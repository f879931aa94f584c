#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 and runs each for a bounded time (default 30 s;
# FUZZ_SECONDS overrides). Exit non-zero if a target crashes or fails to build.
# Usage: tests/fuzz/run.sh [build-dir]     (default build/fuzz)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build/fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-30}
TARGETS=(fuzz_keyring fuzz_sealed fuzz_recovery_key)

CC=clang-14 CXX=clang++-14 cmake -S "$ROOT" -B "$BUILD" -G Ninja -DEGG_FUZZ=ON -DEGG_TESTS=ON >/dev/null
ninja -C "$BUILD" "${TARGETS[@]}"

SEEDS="$BUILD/fuzz-seeds"
mkdir -p "$SEEDS"
# Seed corpora: valid files made by the real code paths are the best starting points.
python3 - "$SEEDS" <<'PY'
import os, sys, hashlib
d = sys.argv[1]
def with_sum(b): return b + hashlib.blake2b(b, digest_size=32).digest()
for t in ("fuzz_keyring", "fuzz_sealed", "fuzz_recovery_key"):
    os.makedirs(os.path.join(d, t), exist_ok=True)
hdr = b"EGGKRING" + (1).to_bytes(2, "big") + (1700000000).to_bytes(8, "big") + bytes([2])
pslot = bytes([1]) + (1).to_bytes(4, "big") + bytes(16) + (2).to_bytes(8, "big") + (64 << 20).to_bytes(8, "big") + bytes(24 + 48)
rslot = bytes([2]) + (2).to_bytes(4, "big") + bytes(24 + 48)
open(os.path.join(d, "fuzz_keyring", "valid"), "wb").write(with_sum(hdr + pslot + rslot + bytes(32)))
entries = (1).to_bytes(4, "big") + (3).to_bytes(2, "big") + b"a/b" + (1).to_bytes(8, "big") + (5).to_bytes(8, "big") + (4).to_bytes(4, "big") + b"\x00\x01\x02\x03"
open(os.path.join(d, "fuzz_sealed", "entries"), "wb").write(entries)
open(os.path.join(d, "fuzz_sealed", "container"), "wb").write(with_sum(b"EGGSEALD" + (1).to_bytes(2, "big") + bytes(24) + bytes(20)))
open(os.path.join(d, "fuzz_recovery_key", "shape"), "w").write("-".join(["00001"] * 13))
PY

status=0
for t in "${TARGETS[@]}"; do
  corpus="$BUILD/fuzz-corpus/$t"
  mkdir -p "$corpus"
  echo "== $t: ${SECONDS_EACH}s"
  if ! (cd "$BUILD" && "./tests/fuzz/$t" -max_total_time="$SECONDS_EACH" -max_len=4096 -print_final_stats=1 \
        "$corpus" "$SEEDS/$t" 2>"$BUILD/$t.log"); then
    echo "FAIL: $t crashed; see $BUILD/$t.log (crash input saved in $BUILD)" >&2
    tail -40 "$BUILD/$t.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$BUILD/$t.log" | tail -2
  fi
done
exit $status
