# Shared helpers for integration scripts: checks that count, and the egg binary and test images.
# Source it; it sets ROOT, EGG, MANIFEST and the counters; `finish` prints "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
EGG=${EGG:-$ROOT/build/dev/egg/egg}
MANIFEST=$ROOT/build/test-images/manifest.json
TOOLS=${EGG_CACHE:-$HOME/.cache/egg}/bin
PASSED=0
FAILED=0

pass() { PASSED=$((PASSED + 1)); echo "ok   - $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $*"; }
# check "description" command...: passes when the command exits 0.
check() {
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}
# check_exit CODE "description" command...
check_exit() {
  local want=$1 what=$2
  shift 2
  "$@" >/dev/null 2>&1
  local got=$?
  if [ "$got" -eq "$want" ]; then pass "$what (exit $got)"; else fail "$what (exit $got, want $want)"; fi
}
finish() {
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}
need_test_images() {
  "$ROOT/scripts/build-test-images.sh" >/dev/null || { echo "build-test-images.sh failed"; exit 1; }
}
