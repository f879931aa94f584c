#!/usr/bin/env bash
# Benchmark of `egg up` (docs/benchmarks.md): cold up with every image already local (from an
# empty instance: no containers, volumes, network or state) and no-op up on a converged host,
# each as the median of several runs. Targets: cold < 60 s, no-op < 1 s.
# Usage: scripts/bench-up.sh [cold runs (5)] [no-op runs (10)]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
COLD_RUNS=${1:-5}
NOOP_RUNS=${2:-10}
EGG=${EGG:-$ROOT/build/dev/egg/egg}
scripts/build-test-images.sh >/dev/null
[ -x "$EGG" ] || { cmake -S . -B build/dev -G Ninja >/dev/null && ninja -C build/dev egg >/dev/null; }

W=$(mktemp -d /tmp/egg-bench-XXXXXX)
chmod 700 "$W"
printf 'benchmark passphrase 0123\n' > "$W/pass"
chmod 600 "$W/pass"
G=(--config "$W/egg.json" --state-dir "$W/state" --manifest "$ROOT/build/test-images/manifest.json" --passphrase-file "$W/pass")
trap '"$EGG" "${G[@]}" destroy --yes >/dev/null 2>&1; rm -rf "$W"' EXIT
"$EGG" --config "$W/egg.json" --instance eggbench init --domain bench.localhost --s3-flavor seaweedfs --disable forgejo \
  --http-port 28080 --https-port 28443 --ssh-port 22222 >/dev/null
jq '.ports.postgres = 25432 | .ports.vault = 28200 | .ports.s3 = 29000' "$W/egg.json" > "$W/t" && mv "$W/t" "$W/egg.json"
chmod 600 "$W/egg.json"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }

# The KDF runs once per cold up (keyring creation); MODERATE is the production default and is
# included. EGG_TEST_FAST_KDF is NOT set here.
cold=()
for i in $(seq "$COLD_RUNS"); do
  "$EGG" "${G[@]}" destroy --yes >/dev/null 2>&1 || true
  t0=$(now)
  "$EGG" "${G[@]}" up >/dev/null 2>"$W/err" || { cat "$W/err"; exit 1; }
  t1=$(now)
  cold+=("$(echo "$t1 - $t0" | bc)")
  echo "cold up $i: ${cold[-1]} s"
done
"$EGG" "${G[@]}" status >/dev/null
noop=()
for i in $(seq "$NOOP_RUNS"); do
  t0=$(now)
  "$EGG" "${G[@]}" up > "$W/out" 2>&1
  t1=$(now)
  grep -q "nothing to change" "$W/out" || { echo "no-op up changed something:"; cat "$W/out"; exit 1; }
  noop+=("$(echo "$t1 - $t0" | bc)")
done
echo "no-op up runs: ${noop[*]}"
printf 'cold up (images local), median of %d: %s s (target < 60 s)\n' "$COLD_RUNS" "$(printf '%s\n' "${cold[@]}" | median)"
printf 'no-op up, median of %d: %s s (target < 1 s)\n' "$NOOP_RUNS" "$(printf '%s\n' "${noop[@]}" | median)"
