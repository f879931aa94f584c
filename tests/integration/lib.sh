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
# start_weed DIR ACCESS_KEY SECRET_KEY: a SeaweedFS S3 server of the test's own on loopback (free
# ports only; weed opens a gRPC port beside most HTTP ports). Sets WEED_PID and WEED_EP; waits
# until the S3 port answers HTTP. Stop it with: kill "$WEED_PID".
start_weed() {
  local dir=$1 ak=$2 sk=$3 ports
  read -r -a ports < <(python3 -c 'import socket
ss=[socket.socket() for _ in range(12)]
[s.bind(("127.0.0.1",0)) for s in ss]
print(*[s.getsockname()[1] for s in ss])')
  mkdir -p "$dir/data"
  printf '{"identities":[{"name":"egg-test","credentials":[{"accessKey":"%s","secretKey":"%s"}],"actions":["Admin","Read","List","Tagging","Write"]}]}\n' \
    "$ak" "$sk" > "$dir/s3.json"
  "$TOOLS/weed" server -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="${ports[0]}" -master.port.grpc="${ports[1]}" -master.volumeSizeLimitMB=64 \
    -volume.port="${ports[2]}" -volume.port.grpc="${ports[3]}" -volume.max=8 \
    -filer.port="${ports[4]}" -filer.port.grpc="${ports[5]}" \
    -s3 -s3.port="${ports[6]}" -s3.port.grpc="${ports[7]}" -s3.port.iceberg="${ports[8]}" -s3.port.lance="${ports[9]}" \
    -s3.config="$dir/s3.json" -iam=false -iam.port="${ports[10]}" -metricsPort="${ports[11]}" \
    > "$dir/weed.log" 2>&1 &
  WEED_PID=$!
  WEED_EP=http://127.0.0.1:${ports[6]}
  for _ in $(seq 1 120); do
    kill -0 "$WEED_PID" 2>/dev/null || break
    curl -s -o /dev/null "$WEED_EP/" && return 0
    sleep 0.5
  done
  echo "SeaweedFS did not start; log tail:"; tail -20 "$dir/weed.log"
  return 1
}
