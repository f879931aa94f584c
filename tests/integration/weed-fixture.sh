# A SeaweedFS S3 server of a test's own (sourced by backup.sh and s3-sigv4-peer.sh; files ending
# in fixture.sh are helpers, not tests). $WEED overrides the binary (default: the test kit's).
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
  "${WEED:-${EGG_CACHE:-$HOME/.cache/egg}/bin/weed}" server -dir="$dir/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
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
