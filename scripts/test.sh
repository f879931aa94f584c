#!/usr/bin/env bash
# egg's one test command (README, .ci/run): installs dependencies, builds, and runs every unit and
# integration test. Exits non-zero if anything fails. Options:
#   --unit    unit and CLI tests only (no images, no static build, no fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MODE=${1:-all}
T0=$(date +%s)

log() { printf '\n==> %s\n' "$*"; }

log "installing dependencies"
scripts/install-deps.sh

# ccache hits across clones: paths relative to the checkout, build dir not hashed.
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
log "building (dev build, build/dev)"
cmake -S . -B build/dev -G Ninja -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
ninja -C build/dev

passed=0
failed=0
failures=()

# Runs one suite, echoing its output, and adds its "N passed, N failed" closing line to the totals.
suite() {
  local name=$1
  shift
  local out rc t1 rec
  t1=$(date +%s)
  log "$name"
  # The suite's output streams to stdout and is kept in a file for its closing line. (Not
  # `tee /dev/stderr`: when stderr is a file, reopening it truncates it.)
  rec=$(mktemp)
  set +e
  "$@" 2>&1 | tee "$rec"
  rc=${PIPESTATUS[0]}
  set -e
  out=$(tail -n 5 "$rec")
  rm -f "$rec"
  local line p f
  line=$(printf '%s\n' "$out" | grep -E '^[A-Za-z]*:? ?[0-9]+ passed, [0-9]+ failed' | tail -n 1 || true)
  if [ -n "$line" ]; then
    p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+')
    f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+')
  else
    p=$((rc == 0 ? 1 : 0))
    f=$((rc == 0 ? 0 : 1))
  fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$rc" -ne 0 ] && failures+=("$name (exit $rc)")
  printf '<== %s: %s passed, %s failed in %ss\n' "$name" "$p" "$f" "$(($(date +%s) - t1))"
}

# ctest's own summary ("100% tests passed, 0 tests failed out of 199") as "N passed, N failed".
ctest_suite() {
  local rec rc total failed
  rec=$(mktemp)
  ctest --test-dir build/dev --output-on-failure -j2 --timeout 600 2>&1 | tee "$rec"
  rc=${PIPESTATUS[0]}
  total=$(sed -nE 's/.*tests failed out of ([0-9]+).*/\1/p' "$rec" | tail -n 1)
  failed=$(sed -nE 's/.* ([0-9]+) tests failed out of.*/\1/p' "$rec" | tail -n 1)
  rm -f "$rec"
  if [ -z "$total" ]; then total=0; failed=1; fi
  echo "$((total - failed)) passed, $failed failed"
  return "$rc"
}
suite "unit and CLI tests (ctest)" ctest_suite

if [ "$MODE" != "--unit" ]; then
  # Files ending in lib.sh or fixture.sh are helpers, not tests.
  for t in tests/integration/*.sh; do
    case "$t" in *lib.sh | *fixture.sh) continue ;; esac
    suite "integration: $(basename "$t" .sh)" bash "$t"
  done
  if [ -x tests/fuzz/run.sh ]; then
    suite "fuzzing (bounded)" tests/fuzz/run.sh
  fi
fi

log "summary ($(($(date +%s) - T0))s)"
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#failures[@]} -eq 0 ]
